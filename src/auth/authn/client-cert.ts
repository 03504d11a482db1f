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
 */
import { X509Certificate } from 'node:crypto';
import { TLSSocket, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type { AuthRequest, AuthResult, Authenticator } from './types.js';

/** `ca`: the PEM certificate of the CA whose client certificates identify users. */
export function clientCertAuthenticator(ca: string): Authenticator {
  const caFingerprints = new Set([new X509Certificate(ca).fingerprint256]);
  return {
    async authenticate(request: AuthRequest): Promise<AuthResult | undefined> {
      const socket = request.socket;
      if (!(socket instanceof TLSSocket)) return undefined;
      const peer = socket.getPeerCertificate(true);
      if (!peer || Object.keys(peer).length === 0 || !peer.raw) return undefined;
      if (!socket.authorized) {
        return { error: `x509: client certificate not accepted: ${String(socket.authorizationError ?? 'unknown reason')}` };
      }
      if (!chainReaches(peer, caFingerprints)) return { error: 'x509: client certificate not signed by the client CA' };
      const { name, groups } = subjectNames(peer);
      if (name === '') return { error: 'x509: client certificate has no common name' };
      return { user: { name, groups } };
    },
  };
}

/** Walks issuerCertificate links from the leaf; true when one of them is one of the CAs (by SHA-256 fingerprint). */
export function chainReaches(leaf: DetailedPeerCertificate, fingerprints: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert && !seen.has(cert.fingerprint256)) {
    if (fingerprints.has(cert.fingerprint256)) return true;
    seen.add(cert.fingerprint256);
    cert = cert.issuerCertificate;
  }
  return false;
}

/** Node gives a subject field as a string, or as an array when the certificate repeats it. */
const values = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** CN (the first) and every O of a peer certificate's subject, as Kubernetes reads them. */
export function subjectNames(peer: PeerCertificate): { name: string; groups: string[] } {
  const subject = peer.subject as unknown as Record<string, unknown> | undefined;
  return { name: values(subject?.CN)[0] ?? '', groups: values(subject?.O).filter((g) => g !== '') };
}
