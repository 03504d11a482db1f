/**
 * The TLS material of a data directory, made on first start and reused afterwards, in
 * `<dataDir>/pki/` (directory 0700, keys 0600):
 *
 *     ca.crt / ca.key            self-signed CA "atoll-ca", 10 years; signs the two below
 *     serving.crt / serving.key  the server's certificate: SANs localhost, 127.0.0.1, ::1 and the
 *                                configured hosts; 1 year
 *     admin.crt / admin.key      the admin client certificate: CN=kcp-admin, O=system:kcp:admin; 1 year
 *
 * The front proxy keeps one more in its own `pki/`: front-proxy-client.crt / .key, CN
 * atoll-front-proxy, the certificate its requests to the shards present (ensureClientCertificate).
 *
 * All keys are ECDSA P-256 (fast to make, accepted by Go's TLS stack, i.e. kubectl). On a later
 * start a leaf is made anew — with the same CA, so kubeconfigs keep trusting the server — when it
 * is missing, not signed by the CA, not matching its key file, expiring within 30 days, lacking a
 * configured host, or naming another admin identity. Certificates are written with @peculiar/x509
 * over Node's WebCrypto (pure JS, typed, maintained, no install scripts; node-forge supports only
 * RSA certificates and brings its own JS crypto; `selfsigned` is a convenience layer over the same
 * library); reading and checking them uses Node's own X509Certificate.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { ensurePrivateDir, readIfExists, writeFileAtomic } from './files.js';
import { PKI_DIR } from './service-account-keys.js';
import { ADMIN_GROUP } from './types.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const CA_NAME = 'atoll-ca';
/** The identity of the generated admin client certificate (CN = user, O = groups) and admin token, as kcp's admin. */
export const DEFAULT_ADMIN = Object.freeze({ name: 'kcp-admin', groups: Object.freeze([ADMIN_GROUP]) });

const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  ca: KeyPairPem;
  serving: KeyPairPem;
  admin: KeyPairPem;
}

export interface PkiOptions {
  /** Host names or addresses the server is reached at, besides localhost, 127.0.0.1 and ::1. */
  hosts?: readonly string[];
  /** Who the admin client certificate names; default kcp-admin in system:kcp:admin. */
  admin?: { name: string; groups: readonly string[] };
  now?: () => Date;
  /**
   * Where the CA and the admin client certificate are kept when they are shared by the shards and
   * the front proxy of one installation; the serving certificate stays in `<dataDir>/pki` (each
   * process is reached at its own hosts). The data directory's `pki/` when absent.
   */
  sharedDir?: string;
}

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** The SANs a serving certificate needs: the local names plus the configured hosts (wildcard addresses skipped). */
export function servingHosts(hosts: readonly string[] = []): string[] {
  const wanted = [...LOCAL_HOSTS];
  for (const raw of hosts) {
    const h = raw.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (h === '' || h === '0.0.0.0' || h === '::') continue;
    if (!wanted.includes(h)) wanted.push(h);
  }
  return wanted;
}

/** Loads the data directory's PKI, making whatever is missing or no longer fits. */
export async function ensurePki(dataDir: string, options: PkiOptions = {}): Promise<Pki> {
  const dir = path.join(dataDir, PKI_DIR);
  ensurePrivateDir(dir);
  const shared = options.sharedDir ?? dir;
  ensurePrivateDir(shared);
  const now = options.now?.() ?? new Date();
  const admin = options.admin ?? DEFAULT_ADMIN;
  const hosts = servingHosts(options.hosts);
  const file = (name: string) => path.join(dir, name);
  const sharedFile = (name: string) => path.join(shared, name);

  const ca = await loadOrCreateCa(sharedFile('ca.crt'), sharedFile('ca.key'), now);
  let serving = loadPair(file('serving.crt'), file('serving.key'));
  if (!usable(serving, ca, now, (c) => hosts.every((h) => (isIP(h) ? c.checkIP(h) !== undefined : c.checkHost(h) !== undefined)))) {
    serving = await issueLeaf(ca, now, {
      subject: [{ CN: ['atoll'] }],
      usage: x509.ExtendedKeyUsage.serverAuth,
      sans: hosts.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h })),
    });
    savePair(file('serving.crt'), file('serving.key'), serving);
  }

  const adminPair = await ensureClientCertificate(ca, shared, 'admin', admin, now);
  return { dir, ca, serving, admin: adminPair };
}

/** Whether a stored pair is issued by `ca`, matches its key, is not about to expire, and `fits`. */
function usable(pem: KeyPairPem | undefined, ca: KeyPairPem, now: Date, fits: (c: X509Certificate) => boolean): pem is KeyPairPem {
  if (!pem) return false;
  try {
    const caCert = new X509Certificate(ca.cert);
    const c = new X509Certificate(pem.cert);
    const fresh = Date.parse(c.validTo) - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS;
    return c.checkIssued(caCert) && c.verify(caCert.publicKey) && c.checkPrivateKey(createPrivateKey(pem.key)) && fresh && fits(c);
  } catch {
    return false;
  }
}

