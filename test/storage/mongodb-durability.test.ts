/**
 * The MongoDB backend beyond the contract: what a crash between commit and apply leaves is
 * replayed at open, a second process on the same database fences the first, and a MongoDB that
 * is killed and restarted costs no acknowledged write and no watch event (FerretDB stands in).
 */
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StorageError, type Store } from '../../src/storage/index.js';
import { objectId, type ChangeDoc, type ObjectDoc } from '../../src/storage/mongodb/collections.js';
import { MongoStore } from '../../src/storage/mongodb/index.js';
import { applyChanges } from '../../src/storage/mongodb/replay.js';
import { eventually } from '../support/eventually.js';
import { ferretdbUnavailable, startFerretDB, type FerretDB } from '../support/ferretdb.js';
import { key, obj, take } from './contract.js';

let server: FerretDB | undefined;
let databases = 0;
const freshUrl = (): string => (server as FerretDB).url(`durability${++databases}`);
const stores: Store[] = [];
const open = async (url: string): Promise<MongoStore> => {
  // Seconds, not the default 10 s, for an operation caught on a connection to the killed server.
  const store = await MongoStore.open({ url, operationTimeoutMs: 3_000 });
  stores.push(store);
  return store;
};
const rv = (o: { metadata: { resourceVersion?: string } }): number => Number(o.metadata.resourceVersion);

