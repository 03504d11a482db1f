/**
 * WorkspaceType status, as kcp reports it: a `Ready` condition, True once every type the type
 * names (`extend.with`, `defaultChildWorkspaceType`, `limitAllowedChildren` / `limitAllowedParents`)
 * resolves, False with the ones that do not. Clients such as kcp's tooling wait for it before
 * creating workspaces of a new type.
 *
 * One watch on WorkspaceTypes across all logical clusters, one queue. A type that is not Ready is
 * remembered (its key only) and looked at again on every WorkspaceType change anywhere, since the
 * type it waits for may appear in any workspace; a deleted type re-checks every type seen, since
 * any may have named it. Types are few and change rarely, so this costs nothing on the paths that
 * matter (workspace creation never writes a type).
 */
import { rfc3339, type KubeObject } from '../../meta/index.js';
import { groupResource, SYSTEM_USER, type Registry } from '../../registry/index.js';
import type { WatchEvent } from '../../storage/index.js';
import { storeResolver, typeKey, typeSpecOf, workspaceTypes, type ClusterResolver, type TypeReference } from '../../tenancy/index.js';
import { listEverywhere } from '../cluster-list.js';
import { describeError, silentLog, type ControllerLog } from '../log.js';
import { rewrite } from '../registry-client.js';
import { WatchLoop } from '../watch-loop.js';
import { WorkQueue, type Outcome } from '../work-queue.js';

const RESOURCE = groupResource(workspaceTypes);
const MANAGER = 'atoll-workspacetype-controller';

interface Condition {
  type: string;
  status: 'True' | 'False';
  severity?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface WorkspaceTypeStatusOptions {
  registry: Registry;
  log?: ControllerLog;
}

/** Every type a WorkspaceType names. */
function references(t: KubeObject): TypeReference[] {
  const spec = typeSpecOf(t);
  return [
    ...(spec.extend?.with ?? []),
    ...(spec.defaultChildWorkspaceType ? [spec.defaultChildWorkspaceType] : []),
    ...(spec.limitAllowedChildren?.types ?? []),
    ...(spec.limitAllowedParents?.types ?? []),
  ];
}

export class WorkspaceTypeStatus {
  private readonly queue: WorkQueue<{ cluster: string; name: string }>;
  private readonly loop: WatchLoop;
  private readonly resolver: ClusterResolver;
  /** Keys (`<cluster>/<name>`) of every type seen, and of those not Ready. */
  private readonly known = new Map<string, { cluster: string; name: string }>();
  private readonly waiting = new Set<string>();
  readonly synced: Promise<void>;

  constructor(private readonly options: WorkspaceTypeStatusOptions) {
    const log = options.log ?? silentLog;
    const store = options.registry.store;
    this.resolver = storeResolver(store);
    this.queue = new WorkQueue({
      name: 'workspace_type_status',
      concurrency: 8,
      handle: (item) => this.sync(item.cluster, item.name),
      onError: (item, err) => log.warn({ ...item, err: describeError(err) }, 'workspace type status failed; retrying'),
    });
    this.loop = new WatchLoop({
      store,
      name: 'workspace-type-status',
      log,
      resource: RESOURCE,
      resync: async () => (await listEverywhere(store, RESOURCE, { onItem: (key, t) => this.consider(key.cluster, t) })).revision,
      onEvent: (e) => this.onEvent(e),
    });
    this.synced = this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private add(key: string): void {
    const item = this.known.get(key);
    if (item) this.queue.add(key, item);
  }

  private consider(cluster: string, t: KubeObject): void {
    const name = t.metadata.name ?? '';
    const key = `${cluster}/${name}`;
    this.known.set(key, { cluster, name });
    this.add(key);
  }

  private onEvent(e: WatchEvent): void {
    if (!e.key || !e.object) return;
    const key = `${e.key.cluster}/${e.key.name}`;
    if (e.type === 'DELETED') {
      this.known.delete(key);
      this.waiting.delete(key);
      for (const k of this.known.keys()) this.add(k);
      return;
    }
    this.consider(e.key.cluster, e.object);
    for (const k of this.waiting) this.add(k);
  }

  /** The types `t` names that do not exist (read from the store: a type cache could still hold a deleted one). */
  private async unresolved(t: KubeObject): Promise<string[]> {
    const missing: string[] = [];
    for (const ref of references(t)) {
      const key = typeKey(ref);
      const cluster = await this.resolver.resolve(ref.path || 'root');
      const found = cluster ? await this.options.registry.store.get({ cluster, resource: RESOURCE, namespace: '', name: ref.name }) : undefined;
      if (!found && !missing.includes(key)) missing.push(key);
    }
    return missing;
  }

  private async sync(cluster: string, name: string): Promise<Outcome> {
    const key = `${cluster}/${name}`;
    const t = await this.options.registry.store.get({ cluster, resource: RESOURCE, namespace: '', name });
    if (!t) return 'done';
    const missing = await this.unresolved(t);
    if (missing.length > 0) this.waiting.add(key);
    else this.waiting.delete(key);
    const wanted: Condition =
      missing.length === 0
        ? { type: 'Ready', status: 'True' }
        : { type: 'Ready', status: 'False', severity: 'Error', reason: 'ReferencesNotResolved', message: `workspace types not found: ${missing.join(', ')}` };
    await rewrite(
      this.options.registry,
      { cluster, user: SYSTEM_USER },
      workspaceTypes,
      { namespace: undefined, name, ...(t.metadata.uid ? { uid: t.metadata.uid } : {}) },
      (o) => {
        const status = (o.status ?? {}) as { conditions?: Condition[] | null };
        const conditions = [...(status.conditions ?? [])];
        const at = conditions.findIndex((c) => c.type === 'Ready');
        const old = at < 0 ? undefined : conditions[at];
        if (old && old.status === wanted.status && old.reason === wanted.reason && old.message === wanted.message) return undefined;
        const next = { ...wanted, lastTransitionTime: old && old.status === wanted.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(new Date()) };
        if (at < 0) conditions.push(next);
        else conditions[at] = next;
        return { ...o, status: { ...status, conditions } };
      },
      { subresource: 'status', fieldManager: MANAGER, read: t },
    );
    return 'done';
  }
}
