/**
 * The embedded store: SQLite (better-sqlite3) on disk, or in memory for tests.
 *
 * Writes are queued and committed together in one transaction per turn of the event loop (group
 * commit): every write in the batch gets the next revision in queue order, the batch is fsynced
 * once, and only then are the writers answered and the batch published to the watch hub. Reads
 * are synchronous SQLite reads, so they never observe a half-applied batch.
 *
 * Next to the current objects the store keeps a change log (one row per revision, with the
 * previous state) for the retention window. It serves watches from old revisions, resumes after a
 * restart, and lets every page of a paginated list be read at its first page's revision.
 */
import Database from 'better-sqlite3';
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
  type JsonListResult,
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
import { changeEvent, checkKey, checkPreconditions, stamp } from '../write-rules.js';
import { openDatabase, prepareStatements, truncateWal, unwritableReason, type ChangeRow, type Statements } from './database.js';
import { JsonListCache, type RangeState } from './json-list-cache.js';
import { ListQueries, START, type PageRow, type ScanShape } from './list-query.js';

export interface EmbeddedStoreOptions {
  /** Directory holding the database file; undefined keeps everything in memory. */
  dataDir?: string;
  history?: HistoryOptions;
  watch?: WatchHubOptions;
  /** Largest accepted serialized object (default 1.5 MiB, etcd's default request limit). */
  maxObjectBytes?: number;
  /** Most writes committed in one transaction (default 2,000). */
  maxBatch?: number;
}

/** How often history is compacted and, when no write came since the last time, the WAL truncated. */
const MAINTENANCE_INTERVAL_MS = 10_000;
/** How often a store whose writes fail tries a tiny write of its own, to notice returning space. */
const PROBE_INTERVAL_MS = 1_000;
const SCAN_CHUNK = 1_000;

type ObjectWrite =
  | { op: 'create'; key: ObjectKey; object: KubeObject; requires: ObjectKey | undefined }
  | { op: 'update'; key: ObjectKey; object: KubeObject; pre: Preconditions | undefined }
  | { op: 'delete'; key: ObjectKey; pre: Preconditions | undefined };

/** Queued like any other write so it takes its place in the batch in queue order. */
type PurgeWrite = { op: 'purge'; cluster: string };

type WriteOp = ObjectWrite | PurgeWrite;

/** What a writer is answered with: the stored object, or for a purge its summary. */
type WriteResult = KubeObject | PurgeResult;

/** A key's state at a list's revision, from the change log (null: it did not exist then). */
interface PastState {
  pos: Position;
  text: string | null;
}

type PastStates = Map<string, PastState>;

/** A written object as the JSON text just stored: the writer's private copy is parsed from it. */
class Written {
  constructor(readonly text: string) {}
}

interface Pending {
  write: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

export class EmbeddedStore implements Store {
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly lists: ListQueries;
  private readonly jsonLists = new JsonListCache();
  private readonly hub: WatchHub;
  private readonly commitBatch: (batch: Pending[], results: (WriteResult | Written | StorageError)[], events: StoreEvent[]) => void;
  private rev: number;
  private compacted: number;
  private readonly commits: GroupCommit<Pending>;
  private closed = false;
  private readonly maintenanceTimer: NodeJS.Timeout;
  /**
   * Successful write transactions so far, and their count at the last maintenance tick and WAL
   * truncation (none yet: a WAL left by a crash is truncated once the store is first idle).
   */
  private writes = 0;
  private writesAtTick = 0;
  private writesAtTruncation = -1;
  private failure: string | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly retainMs: number;
  private readonly minRevisions: number;
  private readonly maxObjectBytes: number;

