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
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  adminTokenAuthenticator,
  clientCertAuthenticator,
  followTokenFile,
  remoteUserHeaders,
  TokenFileAuthenticator,
  unionAuthenticator,
  WEBSOCKET_TOKEN_PROTOCOL_PREFIX,
  type Authenticator,
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
      }
    });
  }

  stop(): void {
    this.unfollow?.();
  }

  /** The user the proxy vouches for, or undefined: the request goes on with its own credentials. */
  async authenticate(req: IncomingMessage): Promise<AuthUser | undefined> {
    const decision = await this.union.authenticate({ headers: req.headers, socket: req.socket });
    return 'user' in decision ? decision.user : undefined;
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
