/**
 * An API catalog composed of the base types (served everywhere) and sources that add types per
 * logical cluster: its CRDs, the resources its APIBindings bind. Each source answers with a key
 * that names what it adds; the API set of a cluster is interned by the joined keys, so clusters
 * that hold the same CRDs and bind the same exports share one ApiSet — and with it one GraphQL
 * schema and one set of discovery and OpenAPI documents (DESIGN decision 1). Nothing is kept per
 * cluster here: a cluster costs what its sources keep for it. Sets are held by key in a bounded
 * map (so a hot workspace does not rebuild its set) and by fingerprint weakly (so a set rebuilt
 * after eviction is the same object its derived caches know).
 */
import { groupResource, type ResourceType } from '../registry/index.js';
import { ApiSet } from './api-set.js';
import type { ApiCatalog } from './catalog.js';

/** What one source adds to one cluster. */
export interface ClusterTypes {
  /** Equal keys mean equal types (a hash of what they were built from). */
  key: string;
  types: readonly ResourceType[];
}

export interface TypeSource {
  /** What the source adds to the cluster, or undefined for nothing. */
  typesOf(cluster: string): ClusterTypes | undefined;
  /** Re-reads the cluster's definitions from the store, for a request naming a resource not (yet) served. */
  refresh?(cluster: string): Promise<void>;
}

export class ComposedCatalog implements ApiCatalog {
  private readonly baseSet: ApiSet;
  private readonly byKey = new Map<string, ApiSet>();
  private readonly byFingerprint = new Map<string, WeakRef<ApiSet>>();
  /** Forgets interned API sets nobody uses any more. */
  private readonly unused = new FinalizationRegistry<string>((fingerprint) => {
    if (!this.byFingerprint.get(fingerprint)?.deref()) this.byFingerprint.delete(fingerprint);
  });

  /** Earlier sources win a group-resource over later ones; the base wins over all. */
  constructor(
    private readonly base: readonly ResourceType[],
    private readonly sources: readonly TypeSource[],
    private readonly maxKept = 2_000,
  ) {
    this.baseSet = new ApiSet(base);
  }

  async forCluster(cluster: string): Promise<ApiSet> {
    return this.setOf(cluster);
  }

  async refresh(cluster: string): Promise<ApiSet> {
    await Promise.all(this.sources.map((s) => s.refresh?.(cluster)));
    return this.setOf(cluster);
  }

  setOf(cluster: string): ApiSet {
    const parts = this.sources.map((s) => s.typesOf(cluster));
    if (parts.every((p) => p === undefined)) return this.baseSet;
    const key = parts.map((p) => p?.key ?? '').join('|');
    const hit = this.byKey.get(key);
    if (hit) return hit;
    const taken = new Set(this.base.map(groupResource));
    const types = [...this.base];
    for (const part of parts) {
      const added = new Set<string>();
      for (const t of part?.types ?? []) {
        const gr = groupResource(t);
        if (taken.has(gr)) continue;
        types.push(t);
        added.add(gr);
      }
      for (const gr of added) taken.add(gr);
    }
    const fresh = new ApiSet(types);
    let set = this.byFingerprint.get(fresh.fingerprint)?.deref();
    if (!set) {
      set = fresh;
      this.byFingerprint.set(set.fingerprint, new WeakRef(set));
      this.unused.register(set, set.fingerprint);
    }
    this.byKey.set(key, set);
    if (this.byKey.size > this.maxKept) this.byKey.delete(this.byKey.keys().next().value as string);
    return set;
  }
}