  constructor(options: EmbeddedStoreOptions = {}) {
    this.db = openDatabase(options.dataDir);
    this.sql = prepareStatements(this.db);
    this.lists = new ListQueries(this.db);
    this.rev = this.sql.getMeta.get('revision')?.v ?? 0;
    this.compacted = this.sql.getMeta.get('compacted')?.v ?? 0;
    this.retainMs = options.history?.retainMs ?? 5 * 60_000;
    this.minRevisions = options.history?.minRevisions ?? 10_000;
    this.maxObjectBytes = options.maxObjectBytes ?? 1.5 * 1024 * 1024;
    this.commits = new GroupCommit(options.maxBatch ?? 2_000, (batch) => this.commitGroup(batch));
    this.hub = new WatchHub(this, this.rev, options.watch);
    this.commitBatch = this.db.transaction((batch, results, events) => {
      const ts = Date.now();
      for (const p of batch) {
        try {
          results.push(this.apply(p.write, ts, events));
        } catch (err) {
          // Precondition failures touch nothing; anything else aborts the whole batch.
          if (err instanceof StorageError) results.push(err);
          else throw err;
        }
      }
      this.sql.setMeta.run(this.rev, 'revision');
    });
    this.maintenanceTimer = setInterval(() => this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  get revision(): number {
    return this.rev;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  /**
   * A consistent copy of the database in `file`, taken while serving with SQLite's online backup
   * (writes go on meanwhile; the copy is of the moment it completes), as one self-contained file
   * (rollback journal, no WAL beside it). Returns the copy's revision. Starting a server on a data
   * directory holding the copy as its database restores it.
   */
  async backup(file: string): Promise<number> {
    await this.db.backup(file);
    const copy = new Database(file, { timeout: 200 });
    try {
      copy.pragma('journal_mode = DELETE');
      return (copy.prepare("SELECT v FROM meta WHERE k = 'revision'").get() as { v: number }).v;
    } finally {
      copy.close();
    }
  }

  get watcherCount(): number {
    return this.hub.watcherCount;
  }

  get writeFailure(): string | undefined {
    return this.failure;
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(key: ObjectKey): Promise<KubeObject | undefined> {
    this.checkOpen();
    const row = this.sql.get.get(key.cluster, key.resource, key.namespace, key.name);
    return row ? (JSON.parse(row.value) as KubeObject) : undefined;
  }

  async list(options: ListOptions): Promise<ListResult> {
    const { items, clusters, ...page } = this.page(options, (text) => JSON.parse(text) as KubeObject, (o) => o);
    const result: ListResult = { items, ...page };
    if (options.cluster === ALL_CLUSTERS) result.clusters = clusters;
    return result;
  }

  async listJson(options: ListOptions): Promise<JsonListResult> {
    const read = () => this.page(options, (text) => text, (text) => JSON.parse(text) as KubeObject);
    const range = this.wholeRange(options);
    if (!range) return read();
    const version = `${range.state.count}:${range.state.maxRevision ?? ''}`;
    const kept = this.jsonLists.get(range.key, range.state);
    if (kept) return { items: kept.items, clusters: kept.clusters, revision: this.rev, version };
    const result = read();
    if (result.continue) return result;
    this.jsonLists.put(range.key, range.state, result.items, result.clusters);
    return { ...result, version };
  }

  listVersion(options: ListOptions): string | undefined {
    const range = this.wholeRange(options);
    return range && `${range.state.count}:${range.state.maxRevision ?? ''}`;
  }

  /**
   * The range `options` lists whole and current, with its state now; undefined for pages, past
   * revisions, selectors and lists across clusters, which are read each time.
   */
  private wholeRange(options: ListOptions): { key: string; state: RangeState } | undefined {
    if (options.continue || options.revision !== undefined || options.cluster === ALL_CLUSTERS || !filtersNothing(options)) return undefined;
    this.checkOpen();
    // The first page of a long list is read as a page, without reading every row's revision first.
    if (options.limit !== undefined && options.limit > 0 && this.lists.rangeCount(options.cluster, options.resource, options.namespace) > options.limit) return undefined;
    return {
      key: JSON.stringify([options.cluster, options.resource, options.namespace ?? null]),
      state: this.lists.rangeState(options.cluster, options.resource, options.namespace),
    };
  }

  /**
   * One page of a list, each object as `decode` makes it from its stored JSON; `object` gives the
   * filter an object when a selector or visibility needs one.
   */
  private page<T>(options: ListOptions, decode: (text: string) => T, object: (item: T) => KubeObject): Omit<ListResult, 'items' | 'clusters'> & { items: T[]; clusters: string[] } {
    this.checkOpen();
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
    // The scan already keeps to the namespace: without selectors every object it yields belongs.
    const everything = filtersNothing(options);
    const matches = compileFilter(options);
    const past = revision < this.rev ? this.stateAt(shape, revision, after) : undefined;

    const items: T[] = [];
    const clusters: string[] = [];
    let last: Position | undefined;
    let more = false;
    for (const [pos, text] of this.scan(shape, after, past, limit)) {
      if (items.length >= limit) {
        more = true;
        break;
      }
      last = pos;
      const item = decode(text);
      if (everything || matches({ cluster: pos[0], resource, namespace: pos[1], name: pos[2] }, object(item))) {
        items.push(item);
        clusters.push(pos[0]);
      }
    }
    const result: Omit<ListResult, 'items' | 'clusters'> & { items: T[]; clusters: string[] } = { items, clusters, revision };
    if (more && last) {
      result.continue = encodeContinue({ revision, resource, after: last });
      if (everything) result.remainingItemCount = this.countAfter(shape, last, past);
    }
    return result;
  }

  /**
   * Objects in key order after `after`, as they were at the list's revision: current rows, except
   * that keys written since then take their state from the change log (`past`). Each comes as its
   * stored JSON text.
   */
  private *scan(shape: ScanShape, after: Position, past: PastStates | undefined, limit: number): Generator<[Position, string]> {
    const older = past ? [...past.values()].sort((a, b) => comparePositions(a.pos, b.pos)) : [];
    let o = 0;
    let cursor = after;
    const chunk = Number.isFinite(limit) ? Math.min(limit + 1 + (past?.size ?? 0), SCAN_CHUNK) : SCAN_CHUNK;
    while (true) {
      const rows = this.lists.page(shape, cursor, chunk);
      for (const row of rows) {
        const pos: Position = [row[0], row[1], row[2]];
        while (o < older.length && comparePositions((older[o] as PastState).pos, pos) < 0) {
          const entry = older[o++] as PastState;
          if (entry.text !== null) yield [entry.pos, entry.text];
        }
        if (past?.has(positionKey(pos))) continue;
        yield [pos, row[3]];
      }
      if (rows.length < chunk) break;
      const lastRow = rows[rows.length - 1] as PageRow;
      cursor = [lastRow[0], lastRow[1], lastRow[2]];
    }
    while (o < older.length) {
      const entry = older[o++] as PastState;
      if (entry.text !== null) yield [entry.pos, entry.text];
    }
  }

  /** For every key in range written after `revision`: its state at `revision` (null: absent). */
  private stateAt(shape: ScanShape, revision: number, after: Position): PastStates {
    const past: PastStates = new Map();
    for (const row of this.sql.changesOfResource.iterate(revision, shape.resource)) {
      if (shape.cluster !== undefined && row.cluster !== shape.cluster) continue;
      if (shape.namespace !== undefined && row.namespace !== shape.namespace) continue;
      const pos: Position = [row.cluster, row.namespace, row.name];
      if (comparePositions(pos, after) <= 0) continue;
      const k = positionKey(pos);
      // The earliest change after `revision` holds the state at `revision` as its previous value.
      if (!past.has(k)) past.set(k, { pos, text: row.prev });
    }
    return past;
  }

  private countAfter(shape: ScanShape, after: Position, past: PastStates | undefined): number {
    let n = this.lists.countAfter(shape, after);
    if (past) {
      for (const { pos, text } of past.values()) {
        if (comparePositions(pos, after) <= 0) continue;
        const exists = this.sql.get.get(pos[0], shape.resource, pos[1], pos[2]) !== undefined;
        n += (text !== null ? 1 : 0) - (exists ? 1 : 0);
      }
    }
    return n;
  }

  /** The change source the watch hub reads history from. */
  readChanges(after: number, limit: number): StoreEvent[] {
    return this.sql.changesAfter.all(after, limit).map(toEvent);
  }

  watch(options: WatchOptions): Watch {
    this.checkOpen();
    return this.hub.watch(options);
  }

  /** Sends bookmarks to idle bookmark watchers now (the hub also does so on its interval). */
  sendBookmarks(): void {
    this.hub.sendBookmarks();
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

  /**
   * Deletes the cluster's objects in one transaction (with the rest of its batch), so its cost
   * — time, memory for the events, the change log — is bounded by the cluster's size.
   */
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

  /** One group commit, in one transaction: numbered, durable, published, answered. */
  private commitGroup(batch: Pending[]): void {
    const results: (WriteResult | Written | StorageError)[] = [];
    const events: StoreEvent[] = [];
    const startRev = this.rev;
    const started = performance.now();
    try {
      this.commitBatch(batch, results, events);
    } catch (err) {
      // The transaction was rolled back: nothing of the batch is stored, published or acknowledged.
      this.rev = startRev;
      const failure = this.writeFailed(err);
      for (const p of batch) p.reject(failure);
      return;
    }
    this.writeSucceeded();
    publishCommit(batch.length, (performance.now() - started) / 1000);
    // Committed and durable: publish first so a writer that reacts to its answer by watching
    // from the returned revision finds the hub already there.
    this.hub.publish(events);
    batch.forEach((p, i) => {
      const r = results[i] as WriteResult | Written | StorageError;
      if (r instanceof StorageError) p.reject(r);
      // Results share objects with the published events: hand the writer its own copy.
      else if (r instanceof Written) p.resolve(JSON.parse(r.text) as KubeObject);
      else p.resolve(JSON.parse(JSON.stringify(r)) as WriteResult);
    });
  }

  /**
   * Applies one write inside the batch transaction: appends its events (one per revision it
   * takes) to `events` and returns the writer's answer. A StorageError leaves everything untouched.
   */
  private apply(write: WriteOp, ts: number, events: StoreEvent[]): WriteResult | Written {
    if (write.op === 'purge') return this.purge(write.cluster, ts, events);
    const [event, text] = this.applyObjectWrite(write, ts);
    events.push(event);
    return text === undefined ? event.object : new Written(text);
  }

  /** One object's create, update or delete: its event, and the stored text unless it was deleted. */
  private applyObjectWrite(write: ObjectWrite, ts: number): [StoreEvent, string | undefined] {
    const { key } = write;
    checkKey(key);
    const row = this.sql.get.get(key.cluster, key.resource, key.namespace, key.name);
    const existing = row ? (JSON.parse(row.value) as KubeObject) : undefined;
    if (write.op === 'create') {
      if (existing) throw new StorageError('AlreadyExists', `${key.resource} "${key.name}" already exists`);
      const { requires } = write;
      if (requires && !this.sql.get.get(requires.cluster, requires.resource, requires.namespace, requires.name)) {
        throw new StorageError('ContainerGone', `logical cluster ${requires.cluster} does not exist (any more)`);
      }
    } else {
      if (!existing) throw new StorageError('NotFound', `${key.resource} "${key.name}" not found`);
      checkPreconditions(key, existing, write.pre);
    }
    const revision = this.rev + 1;
    if (write.op === 'delete') {
      const prev = existing as KubeObject;
      this.sql.remove.run(key.cluster, key.resource, key.namespace, key.name);
      this.sql.logChange.run(revision, 2, ts, key.cluster, key.resource, key.namespace, key.name, null, row!.value);
      this.rev = revision;
      return [{ type: 'DELETED', revision, key, object: stamp(prev, revision), prevObject: prev, bytes: Buffer.byteLength(row!.value) }, undefined];
    }
    const object = stamp(write.object, revision);
    const text = JSON.stringify(object);
    const bytes = Buffer.byteLength(text);
    if (bytes > this.maxObjectBytes) {
      throw new StorageError('TooLarge', `object is larger than the ${this.maxObjectBytes} bytes a store entry may hold`);
    }
    if (write.op === 'create') {
      this.sql.insert.run(key.cluster, key.resource, key.namespace, key.name, revision, text);
      this.sql.logChange.run(revision, 0, ts, key.cluster, key.resource, key.namespace, key.name, text, null);
    } else {
      this.sql.replace.run(revision, text, key.cluster, key.resource, key.namespace, key.name);
      this.sql.logChange.run(revision, 1, ts, key.cluster, key.resource, key.namespace, key.name, text, row!.value);
    }
    this.rev = revision;
    const event: StoreEvent =
      write.op === 'create' ? { type: 'ADDED', revision, key, object, bytes } : { type: 'MODIFIED', revision, key, object, prevObject: existing, bytes };
    return [event, text];
  }

  /** Deletes every object of `cluster`, each with its own DELETED change at the next revision. */
  private purge(cluster: string, ts: number, events: StoreEvent[]): PurgeResult {
    if (!cluster || cluster === ALL_CLUSTERS) {
      throw new StorageError('Internal', `invalid cluster to purge ${JSON.stringify(cluster)}`);
    }
    const rows = this.sql.objectsOfCluster.all(cluster);
    if (rows.length > 0) this.sql.removeCluster.run(cluster);
    for (const row of rows) {
      const revision = this.rev + 1;
      const { resource, namespace, name } = row;
      this.sql.logChange.run(revision, 2, ts, cluster, resource, namespace, name, null, row.value);
      const prev = JSON.parse(row.value) as KubeObject;
      const key = { cluster, resource, namespace, name };
      events.push({ type: 'DELETED', revision, key, object: stamp(prev, revision), prevObject: prev, bytes: Buffer.byteLength(row.value) });
      this.rev = revision;
    }
    return { revision: this.rev, deleted: rows.length };
  }

  // ---- history -------------------------------------------------------------------------------

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    this.compactTo(Math.min(revision, this.rev));
  }

  private compactTo(revision: number): void {
    if (revision <= this.compacted) return;
    this.db.transaction(() => {
      this.sql.compact.run(revision);
      this.sql.setMeta.run(revision, 'compacted');
    })();
    this.compacted = revision;
    this.writeSucceeded();
  }

  /**
   * On the timer: drops history that is both older than the retention time and beyond the
   * revision floor; and once no write came for a whole interval, moves the WAL into the database
   * file and truncates it (under steady writes, wal_autocheckpoint and journal_size_limit bound it).
   */
  private maintain(): void {
    if (this.closed) return;
    try {
      const row = this.sql.lastCompactable.get(Date.now() - this.retainMs, this.rev - this.minRevisions);
      if (row?.rev) this.compactTo(row.rev);
    } catch (err) {
      if (unwritableReason(err) === undefined) throw err;
      this.writeFailed(err);
    }
    const idle = this.writes === this.writesAtTick;
    this.writesAtTick = this.writes;
    if (idle && this.writes !== this.writesAtTruncation) {
      try {
        truncateWal(this.db);
        this.writesAtTruncation = this.writes;
      } catch (err) {
        // The database file could not grow: the WAL keeps the data, and the next idle tick tries again.
        if (unwritableReason(err) === undefined) throw err;
      }
    }
  }

  // ---- write failures --------------------------------------------------------------------------

  /**
   * The writers' error for a failed write transaction. A full or failing disk is Unavailable and
   * marks the store unwritable (readiness fails) until a write succeeds, which the probe tries
   * every second when no client writes.
   */
  private writeFailed(err: unknown): StorageError {
    const reason = unwritableReason(err);
    if (reason === undefined) return new StorageError('Internal', `commit failed: ${err instanceof Error ? err.message : String(err)}`);
    this.failure = reason;
    if (!this.probeTimer && !this.closed) {
      this.probeTimer = setInterval(() => this.probe(), PROBE_INTERVAL_MS);
      this.probeTimer.unref();
    }
    return new StorageError('Unavailable', `${reason}; the write was not applied`);
  }

  private writeSucceeded(): void {
    this.writes++;
    if (this.failure === undefined) return;
    this.failure = undefined;
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private probe(): void {
    if (this.closed) return;
    try {
      this.sql.probe.run(Date.now());
    } catch (err) {
      this.writeFailed(err);
      return;
    }
    this.writeSucceeded();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drained();
    clearInterval(this.maintenanceTimer);
    clearInterval(this.probeTimer);
    this.hub.close();
    try {
      truncateWal(this.db);
    } catch {
      // The WAL keeps what the database file could not take; SQLite tries again on close and on the next open.
    }
    this.db.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Closed', 'store is closed');
  }
}

function toEvent(row: ChangeRow): StoreEvent {
  return changeEvent(row.type, row.rev, { cluster: row.cluster, resource: row.resource, namespace: row.namespace, name: row.name }, row.value, row.prev);
}

traceStore(EmbeddedStore.prototype);
