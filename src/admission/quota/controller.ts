/**
 * The quota controller: keeps every ResourceQuota's `status.hard` equal to `spec.hard` and its
 * `status.used` current — recounted when an object of its namespace is created or deleted (a
 * delete releases at once), when the quota changes, and for every quota on one global timer.
 * Three watches serve every workspace (DESIGN decision 5): ResourceQuotas and LogicalClusters feed
 * the QuotaIndex admission reads; a wildcard watch of every resource only looks the changed
 * object's namespace up in that index, so workspaces without quotas cost a map lookup per write
 * and no timer.
 */
import { ownsStorage, resourceQuotas, SYSTEM_USER, type Registry, type ResourceType } from '../../registry/index.js';
import { deepEqual, type KubeObject } from '../../meta/index.js';
import { describeError, hasReason, listEverywhere, silentLog, WatchLoop, WorkQueue, type ControllerLog, type Outcome } from '../../controllers/index.js';
import { LOGICAL_CLUSTER_RESOURCE } from '../../tenancy/index.js';
import type { WatchEvent } from '../../storage/index.js';
import { chargedNames, limitsOfResourceQuota, storageResourceOf } from './limits.js';
import { quotaKey, type QuotaLedger } from './ledger.js';
import type { IndexedQuota, QuotaIndex } from './quota-index.js';
import { workspaceLimits } from './workspace-quota.js';

/** How often every quota is recounted (drift, and creates whose write failed after admission). */
export const QUOTA_RESYNC_MS = 5 * 60_000;

/**
 * How long object changes are gathered before their quota is recounted: a burst of creates costs
 * one recount and one status write, not one each. A timer exists only while changes wait.
 */
export const QUOTA_STATUS_DELAY_MS = 250;

const QUOTA_RESOURCE = 'resourcequotas';
const MANAGER = 'resourcequota-controller';

export interface QuotaControllerOptions {
  registry: Registry;
  /** The API set of a logical cluster: which stored resource each quota name counts. */
  typesFor(cluster: string): Promise<readonly ResourceType[]>;
  index: QuotaIndex;
  ledger: QuotaLedger;
  log?: ControllerLog;
  resyncMs?: number;
  statusDelayMs?: number;
}

