/**
 * The Atoll server: opens the store, bootstraps `root`, and serves HTTP through an ordered list
 * of handlers — each one either answers a request or passes it on. Later surfaces (Kubernetes
 * REST, GraphQL, authentication) join this list rather than growing a switch statement.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { CrdCatalog, CrdController, crdTerminationGuard, customResourceDefinitions, reservedCrdAnnotationsGuard } from '../crd/index.js';
import { NamespaceDefaultsController, namespaceLifecycle, startControllers, startTenancyControllers, type RunningControllers } from '../controllers/index.js';
import { graphqlEndpoint, type GraphQLEndpoint } from '../graphql/index.js';
import { kubeHandler } from '../kube/index.js';
import { listenUrl, traced, tracedRequest } from '../meta/index.js';
import { ApiError, builtinResourceTypes, errors, Registry, type ResourceType } from '../registry/index.js';
import { EmbeddedStore, type Store } from '../storage/index.js';
import { ComposedCatalog } from '../apis/index.js';
import { Quotas } from '../admission/quota/index.js';
import { AdmissionChain, AdmissionConfigIndex, admissionResourceTypes, equivalentsFrom, matcher, namespaceReader, type Matcher } from '../admission/index.js';
import { DestinationPolicy, MutatingWebhooks, ValidatingWebhooks, WebhookClient } from '../admission/webhooks/index.js';
import { MutatingPolicyStage, PolicyStatusController, ValidatingPolicyStage } from '../admission/policies/index.js';
import { apisResourceTypes, BindingCatalog, bindPermissionGuard, crdOverlapGuard, ensureSystemExports, maximalPermissionPolicy, ProviderViews, startApiControllers } from '../apiexports/index.js';
import {
  ensureHomeCreatorRole,
  ensureRootCluster,
  registerShard,
  registryShards,
  ROOT_SHARD,
  HomeWorkspaces,
  requiredLogicalCluster,
  storeResolver,
  tenancyResourceTypes,
  withOtherShards,
  workspaceDefaulting,
  workspaceGuard,
  WorkspaceTypeRules,
  type ClusterResolver,
} from '../tenancy/index.js';
import { ensurePki, MAX_EXPIRATION_SECONDS, PKI_DIR, RemoteDecisions, serverTlsOptions, type Pki } from '../auth/index.js';
import { HttpClient, loadKubeconfig, type Connection } from '../sdk/index.js';
import { DEFAULT_AUTH_SETTINGS, ServerAuth } from './auth.js';
import type { ServerConfig } from './config.js';
import { corsHandler } from './cors.js';
import { healthHandler } from './health.js';
import { sendError } from './http.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import { answerPlainHttp } from './plain-http-on-tls.js';
import { requestLabels, ServerMetrics, surfaceOf } from './metrics.js';
import { requestId } from './request-id.js';
import { AuditLog } from './audit.js';
import { backupHandler } from './backup.js';
import { requestScope, type RequestScope } from './request-scope.js';
import { localShards, remoteShardObjects, ShardPeers } from './shard-peers.js';
import { PeerViewShards } from './view-shards.js';
import { shardReviewer } from './shard-reviews.js';
import { requireSharedPki } from './shared-pki.js';

/** Answers a request and returns true, or returns false to let the next handler try. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** Served in every workspace: Kubernetes' built-ins, kcp's tenancy kinds, CRDs (and, added by ServerAuth, the access reviews). */
const BASE_TYPES = [...builtinResourceTypes, ...tenancyResourceTypes, customResourceDefinitions, ...apisResourceTypes, ...admissionResourceTypes];

/**
 * The drain budget: how long requests in flight may take to finish once shutdown begins. Then the
 * connections left are closed, so no client (not even one re-watching in a loop) holds the stop.
 */
export const DRAIN_MS = 10_000;

/** The answer to a WebSocket upgrade that arrives during the drain. */
const DRAINING_UPGRADE = 'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n';

/** A listener that only switches a TLS socket's reads onto its stream (see serve()). */
const ignoreData = (): void => undefined;

