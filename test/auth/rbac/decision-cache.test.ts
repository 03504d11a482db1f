/** The decision cache on its own: generations, time to live (on a fake clock) and its size bound. */
import { describe, expect, it } from 'vitest';
import { DecisionCache } from '../../../src/auth/rbac/index.js';

const yes = { allowed: true, reason: 'RBAC: allowed by …' };

describe('DecisionCache', () => {
  it('serves a decision only at the generation it was computed at', () => {
    const cache = new DecisionCache();
    cache.set('k', 3, yes);
    expect(cache.get('k', 3)).toEqual(yes);
    expect(cache.get('k', 4)).toBeUndefined();
    // A stale entry is dropped when found, so it cannot come back at an old generation.
    expect(cache.get('k', 3)).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('expires decisions after their time to live', () => {
    let now = 1_000;
    const cache = new DecisionCache({ ttlMs: 10_000, now: () => now });
    cache.set('k', 0, yes);
    now += 9_999;
    expect(cache.get('k', 0)).toEqual(yes);
    now += 1;
    expect(cache.get('k', 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest (a hit does not reorder: entries live a TTL at most)', () => {
    const cache = new DecisionCache({ maxEntries: 2 });
    cache.set('a', 0, yes);
    cache.set('b', 0, yes);
    cache.get('a', 0);
    cache.set('c', 0, yes);
    expect(cache.size).toBe(2);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, yes, yes]);
  });
});
