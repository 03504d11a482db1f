/**
 * The storage contract: every backend's spec calls runStoreContract with a factory, so the
 * embedded and MongoDB backends are held to exactly the same behaviour (like k8s.io/apiserver
 * storage/testing/store_tests.go).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector, type KubeObject } from '../../src/meta/index.js';
import {
  ALL_CLUSTERS,
  isAlreadyExists,
  isConflict,
  isExpired,
  isInvalidContinue,
  isNotFound,
  isTooSlow,
  StorageError,
  type HistoryOptions,
  type ObjectKey,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchHubOptions,
} from '../../src/storage/index.js';

export interface StoreSetup {
  history?: HistoryOptions;
  watch?: WatchHubOptions;
}

export interface StoreUnderTest {
  store: Store;
  /** Durable backends: close, then open the same data again. */
  reopen?: () => Promise<Store>;
  cleanup(): Promise<void>;
}

export interface StoreFactory {
  open(setup?: StoreSetup): Promise<StoreUnderTest>;
  /**
   * Durable backends: a module path and argument from which a child process can open the same
   * backend (`export async function openForCrashTest(arg): Promise<Store>`), plus a fresh arg.
   */
  crash?: () => Promise<{ module: string; arg: string; reopen: () => Promise<Store>; cleanup: () => Promise<void> }>;
}

export const key = (name: string, over: Partial<ObjectKey> = {}): ObjectKey => ({
  cluster: 'c1',
  resource: 'configmaps',
  namespace: 'default',
  name,
  ...over,
});

export const obj = (name: string, labels?: Record<string, string>, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(labels ? { labels } : {}) },
  data,
});

/** Reads exactly `n` events (or fails after `ms`). */
export async function take(w: Watch, n: number, ms = 5_000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`timed out with ${out.length}/${n} events`)), ms).unref(),
  );
  while (out.length < n) {
    const r = await Promise.race([w.next(), timer]);
    if (r.done) throw new Error(`watch ended after ${out.length}/${n} events`);
    out.push(r.value);
  }
  return out;
}

/** Asserts that no event arrives within `ms`. */
async function quiet(w: Watch, ms = 100): Promise<void> {
  const r = await Promise.race([w.next(), new Promise((res) => setTimeout(() => res('quiet'), ms))]);
  expect(r).toBe('quiet');
}

const rv = (o: KubeObject): number => Number(o.metadata.resourceVersion);
const names = (items: KubeObject[]): string[] => items.map((o) => o.metadata.name as string);

