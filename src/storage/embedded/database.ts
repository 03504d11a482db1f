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

export const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS objects (
  cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  rev INTEGER NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (cluster, resource, namespace, name)
) WITHOUT ROWID;
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
      db.pragma('page_size = 16384');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
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
  db.exec(DDL);
  const version = db.prepare<[], { v: number }>("SELECT v FROM meta WHERE k = 'schema'").get();
  if (version === undefined) {
    db.prepare("INSERT INTO meta (k, v) VALUES ('schema', ?), ('revision', 0), ('compacted', 0)").run(SCHEMA_VERSION);
  } else if (version.v !== SCHEMA_VERSION) {
    db.close();
    throw new StorageError('Internal', `data directory has store schema ${version.v}; this Atoll reads ${SCHEMA_VERSION}`);
  }
  return db;
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
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
