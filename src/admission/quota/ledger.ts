/**
 * Counting against a quota without ever counting too few. Kubernetes charges a quota's
 * `status.used` with an optimistic-concurrency write before each object is written; here one
 * process is the only writer of its store (DESIGN decision 8, the MongoDB backend included), so
 * the count is taken from the store itself, under a per-quota lock, plus the creates admitted
 * but not yet written ("in flight"). Admission holds the quota's lock from its count until it has
 * recorded its own create as in flight, so concurrent creates are admitted one after the other
 * and the last unit goes to exactly one of them. Nothing is written per create.
 *
 * While the quota controller's wildcard watch feeds it (`follow`, `observe`), a count is taken
 * from the store once per namespace and resource and then moved by the watch's creates and
 * deletes, so a create costs map lookups, not a count; the creates in flight are then those the
 * watch has not yet reported written. Without the watch every create counts in the store.
 *
 * An in-flight create stops counting once the store holds its key at a revision the count
 * already includes, or when it expires (its write failed after admission: a brief overcount, as
 * Kubernetes has until its controller recounts). A crash loses only in-flight entries, whose
 * objects are then either written (and counted by the store) or not: never an undercount.
 */
import type { ObjectKey, Store } from '../../storage/index.js';
import { KeyedLock } from './keyed-lock.js';
import { EVERY_RESOURCE, exceededMessage, TOTAL_OBJECTS, type QuotaLimits } from './limits.js';

/** How long an admitted create may take to reach the store before it stops counting. */
export const IN_FLIGHT_TTL_MS = 30_000;

interface InFlight {
  key: ObjectKey;
  names: readonly string[];
  expires: number;
  /**
   * The store's revision when it was admitted: its write comes later, so an object at this key
   * from this revision or before is another one (and this create will fail, or follow a delete).
   */
  after: number;
  /** The revision the store wrote it at, once the controller's watch has seen it (saves a read). */
  landed?: number;
}

/** One quota's share of a create: the resource names of the quota it charges. */
export interface Charge {
  limits: QuotaLimits;
  names: readonly string[];
}

export interface LedgerOptions {
  ttlMs?: number;
  now?: () => number;
  /** The stored resources of a logical cluster, events left out: what its total (TOTAL_OBJECTS) counts. */
  resourcesOf?: (cluster: string) => Promise<readonly string[]>;
}

/** The lock and in-flight key of a quota in a logical cluster (a workspace quota has no namespace). */
export const quotaKey = (cluster: string, q: Pick<QuotaLimits, 'name' | 'namespace'>): string =>
  q.namespace === undefined ? cluster : `${cluster}/${q.namespace}/${q.name}`;

/** A count kept in memory: taken from the store once, then moved by the watch's creates and deletes. */
interface KeptCount {
  count: bigint;
  /** The revision the count is exact at. */
  revision: number;
  /** Changes the watch delivered while the store was counting, applied once the count is known. */
  early?: { revision: number; delta: bigint }[];
  ready: Promise<void>;
}

export class QuotaLedger {
  private readonly lock = new KeyedLock();
  private readonly inFlight = new Map<string, Map<string, InFlight>>();
  /** Counts by cluster, namespace ('*': the whole cluster) and resource, while a watch feeds `observe`. */
  private readonly counts = new Map<string, KeptCount>();
  private following = false;
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly resourcesOf: (cluster: string) => Promise<readonly string[]>;

  constructor(
    private readonly store: Pick<Store, 'get' | 'list' | 'revision'>,
    options: LedgerOptions = {},
  ) {
    this.ttl = options.ttlMs ?? IN_FLIGHT_TTL_MS;
    this.now = options.now ?? Date.now;
    this.resourcesOf = options.resourcesOf ?? (() => Promise.resolve([]));
  }

