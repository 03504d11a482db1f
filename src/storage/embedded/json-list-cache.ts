/**
 * Whole lists of one logical cluster's range (a resource, in one namespace or all), as stored JSON,
 * kept while nothing in the range changes, so a list read again is not read from SQLite again.
 * An entry is valid while the range's object count and highest revision are what they were: a
 * create or update raises the highest revision, a delete alone lowers the count. Bounded by the
 * length of the JSON held; least recently used go first.
 */

/** What the cache holds at most: JSON text, in characters (about bytes: stored JSON is mostly ASCII). */
export const LIST_CACHE_CHARS = 16 * 1024 * 1024;

export interface RangeState {
  /** Objects in the range. */
  count: number;
  /** The highest revision of an object in the range (null when empty). */
  maxRevision: number | null;
}

interface Entry extends RangeState {
  items: readonly string[];
  clusters: readonly string[];
  chars: number;
}

export class JsonListCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(private readonly maxChars = LIST_CACHE_CHARS) {}

  get(key: string, state: RangeState): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.count !== state.count || e.maxRevision !== state.maxRevision) {
      this.drop(key, e);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  put(key: string, state: RangeState, items: readonly string[], clusters: readonly string[]): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    let chars = 0;
    for (const item of items) chars += item.length;
    if (chars > this.maxChars) return;
    this.entries.set(key, { ...state, items, clusters, chars });
    this.chars += chars;
    for (const [k, e] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.drop(k, e);
    }
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key);
    this.chars -= e.chars;
  }
}
