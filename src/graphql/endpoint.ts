/**
 * The GraphQL endpoint of every workspace, `/clusters/<path>/graphql`: graphql-yoga answers HTTP
 * (POST and GET per GraphQL-over-HTTP, subscriptions over SSE, GraphiQL for browsers) and
 * graphql-ws answers WebSocket upgrades of the same path (ws-server.ts). Every request passes the
 * same gate as REST (gate.ts): authenticated before anything else, then the workspace is resolved
 * and entered; each resolver then authorizes its own registry call (context.ts). The workspace's
 * schema comes from the cache keyed by its API set, so serving a new workspace compiles nothing
 * (DESIGN decision 1); introspection answers from a view of it filtered to what the caller may
 * use (schema-view.ts).
 *
 * A provider's view of an APIExport has the same endpoint at
 * `/services/apiexport/<export cluster>/<export>/graphql` (every consumer at once: lists, watches)
 * and `.../clusters/<consumer>/graphql` (one consumer: every operation), from the schema of the
 * view's API set; the view's checks replace the workspace's RBAC (src/apiexports/provider-view.ts).
 *
 * GraphiQL's page and assets are served without credentials: they are the same static files for
 * every workspace and reveal nothing (not even whether the workspace exists). The page's own
 * requests carry the Authorization header the user enters in its header editor.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { createYoga, type Plugin } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { ApiCatalog } from '../apis/index.js';
import { delegationOf, parseViewPath, type Delegation, type ProviderViews, type ShardForwarder, type ViewEntry } from '../apiexports/index.js';
import { ANONYMOUS_USER, impersonationHeaders, NO_CREDENTIALS, type AccessControl, type Attributes, type AuthUser, type Sessions } from '../auth/index.js';
import { isApiError, readBody, type Registry } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import { useFilteredIntrospection } from '../../plugins/filtered-introspection.js';
import { useIntrospectionControl } from '../../plugins/introspection.js';
import { PersistedOperations, usePersistedOperationList, type PersistedOperationsOptions } from '../../plugins/persisted-operations.js';
import { useQueryLimits } from '../../plugins/query-limits.js';
import { useWarnings } from '../../plugins/warnings.js';
import { useCodedErrors } from '../../plugins/coded-errors.js';
import { useExecutionTimeout } from '../../plugins/execution-timeout.js';
import { setSchemaCacheBytes, type GraphQLContext } from './compile.js';
import { Gate, refuseUpgrade, sendRefusal, type Address, type Placed } from './gate.js';
import { GRAPHIQL_ASSETS_PATH, renderGraphiQL, serveGraphiQLAsset, type AtollGraphiQLOptions } from './graphiql.js';
import { jitExecute } from './jit-execute.js';
import { serveLean, type LeanDeps } from './lean-http.js';
import { PreparedDocuments } from './prepared.js';
import { ResultCache } from './result-cache.js';
import { subscribeSharing } from './shared-events.js';
import { visibleSchema } from './visibility.js';
import type { WsLimits } from './ws-transport.js';
import { payloadLimitedWebSocket } from './ws-payload-limit.js';
import { serveGraphQLWs, type Connection, type OperationScope } from './ws-server.js';

/** Operator settings of the GraphQL surface (server configuration `graphql.*`). */
export interface GraphQLSettings {
  /** `disabled` refuses `__schema` and `__type` (`__typename` still works). */
  introspection: 'enabled' | 'disabled';
  /** A JSON file of `{ "<id>": "<document>" }` whose operations clients may run by id. */
  persistedOperations?: string | undefined;
  /** Run nothing but the persisted operations (needs `persistedOperations`). */
  onlyPersisted: boolean;
  /** Longest a query or mutation may run before it is answered with a TIMEOUT error. */
  timeoutMs: number;
  /**
   * Largest request body (query, variables, extensions) and graphql-ws message, counted as the
   * bytes arrive; larger ones are answered 413 PAYLOAD_TOO_LARGE, or closed with 1009. REST's
   * limit is 3 MiB: GraphQL documents are small, and objects are better sent as variables of
   * several requests than as one huge one.
   */
  maxBodyBytes: number;
  /**
   * Bound of the process-wide compiled-schema cache, in estimated heap bytes (compile.ts,
   * schema-size.ts); left as it is when absent.
   */
  schemaCacheBytes?: number;
  /** graphql-ws keep-alive and send-buffer bound (not command-line options; defaults in ws-transport.ts). */
  ws?: WsLimits;
}

