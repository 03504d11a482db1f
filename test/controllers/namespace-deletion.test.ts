/** The namespace controller: emptying terminating namespaces and releasing them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { configMaps, namespaces, secrets, serviceAccounts, type RequestContext } from '../../src/registry/index.js';
import { createNamespace, eventually, exists, fixture, type Fixture } from './support/fixture.js';

let f: Fixture;
const a: RequestContext = { cluster: 'cluster-a' };
const b: RequestContext = { cluster: 'cluster-b' };

beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.close();
});

const cm = (name: string, finalizers?: string[]) => ({ metadata: { name, ...(finalizers ? { finalizers } : {}) }, data: { k: name } });
const secret = (name: string) => ({ metadata: { name }, stringData: { k: name } });

async function fill(ctx: RequestContext, ns: string, holdOne: boolean): Promise<void> {
  await createNamespace(f.registry, ctx, ns);
  for (let i = 0; i < 5; i++) await f.registry.create(ctx, configMaps, ns, cm(`cm-${i}`));
  for (let i = 0; i < 3; i++) await f.registry.create(ctx, secrets, ns, secret(`s-${i}`));
  await f.registry.create(ctx, serviceAccounts, ns, { metadata: { name: 'builder' } });
  if (holdOne) await f.registry.create(ctx, configMaps, ns, cm('held', ['example.com/hold']));
}

const names = async (ctx: RequestContext, ns: string) => ({
  configmaps: (await f.registry.list(ctx, configMaps, { namespace: ns })).items.map((o) => o.metadata.name),
  secrets: (await f.registry.list(ctx, secrets, { namespace: ns })).items.map((o) => o.metadata.name),
  serviceaccounts: (await f.registry.list(ctx, serviceAccounts, { namespace: ns })).items.map((o) => o.metadata.name),
});

const namespaceGone = async (ctx: RequestContext, name: string) => {
  expect(await exists(() => f.registry.get(ctx, namespaces, undefined, name))).toBe(false);
};

async function release(ctx: RequestContext, ns: string, name: string): Promise<void> {
  const held = await f.registry.get(ctx, configMaps, ns, name);
  await f.registry.update(ctx, configMaps, ns, name, { ...held, metadata: { ...held.metadata, finalizers: [] } });
}

const conditions = (ns: KubeObject) => (ns.status as { conditions?: { type: string; status: string; reason: string; message: string }[] }).conditions ?? [];

describe('namespace deletion', () => {
  it('empties a terminating namespace, waits for finalizers, then removes it', async () => {
    await f.start();
    await fill(a, 'team', true);
    await fill(a, 'neighbour', false);
    await f.registry.delete(a, namespaces, undefined, 'team');

    // Everything without a finalizer goes; the held ConfigMap waits, and so does the namespace.
    await eventually(async () => {
      expect(await names(a, 'team')).toEqual({ configmaps: ['held'], secrets: [], serviceaccounts: [] });
      const ns = await f.registry.get(a, namespaces, undefined, 'team');
      expect(ns.status).toMatchObject({ phase: 'Terminating' });
      expect(conditions(ns)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances' }),
          expect.objectContaining({ type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizerRemain', message: 'Some finalizers are remaining: example.com/hold in 1 resource instances' }),
          expect.objectContaining({ type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted' }),
          expect.objectContaining({ type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered' }),
        ]),
      );
    });
    expect((await f.registry.get(a, configMaps, 'team', 'held')).metadata.deletionTimestamp).toBeDefined();

    await release(a, 'team', 'held');
    await eventually(() => namespaceGone(a, 'team'));
    expect(await names(a, 'team')).toEqual({ configmaps: [], secrets: [], serviceaccounts: [] });
    // A neighbouring namespace is untouched.
    expect(await names(a, 'neighbour')).toEqual({
      configmaps: ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4'],
      secrets: ['s-0', 's-1', 's-2'],
      serviceaccounts: ['builder'],
    });
  });

  it('leaves a namespace with other spec finalizers Terminating once its content is gone', async () => {
    await f.start();
    await createNamespace(f.registry, a, 'kept', ['example.com/mine']);
    await f.registry.create(a, configMaps, 'kept', cm('c'));
    await f.registry.delete(a, namespaces, undefined, 'kept');
    await eventually(async () => {
      const ns = await f.registry.get(a, namespaces, undefined, 'kept');
      expect(ns.spec).toEqual({ finalizers: ['example.com/mine'] });
    });
    expect(await names(a, 'kept')).toEqual({ configmaps: [], secrets: [], serviceaccounts: [] });
    const ns = await f.registry.get(a, namespaces, undefined, 'kept');
    await f.registry.update(a, namespaces, undefined, 'kept', { ...ns, spec: { finalizers: [] } }, { subresource: 'finalize' });
    await namespaceGone(a, 'kept');
  });

  it('finishes namespaces that were terminating before the controller (re)started', async () => {
    // Deleted while no controller runs.
    await fill(a, 'before', false);
    await f.registry.delete(a, namespaces, undefined, 'before');
    // Half done when the controller stops: a finalizer holds it.
    const first = await f.start();
    await fill(a, 'midway', true);
    await f.registry.delete(a, namespaces, undefined, 'midway');
    await eventually(async () => expect((await names(a, 'midway')).configmaps).toEqual(['held']));
    await eventually(() => namespaceGone(a, 'before'));
    await first.stop();

    await createNamespace(f.registry, a, 'later');
    await f.registry.create(a, secrets, 'later', secret('x'));
    await f.registry.delete(a, namespaces, undefined, 'later');
    await release(a, 'midway', 'held');
    expect(await exists(() => f.registry.get(a, namespaces, undefined, 'midway'))).toBe(true);

    await f.start();
    await eventually(async () => {
      await namespaceGone(a, 'midway');
      await namespaceGone(a, 'later');
    });
    expect(await names(a, 'later')).toEqual({ configmaps: [], secrets: [], serviceaccounts: [] });
  });

  it('deleting namespace x in one logical cluster leaves x in another untouched', async () => {
    await f.start();
    await fill(a, 'x', false);
    await fill(b, 'x', false);
    await f.registry.delete(a, namespaces, undefined, 'x');
    await eventually(() => namespaceGone(a, 'x'));
    expect(await names(a, 'x')).toEqual({ configmaps: [], secrets: [], serviceaccounts: [] });

    const other = await f.registry.get(b, namespaces, undefined, 'x');
    expect(other.metadata.deletionTimestamp).toBeUndefined();
    expect(other.status).toEqual({ phase: 'Active' });
    expect(await names(b, 'x')).toEqual({
      configmaps: ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4'],
      secrets: ['s-0', 's-1', 's-2'],
      serviceaccounts: ['builder'],
    });
  });

  it('empties many namespaces at once', async () => {
    await f.start();
    const all = Array.from({ length: 12 }, (_, i) => `bulk-${i}`);
    for (const ns of all) {
      await createNamespace(f.registry, a, ns);
      await Promise.all(Array.from({ length: 20 }, (_, i) => f.registry.create(a, configMaps, ns, cm(`c-${i}`))));
    }
    await Promise.all(all.map((ns) => f.registry.delete(a, namespaces, undefined, ns)));
    await eventually(async () => {
      for (const ns of all) await namespaceGone(a, ns);
    });
    expect((await f.registry.list(a, configMaps)).items).toEqual([]);
  });
});
