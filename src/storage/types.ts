/**
 * The storage contract every backend implements (embedded SQLite, MongoDB). Objects are keyed by
 * (logical cluster, group-resource, namespace, name); every write gets the next revision of the
 * store, which becomes the object's `metadata.resourceVersion`. See test/storage/contract.ts for
 * the executable form of this contract.
 */
import type { FieldSelector, KubeObject, LabelSelector } from '../meta/index.js';

/** Matches every logical cluster in lists and watches (controllers, kcp's "wildcard" requests). */
export const ALL_CLUSTERS = '*';

export interface ObjectKey {
  /** Logical cluster name. */
  cluster: string;
  /** Group-resource as kubectl prints it: `configmaps`, `roles.rbac.authorization.k8s.io`. */
  resource: string;
  /** Empty string for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export interface Preconditions {
  /** The write only happens if the stored object has exactly this resourceVersion. */
  resourceVersion?: string;
  uid?: string;
}

export interface ObjectFilter {
  /** Restricts to one namespace; undefined means all namespaces. */
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /**
   * Which objects the reader may see at all (a provider sees only its consumers' objects, and of
   * claimed resources only what each consumer accepted). Like the selectors it shapes pages and
   * watch transitions: an object that stops being visible is DELETED for the watcher.
   */
  visible?: (cluster: string, object: KubeObject) => boolean;
}

export interface ListOptions extends ObjectFilter {
  /** A logical cluster name, or ALL_CLUSTERS. */
  cluster: string;
  resource: string;
  /** Maximum items in this page; the rest comes through `continue`. */
  limit?: number;
  /** Opaque token from a previous page; the page is read at that page's revision. */
  continue?: string;
  /** Read at exactly this (retained) revision instead of the newest one. */
  revision?: number;
  /** With `revision`: read at the newest revision instead, which must not be older than `revision`. */
  notOlderThan?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  /** The revision the whole (paginated) list is consistent at. */
  revision: number;
  continue?: string;
  /** Objects remaining after this page, when cheaply known (no selector). */
  remainingItemCount?: number;
  /** Lists across ALL_CLUSTERS: the logical cluster of each item, index for index. */
  clusters?: string[];
}

/** A list page as each object's stored JSON (`Store.listJson`): the same objects `list` returns. */
export interface JsonListResult extends Omit<ListResult, 'items' | 'clusters'> {
  /** Each object's JSON exactly as stored; shared between readers of the same list: never change it. */
  items: readonly string[];
  /** The logical cluster of each item, index for index. */
  clusters: readonly string[];
  /**
   * Set when the page is the whole current list of one cluster's range: what `listVersion` answers
   * for the same options for as long as nothing in the range changes (a result made from the list
   * may be served again while it does).
   */
  version?: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed write, as the change feed carries it. Objects are shared: never mutate them. */
export interface StoreEvent {
  type: ChangeType;
  revision: number;
  key: ObjectKey;
  /** The object after the write; for DELETED, the last state with the deletion's revision. */
  object: KubeObject;
  /** The object before the write (MODIFIED, DELETED). */
  prevObject?: KubeObject;
  /**
   * Length of `object`'s stored encoding, known when it was written or read: what queuing this
   * event for a watcher costs, roughly (the hub bounds each watcher's queue by it).
   */
  bytes: number;
}

export type WatchEventType = ChangeType | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  /** Revision of this event; for BOOKMARK, the revision the watcher is known to be current at. */
  revision: number;
  /** Absent for BOOKMARK. */
  object?: KubeObject;
  key?: ObjectKey;
}

export interface WatchOptions extends ObjectFilter {
  /** A logical cluster name, or ALL_CLUSTERS. */
  cluster: string;
  /** Group-resource, or undefined for every resource. */
  resource?: string;
  /** Deliver events with revisions after this one; undefined means "from now". */
  fromRevision?: number;
  /** Send BOOKMARK events periodically when nothing else is sent. */
  bookmarks?: boolean;
}

/**
 * A running watch. Iterate it for events; it ends when closed and throws a StorageError with code
 * Expired (the start revision is no longer retained: re-list) or TooSlow (the consumer fell too far
 * behind: watch again from `error.revision`).
 */
export interface Watch extends AsyncIterableIterator<WatchEvent>, Partial<Pollable<WatchEvent>> {
  close(): void;
}

