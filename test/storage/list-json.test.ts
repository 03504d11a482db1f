/**
 * The embedded store's lists as stored JSON text (listJson): page for page the objects `list` returns,
 * with the same revision, continue tokens and remaining counts, and the cluster of each item.
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

async function both(options: ListOptions): Promise<void> {
  const objects = await store.list(options);
  const json = await store.listJson(options);
  const { items, clusters, ...rest } = json;
  expect(items.map((text) => JSON.parse(text) as unknown)).toEqual(objects.items);
  expect(items).toEqual(objects.items.map((o) => JSON.stringify(o)));
  expect(clusters).toEqual(objects.clusters ?? objects.items.map(() => options.cluster));
  const { items: _items, clusters: _clusters, ...expected } = objects;
  expect(rest).toEqual(expected);
  if (objects.continue) await both({ ...options, continue: objects.continue });
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
