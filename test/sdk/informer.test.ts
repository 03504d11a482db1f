/**
 * The SDK's multi-workspace informer on the real server, over the provider's view of the example's
 * Widget export bound in two consumers: one list and one watch across both; a dropped connection
 * resumes from the last revision (nothing missed, nothing twice, no relist); 410 Gone relists and
 * hands on only the difference; bookmarks move the resume point while widgets are quiet; the cache
 * answers by workspace and namespace; the GraphQL transport delivers the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bindConsumer, publishExport, putWidget } from '../../examples/widgets/setup.js';
import { WIDGET_SELECTION, WIDGETS, type Widget } from '../../examples/widgets/widget.js';
import { ApiStatusError, GraphQLTransport, HttpClient, Informer, RestTransport, type Transport, type ViewRef, type WatchEvent } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';

const fx = useServer({ watch: { bookmarkIntervalMs: 100 } });
const PROVIDER = 'root:informer-provider';
const A = 'root:informer-a';
const B = 'root:informer-b';
let http: HttpClient;
let view: ViewRef;
const clusters = { a: '', b: '' };

beforeAll(async () => {
  http = new HttpClient({ server: fx.base, token: fx.adminToken });
  view = { exportCluster: await publishExport(http, PROVIDER), exportName: 'widgets' };
  clusters.a = await bindConsumer(http, A, PROVIDER);
  clusters.b = await bindConsumer(http, B, PROVIDER);
  await putWidget(http, A, 'one', { size: 1 });
  await putWidget(http, B, 'two', { size: 2 });
  // Another namespace of A (every workspace has `default` only).
  expect((await fx.call('POST', `/clusters/${A}/api/v1/namespaces`, { metadata: { name: 'other' } })).status).toBe(201);
  await putWidget(http, A, 'three', { size: 3 }, 'other');
});

/** What the handlers saw, as `<event> <workspace letter>/<name> <size>`. */
function record(informer: Informer<Widget>): string[] {
  const seen: string[] = [];
  const who = (w: Widget): string => `${w.metadata.annotations?.['kcp.io/cluster'] === clusters.a ? 'a' : 'b'}/${w.metadata.name} ${w.spec.size}`;
  informer.addHandlers({ add: (w) => seen.push(`add ${who(w)}`), update: (_o, w) => seen.push(`update ${who(w)}`), delete: (w) => seen.push(`delete ${who(w)}`) });
  return seen;
}

/** A transport that drops the connection after every event, or answers the next watch with 410 Gone. */
class Flaky implements Transport<Widget> {
  readonly name = 'flaky';
  watches = 0;
  goneNext = false;
  /** Watches refused as by a server that is down, until cleared. */
  down = false;
  constructor(private readonly inner: Transport<Widget>) {}
  list(signal: AbortSignal) {
    return this.inner.list(signal);
  }
  async *watch(rv: string, signal: AbortSignal): AsyncGenerator<WatchEvent<Widget>> {
    this.watches++;
    if (this.goneNext) {
      this.goneNext = false;
      throw new ApiStatusError(410, 'Expired', 'too old resource version');
    }
    if (this.down) throw new ApiStatusError(503, 'ServiceUnavailable', 'the server is down');
    const abort = new AbortController();
    signal.addEventListener('abort', () => abort.abort(), { once: true });
    for await (const e of this.inner.watch(rv, abort.signal)) {
      yield e;
      if (e.type !== 'BOOKMARK') break;
    }
    abort.abort();
  }
  close(): void {}
}

