/**
 * The embedded store's lists as stored JSON text (listJson): page for page the objects `list` returns,
 * with the same revision, continue tokens and remaining counts, and the cluster of each item; and
 * whole lists handed out again while nothing in their range changed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseLabelSelector, type KubeObject } from '../../src/meta/index.js';
import { ALL_CLUSTERS, EmbeddedStore, type ListOptions } from '../../src/storage/index.js';

const store = new EmbeddedStore();
let before = 0;

const cm = (cluster: string, namespace: string, name: string, i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { i: String(i % 3) }, annotations: { 'kcp.io/cluster': cluster } },
  data: { v: `ü${i}"\\` },
});

beforeAll(async () => {
  let i = 0;
  for (const cluster of ['c1', 'c2']) {
    for (const ns of ['a', 'b']) {
      for (const name of ['x', 'y', 'z']) await store.create({ cluster, resource: 'configmaps', namespace: ns, name }, cm(cluster, ns, name, i++));
    }
  }
  before = store.revision;
  // Changes after `before`, which lists at that revision read from the change log.
  await store.delete({ cluster: 'c1', resource: 'configmaps', namespace: 'a', name: 'y' });
  await store.update({ cluster: 'c1', resource: 'configmaps', namespace: 'b', name: 'x' }, { ...cm('c1', 'b', 'x', 99), data: { v: 'new' } });
  await store.create({ cluster: 'c1', resource: 'configmaps', namespace: 'a', name: 'w' }, cm('c1', 'a', 'w', 100));
});
afterAll(() => store.close());

async function both(options: ListOptions, s: EmbeddedStore = store): Promise<void> {
  const objects = await s.list(options);
  const json = await s.listJson(options);
  const { items, clusters, version, ...rest } = json;
  // A whole current list carries the version listVersion answers; pages and past revisions none.
  expect(version).toBe(s.listVersion(options));
  const whole = !options.continue && options.revision === undefined && options.cluster !== ALL_CLUSTERS && !options.labelSelector && !options.visible && !objects.continue;
  expect(version === undefined).toBe(!whole);
  expect(items.map((text) => JSON.parse(text) as unknown)).toEqual(objects.items);
  expect(items).toEqual(objects.items.map((o) => JSON.stringify(o)));
  expect(clusters).toEqual(objects.clusters ?? objects.items.map(() => options.cluster));
  const { items: _items, clusters: _clusters, ...expected } = objects;
  expect(rest).toEqual(expected);
  if (objects.continue) await both({ ...options, continue: objects.continue }, s);
}

it('lists the same objects as list, page for page, now and at an earlier revision', async () => {
  for (const cluster of ['c1', ALL_CLUSTERS]) {
    for (const namespace of [undefined, 'a', 'b', 'none']) {
      for (const limit of [undefined, 1, 2, 5]) {
        for (const revision of [undefined, before]) {
          await both({ cluster, resource: 'configmaps', ...(namespace ? { namespace } : {}), ...(limit ? { limit } : {}), ...(revision ? { revision } : {}) });
        }
      }
    }
  }
  await both({ cluster: 'c1', resource: 'configmaps', labelSelector: parseLabelSelector('i=1'), limit: 1 });
  await both({ cluster: ALL_CLUSTERS, resource: 'configmaps', visible: (c) => c === 'c2' });
});

it('hands out a whole list again while its range is unchanged, and reads it again after any write to it', async () => {
  const s = new EmbeddedStore();
  try {
    const key = (namespace: string, name: string) => ({ cluster: 'k', resource: 'configmaps', namespace, name });
    for (const name of ['a', 'b', 'c']) await s.create(key('n1', name), cm('k', 'n1', name, 0));
    await s.create(key('n2', 'a'), cm('k', 'n2', 'a', 0));
    const n1 = { cluster: 'k', resource: 'configmaps', namespace: 'n1' };
    const all = { cluster: 'k', resource: 'configmaps' };
    const names = async (o: ListOptions) => (await s.listJson(o)).items.map((t) => (JSON.parse(t) as KubeObject).metadata.name);
    const first = await s.listJson(n1);
    expect((await s.listJson(n1)).items).toBe(first.items);
    expect(s.listVersion(n1)).toBe(first.version);
    expect((await s.listJson({ ...n1, limit: 3 })).items).toBe(first.items);
    // A write elsewhere changes the revision, not the range.
    await s.create({ ...key('n1', 'x'), cluster: 'other' }, cm('other', 'n1', 'x', 0));
    const again = await s.listJson(n1);
    expect(again.items).toBe(first.items);
    expect(again.revision).toBe(s.revision);
    expect(s.listVersion(n1)).toBe(first.version);
    await both(n1, s);
    await both(all, s);
    // Each kind of write to the range is seen at once.
    await s.update(key('n1', 'b'), { ...cm('k', 'n1', 'b', 0), data: { v: 'changed' } });
    expect((await s.listJson(n1)).items).not.toBe(first.items);
    expect(s.listVersion(n1)).not.toBe(first.version);
    expect((await s.listJson(n1)).items.some((t) => t.includes('changed'))).toBe(true);
    await s.delete(key('n1', 'a'));
    expect(await names(n1)).toEqual(['b', 'c']);
    expect(await names(all)).toEqual(['b', 'c', 'a']);
    await s.delete(key('n1', 'c'));
    await s.create(key('n1', 'd'), cm('k', 'n1', 'd', 0));
    expect(await names(n1)).toEqual(['b', 'd']);
    await s.delete(key('n2', 'a'));
    expect(await names(all)).toEqual(['b', 'd']);
    expect((await s.listJson({ ...all, limit: 1 })).continue).toBeDefined();
    await s.purgeCluster('k');
    expect(await names(n1)).toEqual([]);
    expect(await names(all)).toEqual([]);
  } finally {
    await s.close();
  }
});