export const DEFAULT_GRAPHQL_SETTINGS: GraphQLSettings = { introspection: 'enabled', onlyPersisted: false, timeoutMs: 30_000, maxBodyBytes: 1024 * 1024 };

export interface GraphQLEndpointDeps {
  registry: Registry;
  catalog: ApiCatalog;
  resolver: ClusterResolver;
  /** Where unexpected (masked) errors are logged, and (at debug) why authentication failed. */
  log: Pick<Logger, 'warn' | 'error'> & Partial<Pick<Logger, 'debug'>>;
  /** Defaults to DEFAULT_GRAPHQL_SETTINGS. */
  settings?: GraphQLSettings;
  /** Authentication and authorization; without it every request is anonymous and allowed (tests of the surface alone). */
  access?: AccessControl;
  /** Ends subscriptions whose credentials are revoked. */
  sessions?: Sessions;
  /** Providers' views of their APIExports; without them `/services/apiexport/...` is not answered here. */
  views?: ProviderViews;
  /** Sends a provider's request about a consumer held on another shard on to that shard. */
  shards?: ShardForwarder;
}

/**
 * What the server hands yoga per request: the entered workspace and its schema, the user the
 * request acts as, and the headers that authenticated it with the user they name (which Sessions
 * re-checks while a subscription runs; not `user` when the request impersonates).
 */
type ServerContext = {
  cluster: string;
  schema: GraphQLSchema;
  user?: AuthUser;
  credentials?: IncomingHttpHeaders;
  authenticated?: AuthUser;
  /** Set in a provider's view. */
  view?: ViewEntry;
};

/**
 * What plugins see before the context factory runs (at parse and validation): the server context
 * plus the request — the HTTP request, or for graphql-ws the upgrade request, as a Fetch Request.
 */
type RequestScope = ServerContext & { request: Request };

const ENDPOINT = /^\/clusters\/([^/]+)\/graphql\/?$/;

/** What a GraphQL endpoint path addresses; undefined for any other path. */
function addressOf(pathname: string, views: ProviderViews | undefined): Address | undefined {
  const m = ENDPOINT.exec(pathname);
  if (m) return m[1] as string;
  if (!views) return undefined;
  try {
    const path = parseViewPath(pathname);
    return path?.graphql ? { exportCluster: path.exportCluster, exportName: path.exportName, target: path.target } : undefined;
  } catch {
    // A malformed view path: REST answers it (after authentication) with kcp's 404.
    return undefined;
  }
}

