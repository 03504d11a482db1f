/**
 * Where a bearer token travels, as in Kubernetes: `Authorization: Bearer <token>`, or — for
 * WebSocket clients such as browsers, which cannot set headers — a `Sec-WebSocket-Protocol` entry
 * `base64url.bearer.authorization.k8s.io.<base64url(token)>` (apiserver's websocket protocol
 * authenticator). A server that accepts the latter must not echo that entry as the chosen protocol.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const WEBSOCKET_TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** The bearer token of a request, or undefined when it carries none (an empty token counts as none, as in Kubernetes). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization?.trim();
  if (auth) {
    const [scheme, token] = auth.split(/\s+/, 2);
    if (scheme?.toLowerCase() === 'bearer' && token) return token;
    return undefined;
  }
  const protocols = headers['sec-websocket-protocol'];
  if (!protocols) return undefined;
  for (const entry of protocols.split(',')) {
    const p = entry.trim();
    if (!p.startsWith(WEBSOCKET_TOKEN_PROTOCOL_PREFIX)) continue;
    const encoded = p.slice(WEBSOCKET_TOKEN_PROTOCOL_PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
    const token = Buffer.from(encoded, 'base64url').toString('utf8');
    return token || undefined;
  }
  return undefined;
}
