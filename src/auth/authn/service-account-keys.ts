/**
 * The keys that sign ServiceAccount tokens: ECDSA P-256 (ES256), generated on first start and kept
 * in `<dataDir>/pki/` as PKCS#8 PEM files with mode 0600 — `sa.key` (signs new tokens) and, after a
 * rotation, `sa.previous.key` (still verifies tokens signed before it, until they expire).
 * A key's id (the JWT header `kid`) is the unpadded base64url SHA-256 of its DER public key, as
 * Kubernetes computes it, so the same PEM gives the same kid everywhere.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { readIfExists, writeFileAtomic } from './files.js';

export const PKI_DIR = 'pki';
export const SA_KEY_FILE = 'sa.key';
export const SA_PREVIOUS_KEY_FILE = 'sa.previous.key';
export const SA_SIGNING_ALG = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface ServiceAccountKeys {
  /** Signs new tokens. */
  current: SigningKey;
  /** The key before the last rotation: verifies, never signs. */
  previous?: SigningKey;
}

export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

function fromPem(pem: string, file: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${file}: not a private key in PEM form (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${file}: expected an ECDSA P-256 key for ES256, found ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { kid: keyId(publicKey), privateKey, publicKey };
}

function generate(): { key: SigningKey; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key: { kid: keyId(publicKey), privateKey, publicKey }, pem };
}

const files = (pkiDir: string) => ({
  current: path.join(pkiDir, SA_KEY_FILE),
  previous: path.join(pkiDir, SA_PREVIOUS_KEY_FILE),
});

/**
 * Loads the signing keys of a data directory (or of `pkiDir`, shared by the shards of one
 * installation, so a token minted on one is valid on all), creating the signing key on first start.
 */
export function loadServiceAccountKeys(dataDir: string, pkiDir = path.join(dataDir, PKI_DIR)): ServiceAccountKeys {
  const f = files(pkiDir);
  const pem = readIfExists(f.current);
  let current: SigningKey;
  if (pem === undefined) {
    const made = generate();
    writeFileAtomic(f.current, made.pem);
    current = made.key;
  } else {
    current = fromPem(pem, f.current);
  }
  const previousPem = readIfExists(f.previous);
  return previousPem === undefined ? { current } : { current, previous: fromPem(previousPem, f.previous) };
}

/**
 * Makes a new signing key; the current one becomes the previous (verifying only) and the one
 * before it is dropped — tokens it signed stop working. Returns the new set.
 */
export function rotateServiceAccountKey(dataDir: string, pkiDir = path.join(dataDir, PKI_DIR)): ServiceAccountKeys {
  const f = files(pkiDir);
  const before = loadServiceAccountKeys(dataDir, pkiDir);
  writeFileAtomic(f.previous, before.current.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const made = generate();
  writeFileAtomic(f.current, made.pem);
  return { current: made.key, previous: before.current };
}