  /**
   * Admits one object stored at `key` against every charge, or throws what `refuse` makes of
   * Kubernetes' message for the first quota it would exceed. Unless `dryRun`, the object counts
   * as in flight for each quota until the store holds it.
   */
  async charge(cluster: string, charges: readonly Charge[], key: ObjectKey, dryRun: boolean, refuse: (message: string) => Error): Promise<void> {
    const release = await this.lock.acquire(charges.map((c) => quotaKey(cluster, c.limits)));
    try {
      for (const { limits, names } of charges) {
        const used = await this.countLocked(cluster, limits, new Map(names.map((n) => [n, n === TOTAL_OBJECTS ? EVERY_RESOURCE : key.resource])));
        const exceeded = names.filter((n) => (used.get(n) ?? 0n) + 1n > (limits.hard.get(n) ?? 0n));
        if (exceeded.length > 0) {
          const only = (of: (n: string) => bigint): Map<string, bigint> => new Map(exceeded.map((n) => [n, of(n)]));
          throw refuse(exceededMessage(limits.name, only(() => 1n), only((n) => used.get(n) ?? 0n), only((n) => limits.hard.get(n) ?? 0n)));
        }
      }
      if (dryRun) return;
      const expires = this.now() + this.ttl;
      const after = this.store.revision;
      const id = inFlightId(key);
      for (const { limits, names } of charges) {
        const k = quotaKey(cluster, limits);
        const pending = this.inFlight.get(k) ?? new Map<string, InFlight>();
        pending.set(id, { key, names, expires, after });
        this.inFlight.set(k, pending);
      }
    } finally {
      release();
    }
  }

  /**
   * What the quota uses now, for each name: the objects stored under the name's storage resource
   * (undefined: nothing served counts there) plus the creates in flight. A scoped quota counts nothing.
   */
  async usage(cluster: string, limits: QuotaLimits, names: ReadonlyMap<string, string | undefined>): Promise<Map<string, bigint>> {
    const release = await this.lock.acquire([quotaKey(cluster, limits)]);
    try {
      return await this.countLocked(cluster, limits, names);
    } finally {
      release();
    }
  }

  /** The store wrote `key` at `revision` (an ADDED event): the quota's in-flight create of it, if any, need not be read back. */
  landed(cluster: string, quota: Pick<QuotaLimits, 'name' | 'namespace'>, key: ObjectKey, revision: number): void {
    const entry = this.inFlight.get(quotaKey(cluster, quota))?.get(inFlightId(key));
    if (entry && entry.landed === undefined && revision > entry.after) entry.landed = revision;
  }

  /**
   * From now on (true) counts are kept in memory, moved by `observe`, which the caller must feed
   * with every create and delete of the store in revision order (the controller's wildcard watch);
   * false counts in the store every time. Either way, kept counts are dropped: call it again when
   * the watch had to list anew (it may have missed changes).
   */
  follow(on: boolean): void {
    this.following = on;
    this.counts.clear();
  }

  /** One change from the watch: the kept counts of its namespace and of its whole cluster move with it. */
  observe(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', key: ObjectKey, revision: number): void {
    if (this.counts.size === 0 || (type !== 'ADDED' && type !== 'DELETED')) return;
    const delta = type === 'ADDED' ? 1n : -1n;
    const keys = [countKey(key.cluster, key.namespace, key.resource), countKey(key.cluster, undefined, key.resource)];
    if (key.resource !== 'events') keys.push(countKey(key.cluster, undefined, EVERY_RESOURCE));
    for (const k of keys) {
      const c = this.counts.get(k);
      if (!c) continue;
      if (c.early) c.early.push({ revision, delta });
      else if (revision > c.revision) {
        c.count += delta;
        c.revision = revision;
      }
    }
  }

  /** Drops the kept counts of a namespace (undefined: of the whole cluster) that no quota limits any more. */
  forget(cluster: string, namespace: string | undefined): void {
    const prefix = countKey(cluster, namespace, '');
    for (const k of this.counts.keys()) if (k.startsWith(prefix)) this.counts.delete(k);
  }

  /** Creates in flight across every quota (for tests and metrics). */
  get inFlightCount(): number {
    let n = 0;
    for (const m of this.inFlight.values()) n += m.size;
    return n;
  }

