/**
 * Caches values derived from an API set by its fingerprint, bounded so that a churn of distinct
 * API sets (many workspaces with their own CRDs) cannot grow memory without limit. The bound is on
 * the entries' total weight, least recently used out first: one per entry unless the cache is
 * given a weight (the GraphQL schemas weigh their estimated heap bytes, compile.ts).
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

interface Entry<T> {
  value: T;
  weight: number;
}

export class DerivedCache<T> implements DerivedCacheStats {
  private readonly entries = new Map<string, Entry<T>>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly derive: (set: ApiSet) => T,
    /** The most total weight kept: with the default weight, the most entries. */
    private max = 1_000,
    /** Reported by the metrics (`atoll_derived_cache_*{cache="<name>"}`) when given. */
    readonly name = '',
    private readonly weigh: (value: T) => number = () => 1,
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
      return hit.value;
    }
    this.misses++;
    const value = this.derive(set);
    const entry = { value, weight: this.weigh(value) };
    this.entries.set(set.fingerprint, entry);
    this.total += entry.weight;
    this.evict();
    return value;
  }

  /** Changes the bound (server configuration), dropping the least recently used entries over it. */
  setLimit(max: number): void {
    this.max = max;
    this.evict();
  }

  /**
   * Least recently used first, down to the bound; the newest entry always stays, even alone over
   * it: it is in use, and dropping it would derive it again on every call.
   */
  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.max || this.entries.size === 1) return;
      this.entries.delete(key);
      this.total -= entry.weight;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entries' total weight. */
  get weight(): number {
    return this.total;
  }
}
