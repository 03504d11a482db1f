/**
 * Request-header authentication, as the kube-apiserver's `--requestheader-*` and kcp's shards
 * behind their front proxy: the front proxy authenticates the client and names the user in
 * `X-Remote-User`, `X-Remote-Uid` (kube 1.32's `--requestheader-uid-headers`), `X-Remote-Group`
 * and `X-Remote-Extra-<key>`. A shard takes those headers only
 * from a connection whose TLS client certificate chains to the request-header CA and whose
 * Common Name is one of the allowed names; on any other connection they are ignored, so a client
 * cannot name itself by writing them. A request from the proxy without `X-Remote-User` (a token
 * the proxy passed on: a ServiceAccount's, which only a shard can check) falls through to the
 * other authenticators.
 *
 * Node joins repeated headers into one value with ", " (set-cookie aside), so the groups and each
 * extra key's values are split on commas: a group or extra value containing a comma cannot be
 * passed (Kubernetes' token file cannot name one either). Values travel as UTF-8 bytes, as Go's
 * proxies send them; Node reads header bytes as Latin-1, hence the conversions both ways.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { chainReaches, peerOf } from './client-cert.js';
import type { AuthRequest, AuthResult, AuthUser, Authenticator } from './types.js';

export const REMOTE_USER_HEADER = 'x-remote-user';
export const REMOTE_GROUP_HEADER = 'x-remote-group';
export const REMOTE_UID_HEADER = 'x-remote-uid';
export const REMOTE_EXTRA_HEADER_PREFIX = 'x-remote-extra-';
/** The Common Name of the front proxy's client certificate, and the default allowed name. */
export const FRONT_PROXY_USER = 'atoll-front-proxy';

export interface RequestHeaderOptions {
  /** PEM of the CA (or CAs) whose client certificates may carry request headers. */
  ca: string;
  /** Common Names a request-header source's certificate may have (at least one). */
  allowedNames: readonly string[];
}

export interface RequestHeaderAuthenticator extends Authenticator {
  /** True when the request came over a connection authenticated as a request-header source (the front proxy). */
  fromProxy(request: AuthRequest): boolean;
}

/** The PEM certificates of a bundle, each as Node reads it; throws when there is none. */
export function certificatesOf(pem: string, source = 'CA'): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${source}: no PEM certificate found`);
  return blocks.map((b) => new X509Certificate(b));
}

/** A header value as Node gives it (its bytes as Latin-1) to the UTF-8 text it carries, and back. */
const fromWire = (v: string): string => (/[^ -~\t]/.test(v) ? Buffer.from(v, 'latin1').toString('utf8') : v);
const toWire = (v: string): string => (/[^ -~\t]/.test(v) ? Buffer.from(v, 'utf8').toString('latin1') : v);

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((x) => fromWire(x).split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Kubernetes unescapes an extra key after lower-casing it; a key that does not unescape is taken as it is. */
function extraKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The user the request headers name, or undefined without `X-Remote-User`. */
export function remoteUser(headers: IncomingHttpHeaders): AuthUser | undefined {
  const raw = headers[REMOTE_USER_HEADER];
  const first = Array.isArray(raw) ? raw[0] : raw;
  const name = first === undefined ? '' : fromWire(first).trim();
  if (!name) return undefined;
  const extra: Record<string, string[]> = {};
  for (const [header, value] of Object.entries(headers)) {
    if (!header.startsWith(REMOTE_EXTRA_HEADER_PREFIX)) continue;
    const key = extraKey(header.slice(REMOTE_EXTRA_HEADER_PREFIX.length).toLowerCase());
    if (key === '') continue;
    (extra[key] ??= []).push(...list(value));
  }
  const groups = [...new Set(list(headers[REMOTE_GROUP_HEADER]))];
  const rawUid = headers[REMOTE_UID_HEADER];
  const uid = fromWire((Array.isArray(rawUid) ? rawUid[0] : rawUid) ?? '').trim();
  return { name, ...(uid ? { uid } : {}), groups, ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

/** Whether a header can carry the text: no control characters but tab (Node refuses to send them). */
const headerSafe = (v: string): boolean => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
};

/** Whether remoteUserHeaders can pass `user` on: a name, groups and extra values without control characters. */
export function passable(user: AuthUser): boolean {
  return headerSafe(user.name) && user.groups.every(headerSafe) && Object.values(user.extra ?? {}).every((vs) => vs.every(headerSafe));
}

/** An extra key as a header name's tail: percent-encoded beyond what a header name may hold. */
const escapeExtraKey = (key: string): string =>
  encodeURIComponent(key.toLowerCase()).replace(/[^A-Za-z0-9%\-_.~!*']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The headers that pass `user` on (each group and extra value a header line of its own, as kube's proxies send them). */
export function remoteUserHeaders(user: AuthUser): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { [REMOTE_USER_HEADER]: toWire(user.name) };
  if (user.uid) headers[REMOTE_UID_HEADER] = toWire(user.uid);
  if (user.groups.length > 0) headers[REMOTE_GROUP_HEADER] = user.groups.map(toWire);
  for (const [key, values] of Object.entries(user.extra ?? {})) {
    if (values.length > 0) headers[`${REMOTE_EXTRA_HEADER_PREFIX}${escapeExtraKey(key)}`] = values.map(toWire);
  }
  return headers;
}

export function requestHeaderAuthenticator(options: RequestHeaderOptions): RequestHeaderAuthenticator {
  const fingerprints = new Set(certificatesOf(options.ca, 'request-header CA').map((c) => c.fingerprint256));
  const allowed = new Set(options.allowedNames);
  if (allowed.size === 0) throw new Error('request-header authentication needs at least one allowed name');
  const fromProxy = (request: AuthRequest): boolean => {
    // Accepted by Node's TLS verification (chain, dates, client use, against the server's CAs),
    // and reaching the request-header CA: certificates of the server's other CAs stay out.
    const peer = peerOf(request.socket);
    return peer !== undefined && peer.refused === undefined && chainReaches(peer, fingerprints) && allowed.has(peer.name);
  };
  return {
    fromProxy,
    async authenticate(request: AuthRequest): Promise<AuthResult | undefined> {
      if (!fromProxy(request)) return undefined;
      const user = remoteUser(request.headers);
      return user ? { user } : undefined;
    },
  };
}
