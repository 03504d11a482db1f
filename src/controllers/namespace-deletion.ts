/**
 * The namespace controller: empties a Namespace that is being deleted and then releases it, as
 * Kubernetes' namespace deleter does. For a namespace with a deletionTimestamp and the
 * `kubernetes` spec finalizer it deletes every object of every namespaced type its logical
 * cluster serves (through the registry, Background propagation, so object finalizers are
 * honoured), reports progress in the NamespaceContentRemaining & co. conditions, and once the
 * namespace is empty removes `kubernetes` through the `finalize` subresource — which deletes
 * the namespace when no other finalizer remains.
 *
 * Machinery (DESIGN decision 5): one list-then-watch over every logical cluster and resource,
 * one work queue (bounded concurrency) for all of them. A namespace costs memory and a timer
 * only while it is terminating and waiting for content: deletions in that namespace wake it
 * early, the backoff timer is only the fallback. Idle namespaces and workspaces cost nothing.
 * The initial list picks up namespaces that were already terminating before a restart.
 */
import { parseFieldSelector, type KubeObject } from '../meta/index.js';
import { groupResource, NAMESPACE_FINALIZER, namespaces, ownsStorage, type Registry, type RequestContext, type ResourceType } from '../registry/index.js';
import type { WatchEvent } from '../storage/index.js';
import { listEverywhere } from './cluster-list.js';
import { describeError, silentLog, type ControllerLog } from './log.js';
import { updateConditions, type DeletionReport, type NamespaceCondition } from './namespace-conditions.js';
import { hasReason, listPages, rewrite } from './registry-client.js';
import type { TypesFor } from './resource-lookup.js';
import { WatchLoop } from './watch-loop.js';
import { WorkQueue, type Outcome } from './work-queue.js';

export interface NamespaceDeletionOptions {
  registry: Registry;
  typesFor: TypesFor;
  log?: ControllerLog;
  /** Namespaces worked on at once (default 4). */
  concurrency?: number;
  /** Backoff while content remains or a pass failed (defaults 100 ms .. 30 s). */
  minRetryMs?: number;
  maxRetryMs?: number;
  now?: () => Date;
}

interface Item {
  cluster: string;
  name: string;
}

const NAMESPACES = groupResource(namespaces);
const TERMINATING = parseFieldSelector('status.phase=Terminating');

type NamespaceSpec = { finalizers?: string[] | null };
type NamespaceStatus = { phase?: string; conditions?: NamespaceCondition[] | null };

const specFinalizers = (ns: KubeObject): string[] => (ns.spec as NamespaceSpec | undefined)?.finalizers ?? [];
const itemKey = (cluster: string, name: string): string => `${cluster}/${name}`;

export class NamespaceDeletionController {
  private readonly registry: Registry;
  private readonly log: ControllerLog;
  private readonly now: () => Date;
  private readonly queue: WorkQueue<Item>;
  private readonly loop: WatchLoop;
  /** Resolves once terminating namespaces from before the start have been queued. */
  readonly synced: Promise<void>;