export class AtollServer {
  readonly store: Store;
  readonly registry: Registry;
  private http: http.Server | undefined;
  private handlers: Handler[] = [];
  /** What each workspace serves: the base types, its CRDs, its bound APIs. */
  private readonly catalog: ComposedCatalog;
  private readonly crds: CrdCatalog;
  /** What each workspace's APIBindings bind (also: who binds an export, for the provider's view). */
  readonly bindings: BindingCatalog;
  /** Providers' views of their exports across consumers (`/services/apiexport/...`, REST and GraphQL). */
  private readonly views: ProviderViews;
  /** Home workspaces (`kubectl ws` without an argument); off with --enable-home-workspaces=false. */
  private readonly home: HomeWorkspaces | undefined;
  private readonly resolver: ClusterResolver;
  private readonly rules: WorkspaceTypeRules;
  /** ResourceQuotas and workspace quotas: the last admission step, and their controller. */
  private readonly quotas: Quotas;
  /** Every workspace's admission configurations (and its providers'), by one watch per kind. */
  private readonly admissionIndex: AdmissionConfigIndex;
  /** The admission chain (docs/admission.md): policies, webhooks, quota; stages join with addMutating/addValidating. */
  readonly admission: AdmissionChain;
  /** The rules and selectors matcher the chain's stages share. */
  readonly admissionMatcher: Matcher;
  /** Admission webhooks' HTTPS connections (closed on stop). */
  private readonly webhookClient: WebhookClient;
  private controllers: RunningControllers[] = [];
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Map<Socket, number>();
  /** Every connection, TLS ones from before their handshake: what the drain budget's end closes. */
  private readonly connections = new Set<Socket>();
  private graphql: GraphQLEndpoint | undefined;
  /** Authentication and authorization. */
  readonly auth: ServerAuth;
  /** What every workspace serves before its CRDs. */
  private readonly types: ResourceType[];
  private stopTypeCache: (() => void) | undefined;
  private stopping = false;
  private started = false;
  baseUrl = '';
  /** Where users reach this shard's workspaces: a front proxy's address when one is configured. */
  get externalUrl(): string {
    return this.config.shardExternalUrl ?? this.baseUrl;
  }
  kubeconfigPath = '';
  /** The data directory's TLS material, when serving TLS. */
  pki: Pki | undefined;
  /** The audit log of writes, when configured. */
  private audit: AuditLog | undefined;
  /** This shard's name (its Shard in root); `root` holds the root workspace. */
  readonly shardName: string;
  /** The credentials shared by the installation's shards and front proxy. */
  readonly pkiDir: string;
  /** The installation's other shards: where workspaces may be placed, whose types and exports are read. */
  private readonly peers: ShardPeers;
  /** A provider's view across the shards: reads of the others, and forwarding to them. */
  private readonly viewShards: PeerViewShards;
  /** Prometheus metrics, served at /metrics; the watchers are counted when scraped. */
  readonly metrics = new ServerMetrics({ watchers: () => (this.store as Store & { watcherCount?: number }).watcherCount ?? 0 });

