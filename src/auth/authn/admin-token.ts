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
import type { AuthRequest, AuthResult, AuthUser, Authenticator } from './types.js';

export const ADMIN_TOKEN_FILE = 'admin.token';

/** The data directory's admin token, made on first call. */
export function ensureAdminToken(dataDir: string): string {
  const file = path.join(dataDir, PKI_DIR, ADMIN_TOKEN_FILE);
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