  constructor(private readonly options: NamespaceDeletionOptions) {
    this.registry = options.registry;
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
    this.queue = new WorkQueue<Item>({
      name: 'namespace_deletion',
      concurrency: options.concurrency ?? 4,
      minDelayMs: options.minRetryMs ?? 100,
      maxDelayMs: options.maxRetryMs ?? 30_000,
      handle: (item) => this.sync(item),
      onError: (item, err) => this.log.warn({ ...item, err: describeError(err) }, 'namespace deletion failed; retrying'),
    });
    this.loop = new WatchLoop({
      store: this.registry.store,
      name: 'namespace-deletion',
      log: this.log,
      resync: () => this.resync(),
      onEvent: (e) => this.onEvent(e),
    });
    this.synced = this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private async resync(): Promise<number> {
    const listed = await listEverywhere(this.registry.store, NAMESPACES, {
      fieldSelector: TERMINATING,
      onItem: (key, ns) => this.consider(key.cluster, ns),
    });
    if (listed.unplaced > 0) {
      this.log.warn({ count: listed.unplaced }, 'terminating namespaces the store listed without their logical cluster are not picked up');
    }
    return listed.revision;
  }

  private onEvent(e: WatchEvent): void {
    const { key, object } = e;
    if (!key || !object) return;
    if (key.resource === NAMESPACES) {
      if (e.type !== 'DELETED') this.consider(key.cluster, object);
      // Gone while waiting for a retry: let its pass see that now and forget it.
      else if (this.queue.has(itemKey(key.cluster, key.name))) this.queue.add(itemKey(key.cluster, key.name), { cluster: key.cluster, name: key.name });
      return;
    }
    // Content going away in a namespace that waits to be empty: look again now.
    if (e.type === 'DELETED' && key.namespace) {
      const k = itemKey(key.cluster, key.namespace);
      if (this.queue.has(k)) this.queue.add(k, { cluster: key.cluster, name: key.namespace });
    }
  }

  /**
   * Queues a namespace that needs emptying. One already pending is left alone: its pass reads
   * the newest state anyway, and this keeps our own status writes from re-triggering passes.
   */
  private consider(cluster: string, ns: KubeObject): void {
    const name = ns.metadata.name;
    if (!name || !ns.metadata.deletionTimestamp || !specFinalizers(ns).includes(NAMESPACE_FINALIZER)) return;
    const k = itemKey(cluster, name);
    if (!this.queue.has(k)) this.queue.add(k, { cluster, name });
  }

  /** One pass over a terminating namespace. */
  private async sync({ cluster, name }: Item): Promise<Outcome> {
    const ctx: RequestContext = { cluster };
    let ns: KubeObject;
    try {
      ns = await this.registry.get(ctx, namespaces, undefined, name);
    } catch (err) {
      if (hasReason(err, 'NotFound')) return 'done';
      throw err;
    }
    if (!ns.metadata.deletionTimestamp || !specFinalizers(ns).includes(NAMESPACE_FINALIZER)) return 'done';

    const report: DeletionReport = { contentErrors: [], remainingByResource: new Map(), remainingByFinalizer: new Map() };
    let types: readonly ResourceType[] = [];
    try {
      types = (await this.options.typesFor(cluster)).filter((t) => t.namespaced && ownsStorage(t));
    } catch (err) {
      report.discoveryError = describeError(err);
    }
    for (const t of types) await this.empty(ctx, name, t, report);
    await this.recordConditions(ctx, ns, report);

    const remaining = [...report.remainingByResource.values()].some((n) => n > 0);
    if (report.discoveryError !== undefined || report.contentErrors.length > 0 || remaining) return 'retry';
    await this.finalize(ctx, name);
    return 'done';
  }

  /** Deletes the namespace's objects of one type, then counts what is left and why. */
  private async empty(ctx: RequestContext, namespace: string, t: ResourceType, report: DeletionReport): Promise<void> {
    try {
      for await (const page of listPages(this.registry, ctx, t, { namespace })) {
        // Deleted together, so the store commits a page in a few batches rather than one by one.
        const results = await Promise.allSettled(
          page
            .filter((o) => !o.metadata.deletionTimestamp)
            .map((o) =>
              this.registry.delete(ctx, t, namespace, o.metadata.name ?? '', {
                propagationPolicy: 'Background',
                preconditions: { uid: o.metadata.uid },
              }),
            ),
        );
        for (const r of results) {
          // Gone already, or replaced by a namesake (which the count below sees): not a failure.
          if (r.status === 'rejected' && !hasReason(r.reason, 'NotFound') && !hasReason(r.reason, 'Conflict')) throw r.reason;
        }
      }
      let left = 0;
      for await (const page of listPages(this.registry, ctx, t, { namespace })) {
        left += page.length;
        for (const o of page) {
          for (const f of o.metadata.finalizers ?? []) report.remainingByFinalizer.set(f, (report.remainingByFinalizer.get(f) ?? 0) + 1);
        }
      }
      if (left > 0) report.remainingByResource.set(groupResource(t), left);
    } catch (err) {
      report.contentErrors.push(describeError(err));
    }
  }

  private async recordConditions(ctx: RequestContext, ns: KubeObject, report: DeletionReport): Promise<void> {
    const status = (ns.status ?? {}) as NamespaceStatus;
    const conditions = updateConditions(status.conditions ?? [], report, this.now());
    if (!conditions) return;
    try {
      await this.registry.update(ctx, namespaces, undefined, ns.metadata.name ?? '', { ...ns, status: { ...status, phase: 'Terminating', conditions } }, { subresource: 'status' });
    } catch (err) {
      // Written by someone else since this pass read it: the next pass writes the conditions.
      if (!hasReason(err, 'Conflict') && !hasReason(err, 'NotFound')) throw err;
    }
  }

  /** Removes the `kubernetes` finalizer; the registry deletes the namespace if it was the last. */
  private async finalize(ctx: RequestContext, name: string): Promise<void> {
    await rewrite(
      this.registry,
      ctx,
      namespaces,
      { namespace: undefined, name },
      (ns) => {
        const finalizers = specFinalizers(ns);
        if (!finalizers.includes(NAMESPACE_FINALIZER)) return undefined;
        return { ...ns, spec: { ...((ns.spec ?? {}) as NamespaceSpec), finalizers: finalizers.filter((f) => f !== NAMESPACE_FINALIZER) } };
      },
      { subresource: 'finalize' },
    );
    this.log.info({ cluster: ctx.cluster, namespace: name }, 'namespace emptied and finalized');
  }
}
