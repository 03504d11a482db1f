/**
 * Reads across shards (src/registry/shard-reads.ts), with three real registries on their own
 * embedded stores standing for three shards: the other shards' reads are their registries'
 * reads across all clusters, as a shard's view path answers them over HTTP
 * (test/shards/provider-view.test.ts runs the same through real processes). Here the corners:
 * uneven pages, composite versions, initial events, a shard's failure, writes naming a version.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  CLUSTER_ANNOTATION,
  compositeVersion,
  configMaps,
  ownVersion,
  parseCompositeVersion,
  Registry,
  type EventStream,
  type RegistryWatchEvent,
  type RequestContext,
  type ShardReads,
} from '../../src/registry/index.js';
import type { KubeObject } from '../../src/meta/index.js';
import { ALL_CLUSTERS, EmbeddedStore } from '../../src/storage/index.js';

const SHARDS = ['root', 'shard-1', 'shard-2'] as const;
type Shard = (typeof SHARDS)[number];

let stores: Record<Shard, EmbeddedStore>;
let registries: Record<Shard, Registry>;
/** Set to make a shard's reads fail as an unreachable shard's do. */
let down: Shard | undefined;

beforeEach(() => {
  stores = Object.fromEntries(SHARDS.map((s) => [s, new EmbeddedStore()])) as Record<Shard, EmbeddedStore>;
  registries = Object.fromEntries(SHARDS.map((s) => [s, new Registry(stores[s], { shard: s })])) as Record<Shard, Registry>;
  down = undefined;
});

afterEach(async () => {
  await Promise.all(SHARDS.map((s) => stores[s].close()));
});

const unreachable = (shard: string): ApiError => new ApiError('ServiceUnavailable', `shard "${shard}" cannot be reached`);

/** The root shard's context across all clusters, reading the other two. */
function across(): RequestContext {
  const reads: ShardReads = {
    self: 'root',
    others: ['shard-2', 'shard-1'],
    list: async (shard, t, q) => {
      if (shard === down) throw unreachable(shard);
      return registries[shard as Shard].list({ cluster: ALL_CLUSTERS }, t, q);
    },
    watch: async (shard, t, q): Promise<EventStream> => {
      if (shard === down) throw unreachable(shard);
      return registries[shard as Shard].watch({ cluster: ALL_CLUSTERS }, t, q);
    },
  };
  return { cluster: ALL_CLUSTERS, otherShards: reads };
}

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: name } });

/** Objects on each shard, each in a logical cluster named after its shard. */
async function seed(counts: Record<Shard, number>): Promise<void> {
  for (const s of SHARDS) {
    for (let i = 0; i < counts[s]; i++) await registries[s].create({ cluster: `lc-${s}` }, configMaps, 'default', cm(`${s}-${i}`));
  }
}

const names = (items: KubeObject[]): string[] => items.map((o) => o.metadata.name as string);

/** The next `n` events (BOOKMARKs counted only when `bookmarks`). */
async function take(w: EventStream, n: number, bookmarks = true): Promise<RegistryWatchEvent[]> {
  const out: RegistryWatchEvent[] = [];
  while (out.length < n) {
    const r = await w.next();
    if (r.done) break;
    if (bookmarks || r.value.type !== 'BOOKMARK') out.push(r.value);
  }
  return out;
}

