/** The garbage collector: Background, Foreground and Orphan propagation, dangling owners. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../src/meta/index.js';
import { configMaps, namespaces, type RequestContext } from '../../src/registry/index.js';
import { createNamespace, eventually, exists, fixture, type Fixture } from './support/fixture.js';

let f: Fixture;
const ctx: RequestContext = { cluster: 'cluster-a' };
const other: RequestContext = { cluster: 'cluster-b' };

beforeEach(async () => {
  f = fixture();
  await createNamespace(f.registry, ctx, 'default');
  await createNamespace(f.registry, other, 'default');
});
afterEach(async () => {
  await f.close();
});

const ownedBy = (owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: owner.apiVersion ?? 'v1',
  kind: owner.kind ?? '',
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  ...extra,
});

async function cm(c: RequestContext, name: string, owners: OwnerReference[] = [], finalizers?: string[]): Promise<KubeObject> {
  return f.registry.create(c, configMaps, 'default', {
    metadata: { name, ...(owners.length ? { ownerReferences: owners } : {}), ...(finalizers ? { finalizers } : {}) },
    data: { k: name },
  });
}

const present = (c: RequestContext, name: string) => exists(() => f.registry.get(c, configMaps, 'default', name));
const get = (c: RequestContext, name: string) => f.registry.get(c, configMaps, 'default', name);

describe('garbage collector', () => {
  it('Background: deleting an owner ConfigMap deletes its dependents, down the chain', async () => {
    await f.start();
    const parent = await cm(ctx, 'parent');
    const child = await cm(ctx, 'child', [ownedBy(parent)]);
    await cm(ctx, 'grandchild', [ownedBy(child)]);
    await cm(ctx, 'sibling', [ownedBy(parent)]);
    await cm(ctx, 'unrelated');

    await f.registry.delete(ctx, configMaps, 'default', 'parent');
    await eventually(async () => {
      expect(await present(ctx, 'child')).toBe(false);
      expect(await present(ctx, 'sibling')).toBe(false);
      expect(await present(ctx, 'grandchild')).toBe(false);
    });
    expect(await present(ctx, 'unrelated')).toBe(true);
  });

  it('Background: dependents of a namespace-less owner (a Namespace) are deleted with it', async () => {
    await f.start();
    const owner = await createNamespace(f.registry, ctx, 'owner');
    await cm(ctx, 'a', [ownedBy(owner)]);
    await cm(ctx, 'b', [ownedBy(owner)]);
    await f.registry.delete(ctx, namespaces, undefined, 'owner');
    await eventually(async () => {
      expect(await exists(() => f.registry.get(ctx, namespaces, undefined, 'owner'))).toBe(false);
      expect(await present(ctx, 'a')).toBe(false);
      expect(await present(ctx, 'b')).toBe(false);
    });
  });

  it('Foreground: the owner stays until blocking dependents are gone', async () => {
    await f.start();
    const parent = await cm(ctx, 'parent');
    await cm(ctx, 'blocker', [ownedBy(parent, { blockOwnerDeletion: true })], ['example.com/hold']);
    await cm(ctx, 'loose', [ownedBy(parent)]);

    const r = await f.registry.delete(ctx, configMaps, 'default', 'parent', { propagationPolicy: 'Foreground' });
    expect(r.deleted).toBe(false);
    await eventually(async () => {
      expect(await present(ctx, 'loose')).toBe(false);
      expect((await get(ctx, 'blocker')).metadata.deletionTimestamp).toBeDefined();
    });
    // The blocking dependent lingers on its finalizer, and so does the owner.
    const waiting = await get(ctx, 'parent');
    expect(waiting.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(waiting.metadata.deletionTimestamp).toBeDefined();

    const blocker = await get(ctx, 'blocker');
    await f.registry.update(ctx, configMaps, 'default', 'blocker', { ...blocker, metadata: { ...blocker.metadata, finalizers: [] } });
    await eventually(async () => expect(await present(ctx, 'parent')).toBe(false));
  });

  it('Foreground: an owner without blocking dependents goes at once', async () => {
    await f.start();
    const owner = await createNamespace(f.registry, ctx, 'fg-owner');
    await cm(ctx, 'dep', [ownedBy(owner)]);
    await f.registry.delete(ctx, namespaces, undefined, 'fg-owner', { propagationPolicy: 'Foreground' });
    await eventually(async () => {
      expect(await exists(() => f.registry.get(ctx, namespaces, undefined, 'fg-owner'))).toBe(false);
      expect(await present(ctx, 'dep')).toBe(false);
    });
  });

  it('Orphan: dependents lose the owner reference and stay', async () => {
    await f.start();
    const parent = await cm(ctx, 'parent');
    const keep = await cm(ctx, 'keep');
    await cm(ctx, 'one', [ownedBy(parent, { blockOwnerDeletion: true, controller: true })]);
    await cm(ctx, 'two', [ownedBy(parent), ownedBy(keep)]);

    await f.registry.delete(ctx, configMaps, 'default', 'parent', { propagationPolicy: 'Orphan' });
    await eventually(async () => expect(await present(ctx, 'parent')).toBe(false));
    expect((await get(ctx, 'one')).metadata.ownerReferences).toBeUndefined();
    expect((await get(ctx, 'two')).metadata.ownerReferences).toEqual([ownedBy(keep)]);
  });

  it('deletes dependents whose owners are all missing, and trims missing owners beside live ones', async () => {
    await f.start();
    const live = await cm(ctx, 'live');
    const ghost = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '6c1b2d3e-0000-4000-8000-000000000000' };
    await cm(ctx, 'orphaned', [ghost]);
    await cm(ctx, 'mixed', [ghost, ownedBy(live)]);
    // A uid that matches a same-named object only by name is not its owner.
    await cm(ctx, 'impostor', [{ ...ownedBy(live), uid: '6c1b2d3e-0000-4000-8000-000000000001' }]);
    await eventually(async () => {
      expect(await present(ctx, 'orphaned')).toBe(false);
      expect(await present(ctx, 'impostor')).toBe(false);
      expect((await get(ctx, 'mixed')).metadata.ownerReferences).toEqual([ownedBy(live)]);
    });
    expect(await present(ctx, 'live')).toBe(true);
  });

  it('keeps dependents whose owner kind it cannot resolve', async () => {
    await f.start();
    await cm(ctx, 'widget-child', [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: '6c1b2d3e-0000-4000-8000-000000000002' }]);
    const marker = await cm(ctx, 'marker', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '6c1b2d3e-0000-4000-8000-000000000003' }]);
    // Once the later, collectable object is gone, the earlier one has been decided on too.
    await eventually(async () => expect(await present(ctx, marker.metadata.name ?? '')).toBe(false));
    expect(await present(ctx, 'widget-child')).toBe(true);
  });

  it('collects dependents whose owner went while it was not running', async () => {
    const parent = await cm(ctx, 'parent');
    await cm(ctx, 'child', [ownedBy(parent)]);
    await f.registry.delete(ctx, configMaps, 'default', 'parent');
    const orphanOwner = await cm(ctx, 'orphan-owner');
    await cm(ctx, 'orphan-child', [ownedBy(orphanOwner)]);
    await f.registry.delete(ctx, configMaps, 'default', 'orphan-owner', { propagationPolicy: 'Orphan' });
    expect(await present(ctx, 'child')).toBe(true);

    await f.start();
    await eventually(async () => {
      expect(await present(ctx, 'child')).toBe(false);
      expect(await present(ctx, 'orphan-owner')).toBe(false);
    });
    expect((await get(ctx, 'orphan-child')).metadata.ownerReferences).toBeUndefined();
  });

  it('works within one logical cluster: same names and foreign uids elsewhere are not owners', async () => {
    await f.start();
    const parentA = await cm(ctx, 'parent');
    await cm(ctx, 'child', [ownedBy(parentA)]);
    const parentB = await cm(other, 'parent');
    await cm(other, 'child', [ownedBy(parentB)]);
    // A reference to cluster A's object, written in cluster B, does not resolve there.
    await cm(other, 'borrowed', [ownedBy(parentA)]);

    await eventually(async () => expect(await present(other, 'borrowed')).toBe(false));
    await f.registry.delete(ctx, configMaps, 'default', 'parent');
    await eventually(async () => expect(await present(ctx, 'child')).toBe(false));
    expect(await present(other, 'parent')).toBe(true);
    expect(await present(other, 'child')).toBe(true);
  });
});

describe('controllers under write bursts', () => {
  it('keep up after their watch is cut off for falling behind (TooSlow)', async () => {
    await f.close();
    // A watcher may fall only 3 events behind: any burst cuts the controllers' watches off.
    f = fixture({ watch: { maxQueuedEvents: 3 } });
    await createNamespace(f.registry, ctx, 'default');
    await f.start();
    const parent = await cm(ctx, 'parent');
    await Promise.all(Array.from({ length: 40 }, (_, i) => cm(ctx, `child-${i}`, [ownedBy(parent)])));
    await createNamespace(f.registry, ctx, 'burst');
    await Promise.all(Array.from({ length: 40 }, (_, i) => f.registry.create(ctx, configMaps, 'burst', { metadata: { name: `c-${i}` } })));

    await f.registry.delete(ctx, configMaps, 'default', 'parent');
    await f.registry.delete(ctx, namespaces, undefined, 'burst');
    await eventually(async () => {
      expect((await f.registry.list(ctx, configMaps, { namespace: 'default' })).items).toEqual([]);
      expect(await exists(() => f.registry.get(ctx, namespaces, undefined, 'burst'))).toBe(false);
    });
  });
});
