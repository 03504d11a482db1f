/** The embedded (SQLite) backend against the storage contract, in memory and on disk. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../src/storage/embedded/database.js';
import { EmbeddedStore, StorageError } from '../../src/storage/index.js';
import { runStoreContract, type StoreSetup } from './contract.js';

const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-store-'));

runStoreContract('embedded, in memory', {
  async open(setup?: StoreSetup) {
    const store = new EmbeddedStore({ ...setup });
    return { store, cleanup: () => store.close() };
  },
});

runStoreContract('embedded, on disk', {
  async open(setup?: StoreSetup) {
    const dataDir = tmpDir();
    let store = new EmbeddedStore({ dataDir, ...setup });
    return {
      get store() {
        return store;
      },
      async reopen() {
        await store.close();
        store = new EmbeddedStore({ dataDir, ...setup });
        return store;
      },
      async cleanup() {
        await store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
  async crash() {
    const dataDir = tmpDir();
    let reopened: EmbeddedStore | undefined;
    return {
      module: fileURLToPath(new URL('./embedded-crash-target.ts', import.meta.url)),
      arg: dataDir,
      reopen: async () => (reopened = new EmbeddedStore({ dataDir })),
      cleanup: async () => {
        await reopened?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
});

describe('embedded store specifics', () => {
  it('keeps a second process (or instance) off the same data directory', async () => {
    const dataDir = tmpDir();
    const first = new EmbeddedStore({ dataDir });
    try {
      expect(() => new EmbeddedStore({ dataDir })).toThrow(/in use by another Atoll process/);
    } finally {
      await first.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses objects larger than the configured limit without writing anything', async () => {
    const store = new EmbeddedStore({ maxObjectBytes: 1024 });
    const key = { cluster: 'c', resource: 'configmaps', namespace: 'default', name: 'big' };
    const err = await store
      .create(key, { metadata: { name: 'big' }, data: { x: 'y'.repeat(2048) } })
      .catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('TooLarge');
    expect(await store.get(key)).toBeUndefined();
    expect(store.revision).toBe(0);
    await store.close();
  });

  it('commits concurrent writes in shared transactions (group commit)', async () => {
    const store = new EmbeddedStore();
    const before = store.revision;
    const writes = Array.from({ length: 100 }, (_, i) =>
      store.create({ cluster: 'c', resource: 'configmaps', namespace: 'd', name: `o${i}` }, { metadata: { name: `o${i}` } }),
    );
    // Nothing is committed until the batch runs; then all 100 are, in queue order.
    expect(store.revision).toBe(before);
    const done = await Promise.all(writes);
    expect(done.map((o) => Number(o.metadata.resourceVersion))).toEqual(done.map((_, i) => before + i + 1));
    await store.close();
  });

  it('rejects writes after close with a Closed error', async () => {
    const store = new EmbeddedStore();
    await store.close();
    const err = await store.create({ cluster: 'c', resource: 'r', namespace: '', name: 'n' }, { metadata: {} }).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('Closed');
  });

  it('migrates a schema 1 data directory in place, keeping objects, revisions and history', async () => {
    const dataDir = tmpDir();
    const db = new Database(path.join(dataDir, DB_FILE));
    db.exec(`
      CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE objects (
        cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        rev INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (cluster, resource, namespace, name)
      ) WITHOUT ROWID;
      CREATE INDEX objects_by_resource ON objects (resource, cluster, namespace, name);
      CREATE TABLE changes (
        rev INTEGER PRIMARY KEY, type INTEGER NOT NULL, ts INTEGER NOT NULL,
        cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, value TEXT, prev TEXT
      );
      INSERT INTO meta (k, v) VALUES ('schema', 1), ('revision', 2), ('compacted', 0);
    `);
    const put = (rev: number, cluster: string, name: string): void => {
      const value = JSON.stringify({ metadata: { name, namespace: 'default', resourceVersion: String(rev) }, data: { cluster } });
      db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?)').run(cluster, 'configmaps', 'default', name, rev, value);
      db.prepare('INSERT INTO changes VALUES (?, 0, ?, ?, ?, ?, ?, ?, NULL)').run(rev, Date.now(), cluster, 'configmaps', 'default', name, value);
    };
    put(1, 'b', 'one');
    put(2, 'a', 'two');
    db.close();

    const store = new EmbeddedStore({ dataDir });
    try {
      expect(store.revision).toBe(2);
      expect((await store.get({ cluster: 'b', resource: 'configmaps', namespace: 'default', name: 'one' }))?.data).toEqual({ cluster: 'b' });
      const all = await store.list({ cluster: '*', resource: 'configmaps' });
      expect(all.clusters).toEqual(['a', 'b']);
      const created = await store.create({ cluster: 'a', resource: 'configmaps', namespace: 'default', name: 'three' }, { metadata: { name: 'three' } });
      expect(created.metadata.resourceVersion).toBe('3');
      const w = store.watch({ cluster: '*', resource: 'configmaps', fromRevision: 0 });
      const seen: number[] = [];
      for await (const e of w) {
        seen.push(e.revision);
        if (seen.length === 3) break;
      }
      w.close();
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      await store.close();
    }
    const check = new Database(path.join(dataDir, DB_FILE), { readonly: true });
    expect(check.prepare("SELECT v FROM meta WHERE k = 'schema'").get()).toEqual({ v: 2 });
    check.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