describe.skipIf(ferretdbUnavailable !== undefined)(`MongoDB backend: durability and operations${ferretdbUnavailable ? ` (skipped: ${ferretdbUnavailable})` : ''}`, () => {
  beforeAll(async () => {
    server = await startFerretDB();
  }, 600_000);
  afterAll(async () => {
    await server?.dispose();
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  });

  it('compacts history by the retention policy on its timer, and answers Expired before it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = await MongoStore.open({ url: freshUrl(), history: { retainMs: 0, minRevisions: 3 } });
    stores.push(store);
    for (let i = 0; i < 10; i++) await store.create(key(`o${i}`), obj(`o${i}`));
    vi.advanceTimersByTime(10_000);
    await eventually(() => expect(store.compactedRevision).toBe(7));
    const err = await store.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: 6 }).next().catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('Expired');
    const w = store.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: 7 });
    expect((await take(w, 3)).map((e) => e.key?.name)).toEqual(['o7', 'o8', 'o9']);
    w.close();
  });

  it('leaves a tombstone for each delete, which reads, lists and counts skip, and drops it with the history it outlives', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const url = freshUrl();
    const store = await MongoStore.open({ url, history: { retainMs: 0, minRevisions: 2 } });
    stores.push(store);
    for (const n of ['a', 'b', 'c']) await store.create(key(n), obj(n)); // 1-3
    await store.delete(key('a')); // 4
    await store.delete(key('b')); // 5
    await store.create(key('d'), obj('d')); // 6
    await store.create(key('e'), obj('e')); // 7
    await store.delete(key('d')); // 8
    await store.create(key('f'), obj('f')); // 9
    const client = new MongoClient(url);
    try {
      const tombstones = async () => (await client.db().collection('objects').find({ deleted: true }).toArray()).map((d) => d.n as string).sort();
      expect(await tombstones()).toEqual(['a', 'b', 'd']);
      expect(await store.get(key('a'))).toBeUndefined();
      const page = await store.list({ cluster: 'c1', resource: 'configmaps', limit: 1 });
      expect(page.items.map((o) => o.metadata.name)).toEqual(['c']);
      expect(page.remainingItemCount).toBe(2);
      const all = await store.list({ cluster: 'c1', resource: 'configmaps' });
      expect(all.items.map((o) => o.metadata.name)).toEqual(['c', 'e', 'f']);
      expect((await store.create(key('a'), obj('a'))).metadata.resourceVersion).toBe('10'); // over its tombstone

      vi.advanceTimersByTime(10_000);
      await eventually(() => expect(store.compactedRevision).toBe(8));
      await eventually(async () => expect(await tombstones()).toEqual([]));
      await store.delete(key('c')); // 11
      expect(await tombstones()).toEqual(['c']);
    } finally {
      await client.close();
    }
  });

  it('opens a schema 1 database (written before tombstones) as it is and marks it 2, and refuses a newer schema', async () => {
    const url = freshUrl();
    const first = await open(url);
    await first.create(key('a'), obj('a'));
    await first.close();
    const client = new MongoClient(url);
    try {
      const meta = client.db().collection<{ _id: string; schema: number }>('meta');
      await meta.updateOne({ _id: 'store' }, { $set: { schema: 1 } });
      const store = await open(url);
      expect((await store.get(key('a')))?.metadata.name).toBe('a');
      expect((await meta.findOne({ _id: 'store' }))?.schema).toBe(2);
      await store.close();
      await meta.updateOne({ _id: 'store' }, { $set: { schema: 3 } });
      await expect(MongoStore.open({ url })).rejects.toThrow(/store schema 3; this Atoll reads 2/);
    } finally {
      await client.close();
    }
  });

  it('replays change records committed but not applied before a crash, at open, and serves them to watches', async () => {
    const url = freshUrl();
    const first = await open(url);
    const a = await first.create(key('a'), obj('a', undefined, { v: '1' }));
    await first.close();
    // What a writer killed right after its group's commit point leaves: the records, not the objects.
    const client = new MongoClient(url);
    const changes = client.db().collection('changes');
    const base = { c: 'c1', r: 'configmaps', ns: 'default', ts: Date.now() };
    const b = JSON.stringify({ ...obj('b'), metadata: { ...obj('b').metadata, resourceVersion: '2' } });
    const a3 = JSON.stringify({ ...a, data: { v: '3' }, metadata: { ...a.metadata, resourceVersion: '3' } });
    await changes.insertMany([
      { _id: 2 as never, ...base, n: 'b', t: 0, v: b, p: null },
      { _id: 3 as never, ...base, n: 'a', t: 1, v: a3, p: JSON.stringify(a) },
    ]);
    await client.close();

    const store = await open(url);
    expect(store.revision).toBe(3);
    expect((await store.get(key('b')))?.metadata.resourceVersion).toBe('2');
    expect((await store.get(key('a')))?.data).toEqual({ v: '3' });
    const w = store.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: rv(a) });
    expect((await take(w, 2)).map((e) => [e.type, e.key?.name, e.revision])).toEqual([
      ['ADDED', 'b', 2],
      ['MODIFIED', 'a', 3],
    ]);
    expect(rv(await store.create(key('c'), obj('c')))).toBe(4);
    w.close();
  });

  it('stops the first process at its next write once a second one opens the same database', async () => {
    const url = freshUrl();
    const first = await open(url);
    await first.create(key('a'), obj('a'));
    const second = await open(url);
    const err = await first.create(key('b'), obj('b')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('Unavailable');
    expect((err as StorageError).message).toMatch(/another Atoll process has opened this MongoDB store/);
    expect(first.writeFailure).toMatch(/another Atoll process/);
    expect(await second.get(key('b'))).toBeUndefined();
    expect(rv(await second.create(key('b'), obj('b')))).toBe(2);
  });

  it('keeps what a second process wrote when the first applies, after the takeover, a group it committed before', async () => {
    const url = freshUrl();
    // The first process is held between its group's commit point and its apply, while a second one takes over.
    let hold = false;
    let committed!: () => void;
    let release!: () => void;
    const atCommit = new Promise<void>((resolve) => (committed = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const first = await MongoStore.open({
      url,
      operationTimeoutMs: 3_000,
      beforeApply: async () => {
        if (!hold) return;
        hold = false;
        committed();
        await released;
      },
    });
    stores.push(first);
    await first.create(key('x'), obj('x'));
    await first.create(key('y'), obj('y'));
    hold = true;
    const group = Promise.all([
      first.update(key('x'), obj('x', undefined, { by: 'first' })),
      first.update(key('y'), obj('y', undefined, { by: 'first' })),
      first.create(key('z'), obj('z')),
    ]);
    await atCommit;

    const second = await open(url);
    expect(second.revision).toBe(5); // the first's group, committed, is replayed at open
    await second.delete(key('x'));
    await second.update(key('y'), obj('y', undefined, { by: 'second' }));
    await second.delete(key('z'));
    release();
    // Committed before the takeover, so acknowledged: the second process holds it in its history.
    expect((await group).map(rv)).toEqual([3, 4, 5]);

    expect(await second.get(key('x'))).toBeUndefined();
    expect((await second.get(key('y')))?.data).toEqual({ by: 'second' });
    expect(await second.get(key('z'))).toBeUndefined();
    const listed = await second.list({ cluster: 'c1', resource: 'configmaps', limit: 1 });
    expect(listed.items.map((o) => o.metadata.name)).toEqual(['y']);
    expect(listed.remainingItemCount).toBeUndefined();
    const reopened = await open(url);
    expect(await reopened.get(key('x'))).toBeUndefined();
    expect(await reopened.get(key('z'))).toBeUndefined();
    expect((await reopened.get(key('y')))?.data).toEqual({ by: 'second' });

    const err = await first.create(key('w'), obj('w')).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('Unavailable');
    expect(first.writeFailure).toMatch(/another Atoll process/);
  });

  it('fails writes with Unavailable while MongoDB is down, reports it, reconnects by itself, and loses no acknowledged write or watch event', async () => {
    const url = freshUrl();
    const store = await open(url);
    const w = store.watch({ cluster: 'c1', resource: 'configmaps', fromRevision: 0 });
    const acked = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(key(`before${i}`), obj(`before${i}`))));
    await (server as FerretDB).kill();
    const err = await store.create(key('down'), obj('down')).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('Unavailable');
    expect(store.writeFailure).toMatch(/MongoDB/);
    const readErr = await store.get(key('before0')).catch((e: unknown) => e);
    expect((readErr as StorageError).code).toBe('Unavailable');

    await (server as FerretDB).start();
    await eventually(() => expect(store.writeFailure).toBeUndefined(), 30_000);
    const after = await store.create(key('after'), obj('after'));
    for (const o of acked) expect((await store.get(key(o.metadata.name as string)))?.metadata.resourceVersion).toBe(o.metadata.resourceVersion);
    // The refused write either never happened or is replayed in order: the watch has no gap.
    const events = await take(w, rv(after));
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: rv(after) }, (_, i) => i + 1));
    w.close();
  });
});

