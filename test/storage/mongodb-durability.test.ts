/**
 * The MongoDB backend beyond the contract: what a crash between commit and apply leaves is
 * replayed at open, a second process on the same database fences the first, and a MongoDB that
 * is killed and restarted costs no acknowledged write and no watch event (FerretDB stands in).
 */
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StorageError, type Store } from '../../src/storage/index.js';
import { MongoStore } from '../../src/storage/mongodb/index.js';
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