describe('the multi-workspace informer', () => {
  it('lists every consumer once (in pages) and indexes the cache by workspace and namespace', async () => {
    const informer = new Informer<Widget>(new RestTransport(http, view, WIDGETS, { pageSize: 1 }));
    const seen = record(informer);
    await informer.start();
    try {
      expect(seen.sort()).toEqual(['add a/one 1', 'add a/three 3', 'add b/two 2']);
      expect(informer.cache.size).toBe(3);
      expect([...informer.cache.workspaces()].sort()).toEqual([clusters.a, clusters.b].sort());
      expect([...informer.cache.list({ workspace: clusters.a })].map((w) => w.metadata.name).sort()).toEqual(['one', 'three']);
      expect([...informer.cache.list({ workspace: clusters.a, namespace: 'other' })].map((w) => w.metadata.name)).toEqual(['three']);
      expect(informer.cache.get({ workspace: clusters.b, namespace: 'default', name: 'two' })?.spec.size).toBe(2);
    } finally {
      await informer.stop();
    }
  });

  it('resumes a dropped watch from the last revision: every change once, no relist', async () => {
    const flaky = new Flaky(new RestTransport(http, view, WIDGETS));
    const informer = new Informer<Widget>(flaky);
    await informer.start();
    const seen = record(informer);
    try {
      for (let i = 1; i <= 4; i++) await putWidget(http, i % 2 ? A : B, i % 2 ? 'one' : 'two', { size: 10 + i });
      await eventually(() => expect(seen).toEqual(['update a/one 11', 'update b/two 12', 'update a/one 13', 'update b/two 14']));
      expect(flaky.watches).toBeGreaterThanOrEqual(4);
      expect(informer.lists).toBe(1);
    } finally {
      await informer.stop();
    }
  });

  it('relists after 410 Gone and hands on only what changed', async () => {
    const flaky = new Flaky(new RestTransport(http, view, WIDGETS));
    const informer = new Informer<Widget>(flaky);
    await informer.start();
    const seen = record(informer);
    try {
      // Changes the watch will not deliver: the next watch is refused as too old.
      flaky.goneNext = true;
      await putWidget(http, B, 'two', { size: 20 });
      await putWidget(http, B, 'new', { size: 5 });
      expect((await fx.call('DELETE', `/clusters/${A}/apis/widgets.example.dev/v1/namespaces/other/widgets/three`)).status).toBe(200);
      await eventually(() => expect(informer.lists).toBe(2));
      await eventually(() => expect(seen.sort()).toEqual(['add b/new 5', 'delete a/three 3', 'update b/two 20']));
      expect(informer.cache.size).toBe(3);
    } finally {
      await informer.stop();
    }
  });

  it('says it is unhealthy while its watch fails, and healthy again at the server’s first answer (a bookmark will do)', async () => {
    const flaky = new Flaky(new RestTransport(http, view, WIDGETS));
    const informer = new Informer<Widget>(flaky, { minBackoffMs: 20, maxBackoffMs: 50 });
    expect(informer.healthy).toBe(false);
    await informer.start();
    try {
      expect(informer.healthy).toBe(true);
      flaky.down = true;
      // The watch in flight ends after its next event; the next one is refused.
      await putWidget(http, A, 'blip', { size: 1 });
      await eventually(() => expect(informer.healthy).toBe(false));
      expect(informer.hasSynced).toBe(true);
      flaky.down = false;
      // No writes: the bookmarks (every 100 ms here) are the server answering.
      await eventually(() => expect(informer.healthy).toBe(true));
    } finally {
      await informer.stop();
      expect((await fx.call('DELETE', `/clusters/${A}/apis/widgets.example.dev/v1/namespaces/default/widgets/blip`)).status).toBe(200);
    }
  });

  it('keeps in its cache only what `keep` keeps, and hands its handlers whole objects', async () => {
    const informer = new Informer<Widget>(new RestTransport(http, view, WIDGETS), {
      keep: (w) => ({ ...w, spec: { size: -1 }, metadata: { name: w.metadata.name, namespace: w.metadata.namespace, resourceVersion: w.metadata.resourceVersion, annotations: { 'kcp.io/cluster': w.metadata.annotations?.['kcp.io/cluster'] ?? '' } } }) as Widget,
    });
    const sizes: number[] = [];
    informer.addHandlers({ add: (w) => sizes.push(w.spec.size) });
    await informer.start();
    try {
      expect(sizes.every((s) => s > 0)).toBe(true);
      expect(informer.cache.size).toBe(3);
      expect([...informer.cache.list()].map((w) => w.spec.size)).toEqual([-1, -1, -1]);
      expect(informer.cache.get({ workspace: clusters.a, namespace: 'default', name: 'one' })?.metadata.uid).toBeUndefined();
    } finally {
      await informer.stop();
    }
  });

  it('moves its resume point with bookmarks while its objects are quiet', async () => {
    const informer = new Informer<Widget>(new RestTransport(http, view, WIDGETS));
    await informer.start();
    try {
      const listed = Number(informer.resourceVersion);
      // Writes the view does not show (a ConfigMap) advance the store's revision.
      expect((await fx.call('POST', `/clusters/${A}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'unrelated' } })).status).toBe(201);
      await eventually(() => expect(Number(informer.resourceVersion)).toBeGreaterThan(listed));
      expect(informer.cache.size).toBe(3);
    } finally {
      await informer.stop();
    }
  });

  it('delivers the same over the GraphQL transport (graphql-ws subscription)', async () => {
    const informer = new Informer<Widget>(new GraphQLTransport(http, view, { resource: WIDGETS, kind: 'Widget', selection: WIDGET_SELECTION, pageSize: 1 }));
    const seen = record(informer);
    await informer.start();
    try {
      expect(seen.sort()).toEqual(['add a/one 13', 'add b/new 5', 'add b/two 20']);
      await putWidget(http, A, 'one', { size: 31 });
      await eventually(() => expect(seen.at(-1)).toBe('update a/one 31'));
      expect(informer.cache.get({ workspace: clusters.a, namespace: 'default', name: 'one' })?.metadata.generation).toBeGreaterThan(1);
    } finally {
      await informer.stop();
    }
  });
});
