/**
 * Change records to objects and to events: the apply step of a group commit, the replay of what
 * was committed but not applied (after a crash or a connection lost mid-commit), and history
 * reads for the watch hub.
 */
import type { Collection } from 'mongodb';
import type { StoreEvent } from '../types.js';
import { changeEvent } from '../write-rules.js';
import { isDuplicateKey, objectId, type ChangeDoc, type Collections, type ObjectDoc } from './collections.js';

const REPLAY_PAGE = 1_000;

const keyOf = (c: ChangeDoc) => ({ cluster: c.c, resource: c.r, namespace: c.ns, name: c.n });

/**
 * Brings the objects up to `changes` (consecutive revisions, oldest first): each key's last change
 * counts. Stored states no newer than the last of the changes are deleted in one operation, then
 * the keys' new states are inserted in one unordered operation. A stored state newer than all of
 * them (written by a later commit) survives both: the insert's duplicate key error is that case.
 * So applying the same records twice, or after newer ones, ends in the same objects, and a group
 * costs two operations, not one per object (MongoDB-wire servers without index pushdown, such as
 * FerretDB's SQLite handler, scan the collection for each filtered write). `stored`, when known,
 * limits the delete to the keys that exist.
 */
export async function applyChanges(objects: Collection<ObjectDoc>, changes: readonly ChangeDoc[], stored?: ReadonlySet<string>): Promise<void> {
  const newest = changes[changes.length - 1]?._id;
  if (newest === undefined) return;
  const last = new Map<string, ChangeDoc>();
  for (const change of changes) last.set(objectId(keyOf(change)), change);
  const stale = [...last.keys()].filter((id) => !stored || stored.has(id));
  if (stale.length > 0) await objects.deleteMany({ _id: { $in: stale }, rev: { $lte: newest } });
  const docs: ObjectDoc[] = [];
  for (const [_id, ch] of last) {
    if (ch.t !== 2) docs.push({ _id, c: ch.c, r: ch.r, ns: ch.ns, n: ch.n, rev: ch._id, v: ch.v as string });
  }
  if (docs.length === 0) return;
  try {
    await objects.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
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
