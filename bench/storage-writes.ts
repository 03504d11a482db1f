/**
 * Durable write throughput of the on-disk EmbeddedStore: acknowledged creates per second with 1
 * and with 64 concurrent writers (each writer awaits its create before issuing the next), which
 * shows what group commit buys. Target from the issue: >= 10,000 durable creates/s at 64 writers.
 *
 * Baseline, measured in the same run on the same disk: better-sqlite3 directly, with the store's
 * pragmas (exclusive lock, WAL, synchronous=FULL), inserting the same JSON rows into the same
 * `objects` table layout in transactions of 64 rows, the engine's best case at that durability.
 * The raw baseline writes no change-log row and no revision counter, which the store does.
 * A last figure spreads the 64 writers' keys over 1,000 logical clusters, as tenants would: each
 * commit then dirties many more B-tree pages than with one cluster's sequential names.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../src/storage/index.js';
import { cmKey, configMap, RESOURCE, withTempDir } from './fixtures.js';
import { figure, note, type Suite } from './report.js';

const NAMESPACE = 'bench';
const WARMUP = 500;
/** Each measurement stops at its count or after this long, whichever comes first. */
const MAX_MS = 3_000;

interface Rate {
  count: number;
  perSecond: number;
}

/** Keys go round-robin over `clusters` logical clusters (the primary key starts with the cluster). */
async function storeCreates(writers: number, count: number, clusters = 1): Promise<Rate> {
  return withTempDir(async (dataDir) => {
    const store = new EmbeddedStore({ dataDir });
    try {
      const run = async (prefix: string, total: number, maxMs: number): Promise<Rate> => {
        let next = 0;
        let done = 0;
        const start = performance.now();
        const deadline = start + maxMs;
        const writer = async (): Promise<void> => {
          while (next < total && performance.now() < deadline) {
            const i = next++;
            const name = `${prefix}-${i}`;
            const cluster = `tenant-${String(i % clusters).padStart(4, '0')}`;
            await store.create(cmKey(cluster, NAMESPACE, name), configMap(NAMESPACE, name, i));
            done++;
          }
        };
        await Promise.all(Array.from({ length: writers }, writer));
        return { count: done, perSecond: done / ((performance.now() - start) / 1000) };
      };
      await run('warmup', WARMUP, MAX_MS);
      return await run('cm', count, MAX_MS);
    } finally {
      await store.close();
    }
  });
}

async function rawInserts(rowsPerTransaction: number, count: number): Promise<Rate> {
  return withTempDir(async (dir) => {
    const db = new Database(path.join(dir, 'raw.db'));
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // The store's objects table and index (src/storage/embedded/database.ts).
      db.exec(`
        CREATE TABLE objects (
          cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
          rev INTEGER NOT NULL, value TEXT NOT NULL,
          PRIMARY KEY (cluster, resource, namespace, name)
        ) WITHOUT ROWID;
        CREATE INDEX objects_by_resource ON objects (resource, cluster, namespace, name);`);
      const insert = db.prepare<[string, string, string, string, number, string]>(
        'INSERT INTO objects (cluster, resource, namespace, name, rev, value) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const insertRange = db.transaction((prefix: string, from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const name = `${prefix}-${i}`;
          const object = configMap(NAMESPACE, name, i);
          object.metadata.resourceVersion = String(i + 1);
          insert.run('c1', RESOURCE, NAMESPACE, name, i + 1, JSON.stringify(object));
        }
      });
      const run = (prefix: string, total: number): Rate => {
        const start = performance.now();
        const deadline = start + MAX_MS;
        let done = 0;
        while (done < total && performance.now() < deadline) {
          const to = Math.min(total, done + rowsPerTransaction);
          insertRange(prefix, done, to);
          done = to;
        }
        return { count: done, perSecond: done / ((performance.now() - start) / 1000) };
      };
      run('warmup', WARMUP);
      return run('cm', count);
    } finally {
      db.close();
    }
  });
}

export const storageWrites: Suite = {
  name: 'storage-writes',
  title: 'acknowledged durable creates/s, on-disk EmbeddedStore vs raw better-sqlite3',
  async run() {
    const raw64 = await rawInserts(64, 20_000);
    const raw1 = await rawInserts(1, 5_000);
    const one = await storeCreates(1, 5_000);
    const many = await storeCreates(64, 20_000);
    const spread = await storeCreates(64, 20_000, 1_000);
    const vsRaw64 = { value: raw64.perSecond, label: 'raw (64 rows/txn)' };
    figure(`raw sqlite, 64 rows/txn (${raw64.count} rows)`, raw64.perSecond, 'rows/s');
    figure(`raw sqlite, 1 row/txn (${raw1.count} rows)`, raw1.perSecond, 'rows/s');
    figure(`store, 1 writer (${one.count} creates)`, one.perSecond, 'creates/s', vsRaw64);
    figure(`store, 1 writer vs raw 1 row/txn`, one.perSecond, 'creates/s', { value: raw1.perSecond, label: 'raw (1 row/txn)' });
    figure(`store, 64 writers (${many.count} creates)`, many.perSecond, 'creates/s', vsRaw64);
    figure(`store, 64 writers, 1,000 clusters (${spread.count})`, spread.perSecond, 'creates/s', vsRaw64);
    note(`target: >= 10,000 creates/s with 64 writers: ${many.perSecond >= 10_000 ? 'met' : 'NOT met'}`);
    note(`each measurement stops after ${MAX_MS / 1000} s; raw rows carry the same JSON, without a change-log row`);
  },
};
