/**
 * Authenticates ServiceAccount tokens: a bearer JWT naming our issuer is verified (signature,
 * expiry, audience: ServiceAccountTokens.verify), then the service account it names must still
 * exist with the same uid in the token's logical cluster — read through the Registry as the
 * system. A deleted service account, one recreated under the same name (new uid), or a purged
 * workspace (its objects are gone) makes the token invalid. Tokens not ours (not a JWT, another
 * issuer) get no opinion, so other authenticators may take them.
 *
 * A token kept in a legacy token Secret names that Secret too (as Kubernetes' Secret-bound
 * tokens do): it is valid only while that Secret exists with the same uid, so deleting the Secret
 * revokes the token.
 *
 * Lookup cache: found service accounts (and Secrets) are remembered for `cacheTtlMs` (default 5 s, at most
 * `cacheSize` entries, oldest dropped first), so a hot client does not pay a store read per
 * request. Only positive results are cached. The price: a deleted service account's tokens keep
 * working for up to the TTL (Kubernetes' informer-backed lookup has the same kind of lag);
 * `forget()` / `clear()` drop entries at once for a caller that watches service accounts.
 *
 * Other workspaces. Like every identity in kcp, a service account token names its logical cluster
 * (`kcp.io/cluster`), and the user carries it as `extra["authentication.kubernetes.io/cluster-name"]`.
 * kcp authenticates such a token anywhere but its authorizer treats a service account from another
 * cluster as foreign: it matches no ServiceAccount subject and none of the account's own bindings
 * there. Atoll's default (`crossCluster: 'refuse'`) is stricter and needs no cooperation from the
 * authorizer: a request addressing another logical cluster than the token's is refused (401). With
 * `crossCluster: 'mark'` the user is returned as kcp does, and the authorizer must use
 * `isForeignServiceAccount` to keep it from acting as the other cluster's same-named account.
 */
import { isApiError, secrets, serviceAccounts, SYSTEM_USER, type Registry, type ResourceType } from '../../registry/index.js';
import { bearerToken } from './bearer.js';
import { InvalidTokenError, type ServiceAccountClaims, type ServiceAccountTokens } from './service-account-tokens.js';
import {
  CLUSTER_NAME_EXTRA,
  CREDENTIAL_ID_EXTRA,
  SERVICE_ACCOUNT_PREFIX,
  SERVICE_ACCOUNTS_GROUP,
  type AuthRequest,
  type AuthResult,
  type AuthUser,
  type Authenticator,
} from './types.js';

export interface ServiceAccountAuthenticatorOptions {
  tokens: ServiceAccountTokens;
  registry: Registry;
  /** What to do with a token used in another logical cluster than its own (see above); default 'refuse'. */
  crossCluster?: 'refuse' | 'mark';
  /** How long a found service account is trusted without a new read (ms); 0 disables the cache. Default 5000. */
  cacheTtlMs?: number;
  /** Most cached service accounts; default 10,000. */
  cacheSize?: number;
  /** Clock for the cache (tests). */
  nowMs?: () => number;
}