  private async countLocked(cluster: string, limits: QuotaLimits, names: ReadonlyMap<string, string | undefined>): Promise<Map<string, bigint>> {
    const used = new Map<string, bigint>();
    const counted = new Map<string, { count: bigint; revision: number }>();
    /** The storage each counted name was counted in. */
    const countedIn = new Map<string, string>();
    for (const [name, storage] of names) {
      if (storage === undefined || limits.scoped) {
        used.set(name, 0n);
        continue;
      }
      let c = counted.get(storage);
      if (!c) {
        c = await this.count(cluster, storage, limits.namespace);
        counted.set(storage, c);
      }
      used.set(name, c.count);
      countedIn.set(name, storage);
    }
    const k = quotaKey(cluster, limits);
    const pending = this.inFlight.get(k);
    if (!pending) return used;
    const now = this.now();
    for (const [id, entry] of pending) {
      if (entry.expires <= now) {
        pending.delete(id);
        continue;
      }
      let relevant = 0;
      let included = 0;
      let written: number | undefined | null = null;
      for (const n of entry.names) {
        const storage = countedIn.get(n);
        if (storage === undefined || (storage !== entry.key.resource && storage !== EVERY_RESOURCE)) continue;
        const c = counted.get(storage) as { count: bigint; revision: number };
        relevant++;
        // A kept count moves only with the watch, which also marks the writes it saw: reading back tells nothing more.
        if (written === null) written = entry.landed ?? (this.following ? undefined : await this.writtenAt(entry.key));
        if (written !== undefined && written > entry.after && written <= c.revision) included++;
        else used.set(n, (used.get(n) ?? 0n) + 1n);
      }
      // Written, and in every count taken of it: the counts hold it from now on.
      if (relevant > 0 && included === relevant) pending.delete(id);
    }
    if (pending.size === 0) this.inFlight.delete(k);
    return used;
  }

  private async writtenAt(key: ObjectKey): Promise<number | undefined> {
    const stored = await this.store.get(key);
    return stored ? Number(stored.metadata.resourceVersion) : undefined;
  }

  /** Objects of one resource in a namespace (or the whole logical cluster), and the revision that is exact at. */
  private async count(cluster: string, resource: string, namespace: string | undefined): Promise<{ count: bigint; revision: number }> {
    if (!this.following) return this.countStored(cluster, resource, namespace);
    const k = countKey(cluster, namespace, resource);
    let kept = this.counts.get(k);
    if (!kept) {
      const entry: KeptCount = { count: 0n, revision: 0, early: [], ready: Promise.resolve() };
      entry.ready = this.countStored(cluster, resource, namespace).then(
        ({ count, revision }) => {
          entry.count = count;
          entry.revision = revision;
          for (const e of entry.early ?? []) {
            if (e.revision <= entry.revision) continue;
            entry.count += e.delta;
            entry.revision = e.revision;
          }
          delete entry.early;
        },
        (err: unknown) => {
          if (this.counts.get(k) === entry) this.counts.delete(k);
          throw err;
        },
      );
      this.counts.set(k, entry);
      kept = entry;
    }
    await kept.ready;
    return { count: kept.count, revision: kept.revision };
  }

  /** One keyed count in the store; for EVERY_RESOURCE, one per stored resource, all at the same revision. */
  private async countStored(cluster: string, resource: string, namespace: string | undefined): Promise<{ count: bigint; revision: number }> {
    if (resource !== EVERY_RESOURCE) return this.countOne(cluster, resource, namespace);
    const revision = this.store.revision;
    let count = 0n;
    for (const r of await this.resourcesOf(cluster)) count += (await this.countOne(cluster, r, namespace, revision)).count;
    return { count, revision };
  }

  private async countOne(cluster: string, resource: string, namespace: string | undefined, revision?: number): Promise<{ count: bigint; revision: number }> {
    const page = await this.store.list({ cluster, resource, ...(namespace !== undefined ? { namespace } : {}), ...(revision !== undefined ? { revision } : {}), limit: 1 });
    return { count: BigInt(page.items.length + (page.remainingItemCount ?? 0)), revision: page.revision };
  }
}

const inFlightId = (key: ObjectKey): string => `${key.resource}/${key.namespace}/${key.name}`;

const countKey = (cluster: string, namespace: string | undefined, resource: string): string => `${cluster}\u0000${namespace ?? '*'}\u0000${resource}`;
