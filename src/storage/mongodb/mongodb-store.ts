/**
 * The MongoDB store: the storage contract over the official driver, on any MongoDB-wire server,
 * including those without multi-document transactions or change streams (FerretDB). Why it is
 * built this way is in docs/mongodb.md; in short:
 *
 * - This process is the single writer of the store's revisions, fenced: opening the store bumps
 *   an epoch, and every group commit first checks it, so a previous writer still running is
 *   stopped at its next commit.
 * - Writes are queued and committed together (group commit): their current state is read in one
 *   query, they are checked and numbered here, and the group's change records are written in one
 *   ordered bulk write with journaled, majority write concern. That write is the commit point.
 * - The objects collection is then brought up to the change records by an idempotent bulk write
 *   (each object carries its revision; an older state never overwrites a newer one, and deletes
 *   leave tombstones, so a fenced process applying late cannot undo its successor). After a
 *   crash, or a lost connection mid-commit, the store replays the committed but unapplied records
 *   before it writes again.
 * - The watch hub is fed in process, like the embedded store's; history comes from the change
 *   records, so watches resume across restarts and `Expired` marks compacted history.
 */
import type { MongoClient } from 'mongodb';
import type { KubeObject } from '../../meta/index.js';
import { decodeContinue, encodeContinue } from '../continue-token.js';
import { publishCommit } from '../commit-channel.js';
import { StorageError } from '../errors.js';
import { compileFilter, filtersNothing } from '../filter.js';
import { GroupCommit } from '../group-commit.js';
import { comparePositions, positionKey, type Position } from '../key-order.js';
import {
  ALL_CLUSTERS,
  type CreateOptions,
  type HistoryOptions,
  type ListOptions,
  type ListResult,
  type ObjectKey,
  type Preconditions,
  type PurgeResult,
  type Store,
  type StoreEvent,
  type Watch,
  type WatchHubOptions,
  type WatchOptions,
} from '../types.js';
import { traceStore } from '../store-tracing.js';
import { WatchHub } from '../watch-hub.js';
import { checkKey, checkPreconditions, stamp } from '../write-rules.js';
import { ApplyGate } from './apply-gate.js';
import {
  asStorageError,
  connect,
  FENCE_ID,
  isDuplicateKey,
  LIVE,
  objectId,
  SCHEMA_VERSION,
  type ChangeDoc,
  type Collections,
  type FenceDoc,
} from './collections.js';
import { planScan, type ScanShape } from './list-query.js';
import { applyChanges, readChangesAfter, replayUnapplied } from './replay.js';

export interface MongoStoreOptions {
  /** mongodb:// or mongodb+srv:// URL naming the database. */
  url: string;
  history?: HistoryOptions;
  watch?: WatchHubOptions;
  /** Largest accepted serialized object (default 1.5 MiB, etcd's default request limit). */
  maxObjectBytes?: number;
  /** Most writes committed in one group (default 1,000). */
  maxBatch?: number;
  /**
   * How long one MongoDB operation may take before the caller gets Unavailable (default 10 s). The
   * driver does not always fail an operation in flight on a connection whose server was killed.
   */
  operationTimeoutMs?: number;
  /** Emit the driver's command events on `client` (the benchmarks profile the backend with them). */
  monitorCommands?: boolean;
  /**
   * Tests only: awaited between a group's commit point and its apply, where a takeover by another
   * process must not let this one undo the newer process's writes (test/storage/mongodb-durability.test.ts).
   */
  beforeApply?: () => Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 10_000;
/** How often a store that lost MongoDB checks whether it is back (and replays what it must). */
const PROBE_INTERVAL_MS = 1_000;
/** Objects per query of a list: large, as a MongoDB-wire server without index pushdown (FerretDB) scans per query. */
const SCAN_CHUNK = 5_000;
/** setInterval's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const START: Position = ['', '', ''];

type ObjectWrite =
  | { op: 'create'; key: ObjectKey; object: KubeObject; requires: ObjectKey | undefined }
  | { op: 'update'; key: ObjectKey; object: KubeObject; pre: Preconditions | undefined }
  | { op: 'delete'; key: ObjectKey; pre: Preconditions | undefined };
type PurgeWrite = { op: 'purge'; cluster: string };
type WriteOp = ObjectWrite | PurgeWrite;
type WriteResult = KubeObject | PurgeResult;

/** A written object as the JSON text just stored: the writer's private copy is parsed from it. */
class Written {
  constructor(readonly text: string) {}
}

interface Pending {
  write: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

/** A key's state while a group is computed: its stored text, or null when absent. */
interface Current {
  key: ObjectKey;
  text: string;
}

export class MongoStore implements Store {
  private readonly hub: WatchHub;
  private readonly gate = new ApplyGate();
  private readonly commits: GroupCommit<Pending>;
  private closed = false;
  /** A commit or apply failed midway: replay the committed records before the next group. */
  private needsReplay = false;
  /** Set when another process opened the store: this one never writes again. */
  private fenced: string | undefined;
  private failure: string | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly maintenanceTimer: NodeJS.Timeout;
  private readonly bookmarkTimer: NodeJS.Timeout;
  private bookmarkDue = false;
  private readonly retainMs: number;
  private readonly minRevisions: number;
  private readonly maxObjectBytes: number;
  private readonly operationTimeoutMs: number;
  private readonly beforeApply: (() => Promise<void>) | undefined;