describe('a list across shards', () => {
  it('holds every shard’s objects with a composite version naming each shard’s revision', async () => {
    await seed({ root: 2, 'shard-1': 1, 'shard-2': 3 });
    const list = await registries.root.list(across(), configMaps);
    expect(names(list.items).sort()).toEqual(['root-0', 'root-1', 'shard-1-0', 'shard-2-0', 'shard-2-1', 'shard-2-2']);
    const at = parseCompositeVersion(list.resourceVersion);
    expect(at).toEqual({ root: '2', 'shard-1': '1', 'shard-2': '3' });
    // Each object's position has its own shard's revision for its shard.
    const one = list.items.find((o) => o.metadata.name === 'shard-2-0') as KubeObject;
    expect(parseCompositeVersion(one.metadata.resourceVersion as string)).toEqual({ root: '2', 'shard-1': '1', 'shard-2': '1' });
    expect(one.metadata.annotations?.[CLUSTER_ANNOTATION]).toBe('lc-shard-2');
  });

  it('pages shard after shard, pages filled across a shard’s end, every page at the first page’s versions', async () => {
    await seed({ root: 3, 'shard-1': 0, 'shard-2': 4 });
    const seen: string[] = [];
    const versions = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await registries.root.list(across(), configMaps, { limit: 2, ...(token ? { continue: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...names(page.items));
      versions.add(page.resourceVersion);
      token = page.continue;
      // Writes between pages do not change the pages' version.
      if (pages === 0) await registries['shard-2'].create({ cluster: 'lc-shard-2' }, configMaps, 'default', cm('late'));
      pages++;
    } while (token && pages < 10);
    // root's three, then shard-1 (none), then shard-2's in its own (name) order, the late one included.
    expect(seen).toEqual(['root-0', 'root-1', 'root-2', 'late', 'shard-2-0', 'shard-2-1', 'shard-2-2', 'shard-2-3']);
    expect(versions.size).toBe(1);
  });

  it('refuses a continue token or version it did not issue, and fails whole while a shard is down', async () => {
    await seed({ root: 1, 'shard-1': 1, 'shard-2': 1 });
    await expect(registries.root.list(across(), configMaps, { limit: 1, continue: 'forged' })).rejects.toMatchObject({ code: 400 });
    await expect(registries.root.list(across(), configMaps, { resourceVersion: 'shards.!!' })).rejects.toMatchObject({ code: 400 });
    // A plain revision names no shard of the merge.
    await expect(registries.root.list(across(), configMaps, { resourceVersion: '1' })).rejects.toMatchObject({ code: 410 });
    down = 'shard-1';
    await expect(registries.root.list(across(), configMaps)).rejects.toMatchObject({ code: 503, message: expect.stringContaining('shard-1') });
  });
});

describe('a watch across shards', () => {
  it('sends every shard’s objects, one end bookmark, then every shard’s changes; resumes from any event', async () => {
    await seed({ root: 1, 'shard-1': 1, 'shard-2': 0 });
    const w = await registries.root.watch(across(), configMaps, { sendInitialEvents: true, allowWatchBookmarks: true });
    const initial = await take(w, 3);
    expect(initial.slice(0, 2).map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(['ADDED root-0', 'ADDED shard-1-0']);
    expect(initial[2]).toMatchObject({ type: 'BOOKMARK', object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    await registries['shard-2'].create({ cluster: 'lc-shard-2' }, configMaps, 'default', cm('new-2'));
    await registries.root.create({ cluster: 'lc-root' }, configMaps, 'default', cm('new-root'));
    const changes = await take(w, 2, false);
    w.close();
    expect(changes.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(['ADDED new-2', 'ADDED new-root']);
    // From the first change's position, the second change comes again and nothing before it.
    const first = changes[0] as RegistryWatchEvent;
    const resumed = await registries.root.watch(across(), configMaps, { resourceVersion: first.object.metadata.resourceVersion as string });
    const again = await take(resumed, 1, false);
    resumed.close();
    expect(again.map((e) => e.object.metadata.name)).toEqual([changes[1]?.object.metadata.name]);
  });

  it('refuses a start that does not name every shard (410), and ends with the failure of a shard’s watch', async () => {
    const partial = compositeVersion({ root: '0', 'shard-1': '0' });
    await expect(registries.root.watch(across(), configMaps, { resourceVersion: partial })).rejects.toMatchObject({ code: 410, message: expect.stringContaining('shard-2') });
    down = 'shard-2';
    await expect(registries.root.watch(across(), configMaps, {})).rejects.toMatchObject({ code: 503 });
  });
});

describe('a write naming a composite version', () => {
  it('compares the shard’s own revision in it, and conflicts on a stale one or one without that shard', async () => {
    await seed({ root: 0, 'shard-1': 1, 'shard-2': 0 });
    const listed = (await registries.root.list(across(), configMaps)).items[0] as KubeObject;
    const ctx = { cluster: 'lc-shard-1' };
    const updated = await registries['shard-1'].update(ctx, configMaps, 'default', 'shard-1-0', { ...listed, data: { k: 'v2' } });
    expect(updated.data).toEqual({ k: 'v2' });
    await expect(registries['shard-1'].update(ctx, configMaps, 'default', 'shard-1-0', { ...listed, data: { k: 'v3' } })).rejects.toMatchObject({ code: 409 });
    const elsewhere = compositeVersion({ root: updated.metadata.resourceVersion as string });
    expect(ownVersion(elsewhere, 'shard-1')).toBe(elsewhere);
    await expect(registries['shard-1'].delete(ctx, configMaps, 'default', 'shard-1-0', { preconditions: { resourceVersion: elsewhere } })).rejects.toMatchObject({ code: 409 });
    const current = compositeVersion({ root: '9', 'shard-1': updated.metadata.resourceVersion as string });
    await expect(registries['shard-1'].delete(ctx, configMaps, 'default', 'shard-1-0', { preconditions: { resourceVersion: current } })).resolves.toMatchObject({ deleted: true });
  });

  it('compares a resourceVersion that is not a string as it is: a conflict, not a failure', async () => {
    await seed({ root: 0, 'shard-1': 1, 'shard-2': 0 });
    const ctx = { cluster: 'lc-shard-1' };
    await expect(registries['shard-1'].patch(ctx, configMaps, 'default', 'shard-1-0', 'merge', { metadata: { resourceVersion: 5 } })).rejects.toMatchObject({ code: 409 });
    await expect(registries['shard-1'].update(ctx, configMaps, 'default', 'shard-1-0', { ...cm('shard-1-0'), metadata: { name: 'shard-1-0', namespace: 'default', resourceVersion: 5 } })).rejects.toMatchObject({ code: 409 });
  });
});
