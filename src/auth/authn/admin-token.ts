/**
 * The admin's bearer token: made once per data directory (`pki/admin.token`, 0600, 256 random
 * bits) and written into the admin kubeconfig, so `kubectl` works on first start whether the
 * server speaks TLS or plain HTTP. It names DEFAULT_ADMIN (kcp-admin, group system:kcp:admin), the
 * same identity as the admin client certificate. Only its SHA-256 digest is kept in memory.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { readIfExists, writeFileAtomic } from './files.js';
import { DEFAULT_ADMIN } from './pki.js';
import { PKI_DIR } from './service-account-keys.js';
import { bearerToken } from './bearer.js';
import { hashToken } from './token-file.js';
import { SYSTEM_MASTERS } from '../../registry/index.js';
import type { AuthRequest, AuthResult, AuthUser, Authenticator } from './types.js';

export const ADMIN_TOKEN_FILE = 'admin.token';
/**
 * The shards' own token (docs/shards.md): what one shard presents to another to place a logical
 * cluster there and follow its objects. It names SHARD_USER, a member of `system:masters`, so it
 * is kept as the CA key is: 0600 in the shared PKI directory, never in a kubeconfig.
 */
export const SHARD_TOKEN_FILE = 'shard.token';
export const SHARD_USER: Readonly<AuthUser> = Object.freeze({ name: 'system:atoll:shard', groups: [SYSTEM_MASTERS] });

/** The admin token, made on first call: in `pkiDir` (shared by the shards of one installation), or the data directory's `pki/`. */
export function ensureAdminToken(dataDir: string, pkiDir = path.join(dataDir, PKI_DIR)): string {
  return ensureToken(path.join(pkiDir, ADMIN_TOKEN_FILE));
}

/** The shards' token in the shared PKI directory, made on first call. */
export function ensureShardToken(pkiDir: string): string {
  return ensureToken(path.join(pkiDir, SHARD_TOKEN_FILE));
}

function ensureToken(file: string): string {
  const existing = readIfExists(file)?.trim();
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  writeFileAtomic(file, `${token}\n`);
  return token;
}

/** Accepts exactly `token` as `user`; any other bearer token gets no opinion (another authenticator may know it). */
export function adminTokenAuthenticator(token: string, user: AuthUser = { name: DEFAULT_ADMIN.name, groups: [...DEFAULT_ADMIN.groups] }): Authenticator {
  const digest = Buffer.from(hashToken(token), 'hex');
  return {
    async authenticate(request: AuthRequest): Promise<AuthResult | undefined> {
      const presented = bearerToken(request.headers);
      if (presented === undefined) return undefined;
      return timingSafeEqual(Buffer.from(hashToken(presented), 'hex'), digest) ? { user } : undefined;
    },
  };
}
