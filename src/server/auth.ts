/**
 * The server's authentication and authorization, assembled from src/auth: which authenticators
 * run (the front proxy's request headers and client certificates when serving TLS, the data
 * directory's admin token, the operator's token file, ServiceAccount tokens), RBAC or
 * AlwaysAllow, and what keeps them current — the token file is re-read when it changes, and a
 * deleted ServiceAccount's tokens stop working at once (its open watches and subscriptions end),
 * not after the authenticator's cache expires.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import {
  AccessControl,
  adminTokenAuthenticator,
  CachedAuthenticator,
  CLUSTER_NAME_EXTRA,
  Authorizer,
  clientCertAuthenticator,
  ensureAdminToken,
  FRONT_PROXY_USER,
  requestHeaderAuthenticator,
  ensureShardToken,
  SHARD_USER,
  loadServiceAccountKeys,
  rbacEscalationGuard,
  RbacIndex,
  RequiredGroups,
  ServiceAccountAuthenticator,
  ServiceAccountTokens,
  serviceAccountUserName,
  Sessions,
  TokenFileAuthenticator,
  unionAuthenticator,
  withAuthResourceTypes,
  workspaceTypeUseGuard,
  type AuthRequest,
  type Authenticator,
  type RequestHeaderAuthenticator,
  type ReviewAuthorizer,
  type UnionAuthenticator,
} from '../auth/index.js';
import { isTokenSecret, SA_NAME_ANNOTATION, WatchLoop } from '../controllers/index.js';
import { groupResource, secrets, serviceAccounts, type Registry, type ResourceType } from '../registry/index.js';
import type { ObjectKey, Store, WatchEvent } from '../storage/index.js';
import { storeResolver, withOtherShards, type OtherShards } from '../tenancy/index.js';

/** `auth.*` settings (flags --token-auth-file, --anonymous-auth, --authorization-mode). */
export interface AuthSettings {
  /** kcp's static token file (CSV: token,user,uid,"group1,group2"); re-read when it changes. */
  tokenFile?: string | undefined;
  /** Let requests without credentials in as system:anonymous (default false). */
  anonymous: boolean;
  /** RBAC (default) or AlwaysAllow (every authenticated request is allowed). */
  authorization: 'RBAC' | 'AlwaysAllow';
  /** How often open streams re-check their credentials (default 10 s). */
  recheckIntervalMs?: number;
  /**
   * Request-header authentication (the front proxy's X-Remote-* headers; flags
   * --requestheader-client-ca-file, --requestheader-allowed-names): the CA (default: the
   * server's client CA) and the Common Names (default atoll-front-proxy). Only over TLS.
   */
  requestHeader?: { clientCaFile?: string; allowedNames: readonly string[] };
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { anonymous: false, authorization: 'RBAC' };

/** How often the token file's modification time is looked at. */
const TOKEN_FILE_POLL_MS = 1000;

export class ServerAuth {
  readonly access: AccessControl;
  readonly sessions: Sessions;
  readonly adminToken: string;
  /** What this shard presents to the other shards of its installation (system:masters; docs/shards.md). */
  readonly shardToken: string;
  readonly tokens: ServiceAccountTokens;
  readonly authorizer: Authorizer | undefined;
  private readonly index: RbacIndex | undefined;
  private readonly requiredGroups: RequiredGroups | undefined;
  private readonly tokenFile: TokenFileAuthenticator | undefined;
  private readonly serviceAccounts: ServiceAccountAuthenticator;
  private readonly cache: CachedAuthenticator;
  /** The union itself, uncached: what TokenReview asks, with the audiences of each review. */
  private readonly authenticator: UnionAuthenticator;
  private saWatch: WatchLoop | undefined;
  private secretWatch: WatchLoop | undefined;
  private unwatchFile: (() => void) | undefined;
  /** Set once serving TLS (the CA is made asynchronously, after construction). */
  private clientCerts: Authenticator | undefined;
  /** Set once serving TLS, as clientCerts. */
  private requestHeader: RequestHeaderAuthenticator | undefined;