export interface GraphQLEndpoint {
  /** Answers `/clusters/<x>/graphql` and GraphiQL's assets over HTTP; false for any other path. */
  http(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Takes a WebSocket upgrade of `/clusters/<x>/graphql`; false for any other path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>;
  /** Closes open WebSocket connections (server shutdown). */
  close(): void;
}

export function graphqlEndpoint(deps: GraphQLEndpointDeps): GraphQLEndpoint {
  const settings = deps.settings ?? DEFAULT_GRAPHQL_SETTINGS;
  if (settings.schemaCacheBytes !== undefined) setSchemaCacheBytes(settings.schemaCacheBytes);
  if (settings.onlyPersisted && !settings.persistedOperations) throw new Error('graphql.onlyPersisted needs graphql.persistedOperations (a file of operations)');
  const persisted: PersistedOperationsOptions | undefined = settings.persistedOperations
    ? { operations: PersistedOperations.load(settings.persistedOperations), onlyPersisted: settings.onlyPersisted }
    : undefined;
  const gate = new Gate({
    catalog: deps.catalog,
    resolver: deps.resolver,
    access: deps.access,
    views: deps.views,
    onUnauthenticated: (why) => deps.log.debug?.({ why }, 'graphql: authentication failed'),
  });
  // Whether a request may introspect at all (the operator's switch, which wins); what it then
  // sees depends on the caller (view).
  const introspectionAllowed = (_scope: Readonly<RequestScope>): boolean => settings.introspection === 'enabled';
  // A provider's view shows its whole schema: its users hold the export's content, not RBAC in the consumers.
  const view = (context: GraphQLContext, schema: GraphQLSchema): GraphQLSchema => (context.scope ? schema : visibleSchema(deps.access, context.cluster, context.user, schema));

  const plugins = [
    // Queries and mutations run compiled by graphql-jit (jit-execute.ts) instead of on yoga's
    // executor (@graphql-tools/executor), and subscriptions (SSE) share each event's execution as
    // graphql-ws's do (shared-events.ts): first, so that the plugins below wrap them.
    {
      onExecute: ({ setExecuteFn }) => setExecuteFn(jitExecute),
      onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(subscribeSharing),
    } satisfies Plugin,
    // The workspace's schema, resolved by the server per request (HTTP) or per operation (graphql-ws).
    {
      onEnveloped({ context, setSchema }) {
        const schema = (context as Partial<ServerContext> | undefined)?.schema;
        if (schema) setSchema(schema);
      },
    } satisfies Plugin,
    ...(persisted ? [usePersistedOperationList(persisted)] : []),
    useIntrospectionControl<RequestScope>(introspectionAllowed),
    useFilteredIntrospection<GraphQLContext & Record<string, unknown>>(view),
    useQueryLimits(),
    useCodedErrors(),
    useExecutionTimeout(settings.timeoutMs),
    useWarnings(),
  ];
  const contextFor = (where: ServerContext, userAgent: string | null): GraphQLContext => {
    const { user, credentials, cluster, view } = where;
    const authenticated = where.authenticated ?? user;
    const sessions = deps.sessions;
    // Streams in a view re-check their credentials in the export's workspace, where its owner's are valid.
    const home = view ? view.view.exportCluster : cluster;
    return {
      registry: deps.registry,
      cluster,
      warnings: [],
      ...(userAgent ? { userAgent } : {}),
      // Per-field checks only under RBAC: with AlwaysAllow every field of an authenticated caller is
      // allowed, and building each field's attributes would be pure cost.
      ...(deps.access?.authorizer ? { access: deps.access } : {}),
      // A view's checks are not RBAC's: the consumer's binding is checked under AlwaysAllow too.
      ...(view ? { access: { authorize: (_cluster: string, attributes: Attributes) => view.authorize(attributes) }, scope: (type, verb) => view.scope(type, verb) } : {}),
      ...(user ? { user } : {}),
      ...(sessions && authenticated && credentials ? { trackCredentials: (end: () => void) => sessions.track({ headers: credentials, cluster: home }, authenticated, end) } : {}),
    };
  };
  const yoga = createYoga<ServerContext, GraphQLContext>({
    // Every path the server hands yoga: /clusters/<x>/graphql and a provider view's.
    graphqlEndpoint: '/:path+/graphql',
    context: (initial) => contextFor(initial, initial.request.headers.get('user-agent')),
    graphiql: (request) => graphiqlOptions(new URL(request.url).pathname),
    renderGraphiQL,
    plugins,
    landingPage: false,
    // No file uploads (graphql-multipart-request): nothing in a schema takes one, and a body that
    // is no multipart form failed inside yoga's parser as an internal error.
    multipart: false,
    // yoga's default CORS reflects any Origin with credentials allowed; the server's CORS step
    // (src/server/cors.ts) decides instead, for REST and GraphQL alike.
    cors: false,
    // Only what needs an operator's eye: masked internal errors arrive here with their cause.
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => deps.log.warn({ args }, 'graphql'),
      error: (...args: unknown[]) => deps.log.error({ args }, 'graphql'),
    },
  });
  /**
   * GraphiQL talks to the page's own path, runs subscriptions over graphql-ws, and lets the user
   * set headers — with authentication on, its header editor starts with the Authorization header
   * to complete. Its assets come from this server (./graphiql.ts), not from a CDN.
   */
  const graphiqlOptions = (pathname: string): AtollGraphiQLOptions => ({
    title: 'Atoll GraphiQL',
    endpoint: pathname,
    subscriptionsProtocol: 'WS',
    isHeadersEditorEnabled: true,
    ...(deps.access ? { headers: JSON.stringify({ Authorization: 'Bearer ' }, null, 2), tokenHint: true } : {}),
  });

