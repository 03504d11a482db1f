/**
 * Opens the SQLite file behind the embedded store and prepares every statement once.
 *
 * Durability: WAL journal with synchronous=FULL, so a commit returns only after the WAL is
 * fsynced. The store batches concurrent writes into one transaction (group commit), which is
 * what makes FULL affordable. locking_mode=EXCLUSIVE keeps a second process off the same data
 * directory: two writers would each believe they own the revision counter.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from '../errors.js';

export const SCHEMA_VERSION = 2;

const PAGE_SIZE = 16_384;
/**
 * WAL frames after which a commit copies them into the database file (SQLite's default, 1,000
 * pages, lets the WAL reach 16 MiB at our page size before it is reused), and the size the WAL
 * file is cut back to whenever it starts over: together they bound the WAL to about 4 MiB plus
 * the last batch, so it cannot hold much of a nearly full disk.
 */
const WAL_CHECKPOINT_PAGES = 256;
const WAL_SIZE_LIMIT = WAL_CHECKPOINT_PAGES * PAGE_SIZE;

/**
 * Objects live in a rowid table, appended in write order, with the key in a unique index: the
 * index entries are small, so a batch of writes to keys scattered over many logical clusters
 * dirties few index pages, and a new workspace's objects share data pages. (Schema 1 kept the
 * whole object in a WITHOUT ROWID table keyed by the key, where rows of a kilobyte made every
 * scattered write dirty its own leaf page: about 17 % slower workspace creation.)
 */
const META_DDL = 'CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;';
const DDL = `
CREATE TABLE IF NOT EXISTS objects (
  cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  rev INTEGER NOT NULL, value TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_by_key ON objects (cluster, resource, namespace, name);
CREATE INDEX IF NOT EXISTS objects_by_resource ON objects (resource, cluster, namespace, name);
CREATE TABLE IF NOT EXISTS changes (
  rev INTEGER PRIMARY KEY, type INTEGER NOT NULL, ts INTEGER NOT NULL,
  cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  value TEXT, prev TEXT
);
`;

export interface ObjectRow {
  cluster: string;
  namespace: string;
  name: string;
  value: string;
}

export interface ChangeRow {
  rev: number;
  type: number;
  ts: number;
  cluster: string;
  resource: string;
  namespace: string;
  name: string;
  value: string | null;
  prev: string | null;
}

export const DB_FILE = 'atoll.db';

export function openDatabase(dataDir: string | undefined): Database.Database {
  let db: Database.Database;
  if (dataDir === undefined) {
    db = new Database(':memory:');
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    // A short busy timeout: the only other holder of the lock is another process, which will not let go.
    db = new Database(path.join(dataDir, DB_FILE), { timeout: 200 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      // 64 MiB of pages (SQLite's default is 2 MiB): the key index of a store with 100,000
      // workspaces stays in memory, so a GET in a random workspace is not a disk read per step.
      db.pragma('cache_size = -65536');
      // Take the exclusive lock now, not at the first write.
      db.exec('BEGIN IMMEDIATE; COMMIT;');
    } catch (err) {
      db.close();
      if (err instanceof Error && /locked|busy/i.test(err.message)) {
        throw new StorageError('Internal', `data directory ${dataDir} is in use by another Atoll process`);
      }
      throw err;
    }
  }
  db.exec(META_DDL);
  const version = db.prepare<[], { v: number }>("SELECT v FROM meta WHERE k = 'schema'").get();
  if (version?.v === 1) migrateFromSchema1(db);
  else if (version !== undefined && version.v !== SCHEMA_VERSION) {
    db.close();
    throw new StorageError('Internal', `data directory has store schema ${version.v}; this Atoll reads ${SCHEMA_VERSION}`);
  }
  db.exec(DDL);
  if (version === undefined) {
    db.prepare("INSERT INTO meta (k, v) VALUES ('schema', ?), ('revision', 0), ('compacted', 0)").run(SCHEMA_VERSION);
  }
  return db;
}

/**
 * Copies the whole WAL into the database file and truncates the WAL to nothing (when the store
 * is idle or closing). Throws as SQLite does, e.g. when the database file cannot grow.
 */
export function truncateWal(db: Database.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * Why an error means the data directory cannot take writes at the moment — full (SQLITE_FULL,
 * ENOSPC) or failing (SQLITE_IOERR*, EIO) — as the message writers get; undefined for any other
 * error. better-sqlite3's SqliteError carries SQLite's (extended) result code as `code`.
 */
export function unwritableReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const detail = `${err instanceof Error ? err.message : String(err)} (${code})`;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return `storage is full: ${detail}`;
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return `storage cannot be written: ${detail}`;
  return undefined;
}

/** Moves schema 1's objects into schema 2's table in one transaction (revisions and history unchanged). */
function migrateFromSchema1(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`
      ALTER TABLE objects RENAME TO objects_schema1;
      DROP INDEX IF EXISTS objects_by_resource;
      ${DDL}
      INSERT INTO objects (cluster, resource, namespace, name, rev, value)
        SELECT cluster, resource, namespace, name, rev, value FROM objects_schema1 ORDER BY rev;
      DROP TABLE objects_schema1;
    `);
    db.prepare("UPDATE meta SET v = ? WHERE k = 'schema'").run(SCHEMA_VERSION);
  })();
}