  /** `store`: an opened store (MongoDB, see main.ts); the embedded store in the data directory when absent. */
  constructor(
    private readonly config: ServerConfig,
    private readonly log: Logger,
    store?: Store,
  ) {
    this.shardName = config.shardName ?? ROOT_SHARD;
    this.pkiDir = config.pkiDir ?? path.join(config.dataDir, PKI_DIR);
    // A shard joining an installation uses the root shard's credentials, never makes its own.
    if (this.shardName !== ROOT_SHARD) requireSharedPki(this.pkiDir, config.tls === true);
    this.peers = new ShardPeers(this.shardName, log.child({ component: 'shard-peers' }));
    this.store = store ?? new EmbeddedStore({ dataDir: config.dataDir, ...(config.watch ? { watch: config.watch } : {}) });
    // Nothing may be created in a logical cluster that does not exist (or was just purged).
    this.registry = new Registry(this.store, { createRequires: requiredLogicalCluster, shard: this.shardName });
    this.registry.use(namespaceLifecycle(this.registry));
    this.resolver = storeResolver(this.store);
    this.rules = new WorkspaceTypeRules(this.registry, this.resolver, this.peers);
    this.registry.useMutating(workspaceDefaulting({ registry: this.registry, rules: this.rules, baseUrl: () => this.externalUrl }));
    this.registry.use(workspaceGuard());
    this.auth = new ServerAuth({ store: this.store, registry: this.registry, dataDir: config.dataDir, pkiDir: this.pkiDir, log, others: this.peers }, config.auth ?? DEFAULT_AUTH_SETTINGS);
    // `bind`, `use` and maximal permission policies in a workspace another shard holds are decided there.
    this.auth.authorizer?.askOtherShards(new RemoteDecisions({ reviewer: shardReviewer(this.peers), ...config.shardAuthorizationCache }));
    this.types = this.auth.resourceTypes(BASE_TYPES);
    this.crds = new CrdCatalog({ store: this.store, log: log.child({ component: 'crd-catalog' }) });
    this.bindings = new BindingCatalog({ store: this.store, others: this.peers, log: log.child({ component: 'binding-catalog' }) });
    // A binding's resources win over a CRD's: admission keeps the two from overlapping anyway.
    this.catalog = new ComposedCatalog(this.types, [this.bindings, this.crds]);
    this.registry.use(crdTerminationGuard(this.crds));
    this.registry.use(reservedCrdAnnotationsGuard());
    this.registry.use(crdOverlapGuard(this.bindings));
    if (this.auth.authorizer) {
      // An export on another shard is bound as one here: its workspace resolves through the shards' index.
      this.registry.use(bindPermissionGuard(this.auth.authorizer, withOtherShards(this.resolver, this.peers)));
      const policy = maximalPermissionPolicy(this.bindings, this.auth.authorizer);
      this.auth.access.limit(policy.limit, policy.prepare);
    }
    // Admission per workspace, after the guards above: policies, webhooks, then quota (last: a create
    // is counted only once everything else has admitted it); the chain orders its stages itself.
    this.admissionIndex = new AdmissionConfigIndex({ store: this.store, bindings: this.bindings, log: log.child({ component: 'admission-index' }) });
    this.admission = new AdmissionChain(this.admissionIndex);
    const typesFor = async (cluster: string) => (await this.catalog.forCluster(cluster)).types;
    this.admissionMatcher = matcher(equivalentsFrom(typesFor));
    const policies = { configs: this.admissionIndex, registry: this.registry, typesFor, matcher: this.admissionMatcher };
    this.admission.addMutating(new MutatingPolicyStage(policies));
    this.admission.addValidating(new ValidatingPolicyStage(policies));
    this.webhookClient = new WebhookClient({ destinations: new DestinationPolicy(config.webhookAllowedDestinations) });
    const webhooks = { configs: this.admissionIndex, client: this.webhookClient, matcher: this.admissionMatcher, namespaceOf: namespaceReader(this.registry), logger: log.child({ component: 'admission-webhooks' }) };
    this.admission.addMutating(new MutatingWebhooks(webhooks));
    this.admission.addValidating(new ValidatingWebhooks(webhooks));
    this.quotas = new Quotas(this.store, { typesFor });
    this.admission.addValidating(this.quotas.stage);
    this.admission.install(this.registry);
    this.viewShards = new PeerViewShards(this.peers);
    this.views = new ProviderViews({ bindings: this.bindings, baseTypes: this.types, authorizer: this.auth.authorizer, shards: this.viewShards });
    // Homes are made in root, so by the root shard (the proxy sends `workspaces/~` there).
    if (config.homeWorkspaces !== false && this.shardName === ROOT_SHARD) this.home = new HomeWorkspaces({ registry: this.registry, rules: this.rules, baseUrl: () => this.externalUrl });
  }

  /** The admin's bearer token (also in the admin kubeconfig). */
  get adminToken(): string {
    return this.auth.adminToken;
  }

