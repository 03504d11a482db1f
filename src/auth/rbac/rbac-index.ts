/**
 * The RBAC objects of every logical cluster, in memory, for the authorizer. One list+watch per
 * RBAC resource (Roles, ClusterRoles, RoleBindings, ClusterRoleBindings) across all logical
 * clusters — four watches per server, never one per workspace — keeps an entry only for clusters
 * that hold RBAC objects; a workspace without any costs nothing and is evaluated against the
 * shared bootstrap policy. Compiled policies (subject indexes, resolved aggregation) are kept for
 * the most recently used clusters only (`maxCompiledPolicies`), so idle workspaces hold nothing
 * beyond their objects' records; compiling a workspace's policy again costs a pass over them.
 *
 * Every change to a cluster's RBAC objects gives the cluster a new `generation` (from one counter
 * for the whole index, so a number is never reused); decisions cached under an older generation
 * are no longer served. Like the CRD catalog, entries remember the store revision they are
 * consistent at per resource, so `refresh` can read a cluster from the store ahead of the watch
 * without an older event undoing it.
 */
import { listEverywhere, silentLog, WatchLoop, type ControllerLog } from '../../controllers/index.js';
import type { KubeObject } from '../../meta/index.js';
import { clusterRoleBindings, clusterRoles, groupResource, roleBindings, roles } from '../../registry/index.js';
import type { Store, WatchEvent } from '../../storage/index.js';
import { Policy, type ClusterObjects } from './policy.js';
import { bindingRecord, roleRecord, type BindingRecord, type RoleRecord } from './records.js';

export type RbacKind = 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';

const KINDS: readonly RbacKind[] = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];

/** The storage resource of each kind: `roles.rbac.authorization.k8s.io` and so on. */
export const RBAC_RESOURCES: Readonly<Record<RbacKind, string>> = {
  roles: groupResource(roles),
  clusterroles: groupResource(clusterRoles),
  rolebindings: groupResource(roleBindings),
  clusterrolebindings: groupResource(clusterRoleBindings),
};

type AnyRecord = RoleRecord | BindingRecord;

function toRecord(kind: RbacKind, o: KubeObject): AnyRecord {
  switch (kind) {
    case 'roles':
      return roleRecord(o, 'Role');
    case 'clusterroles':
      return roleRecord(o, 'ClusterRole');
    case 'rolebindings':
      return bindingRecord(o, 'RoleBinding');
    case 'clusterrolebindings':
      return bindingRecord(o, 'ClusterRoleBinding');
  }
}

/** Namespaced objects are keyed `namespace/name` (names cannot contain a slash). */
const recordKey = (kind: RbacKind, namespace: string, name: string): string => (kind === 'roles' || kind === 'rolebindings' ? `${namespace}/${name}` : name);

interface Part {
  records: Map<string, AnyRecord>;
  /** The store revision this part is consistent at: older events are already in it. */
  revision: number;
}

interface ClusterEntry {
  parts: Partial<Record<RbacKind, Part>>;
  generation: number;
}

/** How many "emptied at revision R" markers to keep per kind (see `empty`). */
const MAX_EMPTY_MARKERS = 4096;

export interface RbacIndexOptions {
  store: Store;
  log?: ControllerLog;
  /** Pause after an unexpected watch failure (default 1 s). */
  retryDelayMs?: number;
  /** Compiled policies kept, least recently used dropped first (default 1,024). */
  maxCompiledPolicies?: number;
}

export class RbacIndex {
  private readonly clusters = new Map<string, ClusterEntry>();
  /**
   * Per kind, clusters whose objects of that kind were found gone at a revision the watch has not
   * reached yet (by a refresh or a relist): a late event must not bring them back. Forgotten once
   * the watch passes that revision; bounded, oldest first, since the watch of a kind nobody
   * changes never passes anything.
   */
  private readonly empty = Object.fromEntries(KINDS.map((k) => [k, new Map<string, number>()])) as Record<RbacKind, Map<string, number>>;
  /** Per kind, the newest revision its watch has delivered. */
  private readonly watched = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<RbacKind, number>;
  private readonly kindOf = new Map(KINDS.map((k) => [RBAC_RESOURCES[k], k]));
  private readonly listeners = new Set<(cluster: string) => void>();
  /** Compiled policies by cluster, least recently used first, each with the generation it compiled. */
  private readonly compiled = new Map<string, { generation: number; policy: Policy }>();
  private readonly maxCompiled: number;
  private loops: WatchLoop[] = [];
  private generations = 0;

  constructor(private readonly options: RbacIndexOptions) {
    this.maxCompiled = Math.max(1, options.maxCompiledPolicies ?? 1024);
  }

  /** Starts following the four RBAC resources; resolves once every existing object is known. */
  async start(): Promise<void> {
    const { store } = this.options;
    this.loops = KINDS.map(
      (kind) =>
        new WatchLoop({
          store,
          name: `rbac-index/${kind}`,
          log: this.options.log ?? silentLog,
          resource: RBAC_RESOURCES[kind],
          ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
          resync: async () => {
            const seen = new Map<string, Map<string, AnyRecord>>();
            const r = await listEverywhere(store, RBAC_RESOURCES[kind], {
              onItem: (key, o) => {
                const m = seen.get(key.cluster) ?? new Map<string, AnyRecord>();
                m.set(recordKey(kind, key.namespace, key.name), toRecord(kind, o));
                seen.set(key.cluster, m);
              },
            });
            const holding = [...this.clusters].filter(([, e]) => e.parts[kind]).map(([c]) => c);
            for (const cluster of new Set([...holding, ...seen.keys()])) this.replace(kind, cluster, seen.get(cluster), r.revision);
            return r.revision;
          },
          onEvent: (e) => this.onEvent(kind, e),
        }),
    );
    await Promise.all(this.loops.map((l) => l.synced));
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    this.loops = [];
  }