describe.skipIf(ferretdbUnavailable !== undefined)(`MongoDB backend: applying change records${ferretdbUnavailable ? ` (skipped: ${ferretdbUnavailable})` : ''}`, () => {
  beforeAll(async () => {
    server = await startFerretDB();
  }, 600_000);
  afterAll(async () => {
    await server?.dispose();
  });

  it('removes the older states of a group larger than one delete command, chunk by chunk, and leaves every newer one', async () => {
    const client = new MongoClient((server as FerretDB).url('apply'));
    try {
      const objects = client.db().collection<ObjectDoc>('objects');
      const change = (rev: number, name: string, t: number): ChangeDoc => ({ _id: rev, c: 'c1', r: 'configmaps', ns: 'default', n: name, t, ts: 0, v: t === 2 ? null : `{"rev":${rev}}`, p: null });
      const names = ['a', 'b', 'c', 'd', 'e'];
      await applyChanges(objects, names.map((n, i) => change(i + 1, n, 0)), new Set());
      // A newer state of `e` is already there (another writer's): the group's older one must not replace it.
      await applyChanges(objects, [change(20, 'e', 1)]);
      const present = new Set(names.map((n) => objectId(key(n))));
      await applyChanges(objects, names.map((n, i) => change(10 + i, n, 2)), present, 2);
      const docs = await objects.find({}, { sort: { n: 1 } }).toArray();
      expect(docs.map((d) => [d.n, d.rev, d.deleted ?? false])).toEqual([
        ['a', 10, true],
        ['b', 11, true],
        ['c', 12, true],
        ['d', 13, true],
        ['e', 20, false],
      ]);
    } finally {
      await client.close();
    }
  });
});
