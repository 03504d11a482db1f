/**
 * Authentication at the front proxy (docs/shards.md): what the proxy can check by itself — a
 * client certificate issued by the installation's CA, the shared admin token, a token of the
 * operator's token file (re-read when it changes, as a shard does) — becomes X-Remote-User,
 * X-Remote-Group and X-Remote-Extra-* headers on the proxy's own connection to the shard, which
 * the shard believes only because that connection carries the proxy's client certificate
 * (request-header authentication, src/auth/authn/request-header.ts). The client's Authorization
 * header (or WebSocket bearer-token subprotocol) is dropped then: the shard has nothing to check.
 *
 * What the proxy cannot decide — a ServiceAccount token, valid only against a shard's store, or
 * any credential it does not recognise — is passed on as the client sent it, without X-Remote-*,
 * and the shard decides. So an unknown or invalid token is never refused here.
 *
 * A shard re-checks its open streams by their token, which it never sees for a request the proxy
 * vouched for: so the proxy ends those streams itself when a token file reload takes their token
 * away, as a shard does for its own token file.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  adminTokenAuthenticator,
  bearerToken,
  clientCertAuthenticator,
  followTokenFile,
  passable,
  remoteUserHeaders,
  TokenFileAuthenticator,
  unionAuthenticator,
  WEBSOCKET_TOKEN_PROTOCOL_PREFIX,
  type Authenticator,
  type AuthRequest,
  type AuthUser,
} from '../auth/index.js';

export interface ProxyAuthenticationOptions {
  /** PEM of the CA whose client certificates name users (the installation's shared CA). */
  clientCa?: string;
  /** The installation's admin token (`<pki-dir>/admin.token`). */
  adminToken?: string;
  /** The operator's token file (kcp's `--token-auth-file`, the same format as a shard's). */
  tokenFile?: string;
  /** Told when the token file is re-read, or could not be (the tokens loaded before stay). */
  onTokenFile?: (err: unknown, tokens: number) => void;
}

export class ProxyAuthentication {
  private readonly union;
  private readonly tokenFile: TokenFileAuthenticator | undefined;
  private unfollow: (() => void) | undefined;
  /** Vouched-for requests in flight that carried a token: how to end each, and what to re-check. */
  private readonly open = new Map<() => void, { request: AuthRequest; user: string }>();

  constructor(private readonly options: ProxyAuthenticationOptions) {
    this.tokenFile = options.tokenFile ? new TokenFileAuthenticator(options.tokenFile) : undefined;
    const authenticators: Authenticator[] = [];
    if (options.clientCa) authenticators.push(clientCertAuthenticator(options.clientCa));
    if (options.adminToken) authenticators.push(adminTokenAuthenticator(options.adminToken));
    if (this.tokenFile) authenticators.push(this.tokenFile);
    this.union = unionAuthenticator(authenticators);
  }

  /** Follows the token file; stop() ends that. */
  start(): void {
    const file = this.tokenFile;
    if (!file) return;
    this.unfollow = followTokenFile(file.file, () => {
      try {
        file.reload();
        this.options.onTokenFile?.(undefined, file.size);
      } catch (err) {
        this.options.onTokenFile?.(err, file.size);
        return;
      }
      void this.recheck();
    });
  }

  /**
   * Remembers a request vouched for as `user` until the returned function is called (when it is
   * over); `end` ends it if its credentials stop naming that user. Requests without a token are not
   * tracked: a certificate or nothing does not change under the proxy.
   */
  track(req: IncomingMessage, user: AuthUser, end: () => void): () => void {
    if (bearerToken(req.headers) === undefined) return () => undefined;
    const { authorization, 'sec-websocket-protocol': protocols } = req.headers;
    const headers = { ...(authorization !== undefined ? { authorization } : {}), ...(protocols !== undefined ? { 'sec-websocket-protocol': protocols } : {}) };
    this.open.set(end, { request: { headers, socket: req.socket }, user: user.name });
    return () => void this.open.delete(end);
  }

  /** Ends the tracked requests whose credentials no longer name their user. */
  async recheck(): Promise<void> {
    for (const [end, { request, user }] of [...this.open]) {
      const decision = await this.union.authenticate(request);
      if ('user' in decision && decision.user.name === user) continue;
      this.open.delete(end);
      end();
    }
  }

  stop(): void {
    this.unfollow?.();
  }

  /**
   * The user the proxy vouches for, or undefined: the request goes on with its own credentials.
   * A user no header can name (a control character in a token file's quoted name) goes on too.
   */
  async authenticate(req: IncomingMessage): Promise<AuthUser | undefined> {
    const decision = await this.union.authenticate({ headers: req.headers, socket: req.socket });
    return 'user' in decision && passable(decision.user) ? decision.user : undefined;
  }
}

/**
 * `headers` (already without the client's X-Remote-*: forwardedHeaders) for a request the proxy
 * authenticated as `user`: the identity headers added, the credentials it came with removed.
 */
export function asAuthenticated(headers: IncomingHttpHeaders, user: AuthUser): IncomingHttpHeaders {
  // Copied without the credentials rather than deleted from a copy: `delete` leaves an object the
  // http client then reads slowly.
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (name === 'authorization' || name === 'sec-websocket-protocol') continue;
    out[name] = headers[name];
  }
  const protocols = headers['sec-websocket-protocol'];
  if (protocols !== undefined) {
    const kept = protocols
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '' && !p.startsWith(WEBSOCKET_TOKEN_PROTOCOL_PREFIX));
    if (kept.length > 0) out['sec-websocket-protocol'] = kept.join(', ');
  }
  return Object.assign(out, remoteUserHeaders(user));
}