  /** The cluster's compiled policy: the bootstrap policy merged with its own RBAC objects. */
  policyFor(cluster: string): Policy {
    const entry = this.clusters.get(cluster);
    if (!entry) return Policy.bootstrap;
    const known = this.compiled.get(cluster);
    this.compiled.delete(cluster);
    const fresh = known?.generation === entry.generation ? known : { generation: entry.generation, policy: Policy.compile(objectsOf(entry)) };
    this.compiled.set(cluster, fresh);
    if (this.compiled.size > this.maxCompiled) this.compiled.delete(this.compiled.keys().next().value as string);
    return fresh.policy;
  }

  /**
   * A number that changes whenever the cluster's RBAC objects change; 0 while it has none (then
   * its policy is the bootstrap policy, whatever it held before).
   */
  generation(cluster: string): number {
    return this.clusters.get(cluster)?.generation ?? 0;
  }

  /** Clusters that hold RBAC objects of their own (and so an entry). */
  get size(): number {
    return this.clusters.size;
  }

  /** Clusters whose compiled policy is currently kept. */
  get compiledCount(): number {
    return this.compiled.size;
  }

  /** Calls `listener` with the cluster's name after each change to its RBAC objects; returns an unsubscribe function. */
  onChange(listener: (cluster: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the cluster's RBAC objects from the store instead of waiting for the watch (four keyed
   * range reads): for a caller that has just written a grant and must see it honoured now. Not
   * for every request: the watch normally delivers changes within milliseconds.
   */
  async refresh(cluster: string): Promise<void> {
    const { store } = this.options;
    const lists = await Promise.all(KINDS.map((kind) => store.list({ cluster, resource: RBAC_RESOURCES[kind] })));
    KINDS.forEach((kind, i) => {
      const list = lists[i];
      if (!list) return;
      const records = new Map<string, AnyRecord>();
      for (const o of list.items) records.set(recordKey(kind, o.metadata.namespace ?? '', o.metadata.name ?? ''), toRecord(kind, o));
      this.replace(kind, cluster, records, list.revision);
    });
  }

  private onEvent(kind: RbacKind, e: WatchEvent): void {
    this.watched[kind] = Math.max(this.watched[kind], e.revision);
    const markers = this.empty[kind];
    if (markers.size > 0) for (const [c, r] of markers) if (r <= this.watched[kind]) markers.delete(c);
    if (!e.key || !e.object) return;
    const { cluster, namespace, name } = e.key;
    const part = this.clusters.get(cluster)?.parts[kind];
    if (part ? e.revision <= part.revision : e.revision <= (markers.get(cluster) ?? 0)) return;
    const records = part?.records ?? new Map<string, AnyRecord>();
    const key = recordKey(kind, namespace, name);
    if (e.type === 'DELETED') records.delete(key);
    else records.set(key, toRecord(kind, e.object));
    this.setPart(kind, cluster, records, e.revision);
  }

  /** Replaces what the index holds of one kind in one cluster with a list read at `revision`. */
  private replace(kind: RbacKind, cluster: string, records: Map<string, AnyRecord> | undefined, revision: number): void {
    const part = this.clusters.get(cluster)?.parts[kind];
    if (part ? part.revision > revision : (this.empty[kind].get(cluster) ?? 0) > revision) return;
    if (!part && !records?.size) {
      this.markEmpty(kind, cluster, revision);
      return;
    }
    this.setPart(kind, cluster, records ?? new Map(), revision);
  }

  private setPart(kind: RbacKind, cluster: string, records: Map<string, AnyRecord>, revision: number): void {
    let entry = this.clusters.get(cluster);
    if (records.size > 0) {
      if (!entry) {
        entry = { parts: {}, generation: 0 };
        this.clusters.set(cluster, entry);
      }
      entry.parts[kind] = { records, revision };
      this.empty[kind].delete(cluster);
    } else {
      if (entry) delete entry.parts[kind];
      this.markEmpty(kind, cluster, revision);
    }
    if (entry) {
      entry.generation = ++this.generations;
      this.compiled.delete(cluster);
      if (KINDS.every((k) => !entry.parts[k])) this.clusters.delete(cluster);
    }
    for (const listener of this.listeners) listener(cluster);
  }

  private markEmpty(kind: RbacKind, cluster: string, revision: number): void {
    if (revision <= this.watched[kind]) return;
    const markers = this.empty[kind];
    markers.delete(cluster);
    markers.set(cluster, revision);
    if (markers.size > MAX_EMPTY_MARKERS) markers.delete(markers.keys().next().value as string);
  }
}

function objectsOf(entry: ClusterEntry): ClusterObjects {
  const of = <T extends AnyRecord>(kind: RbacKind): ReadonlyMap<string, T> => (entry.parts[kind]?.records ?? new Map()) as ReadonlyMap<string, T>;
  return {
    roles: new Map(of<RoleRecord>('roles')),
    clusterRoles: new Map(of<RoleRecord>('clusterroles')),
    roleBindings: of<BindingRecord>('rolebindings'),
    clusterRoleBindings: of<BindingRecord>('clusterrolebindings'),
  };
}
