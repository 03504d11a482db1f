/**
 * The garbage collector: ownerReferences-based cascading deletion, as Kubernetes does it, within
 * each logical cluster.
 *
 * - Background: when an owner is deleted, each dependent whose owners are all gone is deleted.
 * - Foreground: an owner being deleted with the `foregroundDeletion` finalizer waits while
 *   dependents referencing it with `blockOwnerDeletion` remain; the collector deletes its
 *   dependents and removes the finalizer when none of those remain.
 * - Orphan: an owner being deleted with the `orphan` finalizer has its reference removed from
 *   every dependent, then the finalizer.
 * - A dependent noticed with owner references that all point at missing objects (dangling) is
 *   deleted; references to missing owners beside live ones are removed.
 *
 * Machinery: one list-then-watch over every resource of every logical cluster feeds an
 * OwnerIndex, and one work queue with bounded concurrency does the writes. Decisions always
 * re-read the objects involved, so the index only has to say *whom* to look at. After a
 * (re)list every indexed dependent is checked once, because owners may have gone while nobody
 * watched. The decisions themselves live in owner-deletion.ts and dependent-check.ts.
 *
 * Memory: proportional to the objects that have owner references — a few hundred bytes each
 * (storage key, uid, and per reference a uid and a flag); objects without any, which are most,
 * cost nothing, and neither do idle workspaces. Kubernetes' collector instead keeps a graph
 * node for every object it monitors. Owners in foreground deletion add one map entry each
 * while they wait; queued work exists only while pending. See owner-index.ts.
 */
import type { KubeObject } from '../meta/index.js';
import {
  builtinResourceTypes,
  FOREGROUND_FINALIZER,
  groupResource,
  ORPHAN_FINALIZER,
  ownsStorage,
  type Registry,
  type RequestContext,
  type ResourceType,
} from '../registry/index.js';
import type { WatchEvent } from '../storage/index.js';
import { LOGICAL_CLUSTER_RESOURCE } from '../tenancy/root.js';
import { listEverywhere } from './cluster-list.js';
import { isDeleting, type CollectorState, type Item } from './collector-state.js';
import { checkDependent } from './dependent-check.js';
import { describeError, silentLog, type ControllerLog } from './log.js';
import { processOwner } from './owner-deletion.js';
import { OwnerIndex, uidKey } from './owner-index.js';
import { hasReason } from './registry-client.js';
import { typeByResource, type TypesFor } from './resource-lookup.js';
import { WatchLoop } from './watch-loop.js';
import { WorkQueue, type Outcome } from './work-queue.js';

export interface GarbageCollectorOptions {
  registry: Registry;
  typesFor: TypesFor;
  log?: ControllerLog;
  /** Objects worked on at once (default 4). */
  concurrency?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  /**
   * The group-resources to list when (re)building the index: every resource any logical cluster
   * stores. Default: the built-ins plus the API sets of the clusters that have namespaces or a
   * LogicalCluster object.
   */
  resources?: () => Promise<readonly string[]>;
}

export class GarbageCollector {
  private readonly registry: Registry;
  private readonly log: ControllerLog;
  private index = new OwnerIndex();
  /** Owners being deleted in the foreground, by (cluster, uid): woken when a dependent goes. */
  private foreground = new Map<string, Item>();
  private readonly queue: WorkQueue<Item>;
  private readonly loop: WatchLoop;
  readonly synced: Promise<void>;

  constructor(private readonly options: GarbageCollectorOptions) {
    this.registry = options.registry;
    this.log = options.log ?? silentLog;
    this.queue = new WorkQueue<Item>({
      name: 'garbage_collector',
      concurrency: options.concurrency ?? 4,
      minDelayMs: options.minRetryMs ?? 100,
      maxDelayMs: options.maxRetryMs ?? 30_000,
      handle: (item) => this.handle(item),
      onError: (item, err) => this.log.warn({ ...item.key, role: item.role, err: describeError(err) }, 'garbage collection failed; retrying'),
    });
    this.loop = new WatchLoop({
      store: this.registry.store,
      name: 'garbage-collector',
      log: this.log,
      resync: () => this.resync(),
      onEvent: (e) => this.onEvent(e),
    });
    this.synced = this.loop.synced;
  }

