/**
 * Every quota in memory, per logical cluster: the namespaces' ResourceQuotas and the workspace's
 * own quota (from its LogicalCluster). Admission looks a request's quotas up here — a map lookup,
 * nothing for a workspace without quotas — and the controller walks it for recounts.
 */
import type { QuotaLimits } from './limits.js';
import { sameLimits } from './limits.js';

export interface IndexedQuota {
  cluster: string;
  limits: QuotaLimits;
}

export class QuotaIndex {
  /** ResourceQuotas: cluster → namespace → name. */
  private readonly namespaced = new Map<string, Map<string, Map<string, QuotaLimits>>>();
  /** Workspace quotas by cluster. */
  private readonly workspaces = new Map<string, QuotaLimits>();

  /** The ResourceQuotas of one namespace. */
  inNamespace(cluster: string, namespace: string): Iterable<QuotaLimits> {
    return this.namespaced.get(cluster)?.get(namespace)?.values() ?? [];
  }

  /** Every ResourceQuota of a cluster (a namespace's objects change: its quotas recount). */
  hasNamespaced(cluster: string): boolean {
    return this.namespaced.has(cluster);
  }

  ofWorkspace(cluster: string): QuotaLimits | undefined {
    return this.workspaces.get(cluster);
  }

  /** Sets (or with undefined removes) a ResourceQuota; true when that changed anything. */
  setNamespaced(cluster: string, namespace: string, name: string, limits: QuotaLimits | undefined): boolean {
    const byNs = this.namespaced.get(cluster);
    const byName = byNs?.get(namespace);
    const before = byName?.get(name);
    if (!limits) {
      if (!before || !byNs || !byName) return false;
      byName.delete(name);
      if (byName.size === 0) byNs.delete(namespace);
      if (byNs.size === 0) this.namespaced.delete(cluster);
      return true;
    }
    if (before && sameLimits(before, limits)) return false;
    const ns = byNs ?? new Map<string, Map<string, QuotaLimits>>();
    const names = byName ?? new Map<string, QuotaLimits>();
    names.set(name, limits);
    ns.set(namespace, names);
    this.namespaced.set(cluster, ns);
    return true;
  }

  /** Sets (or removes) a workspace quota; true when that changed anything. */
  setWorkspace(cluster: string, limits: QuotaLimits | undefined): boolean {
    const before = this.workspaces.get(cluster);
    if (!limits) return this.workspaces.delete(cluster);
    if (before && sameLimits(before, limits)) return false;
    this.workspaces.set(cluster, limits);
    return true;
  }

  /** Forgets every ResourceQuota (before a relist), or every workspace quota. */
  clear(which: 'namespaced' | 'workspaces'): void {
    if (which === 'namespaced') this.namespaced.clear();
    else this.workspaces.clear();
  }

  *all(): Generator<IndexedQuota> {
    for (const [cluster, byNs] of this.namespaced) for (const names of byNs.values()) for (const limits of names.values()) yield { cluster, limits };
    for (const [cluster, limits] of this.workspaces) yield { cluster, limits };
  }

  /** The quotas an object change in (cluster, namespace) may move: the namespace's and the workspace's. */
  *affected(cluster: string, namespace: string): Generator<IndexedQuota> {
    if (namespace) for (const limits of this.inNamespace(cluster, namespace)) yield { cluster, limits };
    const ws = this.workspaces.get(cluster);
    if (ws) yield { cluster, limits: ws };
  }
}
