/**
 * Client certificate authentication, as Kubernetes' x509 authenticator: the user is the subject's
 * Common Name, the groups its Organization values. The TLS server asks for a certificate
 * (`requestCert: true`) but lets requests without a valid one through (`rejectUnauthorized:
 * false`), so the verdict is made here:
 * - no TLS, or no certificate presented → no opinion (a token may still authenticate the request);
 * - a certificate that Node's TLS verification refused (`socket.authorized` false: unknown CA,
 *   expired, not for client use) or whose chain does not reach `ca` → error (401);
 * - otherwise the user. A certificate without a Common Name is refused (Kubernetes does too).
 * Checking the chain against `ca` as well as `socket.authorized` keeps certificates of other CAs
 * the server might trust for TLS (a bundle in its `ca` option) from becoming users.
 *
 * What a connection's certificate says is read once per connection (peerOf): Node's
 * getPeerCertificate(true) builds the whole chain as objects, about 0.5 ms on a loaded machine,
 * which per request was more than the rest of authentication. A certificate past its notAfter
 * is refused from then on, as a new connection's would be.
 */
import { X509Certificate } from 'node:crypto';
import { TLSSocket, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type { AuthRequest, AuthResult, Authenticator } from './types.js';

/** What a connection's client certificate says, as read once per connection. */
export interface PeerSummary {
  /** Node's TLS verification accepted it (chain to one of the server's CAs, dates, client use); else why not. */
  refused?: string;
  /** SHA-256 fingerprints of the leaf and each issuer Node found, leaf first. */
  chain: readonly string[];
  /** The subject's first Common Name, and its Organization values. */
  name: string;
  groups: readonly string[];
  notAfter: number;
}

const peers = new WeakMap<TLSSocket, PeerSummary | null>();

/** The connection's client certificate, or undefined without TLS or a certificate. */
export function peerOf(socket: AuthRequest['socket']): PeerSummary | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  let summary = peers.get(socket);
  if (summary === undefined) {
    summary = summarize(socket);
    peers.set(socket, summary);
  }
  if (summary === null) return undefined;
  return Date.now() > summary.notAfter ? { ...summary, refused: summary.refused ?? 'CERT_HAS_EXPIRED' } : summary;
}

function summarize(socket: TLSSocket): PeerSummary | null {
  const peer = socket.getPeerCertificate(true);
  if (!peer || Object.keys(peer).length === 0 || !peer.raw) return null;
  const chain: string[] = [];
  let cert: DetailedPeerCertificate | undefined = peer;
  while (cert && !chain.includes(cert.fingerprint256)) {
    chain.push(cert.fingerprint256);
    cert = cert.issuerCertificate;
  }
  return {
    ...(socket.authorized ? {} : { refused: String(socket.authorizationError ?? 'unknown reason') }),
    chain,
    ...subjectNames(peer),
    notAfter: Date.parse(peer.valid_to),
  };
}

/** True when the certificate's chain reaches one of the CAs (by SHA-256 fingerprint). */
export const chainReaches = (peer: PeerSummary, fingerprints: ReadonlySet<string>): boolean => peer.chain.some((f) => fingerprints.has(f));

/** `ca`: the PEM certificate of the CA whose client certificates identify users. */
export function clientCertAuthenticator(ca: string): Authenticator {
  const caFingerprints = new Set([new X509Certificate(ca).fingerprint256]);
  return {
    async authenticate(request: AuthRequest): Promise<AuthResult | undefined> {
      const peer = peerOf(request.socket);
      if (!peer) return undefined;
      if (peer.refused !== undefined) return { error: `x509: client certificate not accepted: ${peer.refused}` };
      if (!chainReaches(peer, caFingerprints)) return { error: 'x509: client certificate not signed by the client CA' };
      if (peer.name === '') return { error: 'x509: client certificate has no common name' };
      return { user: { name: peer.name, groups: [...peer.groups] } };
    },
  };
}

/** Node gives a subject field as a string, or as an array when the certificate repeats it. */
const values = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** CN (the first) and every O of a peer certificate's subject, as Kubernetes reads them. */
export function subjectNames(peer: PeerCertificate): { name: string; groups: string[] } {
  const subject = peer.subject as unknown as Record<string, unknown> | undefined;
  return { name: values(subject?.CN)[0] ?? '', groups: values(subject?.O).filter((g) => g !== '') };
}