  /** Connects, takes the writer's fence, and replays what a previous writer committed but did not apply. */
  static async open(options: MongoStoreOptions): Promise<MongoStore> {
    const cols = await connect(options.url, options.monitorCommands);
    try {
      const meta = await cols.meta.findOneAndUpdate(
        { _id: 'store' },
        { $setOnInsert: { schema: SCHEMA_VERSION, compacted: 0 } },
        { upsert: true, returnDocument: 'after' },
      );
      if (meta && meta.schema !== SCHEMA_VERSION && meta.schema !== 1) {
        throw new StorageError('Internal', `the MongoDB database has store schema ${meta.schema}; this Atoll reads ${SCHEMA_VERSION}`);
      }
      // Schema 1 had no tombstones: its data is valid as it is; the mark keeps older Atolls, which would read tombstones as objects, away.
      if (meta?.schema === 1) await cols.meta.updateOne({ _id: 'store' }, { $set: { schema: SCHEMA_VERSION } });
      const fence = (await cols.changes.findOneAndUpdate({ _id: FENCE_ID }, { $inc: { epoch: 1 } }, { upsert: true, returnDocument: 'after' })) as FenceDoc | null;
      const epoch = fence?.epoch ?? 1;
      const compacted = meta?.compacted ?? 0;
      const replayed = await replayUnapplied(cols, fence?.applied ?? 0);
      return new MongoStore(cols, epoch, Math.max(replayed, compacted, fence?.applied ?? 0), compacted, options);
    } catch (err) {
      await cols.client.close().catch(() => undefined);
      throw asStorageError(err, 'cannot open the MongoDB store');
    }
  }