export function runStoreContract(backend: string, factory: StoreFactory): void {
  describe(`store contract: ${backend}`, () => {
    let sut: StoreUnderTest | undefined;
    const open = async (setup?: StoreSetup): Promise<Store> => {
      sut = await factory.open(setup);
      return sut.store;
    };
    afterEach(async () => {
      await sut?.cleanup();
      sut = undefined;
    });

    describe('objects', () => {
      it('creates, gets, updates and deletes with store-assigned resourceVersions', async () => {
        const s = await open();
        const created = await s.create(key('a'), obj('a', undefined, { x: '1' }));
        expect(created.metadata.resourceVersion).toBe(String(s.revision));
        expect(await s.get(key('a'))).toEqual(created);
        const updated = await s.update(key('a'), { ...created, data: { x: '2' } });
        expect(rv(updated)).toBeGreaterThan(rv(created));
        expect((await s.get(key('a')))?.data).toEqual({ x: '2' });
        const deleted = await s.delete(key('a'));
        expect(rv(deleted)).toBe(s.revision);
        expect(deleted.data).toEqual({ x: '2' });
        expect(await s.get(key('a'))).toBeUndefined();
      });

      it('refuses a duplicate create with AlreadyExists and leaves the original alone', async () => {
        const s = await open();
        const first = await s.create(key('a'), obj('a', undefined, { v: 'first' }));
        const err = await s.create(key('a'), obj('a', undefined, { v: 'second' })).catch((e: unknown) => e);
        expect(isAlreadyExists(err)).toBe(true);
        expect(await s.get(key('a'))).toEqual(first);
      });

      it('reports NotFound for updates and deletes of missing objects', async () => {
        const s = await open();
        expect(isNotFound(await s.update(key('nope'), obj('nope')).catch((e: unknown) => e))).toBe(true);
        expect(isNotFound(await s.delete(key('nope')).catch((e: unknown) => e))).toBe(true);
      });

      it('enforces resourceVersion and uid preconditions with Conflict', async () => {
        const s = await open();
        const v1 = await s.create(key('a'), obj('a'));
        const v2 = await s.update(key('a'), { ...v1, data: { n: '2' } }, { resourceVersion: v1.metadata.resourceVersion });
        const stale = await s.update(key('a'), { ...v1, data: { n: '3' } }, { resourceVersion: v1.metadata.resourceVersion }).catch((e: unknown) => e);
        expect(isConflict(stale)).toBe(true);
        expect(isConflict(await s.delete(key('a'), { uid: 'someone-else' }).catch((e: unknown) => e))).toBe(true);
        expect(isConflict(await s.delete(key('a'), { resourceVersion: '1' }).catch((e: unknown) => e))).toBe(true);
        expect(await s.get(key('a'))).toEqual(v2);
        await s.delete(key('a'), { uid: 'uid-a', resourceVersion: v2.metadata.resourceVersion });
        expect(await s.get(key('a'))).toBeUndefined();
      });

      it('keeps clusters, resources and namespaces apart', async () => {
        const s = await open();
        const keys = [
          key('same'),
          key('same', { cluster: 'c2' }),
          key('same', { resource: 'secrets' }),
          key('same', { namespace: 'other' }),
          key('same', { namespace: '' }),
        ];
        for (const [i, k] of keys.entries()) await s.create(k, obj('same', undefined, { i: String(i) }));
        for (const [i, k] of keys.entries()) expect((await s.get(k))?.data).toEqual({ i: String(i) });
        await s.delete(keys[0] as ObjectKey);
        expect(await s.get(keys[1] as ObjectKey)).toBeDefined();
        const c1 = await s.list({ cluster: 'c1', resource: 'configmaps' });
        expect(c1.items.map((o) => o.data)).toEqual([{ i: '4' }, { i: '3' }]);
      });

      it('does not let callers mutate stored state through returned objects', async () => {
        const s = await open();
        const created = await s.create(key('a'), obj('a', { k: 'v' }));
        created.metadata.labels!.k = 'changed';
        const got = await s.get(key('a'));
        expect(got?.metadata.labels).toEqual({ k: 'v' });
        got!.metadata.labels!.k = 'changed';
        expect((await s.get(key('a')))?.metadata.labels).toEqual({ k: 'v' });
      });
    });

    describe('revisions', () => {
      it('gives every write its own, increasing revision, also under 64 concurrent writers', async () => {
        const s = await open();
        const start = s.revision;
        const results = await Promise.all(
          Array.from({ length: 64 }, async (_, w) => {
            const mine: number[] = [];
            for (let i = 0; i < 10; i++) mine.push(rv(await s.create(key(`w${w}-${i}`), obj(`w${w}-${i}`))));
            return mine;
          }),
        );
        for (const mine of results) expect([...mine].sort((a, b) => a - b)).toEqual(mine);
        const all = results.flat().sort((a, b) => a - b);
        expect(new Set(all).size).toBe(640);
        expect(all[0]).toBe(start + 1);
        expect(all[all.length - 1]).toBe(s.revision);
        expect(s.revision - start).toBe(640);
      });

      it('does not consume a revision for a failed write', async () => {
        const s = await open();
        await s.create(key('a'), obj('a'));
        const before = s.revision;
        await s.create(key('a'), obj('a')).catch(() => undefined);
        await s.delete(key('missing')).catch(() => undefined);
        expect(s.revision).toBe(before);
        expect(rv(await s.create(key('b'), obj('b')))).toBe(before + 1);
      });
    });

    describe('list', () => {
      const seed = async (s: Store): Promise<void> => {
        await s.create(key('a'), obj('a', { app: 'web', tier: 'front' }));
        await s.create(key('b'), obj('b', { app: 'web', tier: 'back' }));
        await s.create(key('c'), obj('c', { app: 'db' }));
        await s.create(key('d'), obj('d'));
        await s.create(key('e', { namespace: 'kube-system' }), { ...obj('e', { app: 'web' }), metadata: { name: 'e', namespace: 'kube-system', labels: { app: 'web' } } });
      };
      const sel = async (s: Store, labelSelector: string): Promise<string[]> =>
        names((await s.list({ cluster: 'c1', resource: 'configmaps', labelSelector: parseLabelSelector(labelSelector) })).items);

      it('lists one namespace or all, in name order, at the current revision', async () => {
        const s = await open();
        await seed(s);
        const all = await s.list({ cluster: 'c1', resource: 'configmaps' });
        expect(names(all.items)).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(all.revision).toBe(s.revision);
        expect(names((await s.list({ cluster: 'c1', resource: 'configmaps', namespace: 'kube-system' })).items)).toEqual(['e']);
        expect((await s.list({ cluster: 'c2', resource: 'configmaps' })).items).toEqual([]);
      });

      it('filters by label selector with every Kubernetes operator', async () => {
        const s = await open();
        await seed(s);
        expect(await sel(s, 'app=web')).toEqual(['a', 'b', 'e']);
        expect(await sel(s, 'app==web')).toEqual(['a', 'b', 'e']);
        expect(await sel(s, 'app!=web')).toEqual(['c', 'd']);
        expect(await sel(s, 'app in (db, web),tier')).toEqual(['a', 'b']);
        expect(await sel(s, 'app notin (web)')).toEqual(['c', 'd']);
        expect(await sel(s, 'tier')).toEqual(['a', 'b']);
        expect(await sel(s, '!tier')).toEqual(['c', 'd', 'e']);
        expect(await sel(s, 'app=web,tier!=front')).toEqual(['b', 'e']);
      });

      it('filters by field selector on metadata.name and metadata.namespace', async () => {
        const s = await open();
        await seed(s);
        const f = async (fs: string): Promise<string[]> =>
          names((await s.list({ cluster: 'c1', resource: 'configmaps', fieldSelector: parseFieldSelector(fs) })).items);
        expect(await f('metadata.name=b')).toEqual(['b']);
        expect(await f('metadata.name!=b')).toEqual(['a', 'c', 'd', 'e']);
        expect(await f('metadata.namespace=kube-system')).toEqual(['e']);
        expect(await f('metadata.namespace!=kube-system,metadata.name!=a')).toEqual(['b', 'c', 'd']);
      });

      it('lists across all logical clusters (wildcard)', async () => {
        const s = await open();
        await s.create(key('x', { cluster: 'c2' }), obj('x'));
        await s.create(key('y', { cluster: 'c1' }), obj('y'));
        await s.create(key('z', { cluster: 'c3', resource: 'secrets' }), obj('z'));
        const r = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps' });
        expect(names(r.items)).toEqual(['y', 'x']);
        expect(r.clusters).toEqual(['c1', 'c2']);
        const paged = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps', limit: 1 });
        expect(names(paged.items)).toEqual(['y']);
        const rest = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps', limit: 1, continue: paged.continue! });
        expect(names(rest.items)).toEqual(['x']);
        expect(rest.continue).toBeUndefined();
      });

      it('paginates with limit and continue, with remainingItemCount', async () => {
        const s = await open();
        for (let i = 0; i < 25; i++) await s.create(key(`o${String(i).padStart(2, '0')}`), obj(`o${i}`));
        const seen: string[] = [];
        let cont: string | undefined;
        const remaining: (number | undefined)[] = [];
        do {
          const page = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 10, ...(cont ? { continue: cont } : {}) });
          seen.push(...page.items.map((o) => o.metadata.name as string));
          remaining.push(page.remainingItemCount);
          cont = page.continue;
        } while (cont);
        expect(seen).toHaveLength(25);
        expect(remaining).toEqual([15, 5, undefined]);
      });

      it('paginates with a selector, filling pages with matching objects only', async () => {
        const s = await open();
        for (let i = 0; i < 30; i++) await s.create(key(`o${String(i).padStart(2, '0')}`), obj(`o${i}`, { even: String(i % 2 === 0) }));
        const labelSelector = parseLabelSelector('even=true');
        const p1 = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 4, labelSelector });
        expect(p1.items).toHaveLength(4);
        expect(p1.items.every((o) => o.metadata.labels?.even === 'true')).toBe(true);
        let total = p1.items.length;
        let cont = p1.continue;
        while (cont) {
          const p = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 4, labelSelector, continue: cont });
          total += p.items.length;
          cont = p.continue;
        }
        expect(total).toBe(15);
      });

      it('reads every page at the first page’s revision, whatever is written in between', async () => {
        const s = await open();
        for (let i = 0; i < 10; i++) await s.create(key(`o${i}`), obj(`o${i}`, undefined, { v: 'orig' }));
        const p1 = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 3 });
        expect(names(p1.items)).toEqual(['o0', 'o1', 'o2']);
        // Between pages: delete one ahead, create new ones ahead and behind, modify one ahead twice.
        await s.delete(key('o5'));
        await s.create(key('o45'), obj('o45'));
        await s.create(key('o00'), obj('o00'));
        const o7 = (await s.get(key('o7')))!;
        const o7b = await s.update(key('o7'), { ...o7, data: { v: 'changed' } });
        await s.update(key('o7'), { ...o7b, data: { v: 'changed again' } });
        await s.delete(key('o9'));
        await s.create(key('o9'), obj('o9', undefined, { v: 'recreated' }));

        const rest: KubeObject[] = [];
        let cont = p1.continue;
        while (cont) {
          const p = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 3, continue: cont });
          expect(p.revision).toBe(p1.revision);
          rest.push(...p.items);
          cont = p.continue;
        }
        expect(names(rest)).toEqual(['o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9']);
        expect(rest.every((o) => o.data && (o.data as { v: string }).v === 'orig')).toBe(true);
        expect(rest.every((o) => rv(o) <= p1.revision)).toBe(true);
        // A fresh list sees the new state.
        expect(names((await s.list({ cluster: 'c1', resource: 'configmaps' })).items)).toEqual([
          'o0', 'o00', 'o1', 'o2', 'o3', 'o4', 'o45', 'o6', 'o7', 'o8', 'o9',
        ]);
      });

      it('orders keys by their UTF-8 bytes, also when merging history into a page', async () => {
        const s = await open();
        // U+FFFD sorts after U+1F600 in UTF-16 but before it in UTF-8, as the store orders keys.
        const all = ['a', 'z', '\u00e9', '\ufffd', '\u{1F600}'];
        for (const n of all) await s.create(key(n), obj(n));
        const p1 = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 1 });
        for (const n of all.slice(1)) await s.delete(key(n));
        const rest: string[] = [];
        let cont = p1.continue;
        while (cont) {
          const p = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 1, continue: cont });
          rest.push(...names(p.items));
          cont = p.continue;
        }
        expect([...names(p1.items), ...rest]).toEqual(['a', 'z', '\u00e9', '\ufffd', '\u{1F600}']);
      });

      it('lists at an exact retained revision, and rejects future or compacted ones', async () => {
        const s = await open();
        const a = await s.create(key('a'), obj('a'));
        await s.create(key('b'), obj('b'));
        await s.delete(key('a'));
        const atA = await s.list({ cluster: 'c1', resource: 'configmaps', revision: rv(a) });
        expect(names(atA.items)).toEqual(['a']);
        expect(atA.revision).toBe(rv(a));
        const err = await s.list({ cluster: 'c1', resource: 'configmaps', revision: s.revision + 10 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StorageError);
        expect((err as StorageError).code).toBe('RevisionTooLarge');
        await s.compact(s.revision);
        expect(isExpired(await s.list({ cluster: 'c1', resource: 'configmaps', revision: rv(a) }).catch((e: unknown) => e))).toBe(true);
      });

      it('expires a continue token whose revision was compacted', async () => {
        const s = await open();
        for (let i = 0; i < 5; i++) await s.create(key(`o${i}`), obj(`o${i}`));
        const p1 = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 2 });
        await s.create(key('later'), obj('later'));
        await s.compact(s.revision);
        const err = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 2, continue: p1.continue! }).catch((e: unknown) => e);
        expect(isExpired(err)).toBe(true);
      });

      it('rejects a forged or foreign continue token', async () => {
        const s = await open();
        for (let i = 0; i < 3; i++) await s.create(key(`o${i}`), obj(`o${i}`));
        const p1 = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 1 });
        for (const token of ['garbage', Buffer.from('{"v":1}').toString('base64url'), '']) {
          if (!token) continue;
          expect(isInvalidContinue(await s.list({ cluster: 'c1', resource: 'configmaps', continue: token }).catch((e: unknown) => e))).toBe(true);
        }
        expect(isInvalidContinue(await s.list({ cluster: 'c1', resource: 'secrets', continue: p1.continue! }).catch((e: unknown) => e))).toBe(true);
      });
    });

    describe('watch', () => {
      it('delivers ADDED, MODIFIED and DELETED from now on', async () => {
        const s = await open();
        await s.create(key('before'), obj('before'));
        const w = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const a = await s.create(key('a'), obj('a'));
        const a2 = await s.update(key('a'), { ...a, data: { x: '1' } });
        const gone = await s.delete(key('a'));
        const events = await take(w, 3);
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['ADDED', rv(a)],
          ['MODIFIED', rv(a2)],
          ['DELETED', rv(gone)],
        ]);
        expect(events[2]?.object?.metadata.resourceVersion).toBe(String(rv(gone)));
        expect(events[1]?.object?.data).toEqual({ x: '1' });
        w.close();
        expect((await w.next()).done).toBe(true);
      });

      it('replays from a retained revision, then continues live', async () => {
        const s = await open();
        const a = await s.create(key('a'), obj('a'));
        const b = await s.create(key('b'), obj('b'));
        await s.delete(key('a'));
        const w = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: rv(a) });
        await s.create(key('c'), obj('c'));
        const events = await take(w, 3);
        expect(events.map((e) => [e.type, e.object?.metadata.name])).toEqual([
          ['ADDED', 'b'],
          ['DELETED', 'a'],
          ['ADDED', 'c'],
        ]);
        expect(events[0]?.revision).toBe(rv(b));
        w.close();
      });

      it('filters by cluster, resource and namespace, and watches every cluster with the wildcard', async () => {
        const s = await open();
        const mine = s.watch({ cluster: 'c1', resource: 'configmaps', namespace: 'default' });
        const every = s.watch({ cluster: ALL_CLUSTERS, resource: 'configmaps' });
        const anyResource = s.watch({ cluster: 'c2' });
        await s.create(key('x', { cluster: 'c2' }), obj('x'));
        await s.create(key('y', { namespace: 'other' }), obj('y'));
        await s.create(key('z', { resource: 'secrets' }), obj('z'));
        await s.create(key('s', { cluster: 'c2', resource: 'secrets' }), obj('s'));
        await s.create(key('mine'), obj('mine'));
        expect((await take(mine, 1)).map((e) => e.object?.metadata.name)).toEqual(['mine']);
        expect((await take(every, 3)).map((e) => e.key?.name)).toEqual(['x', 'y', 'mine']);
        expect((await take(anyResource, 2)).map((e) => e.key?.name)).toEqual(['x', 's']);
        await quiet(mine);
        for (const w of [mine, every, anyResource]) w.close();
      });

      it('turns label changes into ADDED/DELETED for a selector watch', async () => {
        const s = await open();
        const w = s.watch({ cluster: 'c1', resource: 'configmaps', labelSelector: parseLabelSelector('app=web') });
        const o = await s.create(key('a'), obj('a', { app: 'db' }));
        const o2 = await s.update(key('a'), { ...o, metadata: { ...o.metadata, labels: { app: 'web' } } });
        const o3 = await s.update(key('a'), { ...o2, data: { x: 'y' } });
        const o4 = await s.update(key('a'), { ...o3, metadata: { ...o3.metadata, labels: { app: 'db' } } });
        await s.delete(key('a'));
        const events = await take(w, 3);
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['ADDED', rv(o2)],
          ['MODIFIED', rv(o3)],
          ['DELETED', rv(o4)],
        ]);
        // Leaving the selection shows the last matching state, stamped with the leaving revision.
        expect(events[2]?.object?.metadata.labels).toEqual({ app: 'web' });
        expect(events[2]?.object?.metadata.resourceVersion).toBe(String(rv(o4)));
        await quiet(w);
        w.close();
      });

      it('applies a visibility predicate across clusters: pages filled with visible objects, watch transitions', async () => {
        const s = await open();
        let hidden = new Set(['c2']);
        const visible = (cluster: string, o: { metadata: { labels?: Record<string, string> } }): boolean => !hidden.has(cluster) && o.metadata.labels?.shown !== 'no';
        for (const c of ['c1', 'c2', 'c3']) for (let i = 0; i < 3; i++) await s.create(key(`o${i}`, { cluster: c }), obj(`o${i}`));
        const p1 = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps', limit: 4, visible });
        expect(p1.items).toHaveLength(4);
        expect(p1.remainingItemCount).toBeUndefined();
        const p2 = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps', limit: 4, visible, continue: p1.continue });
        expect([...(p1.clusters ?? []), ...(p2.clusters ?? [])]).toEqual(['c1', 'c1', 'c1', 'c3', 'c3', 'c3']);
        const w = s.watch({ cluster: ALL_CLUSTERS, resource: 'configmaps', visible });
        const a = await s.create(key('a', { cluster: 'c1' }), obj('a'));
        await s.create(key('b', { cluster: 'c2' }), obj('b'));
        const a2 = await s.update(key('a', { cluster: 'c1' }), { ...a, metadata: { ...a.metadata, labels: { shown: 'no' } } });
        hidden = new Set();
        const c = await s.create(key('c', { cluster: 'c2' }), obj('c'));
        const events = await take(w, 3);
        expect(events.map((e) => [e.type, e.key?.cluster, e.key?.name, e.revision])).toEqual([
          ['ADDED', 'c1', 'a', rv(a)],
          ['DELETED', 'c1', 'a', rv(a2)],
          ['ADDED', 'c2', 'c', rv(c)],
        ]);
        await quiet(w);
        w.close();
      });

      it('sends bookmarks to idle watchers that asked for them', async () => {
        const s = await open({ watch: { bookmarkIntervalMs: 30 } });
        await s.create(key('a'), obj('a'));
        const w = s.watch({ cluster: 'c1', resource: 'configmaps', bookmarks: true });
        const plain = s.watch({ cluster: 'c1', resource: 'configmaps' });
        await s.create(key('other', { resource: 'secrets' }), obj('other'));
        const [bm] = await take(w, 1);
        expect(bm?.type).toBe('BOOKMARK');
        expect(bm?.revision).toBe(s.revision);
        await quiet(plain);
        w.close();
        plain.close();
      });

      it('fails a watch from a compacted revision with Expired', async () => {
        const s = await open();
        const a = await s.create(key('a'), obj('a'));
        await s.create(key('b'), obj('b'));
        await s.compact(s.revision);
        expect(s.compactedRevision).toBe(s.revision);
        const w = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: rv(a) - 1 });
        const err = await w.next().catch((e: unknown) => e);
        expect(isExpired(err)).toBe(true);
        // The newest revision is still a valid start.
        const ok = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: s.revision });
        await s.create(key('c'), obj('c'));
        expect((await take(ok, 1))[0]?.key?.name).toBe('c');
        ok.close();
      });

      it('retains history by the configured window', async () => {
        const s = await open({ history: { retainMs: 0, minRevisions: 3 } });
        for (let i = 0; i < 10; i++) await s.create(key(`o${i}`), obj(`o${i}`));
        // Policy compaction runs on a timer; compacting to the policy's floor has the same effect.
        await s.compact(s.revision - 3);
        const w = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: s.revision - 3 });
        expect((await take(w, 3)).map((e) => e.key?.name)).toEqual(['o7', 'o8', 'o9']);
        w.close();
      });

      it('cuts off a consumer that falls too far behind with TooSlow and where to resume', async () => {
        const s = await open({ watch: { maxQueuedEvents: 20 } });
        const w = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const first = await s.create(key('first'), obj('first'));
        expect((await take(w, 1))[0]?.revision).toBe(rv(first));
        await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(key(`o${i}`), obj(`o${i}`))));
        const err = await w.next().catch((e: unknown) => e);
        expect(isTooSlow(err)).toBe(true);
        expect((err as StorageError).revision).toBe(rv(first));
        // Resuming from that revision replays everything it missed.
        const again = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: (err as StorageError).revision });
        expect((await take(again, 50)).map((e) => e.type)).toEqual(Array(50).fill('ADDED'));
        again.close();
      });

      it('cuts off a consumer whose queued events hold more bytes than allowed, however few they are', async () => {
        const s = await open({ watch: { maxQueuedBytes: 64 * 1024 } });
        const w = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const first = await s.create(key('first'), obj('first'));
        expect((await take(w, 1))[0]?.revision).toBe(rv(first));
        const big = 'x'.repeat(16 * 1024);
        for (let i = 0; i < 6; i++) await s.create(key(`big${i}`), obj(`big${i}`, undefined, { big }));
        const err = await w.next().catch((e: unknown) => e);
        expect(isTooSlow(err)).toBe(true);
        expect((err as StorageError).message).toContain(`more than ${64 * 1024} bytes`);
        expect((err as StorageError).revision).toBe(rv(first));
      });

      it('holds one event of any size, and catches up from history within the byte budget', async () => {
        const s = await open({ watch: { maxQueuedBytes: 8 * 1024 } });
        const start = s.revision;
        const live = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const big = 'x'.repeat(16 * 1024);
        for (let i = 0; i < 6; i++) {
          await s.create(key(`big${i}`), obj(`big${i}`, undefined, { big }));
          // A consumer that keeps up is never cut off, even by an event larger than the budget.
          expect((await take(live, 1))[0]?.key?.name).toBe(`big${i}`);
        }
        live.close();
        // Catching up reads only as far as the budget allows, then waits for the consumer.
        const behind = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: start });
        expect((await take(behind, 6)).map((e) => e.key?.name)).toEqual(['big0', 'big1', 'big2', 'big3', 'big4', 'big5']);
        behind.close();
      });

      it('delivers every event exactly once, in revision order, under concurrent writers', async () => {
        const s = await open();
        const start = s.revision;
        const w = s.watch({ cluster: ALL_CLUSTERS, resource: 'configmaps', fromRevision: start });
        const writers = 16;
        const per = 40;
        await Promise.all(
          Array.from({ length: writers }, async (_, wi) => {
            for (let i = 0; i < per; i++) {
              const k = key(`w${wi}-${i}`, { cluster: `c${wi % 3}` });
              const o = await s.create(k, obj(k.name));
              if (i % 4 === 0) await s.update(k, { ...o, data: { i: String(i) } });
              if (i % 8 === 0) await s.delete(k);
            }
          }),
        );
        const expected = s.revision - start;
        const events = await take(w, expected);
        const revs = events.map((e) => e.revision);
        expect(revs).toEqual(Array.from({ length: expected }, (_, i) => start + i + 1));
        await quiet(w);
        w.close();
      });

      it('lets many watchers read a long history without loading it all at once', async () => {
        const s = await open();
        const from = s.revision;
        await Promise.all(Array.from({ length: 3000 }, (_, i) => s.create(key(`o${i}`), obj(`o${i}`))));
        const watchers = Array.from({ length: 5 }, () => s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: from }));
        for (const w of watchers) {
          const events = await take(w, 3000);
          expect(events[2999]?.revision).toBe(s.revision);
          w.close();
        }
      });

      it('ends open watches when the store closes', async () => {
        const s = await open();
        const w = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const pending = w.next();
        await s.close();
        expect((await pending).done).toBe(true);
      });
    });

    describe('create with a required key', () => {
      const marker = key('cluster', { resource: 'logicalclusters.core.kcp.io', namespace: '' });

      it('creates while the required key exists, and refuses with ContainerGone, writing nothing, once it is gone', async () => {
        const s = await open();
        await s.create(marker, obj('cluster'));
        const made = await s.create(key('a'), obj('a'), { requires: marker });
        expect(made.metadata.name).toBe('a');
        await s.delete(marker);
        const before = s.revision;
        const err = await s.create(key('b'), obj('b'), { requires: marker }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StorageError);
        expect((err as StorageError).code).toBe('ContainerGone');
        expect(s.revision).toBe(before);
        expect(await s.get(key('b'))).toBeUndefined();
      });

      it('refuses a create queued behind the purge of its cluster in the same tick', async () => {
        const s = await open();
        await s.create(marker, obj('cluster'));
        const purged = s.purgeCluster('c1');
        const late = s.create(key('late'), obj('late'), { requires: marker }).catch((e: unknown) => e);
        await purged;
        expect(((await late) as StorageError).code).toBe('ContainerGone');
        expect((await s.list({ cluster: 'c1', resource: 'configmaps' })).items).toEqual([]);
      });
    });

    describe('purgeCluster', () => {
      /** The same keys in c1 and c2, across resources and namespaces, with a cluster-scoped one. */
      const spread = [
        key('a'),
        key('b'),
        key('a', { namespace: 'other' }),
        key('a', { resource: 'secrets' }),
        key('n1', { resource: 'namespaces', namespace: '' }),
      ];
      /** Compares keys whatever their property order (JSON.stringify(undefined) for events without one). */
      const keyId = (k: ObjectKey | undefined): string => JSON.stringify(k && { cluster: k.cluster, resource: k.resource, namespace: k.namespace, name: k.name });
      const seedBoth = async (s: Store): Promise<Map<string, KubeObject>> => {
        const stored = new Map<string, KubeObject>();
        for (const k of spread) {
          for (const cluster of ['c1', 'c2']) {
            const ck = { ...k, cluster };
            stored.set(keyId(ck), await s.create(ck, obj(k.name, undefined, { cluster })));
          }
        }
        return stored;
      };

      it('deletes every object of one cluster and leaves the others alone', async () => {
        const s = await open();
        const stored = await seedBoth(s);
        const before = s.revision;
        const r = await s.purgeCluster('c1');
        expect(r).toEqual({ revision: before + spread.length, deleted: spread.length });
        expect(s.revision).toBe(r.revision);
        for (const k of spread) {
          expect(await s.get(k)).toBeUndefined();
          const other = { ...k, cluster: 'c2' };
          expect(await s.get(other)).toEqual(stored.get(keyId(other)));
        }
        for (const resource of ['configmaps', 'secrets', 'namespaces']) {
          const mine = await s.list({ cluster: 'c1', resource });
          expect(mine.items).toEqual([]);
          expect(mine.revision).toBe(r.revision);
          expect((await s.list({ cluster: 'c2', resource })).items.length).toBeGreaterThan(0);
        }
        const every = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps' });
        expect(every.clusters).toEqual(['c2', 'c2', 'c2']);
      });

      it('sends one DELETED per object at consecutive revisions to cluster and wildcard watchers', async () => {
        const s = await open();
        const stored = await seedBoth(s);
        const mine = s.watch({ cluster: 'c1' });
        const mineCm = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const every = s.watch({ cluster: ALL_CLUSTERS });
        const other = s.watch({ cluster: 'c2' });
        const before = s.revision;
        const r = await s.purgeCluster('c1');
        const consecutive = Array.from({ length: spread.length }, (_, i) => before + i + 1);
        for (const w of [mine, every]) {
          const events = await take(w, spread.length);
          expect(events.map((e) => e.type)).toEqual(Array(spread.length).fill('DELETED'));
          expect(events.map((e) => e.revision)).toEqual(consecutive);
          expect(events[events.length - 1]?.revision).toBe(r.revision);
          expect(new Set(events.map((e) => keyId(e.key)))).toEqual(new Set(spread.map((k) => keyId(k))));
          for (const e of events) {
            // The last stored state, stamped with its deletion's revision.
            const last = stored.get(keyId(e.key));
            expect(e.object?.data).toEqual(last?.data);
            expect(e.object?.metadata.resourceVersion).toBe(String(e.revision));
          }
          await quiet(w);
        }
        const cms = await take(mineCm, 3);
        expect(cms.map((e) => [e.type, e.key?.namespace, e.key?.name])).toEqual([
          ['DELETED', 'default', 'a'],
          ['DELETED', 'default', 'b'],
          ['DELETED', 'other', 'a'],
        ]);
        await quiet(other);
        for (const w of [mine, mineCm, every, other]) w.close();
      });

      it('keeps a paginated list started before the purge consistent', async () => {
        const s = await open();
        for (let i = 0; i < 5; i++) {
          await s.create(key(`o${i}`), obj(`o${i}`));
          await s.create(key(`o${i}`, { cluster: 'c2' }), obj(`o${i}`));
        }
        const p1 = await s.list({ cluster: 'c1', resource: 'configmaps', limit: 1 });
        const w1 = await s.list({ cluster: ALL_CLUSTERS, resource: 'configmaps', limit: 1 });
        await s.purgeCluster('c1');
        await s.create(key('late'), obj('late'));
        const rest = async (first: typeof p1, cluster: string): Promise<string[]> => {
          const seen = names(first.items);
          let cont = first.continue;
          while (cont) {
            const p = await s.list({ cluster, resource: 'configmaps', limit: 1, continue: cont });
            expect(p.revision).toBe(first.revision);
            seen.push(...names(p.items));
            cont = p.continue;
          }
          return seen;
        };
        expect(await rest(p1, 'c1')).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
        expect(await rest(w1, ALL_CLUSTERS)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o0', 'o1', 'o2', 'o3', 'o4']);
        expect(names((await s.list({ cluster: 'c1', resource: 'configmaps' })).items)).toEqual(['late']);
      });

      it('does not advance the revision when the cluster holds nothing', async () => {
        const s = await open();
        await s.create(key('a'), obj('a'));
        const before = s.revision;
        expect(await s.purgeCluster('nobody')).toEqual({ revision: before, deleted: 0 });
        const r = await s.purgeCluster('c1');
        expect(r).toEqual({ revision: before + 1, deleted: 1 });
        expect(await s.purgeCluster('c1')).toEqual({ revision: r.revision, deleted: 0 });
        expect(s.revision).toBe(r.revision);
        expect(rv(await s.create(key('b'), obj('b')))).toBe(r.revision + 1);
      });

      it('lets the cluster’s names be used again', async () => {
        const s = await open();
        const old = await s.create(key('a'), obj('a', undefined, { v: 'old' }));
        const r = await s.purgeCluster('c1');
        const again = await s.create(key('a'), obj('a', undefined, { v: 'new' }));
        expect(rv(again)).toBe(r.revision + 1);
        expect(rv(again)).toBeGreaterThan(rv(old));
        expect(await s.get(key('a'))).toEqual(again);
        const updated = await s.update(key('a'), { ...again, data: { v: 'newer' } }, { resourceVersion: again.metadata.resourceVersion });
        expect(updated.data).toEqual({ v: 'newer' });
      });

      it('refuses an empty cluster name and the wildcard with Internal', async () => {
        const s = await open();
        const a = await s.create(key('a'), obj('a'));
        const before = s.revision;
        for (const cluster of ['', ALL_CLUSTERS]) {
          const err = await s.purgeCluster(cluster).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(StorageError);
          expect((err as StorageError).code).toBe('Internal');
        }
        expect(s.revision).toBe(before);
        expect(await s.get(key('a'))).toEqual(a);
      });

      it('replays the deletions to a watch resumed from before the purge', async () => {
        const s = await open();
        const from = s.revision;
        const a = await s.create(key('a'), obj('a'));
        await s.create(key('b', { namespace: '' }), obj('b'));
        await s.create(key('c', { cluster: 'c2' }), obj('c'));
        const mid = s.revision;
        const r = await s.purgeCluster('c1');
        await s.create(key('a'), obj('a'));
        const fromStart = s.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: from });
        expect((await take(fromStart, 5)).map((e) => [e.type, e.key?.name, e.revision])).toEqual([
          ['ADDED', 'a', rv(a)],
          ['ADDED', 'b', rv(a) + 1],
          ['DELETED', 'b', mid + 1],
          ['DELETED', 'a', mid + 2],
          ['ADDED', 'a', r.revision + 1],
        ]);
        const fromMid = s.watch({ cluster: ALL_CLUSTERS, fromRevision: mid });
        const replayed = await take(fromMid, 3);
        expect(replayed.map((e) => [e.type, e.key?.name, e.revision])).toEqual([
          ['DELETED', 'b', mid + 1],
          ['DELETED', 'a', mid + 2],
          ['ADDED', 'a', r.revision + 1],
        ]);
        expect(replayed[1]?.object?.metadata.resourceVersion).toBe(String(mid + 2));
        await quiet(fromMid);
        for (const w of [fromStart, fromMid]) w.close();
      });

      it('takes its place among writes issued in the same tick', async () => {
        const s = await open();
        await s.create(key('old'), obj('old'));
        // Create, then purge: the purge sees and deletes the new object.
        const [x, r] = await Promise.all([s.create(key('x'), obj('x')), s.purgeCluster('c1')]);
        expect(r).toEqual({ revision: rv(x) + 2, deleted: 2 });
        expect(await s.get(key('x'))).toBeUndefined();
        expect(await s.get(key('old'))).toBeUndefined();
        // Purge, then create: the new object survives.
        await s.create(key('old'), obj('old'));
        const [r2, y] = await Promise.all([s.purgeCluster('c1'), s.create(key('y'), obj('y'))]);
        expect(r2.deleted).toBe(1);
        expect(rv(y)).toBe(r2.revision + 1);
        expect(await s.get(key('y'))).toEqual(y);
        expect(await s.get(key('old'))).toBeUndefined();
      });
    });

    describe('durability', () => {
      it('resumes a watch after close and reopen with zero gaps', async () => {
        const s = await open();
        if (!sut?.reopen) return;
        await s.create(key('a'), obj('a'));
        const w = s.watch({ cluster: 'c1', resource: 'configmaps' });
        const b = await s.create(key('b'), obj('b'));
        const [seen] = await take(w, 1);
        expect(seen?.revision).toBe(rv(b));
        await s.create(key('c'), obj('c'));
        await s.delete(key('a'));
        const last = s.revision;
        const reopened = await sut.reopen();
        expect(reopened.revision).toBe(last);
        const resumed = reopened.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: seen!.revision });
        const d = await reopened.create(key('d'), obj('d'));
        expect(rv(d)).toBe(last + 1);
        const events = await take(resumed, 3);
        expect(events.map((e) => [e.type, e.key?.name, e.revision])).toEqual([
          ['ADDED', 'c', rv(b) + 1],
          ['DELETED', 'a', rv(b) + 2],
          ['ADDED', 'd', rv(d)],
        ]);
        resumed.close();
      });

      it('loses no acknowledged write when the writer process is killed with SIGKILL mid-burst', async () => {
        if (!factory.crash) return;
        const c = await factory.crash();
        try {
          const acked = await runAndKill(c.module, c.arg);
          expect(acked.size).toBeGreaterThan(64);
          const s = await c.reopen();
          const r = await s.list({ cluster: 'crash', resource: 'configmaps' });
          const stored = new Map(r.items.map((o) => [o.metadata.name as string, o.metadata.resourceVersion]));
          const lost = [...acked.entries()].filter(([name, v]) => stored.get(name) !== v);
          expect(lost).toEqual([]);
          // Revisions stayed unique and the store accepts writes again.
          expect(new Set(stored.values()).size).toBe(stored.size);
          await s.create({ cluster: 'crash', resource: 'configmaps', namespace: 'default', name: 'after' }, obj('after'));
          await s.close();
        } finally {
          await c.cleanup();
        }
      });
    });
  });
}

const CRASH_WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

/**
 * Runs the crash writer (64 concurrent writers printing each acknowledged write), waits until it
 * has acknowledged a fair number, and SIGKILLs it while writes are in flight.
 */
function runAndKill(module: string, arg: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CRASH_WRITER, module, arg], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, string>();
    let buf = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const [name, version] = line.split(' ');
        if (name && version) acked.set(name, version);
      }
      if (!killed && acked.size >= 2_000) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`crash writer exited on its own (code ${code}): ${stderr}`));
    });
  });
}
