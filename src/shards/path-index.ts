/**
 * The front proxy's index (docs/shards.md): which shard holds the logical cluster a
 * `/clusters/<path>` names. It is fed by one list-and-watch per shard of that shard's
 * LogicalClusters and Workspaces, never by a lookup per request, and resolves as a shard's own
 * resolver does (tenancy/resolver.ts): a logical cluster name directly, `user:<name>` as that
 * user's home, a path by walking Workspaces from its first segment — here in memory, across
 * shards, since `root:a` may live on one shard and `root:a:b` on another. Canonical paths (the
 * `kcp.io/path` of each LogicalCluster) resolve in one map read.
 */
import { pathWalk } from '../tenancy/index.js';

/** Where a request goes: the shard, and the logical cluster name to ask it for. */
export interface Route {
  shard: string;
  cluster: string;
}

/** A LogicalCluster as the index keeps it: its name and canonical path. */
export interface IndexedCluster {
  name: string;
  path?: string;
}

/** A Workspace as the index keeps it: its parent logical cluster, its name, and the logical cluster behind it once scheduled. */
export interface IndexedWorkspace {
  parent: string;
  name: string;
  cluster?: string;
}

/** What one shard holds: the whole state of its two lists, or one change of its watches. */
export interface ShardContents {
  clusters: Iterable<IndexedCluster>;
  workspaces: Iterable<IndexedWorkspace>;
}

interface ClusterEntry {
  shard: string;
  path: string | undefined;
}

const workspaceKey = (parent: string, name: string): string => `${parent}/${name}`;

export class PathIndex {
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly paths = new Map<string, string>();
  /** parent/name → the child's logical cluster ('' while unscheduled). */
  private readonly workspaces = new Map<string, string>();
  /** What each shard contributed, so a re-list or a shard's removal replaces exactly that. */
  private readonly byShard = new Map<string, { clusters: Set<string>; workspaces: Set<string> }>();

  /** How many logical clusters and workspaces are indexed (for metrics and the benchmark). */
  get size(): { clusters: number; workspaces: number } {
    return { clusters: this.clusters.size, workspaces: this.workspaces.size };
  }

  /** The shards the index has heard of. */
  shards(): string[] {
    return [...this.byShard.keys()];
  }

  /** How many logical clusters a shard holds, as far as its feed has said (the scheduler's load). */
  clusterCount(shard: string): number {
    return this.byShard.get(shard)?.clusters.size ?? 0;
  }

  /** A shard's whole state, as a fresh list of it gives: what it no longer holds goes. */
  replaceShard(shard: string, contents: ShardContents): void {
    this.removeShard(shard);
    this.own(shard);
    for (const c of contents.clusters) this.setCluster(shard, c);
    for (const w of contents.workspaces) this.setWorkspace(shard, w);
  }

  /** Forgets everything a shard contributed (a shard deregistered). */
  removeShard(shard: string): void {
    const own = this.byShard.get(shard);
    if (!own) return;
    for (const name of own.clusters) this.deleteCluster(shard, name);
    for (const key of own.workspaces) this.workspaces.delete(key);
    this.byShard.delete(shard);
  }

  setCluster(shard: string, c: IndexedCluster): void {
    const before = this.clusters.get(c.name);
    if (before?.path !== undefined && this.paths.get(before.path) === c.name) this.paths.delete(before.path);
    if (before && before.shard !== shard) this.own(before.shard).clusters.delete(c.name);
    this.clusters.set(c.name, { shard, path: c.path });
    if (c.path !== undefined) this.paths.set(c.path, c.name);
    this.own(shard).clusters.add(c.name);
  }

  /** Drops a logical cluster, unless another shard has reported it since (a newer placement wins). */
  deleteCluster(shard: string, name: string): void {
    const entry = this.clusters.get(name);
    this.byShard.get(shard)?.clusters.delete(name);
    if (!entry || entry.shard !== shard) return;
    this.clusters.delete(name);
    if (entry.path !== undefined && this.paths.get(entry.path) === name) this.paths.delete(entry.path);
  }

  setWorkspace(shard: string, w: IndexedWorkspace): void {
    const key = workspaceKey(w.parent, w.name);
    this.workspaces.set(key, w.cluster ?? '');
    this.own(shard).workspaces.add(key);
  }

  deleteWorkspace(shard: string, parent: string, name: string): void {
    const key = workspaceKey(parent, name);
    this.workspaces.delete(key);
    this.byShard.get(shard)?.workspaces.delete(key);
  }

  /**
   * The route for `/clusters/<pathOrName>`, or undefined when nothing indexed resolves it (the
   * caller answers 404, or — for a home that does not exist yet — sends it to the root shard,
   * which makes homes).
   */
  resolve(pathOrName: string): Route | undefined {
    const cluster = this.walk(pathOrName);
    return cluster === undefined ? undefined : this.route(cluster);
  }

  /**
   * The logical cluster a path names as the indexed Workspaces say, whether or not its
   * LogicalCluster is indexed (a shard does not index its own: the path's last workspace may
   * live on another shard and its logical cluster here).
   */
  walk(pathOrName: string): string | undefined {
    const walk = pathWalk(pathOrName);
    if (!walk) return undefined;
    const canonical = this.paths.get(pathOrName);
    if (canonical !== undefined) return canonical;
    let cluster = walk.start;
    for (const name of walk.names) {
      const next = this.workspaces.get(workspaceKey(cluster, name));
      if (!next) return undefined;
      cluster = next;
    }
    return cluster;
  }

  private route(cluster: string): Route | undefined {
    const entry = this.clusters.get(cluster);
    return entry ? { shard: entry.shard, cluster } : undefined;
  }

  private own(shard: string): { clusters: Set<string>; workspaces: Set<string> } {
    let own = this.byShard.get(shard);
    if (!own) this.byShard.set(shard, (own = { clusters: new Set(), workspaces: new Set() }));
    return own;
  }
}