  private constructor(
    private readonly cols: Collections,
    private readonly epoch: number,
    private rev: number,
    private compacted: number,
    options: MongoStoreOptions,
  ) {
    this.retainMs = options.history?.retainMs ?? 5 * 60_000;
    this.minRevisions = options.history?.minRevisions ?? 10_000;
    this.maxObjectBytes = options.maxObjectBytes ?? 1.5 * 1024 * 1024;
    this.commits = new GroupCommit(options.maxBatch ?? 1_000, async (batch) => {
      await this.commitGroup(batch);
      if (this.bookmarkDue) {
        this.bookmarkDue = false;
        this.sendBookmarks();
      }
    });
    this.operationTimeoutMs = options.operationTimeoutMs ?? 10_000;
    this.beforeApply = options.beforeApply;
    // The store sends the bookmarks itself (the hub's own timer is pushed out of the way): a
    // bookmark due while a group is in flight goes out right after it is published, so a watcher
    // is not told a revision that a commit acknowledged a moment later already supersedes.
    this.hub = new WatchHub(this, rev, { ...options.watch, bookmarkIntervalMs: MAX_TIMER_MS });
    this.bookmarkTimer = setInterval(() => this.bookmarkTick(), options.watch?.bookmarkIntervalMs ?? 60_000);
    this.bookmarkTimer.unref();
    this.maintenanceTimer = setInterval(() => void this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  get revision(): number {
    return this.rev;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  /** The driver's client (for its events: command monitoring, connection pool). */
  get client(): MongoClient {
    return this.cols.client;
  }

  get watcherCount(): number {
    return this.hub.watcherCount;
  }

  get writeFailure(): string | undefined {
    return this.fenced ?? this.failure;
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(key: ObjectKey): Promise<KubeObject | undefined> {
    this.checkOpen();
    const doc = await this.read('get', () => this.answer(this.cols.objects.findOne({ _id: objectId(key) }, { projection: { v: 1 } })));
    // A tombstone has no `v`. (Filtering it out in the query would cost FerretDB its `_id` lookup.)
    return doc?.v !== undefined ? (JSON.parse(doc.v) as KubeObject) : undefined;
  }

  async list(options: ListOptions): Promise<ListResult> {
    this.checkOpen();
    return this.read('list', () => this.listApplied(options));
  }

  /** Runs a read inside the gate, so it sees the objects exactly at `this.rev`. */
  private async read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.read(fn);
    } catch (err) {
      throw this.failed(err, what);
    }
  }

  private async listApplied(options: ListOptions): Promise<ListResult> {
    const { resource } = options;
    const cont = options.continue ? decodeContinue(options.continue, resource) : undefined;
    if (!cont && options.revision !== undefined && options.revision > this.rev) {
      throw new StorageError('RevisionTooLarge', `Too large resource version: ${options.revision}, current: ${this.rev}`);
    }
    const revision = cont?.revision ?? (options.notOlderThan ? this.rev : (options.revision ?? this.rev));
    if (revision < this.compacted) {
      throw new StorageError(
        'Expired',
        cont
          ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
          : `too old resource version: ${revision} (${this.compacted + 1})`,
        this.compacted,
      );
    }
    const shape: ScanShape = {
      cluster: options.cluster === ALL_CLUSTERS ? undefined : options.cluster,
      resource,
      namespace: options.namespace,
    };
    const after: Position = cont ? cont.after : START;
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
    const matches = compileFilter(options);
    const past = revision < this.rev ? await this.stateAt(shape, revision, after) : undefined;

    const items: KubeObject[] = [];
    const clusters: string[] | undefined = shape.cluster === undefined ? [] : undefined;
    let last: Position | undefined;
    let more = false;
    for await (const [pos, object] of this.scan(shape, after, past, limit)) {
      if (items.length >= limit) {
        more = true;
        break;
      }
      last = pos;
      const key = { cluster: pos[0], resource, namespace: pos[1], name: pos[2] };
      if (matches(key, object)) {
        items.push(object);
        clusters?.push(pos[0]);
      }
    }
    const result: ListResult = { items, revision };
    if (clusters) result.clusters = clusters;
    if (more && last) {
      result.continue = encodeContinue({ revision, resource, after: last });
      if (filtersNothing(options)) result.remainingItemCount = await this.countAfter(shape, last, past);
    }
    return result;
  }

  /**
   * Objects in key order after `after`, as they were at the list's revision: current objects,
   * except that keys written since then take their state from the change records (`past`).
   */
  private async *scan(
    shape: ScanShape,
    after: Position,
    past: Map<string, { pos: Position; object: KubeObject | null }> | undefined,
    limit: number,
  ): AsyncGenerator<[Position, KubeObject]> {
    const older = past ? [...past.values()].sort((a, b) => comparePositions(a.pos, b.pos)) : [];
    let o = 0;
    let cursor = after;
    const chunk = Number.isFinite(limit) ? Math.min(limit + 1 + (past?.size ?? 0), SCAN_CHUNK) : SCAN_CHUNK;
    while (true) {
      const plan = planScan(shape, cursor);
      if (!plan) break;
      const rows = await this.answer(this.cols.objects.find(plan.filter, { sort: plan.sort, limit: chunk, projection: { c: 1, ns: 1, n: 1, v: 1 } }).toArray());
      for (const row of rows) {
        const pos: Position = [row.c, row.ns, row.n];
        while (o < older.length && comparePositions((older[o] as { pos: Position }).pos, pos) < 0) {
          const entry = older[o++] as { pos: Position; object: KubeObject | null };
          if (entry.object) yield [entry.pos, entry.object];
        }
        if (past?.has(positionKey(pos))) continue;
        yield [pos, JSON.parse(row.v as string) as KubeObject];
      }
      if (rows.length < chunk) break;
      const lastRow = rows[rows.length - 1] as { c: string; ns: string; n: string };
      cursor = [lastRow.c, lastRow.ns, lastRow.n];
    }
    while (o < older.length) {
      const entry = older[o++] as { pos: Position; object: KubeObject | null };
      if (entry.object) yield [entry.pos, entry.object];
    }
  }

  /** For every key in range written after `revision`: its state at `revision` (null: absent). */
  private async stateAt(shape: ScanShape, revision: number, after: Position) {
    const past = new Map<string, { pos: Position; object: KubeObject | null }>();
    const filter = {
      _id: { $gt: revision },
      r: shape.resource,
      ...(shape.cluster !== undefined ? { c: shape.cluster } : {}),
      ...(shape.namespace !== undefined ? { ns: shape.namespace } : {}),
    };
    const rows = (await this.answer(this.cols.changes.find(filter, { sort: { _id: 1 } }).toArray())) as ChangeDoc[];
    for (const row of rows) {
      const pos: Position = [row.c, row.ns, row.n];
      if (comparePositions(pos, after) <= 0) continue;
      const k = positionKey(pos);
      // The earliest change after `revision` holds the state at `revision` as its previous value.
      if (!past.has(k)) past.set(k, { pos, object: row.p === null ? null : (JSON.parse(row.p) as KubeObject) });
    }
    return past;
  }

  private async countAfter(shape: ScanShape, after: Position, past: Awaited<ReturnType<MongoStore['stateAt']>> | undefined): Promise<number> {
    const plan = planScan(shape, after);
    let n = plan ? await this.answer(this.cols.objects.countDocuments(plan.filter)) : 0;
    if (past) {
      const later = [...past.values()].filter(({ pos }) => comparePositions(pos, after) > 0);
      const ids = later.map(({ pos }) => objectId({ cluster: pos[0], resource: shape.resource, namespace: pos[1], name: pos[2] }));
      const existing = ids.length > 0 ? await this.answer(this.cols.objects.countDocuments({ _id: { $in: ids }, ...LIVE })) : 0;
      n += later.filter(({ object }) => object !== null).length - existing;
    }
    return n;
  }

  /** The change source the watch hub reads history from: published revisions only. */
  async readChanges(after: number, limit: number): Promise<StoreEvent[]> {
    try {
      const events = await this.answer(readChangesAfter(this.cols, after, this.rev, limit));
      // Compaction deletes records after raising `compacted`: a read it overlapped may have gaps.
      if (after < this.compacted) throw new StorageError('Expired', `too old resource version: ${after} (${this.compacted + 1})`, this.compacted);
      return events;
    } catch (err) {
      throw this.failed(err, 'watch');
    }
  }

  watch(options: WatchOptions): Watch {
    this.checkOpen();
    return this.hub.watch(options);
  }

  /** Sends bookmarks to idle bookmark watchers now (the store also does so on its interval). */
  sendBookmarks(): void {
    this.hub.sendBookmarks();
  }

  private bookmarkTick(): void {
    if (this.commits.busy) this.bookmarkDue = true;
    else this.sendBookmarks();
  }

  // ---- writes --------------------------------------------------------------------------------

  create(key: ObjectKey, object: KubeObject, options: CreateOptions = {}): Promise<KubeObject> {
    return this.enqueue({ op: 'create', key, object, requires: options.requires });
  }

  update(key: ObjectKey, object: KubeObject, pre?: Preconditions): Promise<KubeObject> {
    return this.enqueue({ op: 'update', key, object, pre });
  }

  delete(key: ObjectKey, pre?: Preconditions): Promise<KubeObject> {
    return this.enqueue({ op: 'delete', key, pre });
  }

  purgeCluster(cluster: string): Promise<PurgeResult> {
    return this.enqueue({ op: 'purge', cluster });
  }

  private enqueue(write: ObjectWrite): Promise<KubeObject>;
  private enqueue(write: PurgeWrite): Promise<PurgeResult>;
  private enqueue(write: WriteOp): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new StorageError('Closed', 'store is closed'));
        return;
      }
      this.commits.push({ write, resolve, reject });
    });
  }

  /** One group commit: read, check and number the writes, commit their change records, apply, publish, answer. */
  private async commitGroup(batch: Pending[]): Promise<void> {
    const rejectAll = (err: unknown): void => {
      for (const p of batch) p.reject(err);
    };
    if (this.fenced) return rejectAll(new StorageError('Unavailable', this.fenced));
    const started = performance.now();
    let state: Map<string, Current | null>;
    let present: Set<string>;
    try {
      if (this.needsReplay) await this.replay();
      ({ state, present } = await this.load(batch));
    } catch (err) {
      return rejectAll(this.failed(err, 'write not applied'));
    }
    const results: (WriteResult | Written | StorageError)[] = [];
    const events: StoreEvent[] = [];
    const changes: ChangeDoc[] = [];
    const ts = Date.now();
    const seq = { rev: this.rev };
    for (const p of batch) {
      try {
        results.push(this.apply(p.write, state, seq, ts, events, changes));
      } catch (err) {
        if (err instanceof StorageError) results.push(err);
        else results.push(new StorageError('Internal', `write failed: ${String(err)}`));
      }
    }
    if (changes.length > 0) {
      try {
        await this.answer(this.cols.changes.bulkWrite(
          [
            // The fence first: if another process has opened the store since, the upsert collides
            // with its fence document and the ordered bulk write stops before any record.
            { updateOne: { filter: { _id: FENCE_ID, epoch: this.epoch }, update: { $set: { applied: this.rev } }, upsert: true } },
            ...changes.map((document) => ({ insertOne: { document } })),
          ],
          { ordered: true },
        ));
      } catch (err) {
        if (isFenceCollision(err)) return rejectAll(this.fence());
        // Some of the records may have been written: replay them before writing again.
        this.needsReplay = true;
        return rejectAll(this.failed(err, 'write may or may not have been applied'));
      }
      try {
        await this.beforeApply?.();
        await this.gate.exclusive(async () => {
          await this.answer(applyChanges(this.cols.objects, changes, present));
          this.rev = seq.rev;
          // Committed, applied and durable: publish first so a writer that reacts to its answer
          // by watching from the returned revision finds the hub already there.
          this.hub.publish(events);
        });
      } catch (err) {
        // Committed but not applied: the replay applies and publishes it once MongoDB is back.
        this.needsReplay = true;
        return rejectAll(this.failed(err, 'write committed but not confirmed; it will be visible once storage is back'));
      }
    }
    this.succeeded();
    publishCommit(batch.length, (performance.now() - started) / 1000);
    batch.forEach((p, i) => {
      const r = results[i] as WriteResult | Written | StorageError;
      if (r instanceof StorageError) p.reject(r);
      else if (r instanceof Written) p.resolve(JSON.parse(r.text) as KubeObject);
      else p.resolve(JSON.parse(JSON.stringify(r)) as WriteResult);
    });
  }

  /**
   * The current state of every key the group touches, in one round trip, and which of them have a
   * document at all (a tombstone counts: the apply must write over it conditionally).
   */
  private async load(batch: Pending[]): Promise<{ state: Map<string, Current | null>; present: Set<string> }> {
    const state = new Map<string, Current | null>();
    const present = new Set<string>();
    const clusters: string[] = [];
    for (const { write } of batch) {
      if (write.op === 'purge') {
        clusters.push(write.cluster);
        continue;
      }
      state.set(objectId(write.key), null);
      if (write.op === 'create' && write.requires) state.set(objectId(write.requires), null);
    }
    const or = [{ _id: { $in: [...state.keys()] } }, ...(clusters.length > 0 ? [{ c: { $in: clusters }, ...LIVE }] : [])];
    for (const doc of await this.answer(this.cols.objects.find({ $or: or }).toArray())) {
      present.add(doc._id);
      if (doc.v !== undefined) state.set(doc._id, { key: { cluster: doc.c, resource: doc.r, namespace: doc.ns, name: doc.n }, text: doc.v });
    }
    return { state, present };
  }

  /** Applies one write to the group's state; appends its events and change records. */
  private apply(
    write: WriteOp,
    state: Map<string, Current | null>,
    seq: { rev: number },
    ts: number,
    events: StoreEvent[],
    changes: ChangeDoc[],
  ): WriteResult | Written {
    if (write.op === 'purge') return this.purge(write.cluster, state, seq, ts, events, changes);
    const { key } = write;
    checkKey(key);
    const id = objectId(key);
    const row = state.get(id) ?? null;
    const existing = row ? (JSON.parse(row.text) as KubeObject) : undefined;
    if (write.op === 'create') {
      if (existing) throw new StorageError('AlreadyExists', `${key.resource} "${key.name}" already exists`);
      const { requires } = write;
      if (requires && !state.get(objectId(requires))) {
        throw new StorageError('ContainerGone', `logical cluster ${requires.cluster} does not exist (any more)`);
      }
    } else {
      if (!existing || !row) throw new StorageError('NotFound', `${key.resource} "${key.name}" not found`);
      checkPreconditions(key, existing, write.pre);
    }
    const base = { c: key.cluster, r: key.resource, ns: key.namespace, n: key.name, ts };
    if (write.op === 'delete') {
      const prev = existing as KubeObject;
      const text = (row as Current).text;
      const revision = ++seq.rev;
      state.set(id, null);
      changes.push({ _id: revision, ...base, t: 2, v: null, p: text });
      events.push({ type: 'DELETED', revision, key, object: stamp(prev, revision), prevObject: prev, bytes: Buffer.byteLength(text) });
      return events[events.length - 1]?.object as KubeObject;
    }
    const revision = seq.rev + 1;
    const object = stamp(write.object, revision);
    const text = JSON.stringify(object);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.maxObjectBytes) {
      throw new StorageError('TooLarge', `object is larger than the ${this.maxObjectBytes} bytes a store entry may hold`);
    }
    seq.rev = revision;
    state.set(id, { key, text });
    if (write.op === 'create') {
      changes.push({ _id: revision, ...base, t: 0, v: text, p: null });
      events.push({ type: 'ADDED', revision, key, object, bytes });
    } else {
      changes.push({ _id: revision, ...base, t: 1, v: text, p: (row as Current).text });
      events.push({ type: 'MODIFIED', revision, key, object, prevObject: existing, bytes });
    }
    return new Written(text);
  }

  /** Deletes every object of `cluster`, each with its own DELETED change at the next revision. */
  private purge(
    cluster: string,
    state: Map<string, Current | null>,
    seq: { rev: number },
    ts: number,
    events: StoreEvent[],
    changes: ChangeDoc[],
  ): PurgeResult {
    if (!cluster || cluster === ALL_CLUSTERS) {
      throw new StorageError('Internal', `invalid cluster to purge ${JSON.stringify(cluster)}`);
    }
    const members = [...state.entries()]
      .filter((e): e is [string, Current] => e[1] !== null && e[1].key.cluster === cluster)
      .sort(([, a], [, b]) => comparePositions([a.key.resource, a.key.namespace, a.key.name], [b.key.resource, b.key.namespace, b.key.name]));
    for (const [id, { key, text }] of members) {
      const revision = ++seq.rev;
      state.set(id, null);
      changes.push({ _id: revision, c: cluster, r: key.resource, ns: key.namespace, n: key.name, ts, t: 2, v: null, p: text });
      const prev = JSON.parse(text) as KubeObject;
      events.push({ type: 'DELETED', revision, key, object: stamp(prev, revision), prevObject: prev, bytes: Buffer.byteLength(text) });
    }
    return { revision: seq.rev, deleted: members.length };
  }

  /**
   * Applies and publishes change records committed after `this.rev` (a commit or apply that failed
   * midway). A process fenced meanwhile stops here instead of replaying the new writer's records.
   */
  private async replay(): Promise<void> {
    const fence = (await this.answer(this.cols.changes.findOne({ _id: FENCE_ID }))) as FenceDoc | null;
    if (fence && fence.epoch > this.epoch) throw this.fence();
    await this.gate.exclusive(async () => {
      const last = await this.answer(replayUnapplied(this.cols, this.rev, (events) => {
        if (events.length === 0) return;
        this.rev = (events[events.length - 1] as StoreEvent).revision;
        this.hub.publish(events);
      }));
      this.rev = Math.max(this.rev, last);
    });
    this.needsReplay = false;
  }

  // ---- history -------------------------------------------------------------------------------

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    try {
      await this.compactTo(Math.min(revision, this.rev));
    } catch (err) {
      throw this.failed(err, 'compaction');
    }
  }

  /**
   * Raises the floor first, so a watch reading history meanwhile notices it, then forgets the
   * records, and the tombstones as old: they only guard against applying records that old.
   */
  private async compactTo(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    await this.answer(this.cols.meta.updateOne({ _id: 'store' }, { $max: { compacted: revision } }));
    this.compacted = revision;
    await this.answer(this.cols.changes.deleteMany({ _id: { $gt: 0, $lte: revision } }));
    await this.answer(this.cols.objects.deleteMany({ deleted: true, rev: { $lte: revision } }));
  }

  /** On the timer: drops history older than the retention time and beyond the revision floor. */
  private async maintain(): Promise<void> {
    if (this.closed || this.failure !== undefined || this.fenced !== undefined) return;
    try {
      const floor = this.rev - this.minRevisions;
      if (floor <= this.compacted) return;
      const newest = await this.answer(
        this.cols.changes
          .find({ _id: { $gt: this.compacted, $lte: floor }, ts: { $lt: Date.now() - this.retainMs } }, { sort: { _id: -1 }, limit: 1, projection: { _id: 1 } })
          .toArray(),
      );
      const rev = newest[0]?._id;
      if (typeof rev === 'number') await this.compactTo(rev);
    } catch (err) {
      this.failed(err, 'compaction');
    }
  }

  // ---- failures ------------------------------------------------------------------------------

  /** One MongoDB operation, or Unavailable once it has taken operationTimeoutMs. */
  private answer<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StorageError('Unavailable', `MongoDB did not answer within ${this.operationTimeoutMs} ms`)),
        this.operationTimeoutMs,
      );
    });
    return Promise.race([operation, late]).finally(() => clearTimeout(timer));
  }

  /**
   * The caller's error for a failed MongoDB operation. Unreachable MongoDB is Unavailable and
   * marks the store failed (readiness reports it) until the probe finds it back, which it tries
   * every second, replaying anything a failed commit left unapplied.
   */
  private failed(err: unknown, doing: string): StorageError {
    const error = asStorageError(err, doing);
    if (error.code === 'Unavailable' && !this.closed && this.fenced === undefined) {
      this.failure = error.message;
      if (!this.probeTimer) {
        this.probeTimer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
        this.probeTimer.unref();
      }
    }
    return error;
  }

  /** Another process has opened the store: this one takes no more writes. */
  private fence(): StorageError {
    this.fenced = `another Atoll process has opened this MongoDB store (fence epoch moved past ${this.epoch}); this process takes no more writes`;
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    return new StorageError('Unavailable', this.fenced);
  }

  private succeeded(): void {
    if (this.failure === undefined) return;
    this.failure = undefined;
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private async probe(): Promise<void> {
    if (this.closed || this.probing || this.fenced !== undefined) return;
    this.probing = true;
    try {
      if (this.needsReplay && !this.commits.busy) await this.replay();
      else await this.answer(this.cols.db.command({ ping: 1 }));
      this.succeeded();
    } catch {
      // Still unreachable: the next tick tries again.
    } finally {
      this.probing = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drained();
    clearInterval(this.maintenanceTimer);
    clearInterval(this.bookmarkTimer);
    clearInterval(this.probeTimer);
    this.hub.close();
    await this.cols.client.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Closed', 'store is closed');
  }
}

traceStore(MongoStore.prototype);

/** The group commit's first operation (the fence) failed: another process holds a newer epoch. */
function isFenceCollision(err: unknown): boolean {
  if (!isDuplicateKey(err)) return false;
  const writeErrors = (err as { writeErrors?: { index?: number } | { index?: number }[] }).writeErrors;
  const first = Array.isArray(writeErrors) ? writeErrors[0] : writeErrors;
  return first?.index === 0;
}