  /** Objects with owner references currently indexed. */
  get indexed(): number {
    return this.index.size;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  // ---- informer ------------------------------------------------------------------------------

  private async resync(): Promise<number> {
    const resources = await (this.options.resources ?? (() => this.servedResources()))();
    const index = new OwnerIndex();
    const foreground = new Map<string, Item>();
    const owners: Item[] = [];
    let revision: number | undefined;
    let unplaced = 0;
    for (const resource of resources) {
      // Every resource is read at the first list's revision, so the index is one consistent state.
      const listed = await listEverywhere(this.registry.store, resource, {
        revision,
        onItem: (key, o) => {
          index.set(key, o);
          const item: Item = { role: 'owner', key, uid: o.metadata.uid ?? '' };
          if (isDeleting(o, FOREGROUND_FINALIZER)) foreground.set(uidKey(key.cluster, item.uid), item);
          if (isDeleting(o, FOREGROUND_FINALIZER) || isDeleting(o, ORPHAN_FINALIZER)) owners.push(item);
        },
      });
      revision ??= listed.revision;
      unplaced += listed.unplaced;
    }
    if (unplaced > 0) this.log.warn({ count: unplaced }, 'objects the store listed without their logical cluster are not garbage collected');
    this.index = index;
    this.foreground = foreground;
    for (const d of index.all()) this.enqueue({ role: 'dependent', key: d.key, uid: d.uid });
    for (const o of owners) this.enqueue(o);
    return revision ?? this.registry.store.revision;
  }

  private async servedResources(): Promise<string[]> {
    const clusters = new Set<string>();
    for (const resource of ['namespaces', LOGICAL_CLUSTER_RESOURCE]) {
      await listEverywhere(this.registry.store, resource, { onItem: (key) => clusters.add(key.cluster) });
    }
    const out = new Set(builtinResourceTypes.filter((t) => ownsStorage(t)).map(groupResource));
    for (const cluster of clusters) {
      for (const t of await this.options.typesFor(cluster)) if (ownsStorage(t)) out.add(groupResource(t));
    }
    return [...out];
  }

  private onEvent(e: WatchEvent): void {
    const { key, object } = e;
    const uid = object?.metadata.uid;
    if (!key || !object || !uid) return;
    const id = uidKey(key.cluster, uid);
    if (e.type === 'DELETED') {
      const was = this.index.remove(key.cluster, uid);
      for (const o of was?.owners ?? []) this.wakeForeground(key.cluster, o.uid);
      this.foreground.delete(id);
      // Its dependents lost an owner: those left without any are collected (Background).
      for (const d of this.index.dependentsOf(key.cluster, uid)) this.enqueue({ role: 'dependent', key: d.key, uid: d.uid });
      return;
    }
    const change = this.index.set(key, object);
    for (const u of change.removed) this.wakeForeground(key.cluster, u);
    // New references are checked at once: a dependent created for a missing owner is collected.
    if (change.added.length > 0) this.enqueue({ role: 'dependent', key, uid });
    if (isDeleting(object, FOREGROUND_FINALIZER)) {
      if (!this.foreground.has(id)) {
        const item: Item = { role: 'owner', key, uid };
        this.foreground.set(id, item);
        this.enqueue(item);
      }
    } else {
      this.foreground.delete(id);
    }
    if (isDeleting(object, ORPHAN_FINALIZER)) this.enqueue({ role: 'owner', key, uid });
  }

  private wakeForeground(cluster: string, ownerUid: string): void {
    const owner = this.foreground.get(uidKey(cluster, ownerUid));
    if (owner) this.enqueue(owner);
  }

  private enqueue(item: Item): void {
    this.queue.add(`${item.role}:${uidKey(item.key.cluster, item.uid)}`, item);
  }

  // ---- work ----------------------------------------------------------------------------------

  private async handle(item: Item): Promise<Outcome> {
    const types = await this.options.typesFor(item.key.cluster);
    const t = typeByResource(types, item.key.resource);
    if (!t) return 'done'; // no longer served in that cluster: nothing to act through
    const ctx: RequestContext = { cluster: item.key.cluster };
    const current = await this.current(ctx, t, item);
    if (!current) return 'done';
    const state: CollectorState = {
      registry: this.registry,
      index: this.index,
      inForeground: (cluster, uid) => this.foreground.has(uidKey(cluster, uid)),
      enqueue: (next) => this.enqueue(next),
    };
    if (item.role === 'owner') await processOwner(state, ctx, t, types, item, current);
    else await checkDependent(state, ctx, t, types, item, current);
    return 'done';
  }

  /** The object as stored now, if it is still the incarnation the item is about. */
  private async current(ctx: RequestContext, t: ResourceType, item: Item): Promise<KubeObject | undefined> {
    try {
      const o = await this.registry.get(ctx, t, item.key.namespace || undefined, item.key.name);
      return o.metadata.uid === item.uid ? o : undefined;
    } catch (err) {
      if (hasReason(err, 'NotFound')) return undefined;
      throw err;
    }
  }
}
