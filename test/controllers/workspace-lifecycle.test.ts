/**
 * The workspace controllers on a registry without HTTP: what survives a restart (resync), custom
 * initializers and their hand-over, deletion of a workspace that was never scheduled, directly
 * deletable logical clusters, and the machinery a workspace costs (none once it is Ready).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { finishInitializer, namespaceLifecycle, startTenancyControllers, type RunningControllers } from '../../src/controllers/index.js';
import type { KubeObject } from '../../src/meta/index.js';
import { configMaps, namespaces, Registry, SYSTEM_USER } from '../../src/registry/index.js';
import { EmbeddedStore } from '../../src/storage/index.js';
import {
  ensureRootCluster,
  LOGICAL_CLUSTER_NAME,
  logicalClusters,
  requiredLogicalCluster,
  storeResolver,
  workspaceDefaulting,
  workspaceGuard,
  workspaces,
  workspaceTypes,
  WorkspaceTypeRules,
} from '../../src/tenancy/index.js';
import { eventually } from '../support/eventually.js';

const root = { cluster: 'root' };
let open: { store: EmbeddedStore; running: RunningControllers[] } | undefined;

afterEach(async () => {
  for (const c of open?.running ?? []) await c.stop();
  await open?.store.close();
  open = undefined;
});

async function setup() {
  const store = new EmbeddedStore();
  const registry = new Registry(store, { createRequires: requiredLogicalCluster });
  registry.use(namespaceLifecycle(registry));
  const rules = new WorkspaceTypeRules(registry, storeResolver(store));
  registry.useMutating(workspaceDefaulting({ registry, rules, baseUrl: () => 'https://atoll.test' }));
  registry.use(workspaceGuard());
  await ensureRootCluster(registry);
  // Only the tenancy controllers run here: without the APIs controllers nobody binds root's system
  // exports, so universal workspaces would wait for that initializer forever.
  const universal = await registry.get(root, workspaceTypes, undefined, 'universal');
  await registry.update(root, workspaceTypes, undefined, 'universal', { ...universal, spec: { ...(universal.spec as object), defaultAPIBindings: [] } });
  open = { store, running: [] };
  const start = async (): Promise<RunningControllers> => {
    const c = startTenancyControllers({ registry, rules, baseUrl: () => 'https://atoll.test' });
    open?.running.push(c);
    await c.synced;
    return c;
  };
  const get = (name: string, ctx = root): Promise<KubeObject> => registry.get(ctx, workspaces, undefined, name);
  const phase = async (name: string, ctx = root): Promise<string | undefined> => ((await get(name, ctx)).status as { phase?: string } | undefined)?.phase;
  return { store, registry, start, get, phase };
}

describe('workspace controllers', () => {
  it('pick up workspaces created while they were down', async () => {
    const { registry, start, phase, get } = await setup();
    await registry.create(root, workspaces, undefined, { metadata: { name: 'early' } });
    expect(await phase('early')).toBe('Scheduling');
    await start();
    await eventually(async () => expect(await phase('early')).toBe('Ready'));
    const cluster = (((await get('early')).spec as { cluster: string }).cluster);
    await registry.get({ cluster }, namespaces, undefined, 'default');
  });

  it('wait for every initializer of the type chain, each removed by its own controller', async () => {
    const { registry, start, phase, get } = await setup();
    await registry.create(root, workspaceTypes, undefined, {
      metadata: { name: 'audited' },
      spec: { initializer: true, extend: { with: [{ name: 'universal', path: 'root' }] }, limitAllowedParents: { types: [{ name: 'root', path: 'root' }] } },
    });
    await start();
    await registry.create(root, workspaces, undefined, { metadata: { name: 'slow' }, spec: { type: { name: 'audited' } } });
    await eventually(async () => {
      const ws = await get('slow');
      expect(ws.status).toMatchObject({ phase: 'Initializing', initializers: ['root:audited'] });
    });
    const cluster = ((await get('slow')).spec as { cluster: string }).cluster;
    // The universal part is done (default namespace), the custom one waits for its controller.
    await registry.get({ cluster }, namespaces, undefined, 'default');
    await finishInitializer(registry, cluster, 'root:audited');
    await eventually(async () => expect(await phase('slow')).toBe('Ready'));
  });

  it('release a workspace deleted before it was ever scheduled', async () => {
    const { registry, start, store } = await setup();
    await registry.create(root, workspaces, undefined, { metadata: { name: 'never' } });
    const { deleted } = await registry.delete(root, workspaces, undefined, 'never');
    expect(deleted).toBe(false);
    await start();
    await eventually(async () => expect(await store.get({ cluster: 'root', resource: 'workspaces.tenancy.kcp.io', namespace: '', name: 'never' })).toBeUndefined());
  });

  it('purge a directly deletable logical cluster and release its Workspace', async () => {
    const { registry, start, store, phase, get } = await setup();
    await start();
    await registry.create(root, workspaces, undefined, { metadata: { name: 'self-service' } });
    await eventually(async () => expect(await phase('self-service')).toBe('Ready'));
    const cluster = ((await get('self-service')).spec as { cluster: string }).cluster;
    const system = { cluster, user: SYSTEM_USER };
    const lc = await registry.get(system, logicalClusters, undefined, LOGICAL_CLUSTER_NAME);
    await registry.update(system, logicalClusters, undefined, LOGICAL_CLUSTER_NAME, { ...lc, spec: { ...(lc.spec ?? {}), directlyDeletable: true } });
    // From inside the workspace, by a client (no system user).
    await registry.delete({ cluster }, logicalClusters, undefined, LOGICAL_CLUSTER_NAME);
    await eventually(async () => expect(await store.get({ cluster: 'root', resource: 'workspaces.tenancy.kcp.io', namespace: '', name: 'self-service' })).toBeUndefined());
    expect((await store.list({ cluster, resource: 'namespaces' })).items).toEqual([]);
  });

  it('cost a fixed number of watches, whatever the number of workspaces', async () => {
    const { registry, start, store, phase } = await setup();
    await start();
    const watches = store.watcherCount;
    const names = Array.from({ length: 40 }, (_, i) => `w${i}`);
    await Promise.all(names.map((name) => registry.create(root, workspaces, undefined, { metadata: { name } })));
    await eventually(async () => {
      for (const name of names) expect(await phase(name)).toBe('Ready');
    });
    expect(store.watcherCount).toBe(watches);
  });

  it('refuse creates in a logical cluster that does not exist or was purged', async () => {
    const { registry, start, phase, get, store } = await setup();
    await start();
    const stray = await registry.create({ cluster: 'nosuchcluster' }, namespaces, undefined, { metadata: { name: 'x' } }).catch((e: unknown) => e);
    expect(stray).toMatchObject({ reason: 'NotFound', message: 'logical cluster nosuchcluster does not exist (any more)' });
    await registry.create(root, workspaces, undefined, { metadata: { name: 'brief' } });
    await eventually(async () => expect(await phase('brief')).toBe('Ready'));
    const cluster = ((await get('brief')).spec as { cluster: string }).cluster;
    await registry.delete(root, workspaces, undefined, 'brief');
    await eventually(async () => expect(await store.get({ cluster: 'root', resource: 'workspaces.tenancy.kcp.io', namespace: '', name: 'brief' })).toBeUndefined());
    const late = await registry.create({ cluster }, configMaps, 'default', { metadata: { name: 'late' } }).catch((e: unknown) => e);
    expect(late).toMatchObject({ reason: 'NotFound' });
    expect((await store.list({ cluster, resource: 'configmaps' })).items).toEqual([]);
  });
});
