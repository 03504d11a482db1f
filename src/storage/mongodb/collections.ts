/**
 * The MongoDB backend's documents, indexes and error classification. See docs/mongodb.md.
 *
 * Every object and change record carries its logical cluster (`c`) first in its key, so a sharded
 * cluster can shard both collections on it. Objects are stored as their JSON text (`v`), as the
 * embedded store does: Kubernetes keys such as `app.kubernetes.io/name` or `$ref` are not all
 * valid BSON field names everywhere, and selectors are evaluated in the server anyway.
 */
import { MongoClient, MongoError, MongoNetworkError, MongoServerSelectionError, type Collection, type Db } from 'mongodb';
import { StorageError } from '../errors.js';
import type { ObjectKey } from '../types.js';

/** 2: deletes leave tombstones (schema 1 databases are read as they are and marked 2 at open). */
export const SCHEMA_VERSION = 2;

/**
 * Current state of one object, or its tombstone: a delete leaves `{deleted: true}` at its revision
 * so that a group applied late (by a process fenced after its commit point) cannot bring the
 * object back; tombstones are removed with the history they outlive (compaction).
 */
export interface ObjectDoc {
  /** JSON of [cluster, resource, namespace, name]: unique without a compound _id. */
  _id: string;
  c: string;
  r: string;
  ns: string;
  n: string;
  /** Revision of the write that produced this state: an apply only replaces an older one. */
  rev: number;
  /** The object's JSON; absent in a tombstone. */
  v?: string;
  deleted?: true;
}

/** The filter that leaves tombstones out of reads, lists and counts. */
export const LIVE = { deleted: { $ne: true } } as const;

/** One committed write; `_id` is its revision. */
export interface ChangeDoc {
  _id: number;
  c: string;
  r: string;
  ns: string;
  n: string;
  /** 0 ADDED, 1 MODIFIED, 2 DELETED. */
  t: number;
  /** Commit time (ms), for the retention window. */
  ts: number;
  v: string | null;
  p: string | null;
}

/**
 * The writer's fence, kept in the changes collection so that every group commit (one ordered
 * bulk write on that collection) can check it first. `_id` -1 never collides with a revision.
 */
export interface FenceDoc {
  _id: -1;
  /** Incremented by every process that opens the store: the current writer holds the newest. */
  epoch: number;
  /** Every change up to this revision is applied to the objects (recovery replays from here). */
  applied: number;
}

export interface MetaDoc {
  _id: 'store';
  schema: number;
  /** History at or below this revision is forgotten. */
  compacted: number;
}

export const FENCE_ID = -1;

export interface Collections {
  client: MongoClient;
  db: Db;
  objects: Collection<ObjectDoc>;
  changes: Collection<ChangeDoc | FenceDoc>;
  meta: Collection<MetaDoc>;
}

export const objectId = (key: ObjectKey): string => JSON.stringify([key.cluster, key.resource, key.namespace, key.name]);

/**
 * Connects with journaled, majority-acknowledged writes, and fails operations within seconds
 * while the server is unreachable (they become Unavailable) instead of queuing them for 30 s.
 */
export async function connect(url: string, monitorCommands = false): Promise<Collections> {
  const client = new MongoClient(url, {
    appName: 'atoll',
    monitorCommands,
    writeConcern: { w: 'majority', journal: true },
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    // Atoll batches its own writes; a driver retry could replay a group commit after the fence moved.
    retryWrites: false,
  });
  try {
    await client.connect();
    const db = client.db();
    const c: Collections = {
      client,
      db,
      objects: db.collection<ObjectDoc>('objects'),
      changes: db.collection<ChangeDoc | FenceDoc>('changes'),
      meta: db.collection<MetaDoc>('meta'),
    };
    await Promise.all([
      // Lists in one cluster, and the shard key's prefix.
      c.objects.createIndex({ c: 1, r: 1, ns: 1, n: 1 }, { unique: true, name: 'objects_by_key' }),
      // Lists across all clusters (kcp's wildcard requests).
      c.objects.createIndex({ r: 1, c: 1, ns: 1, n: 1 }, { name: 'objects_by_resource' }),
      // Compaction finds the tombstones it may drop: live objects lack the field, so a sparse index holds only tombstones.
      c.objects.createIndex({ deleted: 1 }, { sparse: true, name: 'objects_tombstones' }),
      // Pages of a list at an older revision merge the resource's later changes.
      c.changes.createIndex({ r: 1, _id: 1 }, { name: 'changes_by_resource' }),
    ]);
    return c;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw asStorageError(err, 'cannot open the MongoDB store');
  }
}

/** Duplicate key: a fenced commit or an apply that found a newer state. */
export function isDuplicateKey(err: unknown): boolean {
  if (!(err instanceof MongoError)) return false;
  const writeErrors = (err as { writeErrors?: { code?: number } | { code?: number }[] }).writeErrors;
  if (writeErrors === undefined) return err.code === 11000;
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.length > 0 && list.every((e) => e.code === 11000);
}

/** Server codes meaning "not now": shutdown, stepdown, no primary. */
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Why an error means MongoDB cannot be reached or cannot take writes at the moment; undefined otherwise. */
export function unavailableReason(err: unknown): string | undefined {
  // The driver wraps some network errors (a bulk write's connection closed under it): look inside.
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  if (cause !== undefined && cause !== err && unavailableReason(cause) !== undefined) return unavailableReason(cause);
  if (err instanceof MongoError && /connection .* closed|ECONNRESET|ECONNREFUSED|EPIPE/.test(err.message)) return `MongoDB connection lost: ${err.message}`;
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return `MongoDB is unreachable: ${err.message}`;
  if (err instanceof MongoError) {
    if (typeof err.code === 'number' && TRANSIENT_CODES.has(err.code)) return `MongoDB cannot serve now: ${err.message}`;
    if (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('TransientTransactionError')) return `MongoDB cannot serve now: ${err.message}`;
    if (err.name === 'MongoTopologyClosedError' || err.name === 'MongoNotConnectedError') return `MongoDB connection is closed: ${err.message}`;
  }
  return undefined;
}

/** A StorageError for any error of a MongoDB operation: Unavailable while MongoDB is unreachable, else Internal. */
export function asStorageError(err: unknown, doing: string): StorageError {
  if (err instanceof StorageError) return err;
  const reason = unavailableReason(err);
  if (reason !== undefined) return new StorageError('Unavailable', `${doing}: ${reason}`);
  return new StorageError('Internal', `${doing}: ${err instanceof Error ? err.message : String(err)}`);
}