/** The Kubernetes user of a service account: name, uid, groups, and the cluster and token id in `extra`. */
export function serviceAccountUser(claims: Pick<ServiceAccountClaims, 'cluster' | 'namespace' | 'name' | 'uid' | 'jti'>): AuthUser {
  return {
    name: `${SERVICE_ACCOUNT_PREFIX}${claims.namespace}:${claims.name}`,
    uid: claims.uid,
    groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${claims.namespace}`],
    extra: {
      [CLUSTER_NAME_EXTRA]: [claims.cluster],
      ...(claims.jti ? { [CREDENTIAL_ID_EXTRA]: [`JTI=${claims.jti}`] } : {}),
    },
  };
}

/**
 * True for a service account user of another logical cluster than `cluster` (kcp's rule: a
 * service account without a cluster marker counts as local; one with several markers as foreign).
 */
export function isForeignServiceAccount(user: AuthUser, cluster: string): boolean {
  if (!user.name.startsWith(SERVICE_ACCOUNT_PREFIX)) return false;
  const clusters = user.extra?.[CLUSTER_NAME_EXTRA];
  if (clusters === undefined || clusters.length === 0) return false;
  return clusters.length !== 1 || clusters[0] !== cluster;
}

export class ServiceAccountAuthenticator implements Authenticator {
  private readonly cache = new Map<string, { uid: string; until: number }>();
  private readonly ttl: number;
  private readonly size: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: ServiceAccountAuthenticatorOptions) {
    this.ttl = options.cacheTtlMs ?? 5000;
    this.size = options.cacheSize ?? 10_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  async authenticate(request: AuthRequest): Promise<AuthResult | undefined> {
    const token = bearerToken(request.headers);
    if (token === undefined || !this.options.tokens.isOurs(token)) return undefined;
    let claims: ServiceAccountClaims;
    try {
      claims = await this.options.tokens.verify(token, request.audiences);
    } catch (err) {
      if (err instanceof InvalidTokenError) return { error: `service account token: ${err.message}` };
      throw err;
    }
    if (request.cluster !== undefined && request.cluster !== claims.cluster && (this.options.crossCluster ?? 'refuse') === 'refuse') {
      return { error: `service account token of logical cluster "${claims.cluster}" is not valid in logical cluster "${request.cluster}"` };
    }
    const problem = await this.checkExists(claims);
    if (problem) return { error: `service account token: ${problem}` };
    // As Kubernetes' JWT authenticator: the token's audiences the request asked for.
    const wanted = request.audiences ?? this.options.tokens.apiAudiences;
    return { user: serviceAccountUser(claims), audiences: claims.audiences.filter((a) => wanted.includes(a)) };
  }

  /** Drops cached lookups: one service account or Secret (by name), a namespace's, a cluster's, or (no cluster) all. */
  forget(cluster?: string, namespace?: string, name?: string): void {
    if (cluster === undefined) return this.cache.clear();
    const prefix = [cluster, namespace, name].filter((p) => p !== undefined).join('\0');
    for (const key of this.cache.keys()) if (key === prefix || key.startsWith(`${prefix}\0`)) this.cache.delete(key);
  }

  clear(): void {
    this.cache.clear();
  }

  /** undefined when the service account (and the Secret a token is bound to) exist with the token's uids, else why not. */
  private async checkExists(claims: ServiceAccountClaims): Promise<string | undefined> {
    const account = await this.checkObject(claims, serviceAccounts, claims.name, claims.uid);
    if (account !== undefined || !claims.secret) return account;
    return this.checkObject(claims, secrets, claims.secret.name, claims.secret.uid);
  }

  private async checkObject(claims: ServiceAccountClaims, t: ResourceType, name: string, wantedUid: string): Promise<string | undefined> {
    const what = t === secrets ? 'secret' : 'service account';
    const key = `${claims.cluster}\0${claims.namespace}\0${name}\0${t.resource}`;
    const now = this.nowMs();
    const hit = this.cache.get(key);
    if (hit && hit.until > now && hit.uid === wantedUid) return undefined;
    let uid: string | undefined;
    try {
      const found = await this.options.registry.get({ cluster: claims.cluster, user: SYSTEM_USER }, t, claims.namespace, name);
      // A Secret on its way out no longer authenticates (as Kubernetes checks deletionTimestamp).
      uid = found.metadata.deletionTimestamp ? undefined : found.metadata.uid;
    } catch (err) {
      if (isApiError(err) && err.reason === 'NotFound') {
        this.cache.delete(key);
        return `${what} ${claims.namespace}/${name} has been deleted`;
      }
      throw err;
    }
    if (uid !== wantedUid) {
      this.cache.delete(key);
      return uid === undefined ? `${what} ${claims.namespace}/${name} is being deleted` : `${what} ${claims.namespace}/${name} has been deleted (a new one has another uid)`;
    }
    if (this.ttl > 0) {
      this.cache.delete(key);
      this.cache.set(key, { uid, until: now + this.ttl });
      while (this.cache.size > this.size) {
        const oldest = this.cache.keys().next().value;
        if (oldest === undefined) break;
        this.cache.delete(oldest);
      }
    }
    return undefined;
  }
}

export const serviceAccountAuthenticator = (options: ServiceAccountAuthenticatorOptions): ServiceAccountAuthenticator => new ServiceAccountAuthenticator(options);