export class QuotaController {
  /** Resolves once both indexes have listed every quota. */
  readonly synced: Promise<void>;
  private readonly queue: WorkQueue<IndexedQuota>;
  private readonly loops: WatchLoop[];
  private readonly timer: NodeJS.Timeout;
  /** Quotas whose recount waits for more changes, by quota key. */
  private readonly soon = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: QuotaControllerOptions) {
    const { registry, index } = options;
    const log = options.log ?? silentLog;
    const store = registry.store;
    this.queue = new WorkQueue({
      name: 'resourcequota',
      concurrency: 4,
      handle: (q) => this.sync(q),
      onError: (q, err) => log.warn({ controller: 'resourcequota', quota: quotaKey(q.cluster, q.limits), err: describeError(err) }, 'quota recount failed; retrying'),
    });
    const quotas = new WatchLoop({
      store,
      name: 'resourcequota-index',
      log,
      resource: QUOTA_RESOURCE,
      resync: async () => {
        const found: [string, KubeObject][] = [];
        const r = await listEverywhere(store, QUOTA_RESOURCE, { onItem: (key, o) => found.push([key.cluster, o]) });
        index.clear('namespaced');
        for (const [cluster, o] of found) index.setNamespaced(cluster, o.metadata.namespace ?? '', o.metadata.name ?? '', limitsOfResourceQuota(o));
        this.enqueueAll();
        return r.revision;
      },
      onEvent: (e) => this.onQuota(e),
    });
    const clusters = new WatchLoop({
      store,
      name: 'workspace-quota-index',
      log,
      resource: LOGICAL_CLUSTER_RESOURCE,
      resync: async () => {
        const found: [string, KubeObject][] = [];
        const r = await listEverywhere(store, LOGICAL_CLUSTER_RESOURCE, { onItem: (key, o) => found.push([key.cluster, o]) });
        index.clear('workspaces');
        for (const [cluster, o] of found) index.setWorkspace(cluster, workspaceLimits(o));
        return r.revision;
      },
      onEvent: (e) => {
        if (!e.key) return;
        const limits = e.type === 'DELETED' || !e.object ? undefined : workspaceLimits(e.object);
        index.setWorkspace(e.key.cluster, limits);
        if (!limits) options.ledger.forget(e.key.cluster, undefined);
      },
    });
    const changes = new WatchLoop({
      store,
      name: 'resourcequota-changes',
      log,
      // Whatever happened before now is recounted: kept counts are dropped, every quota is queued.
      resync: () => {
        options.ledger.follow(true);
        this.enqueueAll();
        return Promise.resolve(store.revision);
      },
      onEvent: (e) => this.onChange(e),
    });
    this.loops = [quotas, clusters, changes];
    this.synced = Promise.all(this.loops.map((l) => l.synced)).then(() => undefined);
    this.timer = setInterval(() => {
      options.ledger.follow(true);
      this.enqueueAll();
    }, options.resyncMs ?? QUOTA_RESYNC_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const t of this.soon.values()) clearTimeout(t);
    this.soon.clear();
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.queue.stop();
    this.options.ledger.follow(false);
  }

  private enqueue(q: IndexedQuota): void {
    // The workspace quota has no status to keep: admission counts it from the store.
    if (q.limits.namespace !== undefined) this.queue.add(quotaKey(q.cluster, q.limits), q);
  }

  /** Queues the quota once the changes of the next moment have gathered. */
  private enqueueSoon(q: IndexedQuota): void {
    if (q.limits.namespace === undefined) return;
    const key = quotaKey(q.cluster, q.limits);
    if (this.soon.has(key)) return;
    const timer = setTimeout(() => {
      this.soon.delete(key);
      this.enqueue(q);
    }, this.options.statusDelayMs ?? QUOTA_STATUS_DELAY_MS);
    timer.unref();
    this.soon.set(key, timer);
  }

  private enqueueAll(): void {
    for (const q of this.options.index.all()) this.enqueue(q);
  }

  private onQuota(e: WatchEvent): void {
    if (!e.key) return;
    const { cluster, namespace, name } = e.key;
    const limits = e.type === 'DELETED' || !e.object ? undefined : limitsOfResourceQuota(e.object);
    const { index, ledger } = this.options;
    if (index.setNamespaced(cluster, namespace, name, limits) && limits) this.enqueue({ cluster, limits });
    if (!limits && index.inNamespace(cluster, namespace)[Symbol.iterator]().next().done) ledger.forget(cluster, namespace);
  }

  /** Object counts move only when objects come and go; a create's ADDED also tells the ledger it was written. */
  private onChange(e: WatchEvent): void {
    if (e.type !== 'ADDED' && e.type !== 'DELETED') return;
    const key = e.key;
    if (!key) return;
    this.options.ledger.observe(e.type, key, e.revision);
    for (const q of this.options.index.affected(key.cluster, key.namespace)) {
      if (e.type === 'ADDED') this.options.ledger.landed(q.cluster, q.limits, key, e.revision);
      this.enqueueSoon(q);
    }
  }

  /** Recounts one ResourceQuota and writes its status when it changed. */
  private async sync({ cluster, limits: { namespace, name } }: IndexedQuota): Promise<Outcome> {
    const { registry, ledger } = this.options;
    const ctx = { cluster, user: SYSTEM_USER };
    let current: KubeObject;
    try {
      current = await registry.get(ctx, resourceQuotas, namespace, name);
    } catch (err) {
      if (hasReason(err, 'NotFound')) return 'done';
      throw err;
    }
    const limits = limitsOfResourceQuota(current);
    const types = await this.options.typesFor(cluster);
    const names = new Map<string, string | undefined>();
    for (const n of limits.hard.keys()) names.set(n, storageOf(types, n));
    const used = await ledger.usage(cluster, limits, names);
    const hard = ((current.spec ?? {}) as { hard?: Record<string, string> }).hard ?? {};
    const status = { hard: { ...hard }, used: Object.fromEntries([...used].map(([k, v]) => [k, String(v)])) };
    if (deepEqual(current.status, status)) return 'done';
    try {
      await registry.update(ctx, resourceQuotas, namespace, name, { ...current, status }, { subresource: 'status', fieldManager: MANAGER });
    } catch (err) {
      if (hasReason(err, 'NotFound')) return 'done';
      if (hasReason(err, 'Conflict')) return 'retry';
      throw err;
    }
    return 'done';
  }
}

/** Where the objects a quota name counts are stored in this API set; undefined when no served kind is counted under it. */
function storageOf(types: readonly ResourceType[], name: string): string | undefined {
  const t = types.find((x) => ownsStorage(x) && chargedNames(x).includes(name)) ?? types.find((x) => chargedNames(x).includes(name));
  return t ? storageResourceOf(t) : undefined;
}