  constructor(
    private readonly deps: { store: Store; registry: Registry; dataDir: string; pkiDir: string; log: Logger; others?: OtherShards },
    private readonly settings: AuthSettings,
  ) {
    this.adminToken = ensureAdminToken(deps.dataDir, deps.pkiDir);
    this.shardToken = ensureShardToken(deps.pkiDir);
    this.tokens = new ServiceAccountTokens({ keys: loadServiceAccountKeys(deps.dataDir, deps.pkiDir) });
    // 'mark', as kcp: a token works for authentication anywhere, and the authorizer treats its
    // account as foreign outside its own workspace — so a request there is a 403, not a 401.
    this.serviceAccounts = new ServiceAccountAuthenticator({ tokens: this.tokens, registry: deps.registry, crossCluster: 'mark' });
    this.tokenFile = settings.tokenFile ? new TokenFileAuthenticator(settings.tokenFile) : undefined;
    // First, as in the kube-apiserver: a request the front proxy vouches for is its X-Remote-User.
    const authenticators: Authenticator[] = [{ authenticate: async (request: AuthRequest) => this.requestHeader?.authenticate(request) }, adminTokenAuthenticator(this.adminToken), adminTokenAuthenticator(this.shardToken, { ...SHARD_USER, groups: [...SHARD_USER.groups] }), this.serviceAccounts];
    if (this.tokenFile) authenticators.push(this.tokenFile);
    // The proxy's own certificate names nobody: a request it forwards without X-Remote-User (a
    // ServiceAccount token passed on) is the token's, or no one's.
    authenticators.push({ authenticate: async (request: AuthRequest) => (this.requestHeader?.fromProxy(request) ? undefined : this.clientCerts?.authenticate(request)) });
    const authenticator = unionAuthenticator(authenticators, { anonymous: settings.anonymous });
    this.authenticator = authenticator;
    this.cache = new CachedAuthenticator(authenticator);
    if (settings.authorization === 'RBAC') {
      this.index = new RbacIndex({ store: deps.store });
      this.requiredGroups = new RequiredGroups({ store: deps.store });
      this.authorizer = new Authorizer({ index: this.index, requiredGroups: this.requiredGroups });
      deps.registry.use(rbacEscalationGuard(this.authorizer));
      deps.registry.use(workspaceTypeUseGuard(this.authorizer, withOtherShards(storeResolver(deps.store), deps.others)));
    }
    this.access = new AccessControl({ authenticator: this.cache, ...(this.authorizer ? { authorizer: this.authorizer } : {}) });
    // Open streams are re-checked against the authenticators themselves, not the cache.
    this.sessions = new Sessions({
      authenticator,
      ...(settings.recheckIntervalMs !== undefined ? { intervalMs: settings.recheckIntervalMs } : {}),
      onRevoked: (user, reason) => deps.log.info({ user: user.name, reason }, 'credentials revoked: ending open streams'),
    });
  }

