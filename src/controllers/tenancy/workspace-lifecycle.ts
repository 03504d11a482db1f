/**
 * The workspace lifecycle, kcp's scheduler, phase and deletion controllers in one engine over
 * two kinds:
 *
 * Workspace (in its parent's logical cluster)
 *   - scheduling: creates the child LogicalCluster — path and type annotations, owner, the
 *     initializers and terminators of the type chain — and sets `spec.URL`;
 *   - mirrors the LogicalCluster's phase, initializers and terminators into its status;
 *   - deletion: deletes the LogicalCluster (which starts its teardown) and releases the
 *     Workspace's finalizer once the logical cluster is gone, freeing the name for reuse.
 * LogicalCluster (in its own logical cluster)
 *   - Initializing with no initializers left → Ready;
 *   - deletion: waits for terminators (phase Terminating) and finalizers, then (Deleting) deletes every child
 *     Workspace — each tears down its own subtree the same way — and once none is left purges
 *     the whole logical cluster from the store in one write, LogicalCluster included.
 *
 * Machinery (DESIGN decision 5): one watch on Workspaces and one on LogicalClusters across all
 * logical clusters, one work queue. A workspace costs a queue entry only while something is to
 * be done for it; a teardown waiting for children is woken by their deletion events.
 */
import { deepEqual, everything, labelSelectorFromObject, rfc3339, type KubeObject, type LabelSelector, type LabelSelectorObject } from '../../meta/index.js';
import { clusterRoleBindings, SYSTEM_USER, type Registry, type RequestContext } from '../../registry/index.js';
import type { Store, WatchEvent } from '../../storage/index.js';
import {
  bindWorkspaceOwner,
  childPath,
  deletingPhase,
  LOGICAL_CLUSTER_NAME,
  LOGICAL_CLUSTER_RESOURCE,
  lcSpecOf,
  lcStatusOf,
  logicalClusterKey,
  logicalClusters,
  OWNER_ANNOTATION,
  OWNER_BINDING,
  ownerOf,
  PATH_ANNOTATION,
  placeOf,
  SHARD_ANNOTATION,
  specOf,
  statusOf,
  TYPE_ANNOTATION,
  WORKSPACE_FINALIZER,
  WORKSPACE_QUOTA_ANNOTATION,
  WORKSPACE_RESOURCE,
  workspaces,
  typeKey,
  workspaceUrl,
  type LogicalClusterSpec,
  type WorkspaceStatus,
  type WorkspaceTypeRules,
} from '../../tenancy/index.js';
import { listEverywhere } from '../cluster-list.js';
import { describeError, silentLog, type ControllerLog } from '../log.js';
import { hasReason, listPages, rewrite, withoutFinalizer } from '../registry-client.js';
import { WatchLoop } from '../watch-loop.js';
import { WorkQueue, type Outcome } from '../work-queue.js';
import type { Placement } from './placement.js';

export interface WorkspaceLifecycleOptions {
  registry: Registry;
  rules: WorkspaceTypeRules;
  /** Where the server is reached, for `spec.URL` (`<baseUrl>/clusters/<path>`). */
  baseUrl: () => string;
  log?: ControllerLog;
  /** Items worked on at once (default 128: each mostly waits on the store's group commit). */
  concurrency?: number;
  /** Where logical clusters may be placed besides here (the installation's other shards); here only when absent. */
  placement?: Placement;
}

type Item = { kind: 'ws'; cluster: string; name: string } | { kind: 'lc'; cluster: string };

const MANAGER = 'atoll-workspace-controller';
const wsKey = (cluster: string, name: string): string => `ws/${cluster}/${name}`;
const lcKey = (cluster: string): string => `lc/${cluster}`;
const system = (cluster: string): RequestContext => ({ cluster, user: SYSTEM_USER });

export class WorkspaceLifecycle {
  private readonly registry: Registry;
  private readonly store: Store;
  private readonly log: ControllerLog;
  private readonly queue: WorkQueue<Item>;
  private readonly loops: WatchLoop[];
  readonly synced: Promise<void>;
  /** The logical clusters this shard holds (the scheduler's load figure for it). */
  private localClusters = 0;

