/**
 * Change records to objects and to events: the apply step of a group commit, the replay of what
 * was committed but not applied (after a crash or a connection lost mid-commit), and history
 * reads for the watch hub.
 */
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { StoreEvent } from '../types.js';
import { changeEvent } from '../write-rules.js';
import { isDuplicateKey, objectId, type ChangeDoc, type Collections, type ObjectDoc } from './collections.js';

const REPLAY_PAGE = 1_000;
/** Keys per delete of older states (a key's clause is a few hundred bytes at most). */
const DELETE_CHUNK = 5_000;

const keyOf = (c: ChangeDoc) => ({ cluster: c.c, resource: c.r, namespace: c.ns, name: c.n });

/**
 * Brings the objects up to `changes` (consecutive revisions, oldest first): each key's last change
 * counts, and only ever replaces an older state of its key; a delete leaves a tombstone at its
 * revision. Two operations per group, whatever its size: the stored states older than the
 * group's (`{_id, rev: {$lt: r}}` per key, in one delete) are removed, then the new states are
 * inserted. An insert that collides found a state put there meanwhile, by a writer applying
 * concurrently (a process fenced between its commit point and its apply, or the one that fenced
 * it): the group is then written key by key, each only over an older state, an atomic write per
 * object. So applying the same records twice, after newer ones, or concurrently with another
 * writer ends in each key's newest state: nothing deleted comes back, nothing updated goes back.
 *
 * `present`, the keys that had a document (live or tombstone) when the group was read, limits the
 * delete to them (a group of creates is one insert). A MongoDB-wire server without index pushdown
 * for compound filters (FerretDB's SQLite handler) scans once per operation, and commits each
 * statement of a bulk write on its own, which is why the common case is not a write per key.
 */
export async function applyChanges(objects: Collection<ObjectDoc>, changes: readonly ChangeDoc[], present?: ReadonlySet<string>, deleteChunk = DELETE_CHUNK): Promise<void> {
  const last = new Map<string, ChangeDoc>();
  for (const change of changes) last.set(objectId(keyOf(change)), change);
  const docs: ObjectDoc[] = [];
  for (const [_id, ch] of last) {
    docs.push(ch.t === 2
      ? { _id, c: ch.c, r: ch.r, ns: ch.ns, n: ch.n, rev: ch._id, deleted: true }
      : { _id, c: ch.c, r: ch.r, ns: ch.ns, n: ch.n, rev: ch._id, v: ch.v as string });
  }
  const older = docs.filter((d) => !present || present.has(d._id)).map(({ _id, c, r, ns, n, rev }) => ({ _id, c, r, ns, n, rev: { $lt: rev } }));
  // A purge's group holds a whole workspace: keep each delete command well below MongoDB's 16 MiB.
  for (let i = 0; i < older.length; i += deleteChunk) await objects.deleteMany({ $or: older.slice(i, i + deleteChunk) });
  try {
    await objects.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Which inserts collided is not reliable on every server (FerretDB misreports the index):
    // write them all conditionally; those already in place, or older than what is, stay as they are.
    try {
      await objects.bulkWrite(docs.map(newerThanStored), { ordered: false });
    } catch (again) {
      if (!isDuplicateKey(again)) throw again;
    }
  }
}

/** Replaces the stored state of `doc`'s key only if it is older (the filter carries the shard key, which a sharded upsert needs). */
function newerThanStored(doc: ObjectDoc): AnyBulkWriteOperation<ObjectDoc> {
  const { _id, c, r, ns, n, ...state } = doc;
  return { replaceOne: { filter: { _id, c, r, ns, n, rev: { $lt: doc.rev } }, replacement: { c, r, ns, n, ...state }, upsert: true } };
}

/** Committed records with revision in (after, upTo], oldest first, at most `limit`, as events. */
export async function readChangesAfter(cols: Collections, after: number, upTo: number, limit: number): Promise<StoreEvent[]> {
  if (after >= upTo) return [];
  const rows = (await cols.changes.find({ _id: { $gt: after, $lte: upTo } }, { sort: { _id: 1 }, limit }).toArray()) as ChangeDoc[];
  return rows.map((r) => changeEvent(r.t, r._id, keyOf(r), r.v, r.p));
}

/**
 * Applies every record after `after` page by page, handing each page's events to `onEvents`
 * after it is applied. Returns the last revision found (`after` if none).
 */
export async function replayUnapplied(cols: Collections, after: number, onEvents?: (events: StoreEvent[]) => void): Promise<number> {
  let last = after;
  for (;;) {
    const rows = (await cols.changes.find({ _id: { $gt: last } }, { sort: { _id: 1 }, limit: REPLAY_PAGE }).toArray()) as ChangeDoc[];
    if (rows.length === 0) return last;
    await applyChanges(cols.objects, rows);
    onEvents?.(rows.map((r) => changeEvent(r.t, r._id, keyOf(r), r.v, r.p)));
    last = (rows[rows.length - 1] as ChangeDoc)._id;
  }
}
