/**
 * A short-lived cache of successful bearer-token authentications in front of the union, as the
 * kube-apiserver keeps one in front of its token authenticators. Without it every request hashes
 * its token once per authenticator and a ServiceAccount JWT has its ES256 signature verified
 * again (about 140 µs), which made authentication cost more than all of RBAC.
 *
 * Only successes are cached, for `ttlMs` (default 10 s); requests without a bearer token (client
 * certificates, anonymous) always go to the union. Keys are the tokens themselves: they are in the
 * process's memory with every request anyway, and hashing them would bring back part of the cost.
 * What revokes a token must `forget` it here too: the server clears entries when the token file is
 * reloaded and when a ServiceAccount is deleted, so revocation is not delayed by the cache.
 */
import { bearerToken } from './bearer.js';
import type { AuthDecision, UnionAuthenticator } from './union.js';
import type { AuthRequest, AuthUser } from './types.js';

export interface TokenCacheOptions {
  /** How long a successful authentication is reused; default 10 s. */
  ttlMs?: number;
  /** Most tokens remembered, oldest dropped first; default 10,000. */
  maxEntries?: number;
  nowMs?: () => number;
}

export class CachedAuthenticator implements UnionAuthenticator {
  private readonly entries = new Map<string, { decision: { user: AuthUser }; until: number }>();
  private readonly ttl: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(
    readonly inner: UnionAuthenticator,
    options: TokenCacheOptions = {},
  ) {
    this.ttl = options.ttlMs ?? 10_000;
    this.max = Math.max(1, options.maxEntries ?? 10_000);
    this.now = options.nowMs ?? Date.now;
  }

  async authenticate(request: AuthRequest): Promise<AuthDecision> {
    const token = bearerToken(request.headers);
    if (token === undefined) return this.inner.authenticate(request);
    const hit = this.entries.get(token);
    const now = this.now();
    if (hit && hit.until > now) return hit.decision;
    const decision = await this.inner.authenticate(request);
    if ('user' in decision) {
      this.entries.delete(token);
      this.entries.set(token, { decision, until: now + this.ttl });
      if (this.entries.size > this.max) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    } else {
      this.entries.delete(token);
    }
    return decision;
  }

  /** Forgets every cached token whose user matches (all of them without a predicate). */
  forget(matches?: (user: AuthUser) => boolean): void {
    if (!matches) return this.entries.clear();
    for (const [token, entry] of this.entries) if (matches(entry.decision.user)) this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