/**
 * A client certificate naming `identity` (CN the user, one O per group), issued by `ca` and kept
 * as `<dir>/<name>.crt` and `<dir>/<name>.key`: the stored one while it still fits, else a new
 * one. Only a process holding the CA key can make one — the admin's, and the front proxy's
 * (CN atoll-front-proxy, which shards take X-Remote-* headers from; docs/shards.md).
 */
export async function ensureClientCertificate(
  ca: KeyPairPem,
  dir: string,
  name: string,
  identity: { name: string; groups: readonly string[] },
  now = new Date(),
): Promise<KeyPairPem> {
  ensurePrivateDir(dir);
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  const stored = loadPair(certFile, keyFile);
  if (usable(stored, ca, now, (c) => sameIdentity(identityOf(c), identity))) return stored;
  // One RDN per value (O=a, O=b), as Kubernetes tooling writes group lists.
  const subject = [{ CN: [identity.name] }, ...identity.groups.map((g) => ({ O: [g] }))];
  const pair = await issueLeaf(ca, now, { subject, usage: x509.ExtendedKeyUsage.clientAuth, sans: [] });
  savePair(certFile, keyFile, pair);
  return pair;
}

/** What `https.createServer` needs to serve with a PKI and ask clients for certificates. */
export interface ServerTlsOptions {
  key: string;
  cert: string;
  ca: string;
  requestCert: true;
  rejectUnauthorized: false;
}

/**
 * The `https.createServer` options for serving with the data directory's PKI (made or renewed as
 * ensurePki does) and asking for client certificates. Pass the same `admin` as to ensurePki when
 * it is not the default, or this re-issues the admin certificate for the default identity.
 */
export async function tlsOptions(dataDir: string, hosts: readonly string[] = [], options: Omit<PkiOptions, 'hosts'> = {}): Promise<ServerTlsOptions> {
  return serverTlsOptions(await ensurePki(dataDir, { ...options, hosts }));
}

export function serverTlsOptions(pki: Pki): ServerTlsOptions {
  // rejectUnauthorized: false — a request without (or with a bad) client certificate still reaches
  // the handlers, where the other authenticators (tokens) or a 401 answer it.
  return { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false };
}

/** CN and O values of a certificate's subject. */
function identityOf(cert: X509Certificate): { name: string; groups: string[] } {
  const name = new x509.X509Certificate(cert.raw).subjectName;
  return { name: name.getField('CN')[0] ?? '', groups: name.getField('O') };
}

const sameIdentity = (a: { name: string; groups: readonly string[] }, b: { name: string; groups: readonly string[] }): boolean =>
  a.name === b.name && a.groups.length === b.groups.length && a.groups.every((g, i) => g === b.groups[i]);

function loadPair(certFile: string, keyFile: string): KeyPairPem | undefined {
  const cert = readIfExists(certFile);
  const key = readIfExists(keyFile);
  return cert !== undefined && key !== undefined ? { cert, key } : undefined;
}

function savePair(certFile: string, keyFile: string, pair: KeyPairPem): void {
  writeFileAtomic(keyFile, pair.key, 0o600);
  writeFileAtomic(certFile, pair.cert, 0o644);
}

async function loadOrCreateCa(certFile: string, keyFile: string, now: Date): Promise<KeyPairPem> {
  const existing = loadPair(certFile, keyFile);
  if (existing) return existing;
  if (readIfExists(certFile) !== undefined || readIfExists(keyFile) !== undefined) {
    // Half a CA: making a new one would silently invalidate every kubeconfig and client certificate.
    throw new Error(`${path.dirname(certFile)}: found only one of ca.crt and ca.key; restore the other or remove both to make a new CA`);
  }
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [CA_NAME] }],
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pair = { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
  savePair(certFile, keyFile, pair);
  return pair;
}

async function issueLeaf(
  ca: KeyPairPem,
  now: Date,
  spec: { subject: Record<string, string[]>[]; usage: x509.ExtendedKeyUsage; sans: { type: 'ip' | 'dns'; value: string }[] },
): Promise<KeyPairPem> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey('pkcs8', createPrivateKey(ca.key).export({ type: 'pkcs8', format: 'der' }), ALG, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([spec.usage], false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (spec.sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(spec.sans, false));
  const notAfter = Math.min(now.getTime() + LEAF_DAYS * DAY_MS, Date.parse(new X509Certificate(ca.cert).validTo));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: spec.subject,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(notAfter),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A positive 128-bit serial number (Go refuses negative ones). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}
