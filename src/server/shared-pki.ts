/**
 * The credentials a shard other than root takes from its installation (docs/shards.md): the root
 * shard makes them in the shared PKI directory; every other shard only reads them, so a token or
 * certificate valid on one shard is valid on all. A shard that finds them missing refuses to
 * start rather than make a second CA nobody else trusts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN_FILE, SA_KEY_FILE, SHARD_TOKEN_FILE } from '../auth/index.js';

export function requireSharedPki(pkiDir: string, tls: boolean): void {
  const wanted = [SA_KEY_FILE, ADMIN_TOKEN_FILE, SHARD_TOKEN_FILE, ...(tls ? ['ca.crt', 'ca.key'] : [])];
  const missing = wanted.filter((name) => !fs.existsSync(path.join(pkiDir, name)));
  if (missing.length > 0) {
    throw new Error(`the shared PKI directory ${pkiDir} has no ${missing.join(', ')}: start the root shard with --pki-dir ${pkiDir} first, then this shard with the same --pki-dir`);
  }
}