/**
 * A source read without a promise per item: a fan-out to thousands of subscriptions reads each
 * one's next event in one synchronous loop, where `next()` costs a chain of promises per reader
 * per event (docs/benchmarks.md, issue 19). `poll()` is `next()` for what is there already:
 * an item, done, or undefined when there is nothing yet; it throws what `next()` would reject
 * with. `onReady` sets the one listener told, synchronously, when `poll()` may have something
 * new (an item queued, the end); a consumer that polls until undefined misses nothing.
 * A source is read either way, never both at once.
 */
export interface Pollable<T> {
  poll(): IteratorResult<T> | undefined;
  onReady(listener: () => void): void;
}

/** What `Store.purgeCluster` did. */
export interface PurgeResult {
  /** The last revision the purge wrote; the store's current revision if there was nothing to delete. */
  revision: number;
  /** Objects deleted, each at its own revision. */
  deleted: number;
}

export interface CreateOptions {
  /**
   * A key that must exist when the create commits — checked inside the same transaction, so a
   * create cannot land in a logical cluster purged a moment earlier (the caller passes that
   * cluster's LogicalCluster key).
   */
  requires?: ObjectKey;
}

export interface Store {
  /** Newest committed revision. */
  readonly revision: number;
  get(key: ObjectKey): Promise<KubeObject | undefined>;
  list(options: ListOptions): Promise<ListResult>;
  /**
   * `list` answered with the objects' stored JSON instead of parsed copies, for readers that only
   * pass it on (a REST list without selectors). Optional: a backend without it is read with `list`.
   */
  listJson?(options: ListOptions): Promise<JsonListResult>;
  /**
   * The `version` a `listJson` of `options` would carry now, without reading the list; undefined
   * when that list would carry none. Only with `listJson`.
   */
  listVersion?(options: ListOptions): string | undefined;
  /**
   * Fails with AlreadyExists, or with ContainerGone when `options.requires` names a key that does
   * not exist at the moment the write commits. Returns the stored object with its resourceVersion.
   */
  create(key: ObjectKey, object: KubeObject, options?: CreateOptions): Promise<KubeObject>;
  /** Fails with NotFound, or Conflict when a precondition does not hold. */
  update(key: ObjectKey, object: KubeObject, preconditions?: Preconditions): Promise<KubeObject>;
  /** Fails with NotFound or Conflict. Returns the deleted object stamped with the deletion's revision. */
  delete(key: ObjectKey, preconditions?: Preconditions): Promise<KubeObject>;
  /**
   * Deletes every object of one logical cluster (every resource, every namespace), so that a
   * deleted workspace's path and name can be reused. Each object gets its own DELETED change at
   * consecutive revisions, as if deleted one by one: watchers of the cluster and wildcard watchers,
   * paginated lists started earlier and watches resumed from an older revision all stay exactly
   * consistent. No preconditions. Fails with Internal for '' or ALL_CLUSTERS.
   */
  purgeCluster(cluster: string): Promise<PurgeResult>;
  watch(options: WatchOptions): Watch;
  /** The oldest revision a watch or a paginated list can still start from. */
  readonly compactedRevision: number;
  /** Forgets history up to and including `revision` (normally done by the retention policy). */
  compact(revision: number): Promise<void>;
  /**
   * Why the last write could not be stored (disk full, I/O error; writes failed with Unavailable),
   * until a write succeeds again; undefined while writes succeed. Readiness reports it.
   */
  readonly writeFailure: string | undefined;
  close(): Promise<void>;
}

export interface HistoryOptions {
  /** Keep change history at least this long (default 5 minutes, like the apiserver's compaction). */
  retainMs?: number;
  /** Always keep at least this many recent revisions (default 10,000). */
  minRevisions?: number;
}

export interface WatchHubOptions {
  /** Events a watcher may have queued before it is cut off with TooSlow (default 10,000). */
  maxQueuedEvents?: number;
  /**
   * Bytes of objects (their stored encoding) a watcher may have queued before it is cut off with
   * TooSlow (default 64 MiB). One event is always allowed, whatever its size.
   */
  maxQueuedBytes?: number;
  /** How often idle bookmark-watchers get a BOOKMARK (default 60 s). */
  bookmarkIntervalMs?: number;
}
