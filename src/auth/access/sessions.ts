/**
 * Open streams (REST watches, GraphQL subscriptions over SSE and graphql-ws) outlive the request
 * that authenticated them. Kubernetes lets a watch run on with a revoked token until it times out;
 * Atoll ends it: every stream that came with a bearer token is re-authenticated, every
 * `intervalMs` and whenever `recheck()` is called (the server calls it when a token file is
 * reloaded or a service account is deleted), and a stream whose credentials no longer name the
 * same user is ended.
 *
 * Streams sharing a token and a workspace are re-authenticated once together, so ten thousand
 * subscriptions over one token cost one check. Client certificates are not tracked: nothing
 * revokes them short of their expiry (Kubernetes has no CRL either).
 */
import { bearerToken } from '../authn/bearer.js';
import type { AuthRequest, AuthUser } from '../authn/types.js';
import type { UnionAuthenticator } from '../authn/union.js';

export interface SessionsOptions {
  authenticator: UnionAuthenticator;
  /** How often open streams are re-authenticated; default 10 s. */
  intervalMs?: number;
  /** Told about each group of streams ended, with the reason (for the log). */
  onRevoked?: (user: AuthUser, reason: string) => void;
}

/** Why a stream is ended: shown to clients that can carry a reason (graphql-ws close frames). */
export const REVOKED_REASON = 'credentials no longer valid';

interface Group {
  request: AuthRequest;
  user: AuthUser;
  ends: Set<() => void>;
}

export class Sessions {
  private readonly groups = new Map<string, Group>();
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: SessionsOptions) {
    this.timer = setInterval(() => void this.recheck(), options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  /** How many streams are tracked. */
  get size(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.ends.size;
    return n;
  }

  /**
   * Tracks a stream opened by `request` as `user`; `end` is called (once) if its credentials stop
   * being valid. Returns the function to call when the stream ends by itself.
   */
  track(request: AuthRequest, user: AuthUser, end: () => void): () => void {
    const token = bearerToken(request.headers);
    if (token === undefined) return () => undefined;
    const key = `${request.cluster ?? ''}\0${token}`;
    let group = this.groups.get(key);
    if (!group) {
      // Only what re-authentication reads: the token, and the cluster it was used in.
      const headers = request.headers.authorization !== undefined ? { authorization: request.headers.authorization } : { 'sec-websocket-protocol': request.headers['sec-websocket-protocol'] };
      group = { request: { headers, ...(request.cluster !== undefined ? { cluster: request.cluster } : {}) }, user, ends: new Set() };
      this.groups.set(key, group);
    }
    const g = group;
    let ended = false;
    const once = (): void => {
      if (ended) return;
      ended = true;
      end();
    };
    g.ends.add(once);
    return () => {
      g.ends.delete(once);
      if (g.ends.size === 0 && this.groups.get(key) === g) this.groups.delete(key);
    };
  }

  /** Re-authenticates every tracked group now; resolves when done. Calls during a run queue one more run. */
  recheck(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        for (const [key, group] of [...this.groups]) {
          const reason = await this.invalid(group);
          if (reason === undefined) continue;
          this.groups.delete(key);
          this.options.onRevoked?.(group.user, reason);
          for (const end of [...group.ends]) end();
        }
      } while (this.again);
    })().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async invalid(group: Group): Promise<string | undefined> {
    let decision;
    try {
      decision = await this.options.authenticator.authenticate(group.request);
    } catch {
      // A store hiccup is not a revocation; the next round tries again.
      return undefined;
    }
    if ('error' in decision) return decision.error;
    if (decision.user.name !== group.user.name || decision.user.uid !== group.user.uid) return 'the token now names another user';
    return undefined;
  }
}
