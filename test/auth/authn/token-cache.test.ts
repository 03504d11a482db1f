import { describe, expect, it } from 'vitest';
import { CachedAuthenticator, type AuthDecision, type AuthRequest, type UnionAuthenticator } from '../../../src/auth/index.js';

/** A union that knows `good` (as alice, or as whoever `as` names now) and counts its calls. */
function counting(): UnionAuthenticator & { calls: number; as: string } {
  const inner = {
    calls: 0,
    as: 'alice',
    async authenticate(request: AuthRequest): Promise<AuthDecision> {
      inner.calls++;
      const auth = request.headers.authorization;
      if (auth === undefined) return { error: 'no credentials' };
      return auth === 'Bearer good' ? { user: { name: inner.as, groups: ['system:authenticated'] } } : { error: 'invalid bearer token' };
    },
  };
  return inner;
}
const bearer = (token: string): AuthRequest => ({ headers: { authorization: `Bearer ${token}` } });

describe('CachedAuthenticator', () => {
  it('reuses a success for its TTL, then asks again', async () => {
    const inner = counting();
    let now = 1_000;
    const cache = new CachedAuthenticator(inner, { ttlMs: 100, nowMs: () => now });
    expect(await cache.authenticate(bearer('good'))).toMatchObject({ user: { name: 'alice' } });
    inner.as = 'changed';
    expect(await cache.authenticate(bearer('good'))).toMatchObject({ user: { name: 'alice' } });
    expect(inner.calls).toBe(1);
    now += 100;
    expect(await cache.authenticate(bearer('good'))).toMatchObject({ user: { name: 'changed' } });
    expect(inner.calls).toBe(2);
  });

  it('never caches failures or requests without a bearer token', async () => {
    const inner = counting();
    const cache = new CachedAuthenticator(inner);
    for (let i = 0; i < 3; i++) expect(await cache.authenticate(bearer('bad'))).toEqual({ error: 'invalid bearer token' });
    for (let i = 0; i < 2; i++) expect(await cache.authenticate({ headers: {} })).toEqual({ error: 'no credentials' });
    expect(inner.calls).toBe(5);
    expect(cache.size).toBe(0);
  });

  it('forgets the tokens of a revoked user at once', async () => {
    const inner = counting();
    const cache = new CachedAuthenticator(inner);
    await cache.authenticate(bearer('good'));
    cache.forget((u) => u.name === 'bob');
    expect(cache.size).toBe(1);
    cache.forget((u) => u.name === 'alice');
    expect(cache.size).toBe(0);
    await cache.authenticate(bearer('good'));
    expect(inner.calls).toBe(2);
  });

  it('keeps at most maxEntries tokens, dropping the oldest', async () => {
    const inner: UnionAuthenticator = { authenticate: async (r) => ({ user: { name: String(r.headers.authorization), groups: [] } }) };
    const cache = new CachedAuthenticator(inner, { maxEntries: 2 });
    for (const t of ['a', 'b', 'c']) await cache.authenticate(bearer(t));
    expect(cache.size).toBe(2);
  });
});
