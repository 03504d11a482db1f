/**
 * Shard objects (core.kcp.io/v1alpha1): the kind's validation and defaulting, a shard's own
 * registration at start (addresses brought up to date, an administrator's labels kept), and
 * `kubectl get shards` in root of a server process, which is the root shard.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Registry, isApiError } from '../../src/registry/index.js';
import { EmbeddedStore } from '../../src/storage/index.js';
import { ensureRootCluster, registerShard, registryShards, requiredLogicalCluster, shards, specOfShard, workspaceGuard } from '../../src/tenancy/index.js';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { haveKubectl } from '../support/kubectl.js';

const root = { cluster: 'root' };
let store: EmbeddedStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function rootRegistry(): Promise<Registry> {
  store = new EmbeddedStore();
  const registry = new Registry(store, { createRequires: requiredLogicalCluster });
  await ensureRootCluster(registry);
  return registry;
}

describe('the Shard kind', () => {
  it('defaults both other addresses to the base URL', async () => {
    const registry = await rootRegistry();
    const created = await registry.create(root, shards, undefined, { metadata: { name: 'alpha' }, spec: { baseURL: 'https://10.0.0.2:6443' } });
    expect(created.spec).toEqual({ baseURL: 'https://10.0.0.2:6443', externalURL: 'https://10.0.0.2:6443', virtualWorkspaceURL: 'https://10.0.0.2:6443' });
  });

  it.each([
    [{}, 'spec.baseURL'],
    [{ baseURL: 'not a url' }, 'spec.baseURL'],
    [{ baseURL: 'ftp://10.0.0.2' }, 'spec.baseURL'],
    [{ baseURL: 'https://a', externalURL: '/relative' }, 'spec.externalURL'],
  ])('refuses %j with 422 at %s', async (spec, field) => {
    const registry = await rootRegistry();
    const err: unknown = await registry.create(root, shards, undefined, { metadata: { name: 'bad' }, spec }).catch((e: unknown) => e);
    expect(isApiError(err) && err.code).toBe(422);
    expect(JSON.stringify(isApiError(err) ? err.toStatus() : err)).toContain(field);
  });
});

describe('where Shards may be created', () => {
  it('in root only: a namesake in another workspace is refused with 403', async () => {
    store = new EmbeddedStore();
    const registry = new Registry(store);
    registry.use(workspaceGuard());
    const shard = { metadata: { name: 'evil' }, spec: { baseURL: 'https://attacker.example' } };
    const err: unknown = await registry.create({ cluster: 'tenant' }, shards, undefined, shard).catch((e: unknown) => e);
    expect(isApiError(err) && err.code).toBe(403);
    expect((await registry.create({ cluster: 'root' }, shards, undefined, shard)).metadata.name).toBe('evil');
  });
});

describe('a shard registering itself', () => {
  it('creates its Shard, then keeps its addresses current and an administrator’s labels', async () => {
    const registry = await rootRegistry();
    await registerShard(registryShards(registry), 'root', { baseURL: 'https://127.0.0.1:6443' });
    const first = await registry.get(root, shards, undefined, 'root');
    expect(specOfShard(first).externalURL).toBe('https://127.0.0.1:6443');
    await registry.update(root, shards, undefined, 'root', { ...first, metadata: { ...first.metadata, labels: { region: 'eu' } } });
    await registerShard(registryShards(registry), 'root', { baseURL: 'https://127.0.0.1:7443', externalURL: 'https://proxy.example:443' });
    const now = await registry.get(root, shards, undefined, 'root');
    expect(now.metadata.labels).toEqual({ region: 'eu' });
    expect(now.spec).toEqual({ baseURL: 'https://127.0.0.1:7443', externalURL: 'https://proxy.example:443', virtualWorkspaceURL: 'https://127.0.0.1:7443' });
    const rv = now.metadata.resourceVersion;
    await registerShard(registryShards(registry), 'root', { baseURL: 'https://127.0.0.1:7443', externalURL: 'https://proxy.example:443' });
    expect((await registry.get(root, shards, undefined, 'root')).metadata.resourceVersion).toBe(rv);
  });
});

describe.skipIf(!haveKubectl)('kubectl get shards in root (skipped without kubectl)', () => {
  const fx = useKubectlAtoll('atoll-shards');
  it('lists the root shard with the address the server listens on', async () => {
    const out = await fx.k.ok(['get', 'shards']);
    expect(out).toMatch(/^NAME\s+REGION\s+URL\s+EXTERNAL URL\s+AGE/);
    expect(out).toContain(`root   <none>   ${fx.atoll.url}   ${fx.atoll.url}`);
    const shard = JSON.parse(await fx.k.ok(['get', 'shard', 'root', '-o', 'json'])) as { apiVersion: string; spec: { baseURL: string } };
    expect(shard.apiVersion).toBe('core.kcp.io/v1alpha1');
    expect(shard.spec.baseURL).toBe(fx.atoll.url);
  });
});
