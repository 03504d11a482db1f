/**
 * Caches values derived from an API set by its fingerprint, bounded so that a churn of distinct
 * API sets (many workspaces with their own CRDs) cannot grow memory without limit.
 */
import type { ApiSet } from './api-set.js';

export class DerivedCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(
    private readonly derive: (set: ApiSet) => T,
    private readonly max = 1_000,
  ) {}

  get(set: ApiSet): T {
    const hit = this.entries.get(set.fingerprint);
    if (hit !== undefined) {
      // Refresh recency (Map keeps insertion order).
      this.entries.delete(set.fingerprint);
      this.entries.set(set.fingerprint, hit);
      return hit;
    }
    const value = this.derive(set);
    this.entries.set(set.fingerprint, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