  constructor(private readonly options: WorkspaceLifecycleOptions) {
    this.registry = options.registry;
    this.store = options.registry.store;
    this.log = options.log ?? silentLog;
    this.queue = new WorkQueue<Item>({
      name: 'workspace_lifecycle',
      concurrency: options.concurrency ?? 128,
      handle: (item) => (item.kind === 'ws' ? this.syncWorkspace(item.cluster, item.name) : this.syncLogicalCluster(item.cluster)),
      onError: (item, err) => this.log.warn({ ...item, err: describeError(err) }, 'workspace lifecycle step failed; retrying'),
    });
    const loop = (resource: string, consider: (cluster: string, o: KubeObject) => void, onEvent: (e: WatchEvent) => void, listed?: (count: number) => void): WatchLoop =>
      new WatchLoop({
        store: this.store,
        name: `workspace-lifecycle/${resource}`,
        log: this.log,
        resource,
        resync: async () => {
          let count = 0;
          const { revision } = await listEverywhere(this.store, resource, { onItem: (key, o) => (count++, consider(key.cluster, o)) });
          listed?.(count);
          return revision;
        },
        onEvent,
      });
    this.loops = [
      loop(WORKSPACE_RESOURCE, (c, o) => this.considerWorkspace(c, o), (e) => this.onWorkspaceEvent(e)),
      loop(LOGICAL_CLUSTER_RESOURCE, (c, o) => this.considerLogicalCluster(c, o), (e) => this.onLogicalClusterEvent(e), (count) => (this.localClusters = count)),
    ];
    // Another shard's LogicalCluster changed: the Workspace owning it (if it is here) mirrors it.
    options.placement?.onLogicalCluster((lc) => {
      const owner = lcSpecOf(lc).owner;
      if (owner) this.addWorkspace(owner.cluster, owner.name);
    });
    this.synced = Promise.all(this.loops.map((l) => l.synced)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.queue.stop();
  }

  // ---- what to look at ----------------------------------------------------------------------

  private addWorkspace(cluster: string, name: string): void {
    this.queue.add(wsKey(cluster, name), { kind: 'ws', cluster, name });
  }

  private addLogicalCluster(cluster: string): void {
    this.queue.add(lcKey(cluster), { kind: 'lc', cluster });
  }

  /** A Workspace needs work until it is Ready with its URL, or while it is being deleted. */
  private considerWorkspace(cluster: string, ws: KubeObject): void {
    const settled = statusOf(ws).phase === 'Ready' && specOf(ws).URL !== undefined && !ws.metadata.deletionTimestamp;
    if (!settled && ws.metadata.name) this.addWorkspace(cluster, ws.metadata.name);
  }

  private considerLogicalCluster(cluster: string, lc: KubeObject): void {
    const status = lcStatusOf(lc);
    if (lc.metadata.deletionTimestamp || (status.phase === 'Initializing' && (status.initializers ?? []).length === 0)) {
      this.addLogicalCluster(cluster);
    }
  }

  private onWorkspaceEvent(e: WatchEvent): void {
    if (!e.key || !e.object) return;
    if (e.type !== 'DELETED') this.considerWorkspace(e.key.cluster, e.object);
    // A child gone from a logical cluster whose teardown waits for its children: look again.
    else if (this.queue.has(lcKey(e.key.cluster))) this.addLogicalCluster(e.key.cluster);
  }

  private onLogicalClusterEvent(e: WatchEvent): void {
    if (!e.key || !e.object) return;
    if (e.type === 'ADDED') this.localClusters++;
    else if (e.type === 'DELETED') this.localClusters--;
    // The owning Workspace mirrors every change, and finishes its own deletion when this is gone.
    const owner = lcSpecOf(e.object).owner;
    if (owner) this.addWorkspace(owner.cluster, owner.name);
    if (e.type !== 'DELETED') this.considerLogicalCluster(e.key.cluster, e.object);
  }

  // ---- Workspace ----------------------------------------------------------------------------

  private async syncWorkspace(cluster: string, name: string): Promise<Outcome> {
    let ws: KubeObject;
    try {
      ws = await this.registry.get(system(cluster), workspaces, undefined, name);
    } catch (err) {
      if (hasReason(err, 'NotFound')) return 'done';
      throw err;
    }
    const child = specOf(ws).cluster;
    if (!child) return 'done';
    const placement = this.options.placement;
    let shard = ws.metadata.annotations?.[SHARD_ANNOTATION];
    let lc: KubeObject | undefined;
    if (shard === undefined || shard === placement?.self) {
      // No shard named: placed here (workspaces from before shards, or chosen here below).
      shard = undefined;
      lc = await this.logicalCluster(child);
      if (!lc && statusOf(ws).phase === 'Scheduling' && !ws.metadata.deletionTimestamp && placement) {
        const chosen = placement.choose(this.selectorOf(ws), this.localClusters);
        if (chosen === undefined) return this.unschedulable(cluster, ws);
        if (chosen !== placement.self) {
          // Recorded before the logical cluster is made there, so a retry never places it twice;
          // the URL admission wrote named this shard, and now names the chosen one's address.
          const base = placement.externalUrl(chosen);
          await rewrite(this.registry, system(cluster), workspaces, { namespace: undefined, name, uid: ws.metadata.uid }, (o) => {
            if (o.metadata.annotations?.[SHARD_ANNOTATION]) return undefined;
            const url = specOf(o).URL;
            return {
              ...o,
              metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SHARD_ANNOTATION]: chosen } },
              spec: { ...specOf(o), ...(url && base ? { URL: `${base}${new URL(url).pathname}` } : {}) },
            };
          }, { fieldManager: MANAGER });
          return 'done';
        }
      }
    } else {
      if (!placement) throw new Error(`workspace ${cluster}|${name} is placed on shard "${shard}", and this shard does not know the others`);
      lc = placement.logicalCluster(shard, child);
      // What another shard's feed has not listed yet is not known to be gone.
      if (!lc && !placement.knows(shard)) return 'retry';
    }
    const remote = shard;
    if (lc && lcSpecOf(lc).owner?.UID !== ws.metadata.uid) {
      // Another workspace's logical cluster under the same random name: never touch it.
      this.log.error({ cluster, workspace: name, logicalCluster: child, shard: remote }, 'logical cluster belongs to another workspace');
      lc = undefined;
      if (!ws.metadata.deletionTimestamp) return 'done';
    }
    if (ws.metadata.deletionTimestamp) return this.deleteWorkspace(cluster, ws, lc, remote);
    if (!lc && statusOf(ws).phase !== 'Scheduling') {
      // Scheduled once and gone since (a directly deletable logical cluster was deleted from
      // inside): the Workspace goes with it, as in kcp.
      await this.registry.delete(system(cluster), workspaces, undefined, name, { preconditions: { uid: ws.metadata.uid } });
      return 'done';
    }
    if (!lc) {
      // The new LogicalCluster's event brings the workspace back for its URL and status; under
      // load its initializers have often finished by then, which saves a status write.
      await this.schedule(cluster, ws, child, remote);
      return 'done';
    }
    // Before the first mirror (the one that can say Ready): a scheduling that failed after the
    // logical cluster was made must still bind the creator.
    const owner = statusOf(ws).phase === 'Scheduling' ? ownerOf(ws) : undefined;
    if (owner && !(await this.ownerBound(child, remote))) await this.bindOwner(child, owner.username, remote);
    const path = lc.metadata.annotations?.[PATH_ANNOTATION] ?? child;
    if (specOf(ws).URL === undefined) {
      // A workspace is reached where its logical cluster's shard says (the front proxy, when there is one).
      const base = remote !== undefined ? this.placement().externalUrl(remote) : undefined;
      const url = workspaceUrl(base ?? this.options.baseUrl(), path);
      const written = await rewrite(this.registry, system(cluster), workspaces, { namespace: undefined, name, uid: ws.metadata.uid }, (o) =>
        specOf(o).URL === undefined ? { ...o, spec: { ...specOf(o), URL: url } } : undefined,
        { fieldManager: MANAGER },
      );
      if (!written) return 'done';
      ws = written;
    }
    await this.mirror(cluster, ws, lc);
    return 'done';
  }

  /** `spec.location.selector` (admission refused any that does not parse). */
  private selectorOf(ws: KubeObject): LabelSelector {
    const selector = (specOf(ws).location as { selector?: LabelSelectorObject } | undefined)?.selector;
    return selector ? labelSelectorFromObject(selector) : everything;
  }

  /** No shard matches the selector: the Workspace says so, and is looked at again when shards change. */
  private async unschedulable(cluster: string, ws: KubeObject): Promise<Outcome> {
    const message = 'no shard matches spec.location.selector';
    const conditions = (statusOf(ws).conditions ?? []) as { type?: string; message?: string }[];
    if (!conditions.some((c) => c.type === 'WorkspaceScheduled' && c.message === message)) {
      const condition = { type: 'WorkspaceScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: rfc3339(new Date()) };
      const status: WorkspaceStatus = { ...statusOf(ws), conditions: [...conditions.filter((c) => c.type !== 'WorkspaceScheduled'), condition] };
      await this.registry.update(system(cluster), workspaces, undefined, ws.metadata.name ?? '', { ...ws, status }, { subresource: 'status', fieldManager: MANAGER }).catch((err: unknown) => {
        if (!hasReason(err, 'Conflict') && !hasReason(err, 'NotFound')) throw err;
      });
    }
    return 'retry';
  }

  /** Creates the child logical cluster, unless the parent is gone or going. */
  private async schedule(cluster: string, ws: KubeObject, child: string, shard: string | undefined): Promise<void> {
    const parent = await placeOf(this.registry, cluster);
    if (!parent || parent.deleting) return;
    // Found again as admission found it: a reference written without a path is kept so.
    const type = await this.options.rules.complete(specOf(ws).type ?? { name: 'universal' }, parent.path);
    const { initializers, terminators } = await this.options.rules.lifecycle(type);
    const spec: LogicalClusterSpec = {
      owner: { apiVersion: 'tenancy.kcp.io/v1alpha1', resource: 'workspaces', name: ws.metadata.name ?? '', cluster, UID: ws.metadata.uid ?? '' },
      initializers,
      terminators,
    };
    const owner = ownerOf(ws);
    // The type's workspace quota is copied once: the workspace keeps it if the type changes later.
    const quota = (await this.options.rules.get(type))?.object.metadata.annotations?.[WORKSPACE_QUOTA_ANNOTATION];
    const annotations = {
      [PATH_ANNOTATION]: childPath(parent.path, ws.metadata.name ?? ''),
      [TYPE_ANNOTATION]: typeKey(type),
      ...(quota !== undefined ? { [WORKSPACE_QUOTA_ANNOTATION]: quota } : {}),
      ...(owner ? { [OWNER_ANNOTATION]: ws.metadata.annotations?.[OWNER_ANNOTATION] as string } : {}),
    };
    const object: KubeObject = { apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: LOGICAL_CLUSTER_NAME, annotations }, spec: spec as Record<string, unknown> };
    if (shard !== undefined) {
      await this.placement().createLogicalCluster(shard, child, object);
    } else {
      try {
        await this.registry.create(system(child), logicalClusters, undefined, object, { fieldManager: MANAGER });
      } catch (err) {
        if (!hasReason(err, 'AlreadyExists')) throw err;
      }
    }
    // The creator's admin binding is made before this returns, and the Workspace turns Ready only
    // when a later sync mirrors the logical cluster's phase — so a creator who waits for Ready
    // always finds its permissions in place.
    if (owner) await this.bindOwner(child, owner.username, shard);
  }

  private placement(): Placement {
    const placement = this.options.placement;
    if (!placement) throw new Error('another shard is named, and this shard does not know the others');
    return placement;
  }

  private async ownerBound(cluster: string, shard: string | undefined): Promise<boolean> {
    if (shard !== undefined) return this.placement().ownerBound(shard, cluster);
    try {
      await this.registry.get(system(cluster), clusterRoleBindings, undefined, OWNER_BINDING);
      return true;
    } catch (err) {
      if (hasReason(err, 'NotFound')) return false;
      throw err;
    }
  }

  /** `workspace-admin`: the creator is cluster-admin inside its workspace, as kcp binds it. */
  private async bindOwner(child: string, username: string, shard: string | undefined): Promise<void> {
    if (shard !== undefined) await this.placement().bindOwner(shard, child, username);
    else await bindWorkspaceOwner(this.registry, child, username, MANAGER);
  }

  /** Copies the logical cluster's phase, initializers and terminators into the Workspace's status. */
  private async mirror(cluster: string, ws: KubeObject, lc: KubeObject): Promise<void> {
    const from = lcStatusOf(lc);
    const to = statusOf(ws);
    const phase = ws.metadata.deletionTimestamp ? deletingPhase(from) : (from.phase ?? 'Scheduling');
    if (to.phase === phase && deepEqual(to.initializers ?? [], from.initializers ?? []) && deepEqual(to.terminators ?? [], from.terminators ?? [])) return;
    const status: WorkspaceStatus = { ...to, phase, initializers: [...(from.initializers ?? [])], terminators: [...(from.terminators ?? [])] };
    try {
      await this.registry.update(system(cluster), workspaces, undefined, ws.metadata.name ?? '', { ...ws, status }, { subresource: 'status', fieldManager: MANAGER });
    } catch (err) {
      // Changed meanwhile: the event of that change brings the workspace back here.
      if (!hasReason(err, 'Conflict') && !hasReason(err, 'NotFound')) throw err;
    }
  }

  private async deleteWorkspace(cluster: string, ws: KubeObject, lc: KubeObject | undefined, shard: string | undefined): Promise<Outcome> {
    const name = ws.metadata.name ?? '';
    if (!(ws.metadata.finalizers ?? []).includes(WORKSPACE_FINALIZER)) return 'done';
    if (!lc) {
      // The logical cluster is purged (or was never scheduled): the name is free again.
      await rewrite(this.registry, system(cluster), workspaces, { namespace: undefined, name, uid: ws.metadata.uid }, withoutFinalizer(WORKSPACE_FINALIZER), {
        fieldManager: MANAGER,
      });
      return 'done';
    }
    const child = specOf(ws).cluster as string;
    if (!lc.metadata.deletionTimestamp) {
      if (shard !== undefined) {
        // Its deletion comes back through the shard's feed, and brings this workspace back.
        await this.placement().deleteLogicalCluster(shard, child, lc.metadata.uid ?? '');
        return 'done';
      }
      const { object } = await this.registry.delete(system(child), logicalClusters, undefined, LOGICAL_CLUSTER_NAME, { preconditions: { uid: lc.metadata.uid } });
      lc = object;
    }
    await this.mirror(cluster, ws, lc);
    return 'done';
  }

  // ---- LogicalCluster -----------------------------------------------------------------------

  private async logicalCluster(cluster: string): Promise<KubeObject | undefined> {
    return this.store.get(logicalClusterKey(cluster));
  }

  private async syncLogicalCluster(cluster: string): Promise<Outcome> {
    const lc = await this.logicalCluster(cluster);
    if (!lc) return 'done';
    const status = lcStatusOf(lc);
    if (!lc.metadata.deletionTimestamp) {
      if (status.phase === 'Initializing' && (status.initializers ?? []).length === 0) await this.setPhase(cluster, lc, 'Ready');
      return 'done';
    }
    // Terminator controllers remove their names from status.terminators, and whoever put a
    // finalizer on the LogicalCluster removes it once its outside cleanup ran (kcp keeps the
    // content until then); their writes bring us back.
    if ((status.terminators ?? []).length > 0 || (lc.metadata.finalizers ?? []).length > 0) return 'done';
    if (status.phase !== 'Deleting') await this.setPhase(cluster, lc, 'Deleting');
    if (await this.deleteChildren(cluster)) return 'retry';
    const purged = await this.store.purgeCluster(cluster);
    this.log.debug({ cluster, objects: purged.deleted, revision: purged.revision }, 'logical cluster purged');
    return 'done';
  }

  private async setPhase(cluster: string, lc: KubeObject, phase: 'Ready' | 'Deleting'): Promise<void> {
    await rewrite(this.registry, system(cluster), logicalClusters, { namespace: undefined, name: LOGICAL_CLUSTER_NAME, uid: lc.metadata.uid }, (o) =>
      lcStatusOf(o).phase === phase ? undefined : { ...o, status: { ...lcStatusOf(o), phase } },
      { subresource: 'status', fieldManager: MANAGER },
    );
  }

  /** Starts the deletion of every child Workspace; true while any is still there. */
  private async deleteChildren(cluster: string): Promise<boolean> {
    let remaining = false;
    for await (const page of listPages(this.registry, system(cluster), workspaces, {})) {
      if (page.length > 0) remaining = true;
      const results = await Promise.allSettled(
        page
          .filter((ws) => !ws.metadata.deletionTimestamp)
          .map((ws) => this.registry.delete(system(cluster), workspaces, undefined, ws.metadata.name ?? '', { preconditions: { uid: ws.metadata.uid } })),
      );
      for (const r of results) {
        if (r.status === 'rejected' && !hasReason(r.reason, 'NotFound') && !hasReason(r.reason, 'Conflict')) throw r.reason;
      }
    }
    return remaining;
  }
}
