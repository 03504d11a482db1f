/**
 * A bounded cache of authorization decisions, so a hot request pays for RBAC evaluation once per
 * (cluster, user, verb, resource, ...) within a short window.
 *
 * Each entry records the generation of its cluster's policy (RbacIndex.generation) it was computed
 * under, and is served only while the cluster is still at that generation: any change to the
 * cluster's RBAC objects invalidates all of its entries at once, the moment the index applies the
 * watch event, without a per-cluster structure in the cache. Invalidated entries are dropped when
 * next looked up or when they are the oldest once the cache is full. Entries also expire after `ttlMs`.
 */
import type { Decision } from './types.js';

export interface DecisionCacheOptions {
  /** How long a decision may be served (default 10 s). */
  ttlMs?: number;
  /** Most decisions kept; the oldest go first (default 10,000). */
  maxEntries?: number;
  /** Clock, in ms (tests). */
  now?: () => number;
}

interface Entry {
  decision: Decision;
  generation: number;
  expires: number;
}

export class DecisionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(options: DecisionCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The decision cached under `key` if it was computed at `generation` and has not expired. */
  get(key: string, generation: number): Decision | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    if (e.generation !== generation || e.expires <= this.now()) {
      this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // No reordering on a hit: entries live at most the TTL, so evicting the oldest insert is close
    // enough to least recently used, and a hit costs one map lookup instead of three.
    this.hits++;
    return e.decision;
  }

  set(key: string, generation: number, decision: Decision): void {
    this.entries.delete(key);
    this.entries.set(key, { decision, generation, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