  // Persisted operations work on yoga's parameter hooks, which the lean path does not run.
  const lean: LeanDeps<ServerContext> | undefined = persisted
    ? undefined
    : { yoga, onUnexpected: (err) => deps.log.error({ args: [err] }, 'graphql'), prepared: new PreparedDocuments(), results: new ResultCache(), contextFor, timeoutMs: settings.timeoutMs };

  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxBodyBytes, WebSocket: payloadLimitedWebSocket(settings.maxBodyBytes) });
  const connections = new WeakMap<IncomingMessage, Connection>();
  serveGraphQLWs({
    wss,
    gate,
    connections,
    getEnveloped: (scope: OperationScope) => yoga.getEnveloped(scope),
    persisted,
    view,
    ...(settings.ws ? { limits: settings.ws } : {}),
    onInternalError: (err) => deps.log.error({ err }, 'graphql-ws: unexpected error handling a message'),
  });

  return {
    async http(req, res, url) {
      if (url.pathname.startsWith(GRAPHIQL_ASSETS_PATH) && (await serveGraphiQLAsset(req, res, url))) return true;
      const address = addressOf(url.pathname, deps.views);
      if (address === undefined) return false;
      if (isGraphiQLPage(req)) {
        const html = await renderGraphiQL(graphiqlOptions(url.pathname));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
        return true;
      }
      let where: ServerContext;
      try {
        const user = await gate.authenticate({ headers: req.headers, socket: req.socket });
        const delegation = typeof address === 'string' ? undefined : delegationOf(req.headers, user);
        const placed = await gate.place(address, user, impersonationHeaders(req), { delegation, sendOn: deps.shards !== undefined });
        if (sentOn(placed, (shard, d) => deps.shards?.forward(shard, req, res, `${url.pathname}${url.search}`, d))) return true;
        where = { ...placed, ...(user ? { authenticated: user, credentials: req.headers } : {}) };
      } catch (err) {
        if (!isApiError(err)) throw err;
        sendRefusal(res, err);
        return true;
      }
      let body: Buffer<ArrayBuffer> | undefined;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // Every body yoga reads (POST, SSE subscriptions, persisted operations) is read here
        // first, under the limit; yoga then reads the buffered copy, not the request stream.
        try {
          body = await readBody(req, res, settings.maxBodyBytes);
        } catch (err) {
          if (!isApiError(err)) throw err;
          sendRefusal(res, err);
          return true;
        }
      }
      if (lean && (await serveLean(lean, req, res, url, where, body))) return true;
      if (body && body.length > 0) Object.assign(req, { body: bodyForYoga(body) });
      await yoga.handle(req, res, where);
      return true;
    },
    async upgrade(req, socket, head) {
      const address = addressOf(new URL(req.url ?? '/', 'http://atoll.invalid').pathname, deps.views);
      if (address === undefined) return false;
      const impersonation = impersonationHeaders(req);
      const conn: Connection = { address, headers: req.headers, ...(impersonation ? { impersonation } : {}) };
      try {
        if (!gate.enabled) conn.placed = await gate.place(conn.address, undefined);
        else {
          // A caller who identified itself at the upgrade learns at once what its first operation
          // would (403, or 404 for admins), as REST would answer it.
          const user = await authenticateUpgrade(gate, req);
          const delegation = typeof conn.address === 'string' ? undefined : delegationOf(req.headers, user);
          if (delegation) conn.delegation = delegation;
          if (user && user.name !== ANONYMOUS_USER) {
            const placed = await gate.place(conn.address, user, impersonation, { delegation, sendOn: deps.shards !== undefined });
            if (sentOn(placed, (shard, d) => deps.shards?.forwardUpgrade(shard, req, socket, head, req.url ?? '/', d))) return true;
          }
        }
      } catch (err) {
        if (!isApiError(err)) throw err;
        refuseUpgrade(socket, err);
        return true;
      }
      connections.set(req, conn);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
    },
  };
}

/**
 * A buffered body as yoga's node adapter takes it in place of the request stream: a Blob. The
 * adapter takes `req.body` only once Object.keys says it is not empty, which on a Buffer lists every
 * byte (a third of a second for 1 MiB) and on a Blob lists nothing: hence the one own property.
 */
const bodyForYoga = (body: Buffer<ArrayBuffer>): Blob => Object.assign(new Blob([body]), { buffered: true });

/** A browser asking for the page (what yoga renders GraphiQL for). */
const isGraphiQLPage = (req: IncomingMessage): boolean => req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');

/**
 * The caller of an upgrade; throws the 401 ApiError for invalid credentials. An upgrade without
 * any is let through (undefined): its operations may bring their own (connectionParams, or per
 * operation as GraphiQL does), and each one is authenticated and enters the workspace anyway —
 * which is also why the workspace is not looked at before the caller is known.
 */
async function authenticateUpgrade(gate: Gate, req: IncomingMessage): Promise<AuthUser | undefined> {
  let why: string | undefined;
  try {
    return await gate.authenticate({ headers: req.headers, socket: req.socket }, (reason) => (why = reason));
  } catch (err) {
    if (why === NO_CREDENTIALS) return undefined;
    throw err;
  }
}

/**
 * Sends a view's request about a consumer another shard holds on to that shard, with the content
 * its user holds here (view-delegation.ts); false when the request is answered here.
 */
function sentOn(placed: Placed & { user?: AuthUser }, send: (shard: string, delegation: Delegation) => void): boolean {
  const entry = placed.view;
  if (!entry?.holder || !placed.user) return false;
  send(entry.holder, entry.delegation(placed.user));
  return true;
}