  /**
   * Accepts client certificates signed by `ca` (when serving TLS), and X-Remote-* headers from
   * the front proxy's. Returns the CAs the TLS server must ask client certificates of.
   */
  trustClientCa(ca: string): string[] {
    this.clientCerts = clientCertAuthenticator(ca);
    const { clientCaFile, allowedNames = [FRONT_PROXY_USER] } = this.settings.requestHeader ?? {};
    let requestHeaderCa = ca;
    if (clientCaFile) {
      try {
        requestHeaderCa = fs.readFileSync(clientCaFile, 'utf8');
      } catch (err) {
        throw new Error(`--requestheader-client-ca-file ${clientCaFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
      }
    }
    this.requestHeader = requestHeaderAuthenticator({ ca: requestHeaderCa, allowedNames });
    return requestHeaderCa === ca ? [ca] : [ca, requestHeaderCa];
  }

  /**
   * `base` with the kinds authentication brings: the access reviews, SelfSubjectReview, and the
   * ServiceAccount type with `token` (TokenRequest). Under AlwaysAllow the reviews say yes.
   */
  resourceTypes(base: readonly ResourceType[]): ResourceType[] {
    const tokenReviewer = { authenticate: (request: AuthRequest) => this.authenticator.authenticate(request), apiAudiences: this.tokens.apiAudiences };
    return withAuthResourceTypes(base, { authorizer: this.authorizer ?? ALWAYS_ALLOW, tokens: this.tokens, tokenReviewer });
  }

  /** Loads the RBAC objects of every workspace and starts following changes; resolves when current. */
  async start(): Promise<void> {
    await this.index?.start();
    await this.requiredGroups?.start();
    // A deleted ServiceAccount, or a deleted legacy token Secret, revokes its tokens at once: cached
    // lookups and cached users go, and open streams are re-authenticated.
    const revoke = (cluster: string, namespace: string, account: string, name: string): void => {
      this.serviceAccounts.forget(cluster, namespace, name);
      const user = serviceAccountUserName(namespace, account);
      this.cache.forget((u) => u.name === user && u.extra?.[CLUSTER_NAME_EXTRA]?.[0] === cluster);
      void this.sessions.recheck();
    };
    this.saWatch = this.followDeletions(groupResource(serviceAccounts), (e) => {
      const { cluster, namespace, name } = e.key;
      revoke(cluster, namespace ?? '', name, name);
    });
    this.secretWatch = this.followDeletions(groupResource(secrets), (e) => {
      if (!e.object || !isTokenSecret(e.object)) return;
      const { cluster, namespace, name } = e.key;
      revoke(cluster, namespace ?? '', e.object.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '', name);
    });
    await Promise.all([this.saWatch.synced, this.secretWatch.synced]);
    if (this.tokenFile) this.unwatchFile = this.followTokenFile(this.tokenFile);
  }

  async stop(): Promise<void> {
    this.unwatchFile?.();
    this.sessions.stop();
    await this.saWatch?.stop();
    await this.secretWatch?.stop();
    await this.index?.stop();
    await this.requiredGroups?.stop();
  }

  /** Calls `onDeleted` for each deletion of `resource` in any logical cluster; a resync forgets everything cached. */
  private followDeletions(resource: string, onDeleted: (e: WatchEvent & { key: ObjectKey }) => void): WatchLoop {
    const { store } = this.deps;
    return new WatchLoop({
      store,
      name: `auth/${resource}`,
      log: this.deps.log.child({ component: 'auth' }),
      resource,
      // A resync means deletions may have gone by unseen: nothing cached about any account stays.
      resync: async () => {
        this.serviceAccounts.clear();
        this.cache.forget();
        return store.revision;
      },
      onEvent: (e) => {
        if (e.type === 'DELETED' && e.key) onDeleted({ ...e, key: e.key });
      },
    });
  }

  /** Re-reads the token file now (also done by itself when the file changes); ends streams of removed tokens. */
  async reloadTokenFile(): Promise<void> {
    if (!this.tokenFile) return;
    this.tokenFile.reload();
    this.cache.forget();
    await this.sessions.recheck();
  }

  /**
   * Polls the file's mtime and size: editors replace files by rename, which fs.watch on the old
   * inode would miss. A broken edit keeps the tokens loaded before (TokenFileAuthenticator.reload).
   */
  private followTokenFile(authenticator: TokenFileAuthenticator): () => void {
    const file = authenticator.file;
    const listener = (now: fs.Stats, before: fs.Stats): void => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
      this.reloadTokenFile().then(
        () => this.deps.log.info({ file, tokens: authenticator.size }, 'token file reloaded'),
        (err: unknown) => this.deps.log.error({ err, file }, 'token file not reloaded; the tokens loaded before stay in force'),
      );
    };
    fs.watchFile(file, { interval: TOKEN_FILE_POLL_MS, persistent: false }, listener);
    return () => fs.unwatchFile(file, listener);
  }
}

/** The reviews' answers when every authenticated request is allowed. */
const ALWAYS_ALLOW: ReviewAuthorizer = {
  authorize: async () => ({ allowed: true, reason: 'authorization mode AlwaysAllow' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  }),
};
