/**
 * Reads across every logical cluster (ALL_CLUSTERS), as a provider's view makes them: each item
 * and event carries its cluster in the `kcp.io/cluster` annotation, and the request's `visible`
 * predicate decides which clusters' objects the caller sees.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_ANNOTATION, configMaps, type RequestContext } from '../../src/registry/index.js';
import { ALL_CLUSTERS } from '../../src/storage/index.js';
import { useRegistry } from '../support/registry-fixture.js';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: name } });

describe('registry reads across clusters', () => {
  const fx = useRegistry();

  async function seed(): Promise<void> {
    for (const cluster of ['a', 'b', 'c']) await fx.reg.create({ cluster }, configMaps, 'default', cm(`in-${cluster}`));
  }

  it('lists every cluster, each item annotated with its own, as every read and write is', async () => {
    await seed();
    const all = await fx.reg.list({ cluster: ALL_CLUSTERS }, configMaps);
    expect(all.items.map((o) => [o.metadata.name, o.metadata.annotations?.[CLUSTER_ANNOTATION]])).toEqual([
      ['in-a', 'a'],
      ['in-b', 'b'],
      ['in-c', 'c'],
    ]);
    const one = await fx.reg.get({ cluster: 'a' }, configMaps, 'default', 'in-a');
    expect(one.metadata.annotations?.[CLUSTER_ANNOTATION]).toBe('a');
    expect((await fx.reg.list({ cluster: 'b' }, configMaps)).items[0]?.metadata.annotations?.[CLUSTER_ANNOTATION]).toBe('b');
  });

  it('stores kcp.io/cluster on every write, whatever the client sent, and adds it on reads of objects stored without it', async () => {
    const made = await fx.reg.create({ cluster: 'a' }, configMaps, 'default', { ...cm('forged'), metadata: { name: 'forged', annotations: { [CLUSTER_ANNOTATION]: 'b' } } });
    expect(made.metadata.annotations).toEqual({ [CLUSTER_ANNOTATION]: 'a' });
    // A client replacing an object without it gets it back, and nothing changes.
    const plain = await fx.reg.create({ cluster: 'a' }, configMaps, 'default', cm('plain'));
    const { annotations: _dropped, ...bare } = plain.metadata;
    const same = await fx.reg.update({ cluster: 'a' }, configMaps, 'default', 'plain', { ...plain, metadata: bare });
    expect(same.metadata.resourceVersion).toBe(plain.metadata.resourceVersion);
    expect(same.metadata.annotations).toEqual({ [CLUSTER_ANNOTATION]: 'a' });
    // An object written before the annotation existed (straight into the store here) reads with it.
    await fx.reg.store.create({ cluster: 'c', resource: 'configmaps', namespace: 'default', name: 'old' }, cm('old'));
    expect((await fx.reg.get({ cluster: 'c' }, configMaps, 'default', 'old')).metadata.annotations).toEqual({ [CLUSTER_ANNOTATION]: 'c' });
    const watch = await fx.reg.watch({ cluster: 'c' }, configMaps, { resourceVersion: '0' });
    const first = await watch.next();
    watch.close();
    expect(first.value?.object.metadata.annotations).toEqual({ [CLUSTER_ANNOTATION]: 'c' });
  });

  it('shows only what `visible` admits, pages filled with visible objects and no remaining count it cannot know', async () => {
    await seed();
    const ctx: RequestContext = { cluster: ALL_CLUSTERS, visible: (cluster) => cluster !== 'b' };
    const page = await fx.reg.list(ctx, configMaps, { limit: 2 });
    expect(page.items.map((o) => o.metadata.name)).toEqual(['in-a', 'in-c']);
    expect(page.remainingItemCount).toBeUndefined();
    expect(page.continue).toBeUndefined();
  });

  it('watches every cluster with annotated events, filtered by `visible`', async () => {
    await seed();
    const ctx: RequestContext = { cluster: ALL_CLUSTERS, visible: (cluster) => cluster !== 'b' };
    const w = await fx.reg.watch(ctx, configMaps, {});
    try {
      for (const cluster of ['b', 'c']) await fx.reg.create({ cluster }, configMaps, 'default', cm(`new-${cluster}`));
      const seen: [string, string | undefined, string | undefined][] = [];
      for await (const e of w) {
        seen.push([e.type, e.object.metadata.name, e.object.metadata.annotations?.[CLUSTER_ANNOTATION]]);
        if (seen.length === 3) break;
      }
      expect(seen).toEqual([
        ['ADDED', 'in-a', 'a'],
        ['ADDED', 'in-c', 'c'],
        ['ADDED', 'new-c', 'c'],
      ]);
    } finally {
      w.close();
    }
  });
});