/** Every statement the store runs, prepared once per database. */
export function prepareStatements(db: Database.Database) {
  return {
    getMeta: db.prepare<[string], { v: number }>('SELECT v FROM meta WHERE k = ?'),
    setMeta: db.prepare<[number, string]>('UPDATE meta SET v = ? WHERE k = ?'),
    get: db.prepare<[string, string, string, string], { rev: number; value: string }>(
      'SELECT rev, value FROM objects WHERE cluster = ? AND resource = ? AND namespace = ? AND name = ?',
    ),
    insert: db.prepare<[string, string, string, string, number, string]>(
      'INSERT INTO objects (cluster, resource, namespace, name, rev, value) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    replace: db.prepare<[number, string, string, string, string, string]>(
      'UPDATE objects SET rev = ?, value = ? WHERE cluster = ? AND resource = ? AND namespace = ? AND name = ?',
    ),
    remove: db.prepare<[string, string, string, string]>(
      'DELETE FROM objects WHERE cluster = ? AND resource = ? AND namespace = ? AND name = ?',
    ),
    /** One cluster's objects in key order: a range scan of the primary key. */
    objectsOfCluster: db.prepare<[string], { resource: string; namespace: string; name: string; value: string }>(
      'SELECT resource, namespace, name, value FROM objects WHERE cluster = ? ORDER BY resource, namespace, name',
    ),
    removeCluster: db.prepare<[string]>('DELETE FROM objects WHERE cluster = ?'),
    logChange: db.prepare<[number, number, number, string, string, string, string, string | null, string | null]>(
      'INSERT INTO changes (rev, type, ts, cluster, resource, namespace, name, value, prev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    changesAfter: db.prepare<[number, number], ChangeRow>('SELECT * FROM changes WHERE rev > ? ORDER BY rev LIMIT ?'),
    changesOfResource: db.prepare<[number, string], ChangeRow>(
      'SELECT * FROM changes WHERE rev > ? AND resource = ? ORDER BY rev',
    ),
    lastCompactable: db.prepare<[number, number], { rev: number | null }>(
      'SELECT max(rev) AS rev FROM changes WHERE ts < ? AND rev <= ?',
    ),
    compact: db.prepare<[number]>('DELETE FROM changes WHERE rev <= ?'),
    /** The smallest write there is, to learn whether writes succeed again. */
    probe: db.prepare<[number]>("INSERT INTO meta (k, v) VALUES ('probe', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
