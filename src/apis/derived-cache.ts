/**
 * Caches values derived from an API set by its fingerprint, bounded so that a churn of distinct
 * API sets (many workspaces with their own CRDs) cannot grow memory without limit.
 */
import type { ApiSet } from './api-set.js';

/** What a named cache reports to metrics. */
export interface DerivedCacheStats {
  readonly name: string;
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
}

/** Every cache given a name, for the metrics endpoint (the caches are module-level singletons). */
const named = new Set<DerivedCacheStats>();

export function derivedCaches(): Iterable<DerivedCacheStats> {
  return named;
}

export class DerivedCache<T> implements DerivedCacheStats {
  private readonly entries = new Map<string, T>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly derive: (set: ApiSet) => T,
    private readonly max = 1_000,
    /** Reported by the metrics (`atoll_derived_cache_*{cache="<name>"}`) when given. */
    readonly name = '',
  ) {
    if (name) named.add(this);
  }

  get(set: ApiSet): T {
    const hit = this.entries.get(set.fingerprint);
    if (hit !== undefined) {
      this.hits++;
      // Refresh recency (Map keeps insertion order).
      this.entries.delete(set.fingerprint);
      this.entries.set(set.fingerprint, hit);
      return hit;
    }
    this.misses++;
    const value = this.derive(set);
    this.entries.set(set.fingerprint, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