  /** Builds what serves requests: authentication, GraphQL, REST, and the HTTP(S) server itself. */
  private async serve(): Promise<http.Server> {
    const { config, log } = this;
    let clientCas: string[] = [];
    if (config.tls) {
      const advertised = [config.shardBaseUrl, config.shardExternalUrl].flatMap((u) => (u ? [new URL(u).hostname] : []));
      this.pki = await ensurePki(config.dataDir, { hosts: [config.host, ...advertised], ...(config.pkiDir ? { sharedDir: config.pkiDir } : {}) });
      clientCas = this.auth.trustClientCa(this.pki.ca.cert);
    }
    const auth = this.auth;
    const access = { access: auth.access, sessions: auth.sessions, views: this.views };
    const graphql = graphqlEndpoint({ registry: this.registry, catalog: this.catalog, resolver: this.resolver, log, ...access, shards: this.viewShards, ...(config.graphql ? { settings: config.graphql } : {}) });
    this.graphql = graphql;
    const cors = corsHandler(config.corsAllowedOrigins ?? []);
    const health = healthHandler(
      [{ name: 'ping', check: () => true }],
      [
        { name: 'store', check: () => this.started },
        // Fails while the disk takes no writes (full, I/O errors) until a write succeeds again.
        { name: 'storage', check: () => this.store.writeFailure === undefined },
        { name: 'shutdown', check: () => !this.stopping },
      ],
    );
    this.handlers = [
      // CORS before anything else: it answers allowed origins' preflights (which carry no
      // credentials) and adds its headers to every other answer, REST, GraphQL and health alike.
      ...(cors ? [cors] : []),
      // Then health: probes must answer even when everything behind them is busy (and, as the
      // apiserver's public-info-viewer allows, without credentials).
      health,
      // Metrics, for whoever may get /metrics in root (as kube-apiserver's non-resource URL).
      this.metrics.handler(this.auth.access),
      // A copy of the embedded store, taken while serving, for whoever may get /backup in root.
      backupHandler({ store: this.store, access: this.auth.access, dataDir: config.dataDir }),
      // During the drain nothing new starts (health aside): a watch re-issued on a kept-alive
      // connection would hold the drain open. The connection closes after this answer.
      (_req, res) => {
        if (!this.stopping) return false;
        res.setHeader('connection', 'close');
        res.setHeader('retry-after', '1');
        sendError(res, new ApiError('ServiceUnavailable', 'the server is shutting down'));
        return true;
      },
      // GraphQL: /clusters/<workspace>/graphql (before REST, which owns the rest of /clusters/), and
      // GraphiQL's assets under /graphiql/assets/.
      (req, res, url) => graphql.http(req, res, url),
      // The Kubernetes REST surface: /clusters/<workspace>/... (health too, once entered) and /version.
      kubeHandler({ registry: this.registry, catalog: this.catalog, resolver: this.resolver, log, shutdown: this.shutdown.signal, health, ...access, shards: this.viewShards, ...(this.home ? { home: this.home } : {}) }),
      // Everything else is unknown.
      (_req, res) => {
        sendError(res, new ApiError('NotFound', 'the server could not find the requested resource', {}));
        return true;
      },
    ];
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      this.track(req.socket, res);
      void this.dispatch(req, res);
    };
    const server = this.pki ? https.createServer({ ...serverTlsOptions(this.pki), ca: clientCas }, onRequest) : http.createServer(onRequest);
    if (server instanceof https.Server) answerPlainHttp(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.stopping) {
        socket.end(DRAINING_UPGRADE);
        return;
      }
      graphql.upgrade(req, socket, head).then(
        (taken) => {
          if (!taken) socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
        },
        (err: unknown) => {
          this.log.error({ err, url: req.url }, 'websocket upgrade failed');
          socket.destroy();
        },
      );
    });
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    // TLS connections are counted once the handshake is done; plain ones at once.
    server.on(this.pki ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.inFlight.set(socket, 0);
      socket.once('close', () => this.inFlight.delete(socket));
      // Node's HTTP parser reads a TLS connection's decrypted bytes straight from the TLS layer. When
      // a request arrives while the previous response still drains (one over 16 KiB), Node pauses
      // the parser — but records already decrypted still reach it, and Node destroys the
      // connection (the client sees ECONNRESET mid-body). A 'data' listener makes Node feed the
      // parser through the socket's stream instead, whose pause holds those bytes back.
      if (this.pki) socket.on('data', ignoreData);
    });
    server.keepAliveTimeout = 65_000;
    return server;
  }

  /**
   * Counts requests in flight per connection, so shutdown can close every connection that has
   * none — including ones a client opened but never used, which Node's own idle sweep misses.
   */
  private track(socket: Socket, res: ServerResponse): void {
    this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (this.inFlight.get(socket) ?? 1) - 1;
      this.inFlight.set(socket, left);
      if (this.stopping && left === 0) socket.destroy();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    // Every answer names its request (kube-apiserver's Audit-Id), and so do the log lines about it.
    const id = requestId(req);
    res.setHeader('audit-id', id);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://atoll.invalid');
    } catch {
      sendError(res, errors.badRequest('malformed request URL'));
      return;
    }
    try {
      const handled = async (): Promise<void> => {
        for (const handle of this.handlers) if (await handle(req, res, url)) break;
      };
      // Tracing (off until an OpenTelemetry SDK is registered): a server span per request, and
      // one for the surface that answers it; the registry and the store add theirs below.
      const handledTraced = (): Promise<void> => tracedRequest(`HTTP ${req.method ?? 'GET'}`, req.headers, { 'http.request.method': req.method ?? 'GET', 'url.path': url.pathname, 'atoll.request_id': id }, async (span) => {
        const surface = surfaceOf(url.pathname);
        try {
          await (surface === 'rest' || surface === 'graphql' ? traced(surface === 'rest' ? 'kube REST' : 'GraphQL', { 'atoll.surface': surface }, handled) : handled());
        } finally {
          span.setAttribute('http.response.status_code', res.statusCode);
        }
      });
      // The audit log learns which request a write is for through the request's scope (kept only
      // when there is an audit log: AsyncLocalStorage costs something on every promise).
      const scope: RequestScope | undefined = this.audit
        ? { id, uri: req.url ?? '/', sourceIp: req.socket.remoteAddress ?? '', userAgent: req.headers['user-agent'] ?? '', received: new Date() }
        : undefined;
      await (scope ? requestScope.run(scope, handledTraced) : handledTraced());
    } catch (err) {
      if (!(err instanceof ApiError)) this.log.error({ err, requestId: id, method: req.method, url: req.url }, 'request failed');
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.metrics.observe(requestLabels(req, url, res.statusCode), seconds);
      this.log.debug({ requestId: id, method: req.method, url: req.url, status: res.statusCode, ms: +(seconds * 1000).toFixed(2) }, 'request');
    }
  }

  async start(): Promise<void> {
    if (this.config.audit) {
      this.audit = new AuditLog(this.config.audit);
      this.audit.watch(this.registry);
    }
    if (this.shardName === ROOT_SHARD) {
      await ensureRootCluster(this.registry);
      await ensureSystemExports(this.registry);
      if (this.home) await ensureHomeCreatorRole(this.registry);
    }
    this.stopTypeCache = this.rules.cacheTypes();
    const typesFor = async (cluster: string) => (await this.catalog.forCluster(cluster)).types;
    const log = this.log.child({ component: 'controllers' });
    await this.auth.start();
    await this.crds.start();
    this.controllers.push({ synced: Promise.resolve(), stop: () => this.crds.stop() });
    await this.bindings.start();
    this.controllers.push({ synced: Promise.resolve(), stop: () => this.bindings.stop() });
    await this.admissionIndex.start();
    this.controllers.push({ synced: Promise.resolve(), stop: () => this.admissionIndex.stop() });
    const policyStatus = new PolicyStatusController({ registry: this.registry, typesFor, log });
    this.controllers.push({ synced: policyStatus.synced, stop: () => policyStatus.stop() });
    this.controllers.push(startControllers({ registry: this.registry, typesFor, log }));
    const crds = new CrdController({ registry: this.registry, base: this.types, log });
    this.controllers.push({ synced: crds.synced, stop: () => crds.stop() });
    const quota = this.quotas.start({ registry: this.registry, typesFor, log });
    this.controllers.push({ synced: quota.synced, stop: () => quota.stop() });
    await Promise.all(this.controllers.map((c) => c.synced));
    const server = await this.serve();
    this.http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept queue: thousands of clients (re)connecting at once, as after a restart, would
      // overflow Node's default of 511 and wait seconds for their SYN retries.
      server.listen({ port: this.config.port, host: this.config.host, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.baseUrl = listenUrl(this.pki !== undefined, this.config.host, (server.address() as AddressInfo).port);
    await this.joinInstallation();
    // Workspace URLs name the address we listen on, so the workspace controllers start once it is known.
    const tenancy = startTenancyControllers({ registry: this.registry, rules: this.rules, baseUrl: () => this.externalUrl, placement: this.peers, log });
    this.controllers.push(tenancy);
    const apis = startApiControllers({
      registry: this.registry,
      resolver: this.resolver,
      rules: this.rules,
      bindings: this.bindings,
      apiSet: (cluster) => this.catalog.forCluster(cluster),
      viewUrl: (cluster, name) => `${this.externalUrl}/services/apiexport/${cluster}/${name}`,
      others: this.peers,
      log,
    });
    this.controllers.push(apis);
    // Known once serving: the CA that kube-root-ca.crt publishes. Legacy token Secrets hold tokens
    // that do not expire in Kubernetes; ours last the longest a token may (2^32 s).
    const defaults = new NamespaceDefaultsController({
      registry: this.registry,
      caCert: this.pki?.ca.cert,
      issueToken: async (account) => (await this.auth.tokens.issueToken({ ...account, expirationSeconds: MAX_EXPIRATION_SECONDS })).token,
      log,
    });
    this.controllers.push({ synced: defaults.synced, stop: () => defaults.stop() });
    await Promise.all([tenancy.synced, apis.synced, defaults.synced]);
    // It names the base URL when there is one: this file is what the other shards and the front proxy
    // are given (--root-shard-kubeconfig), and a listen address of 0.0.0.0 is named as loopback.
    this.kubeconfigPath = writeAdminKubeconfig(this.config.dataDir, this.config.shardBaseUrl ?? this.baseUrl, this.adminToken, this.pki?.ca.cert);
    this.started = true;
    this.log.info({ url: this.baseUrl, dataDir: this.config.dataDir, kubeconfig: this.kubeconfigPath, revision: this.store.revision }, 'Atoll is serving');
  }

  /**
   * Registers this shard's Shard in root (the root shard through its own registry, another through
   * the root shard's API) and starts following the installation's other shards. A lone `npm start`
   * is the root shard and its own entry point; it follows only root's Shards, of which it is the one.
   */
  private async joinInstallation(): Promise<void> {
    const spec = { baseURL: this.config.shardBaseUrl ?? this.baseUrl, externalURL: this.externalUrl, virtualWorkspaceURL: this.externalUrl };
    const token = this.auth.shardToken;
    let root: Connection;
    if (this.shardName === ROOT_SHARD) {
      await registerShard(registryShards(this.registry), ROOT_SHARD, spec);
      root = { server: this.baseUrl, token, ...(this.pki ? { ca: this.pki.ca.cert } : {}) };
    } else {
      const kubeconfig = loadKubeconfig({ file: this.config.rootShardKubeconfig as string });
      // The root shard's address and CA from its kubeconfig; the shards' own token, not the admin's.
      root = { server: new URL(kubeconfig.server).origin, token, ...(kubeconfig.ca ? { ca: kubeconfig.ca } : {}), ...(kubeconfig.servername ? { servername: kubeconfig.servername } : {}) };
      const http = new HttpClient(root);
      try {
        await registerShard(remoteShardObjects(http), this.shardName, spec);
      } finally {
        http.close();
      }
    }
    await this.peers.start(root, this.shardName === ROOT_SHARD ? localShards(this.registry) : undefined);
  }

  /** Graceful stop: fail readiness, stop accepting, let requests drain, then close the store. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info('shutting down');
    const server = this.http;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    // Watches and subscriptions never finish by themselves; ending them lets clients re-watch at once.
    this.shutdown.abort();
    this.graphql?.close();
    for (const [socket, requests] of this.inFlight) if (requests === 0) socket.destroy();
    // The budget spent, what is left is cut off: streams that do not end at shutdown (GraphQL
    // subscriptions over SSE), slow requests, WebSockets, TLS handshakes never finished.
    const timer = setTimeout(() => {
      this.log.warn({ connections: this.connections.size }, 'drain budget spent: closing the connections left');
      for (const socket of [...this.connections, ...this.inFlight.keys()]) socket.destroy();
    }, DRAIN_MS);
    timer.unref();
    await closed;
    clearTimeout(timer);
    await Promise.all(this.controllers.map((c) => c.stop()));
    await this.peers.stop();
    this.webhookClient.close();
    await this.auth.stop();
    this.stopTypeCache?.();
    await this.store.close();
    this.metrics.close();
    this.audit?.close();
    this.log.info('stopped');
  }
}
