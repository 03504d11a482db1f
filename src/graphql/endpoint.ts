/**
 * The GraphQL endpoint of every workspace, `/clusters/<path>/graphql`: graphql-yoga answers HTTP
 * (POST and GET per GraphQL-over-HTTP, subscriptions over SSE, GraphiQL for browsers) and
 * graphql-ws answers WebSocket upgrades of the same path. The workspace is resolved exactly as for
 * REST; its schema comes from the cache keyed by its API set, so serving a new workspace compiles
 * nothing (DESIGN decision 1).
 *
 * graphql-ws operations are parsed, validated and given their context through yoga's envelop
 * (`getEnveloped`), so query limits, introspection control, persisted operations and the context
 * plugins build hold on WebSockets as on HTTP. They execute with graphql-js itself, not yoga's
 * executor, as before: execution hooks (error masking, warnings) do not run there, and fan-out stays
 * cheap — through yoga's executor a subscription event cost 1.4–1.8 times the server CPU
 * (measured with 1,000 subscribers).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { ApiCatalog } from '../apis/index.js';
import type { Registry } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import { useIntrospectionControl } from '../../plugins/introspection.js';
import {
  persistedDocument,
  PersistedOperations,
  usePersistedOperationList,
  type PersistedOperationsOptions,
} from '../../plugins/persisted-operations.js';
import { useQueryLimits } from '../../plugins/query-limits.js';
import { useWarnings } from '../../plugins/warnings.js';
import { useExecutionTimeout } from '../../plugins/execution-timeout.js';
import { schemaFor, type GraphQLContext } from './compile.js';
import { GRAPHIQL_ASSETS_PATH, renderGraphiQL, serveGraphiQLAsset } from './graphiql.js';

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
}

export const DEFAULT_GRAPHQL_SETTINGS: GraphQLSettings = { introspection: 'enabled', onlyPersisted: false, timeoutMs: 30_000 };

export interface GraphQLEndpointDeps {
  registry: Registry;
  catalog: ApiCatalog;
  resolver: ClusterResolver;
  /** Where unexpected (masked) errors are logged. */
  log: Pick<Logger, 'warn' | 'error'>;
  /** Defaults to DEFAULT_GRAPHQL_SETTINGS. */
  settings?: GraphQLSettings;
}

/** What the server hands yoga per request: the resolved workspace and its schema. */
type ServerContext = {
  cluster: string;
  schema: GraphQLSchema;
};

/**
 * What plugins see before the context factory runs (at parse and validation): the server context
 * plus the request — the HTTP request, or for graphql-ws the upgrade request, as a Fetch Request.
 */
type RequestScope = ServerContext & { request: Request };

const ENDPOINT = /^\/clusters\/([^/]+)\/graphql\/?$/;
/** Largest request body (query plus variables); REST's limit is 3 MiB, GraphQL documents are small. */
const MAX_BODY_BYTES = 1024 * 1024;

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
  if (settings.onlyPersisted && !settings.persistedOperations) throw new Error('graphql.onlyPersisted needs graphql.persistedOperations (a file of operations)');
  const persisted: PersistedOperationsOptions | undefined = settings.persistedOperations
    ? { operations: PersistedOperations.load(settings.persistedOperations), onlyPersisted: settings.onlyPersisted }
    : undefined;
  // Whether a request may introspect. Today a setting; authorization can decide per caller here.
  const introspectionAllowed = (_scope: Readonly<RequestScope>): boolean => settings.introspection === 'enabled';

  const plugins = [
    // The workspace's schema, resolved by the server per request (HTTP) or per upgrade (graphql-ws).
    {
      onEnveloped({ context, setSchema }) {
        const schema = (context as Partial<ServerContext> | undefined)?.schema;
        if (schema) setSchema(schema);
      },
    } satisfies Plugin,
    ...(persisted ? [usePersistedOperationList(persisted)] : []),
    useIntrospectionControl<RequestScope>(introspectionAllowed),
    useQueryLimits(),
    useExecutionTimeout(settings.timeoutMs),
    useWarnings(),
  ];
  const yoga = createYoga<ServerContext, GraphQLContext>({
    graphqlEndpoint: '/clusters/:cluster/graphql',
    context: ({ cluster, request }) => {
      const userAgent = request.headers.get('user-agent');
      return { registry: deps.registry, cluster, warnings: [], ...(userAgent ? { userAgent } : {}) };
    },
    // GraphiQL talks to the page's own path, runs subscriptions over graphql-ws, and lets the
    // user set headers (an Authorization header, once authentication lands). Its assets come from
    // this server (./graphiql.ts), not from a CDN.
    graphiql: (request) => ({
      title: 'Atoll GraphiQL',
      endpoint: new URL(request.url).pathname,
      subscriptionsProtocol: 'WS',
      isHeadersEditorEnabled: true,
    }),
    renderGraphiQL,
    plugins,
    landingPage: false,
    // Only what needs an operator's eye: masked internal errors arrive here with their cause.
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => deps.log.warn({ args }, 'graphql'),
      error: (...args: unknown[]) => deps.log.error({ args }, 'graphql'),
    },
  });
  const wss = new WebSocketServer({ noServer: true });
  const placed = new WeakMap<IncomingMessage, ServerContext>();
  useServer<Record<string, unknown> | undefined, { request: IncomingMessage }>(
    {
      // What yoga does per HTTP request, per subscribe message: persisted operation lookup, parse
      // and validate with every plugin, then the context. graphql-ws then runs graphql-js's
      // execute or subscribe on the arguments returned.
      onSubscribe: async (ctx, _id, payload) => {
        const placedAt = placed.get(ctx.extra.request) as ServerContext;
        // The schema as of this operation: the workspace's API set may have changed (a CRD added)
        // since the socket opened; running subscriptions keep the schema they started with.
        const where: ServerContext = { ...placedAt, schema: schemaFor(await deps.catalog.forCluster(placedAt.cluster)) };
        let query: string;
        try {
          query = persisted ? persistedDocument(persisted, payload) : payload.query;
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const params = { query, operationName: payload.operationName ?? undefined, variables: payload.variables ?? undefined, extensions: payload.extensions ?? undefined };
        const enveloped = yoga.getEnveloped({ ...where, request: fetchRequest(ctx.extra.request), params });
        let document: DocumentNode;
        try {
          document = enveloped.parse(query) as DocumentNode;
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const schema = enveloped.schema as GraphQLSchema;
        const errors = enveloped.validate(schema, document) as readonly GraphQLError[];
        if (errors.length > 0) return errors;
        const contextValue = (await enveloped.contextFactory()) as GraphQLContext;
        return { schema, document, contextValue, operationName: params.operationName, variableValues: params.variables };
      },
    },
    wss,
  );

  /**
   * Where a request to `pathname` goes: undefined when it is not a GraphQL endpoint, else the
   * workspace it names (`ref`, decoded) and, when that workspace exists, its cluster and schema.
   */
  const locate = async (pathname: string): Promise<{ ref: string; where: ServerContext | undefined } | undefined> => {
    const m = ENDPOINT.exec(pathname);
    if (!m) return undefined;
    const raw = m[1] as string;
    let ref: string;
    try {
      ref = decodeURIComponent(raw);
    } catch {
      return { ref: raw, where: undefined };
    }
    const cluster = await deps.resolver.resolve(ref);
    return { ref, where: cluster ? { cluster, schema: schemaFor(await deps.catalog.forCluster(cluster)) } : undefined };
  };

  return {
    async http(req, res, url) {
      if (url.pathname.startsWith(GRAPHIQL_ASSETS_PATH) && (await serveGraphiQLAsset(req, res, url))) return true;
      const found = await locate(url.pathname);
      if (!found) return false;
      const { ref, where } = found;
      if (!where) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: `workspace "${ref}" not found`, extensions: { code: 'NOT_FOUND' } }] }));
        return true;
      }
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ errors: [{ message: `request body larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
        return true;
      }
      await yoga.handle(req, res, where);
      return true;
    },
    async upgrade(req, socket, head) {
      const found = await locate(new URL(req.url ?? '/', 'http://atoll.invalid').pathname);
      if (!found) return false;
      const { where } = found;
      if (!where) {
        socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      placed.set(req, where);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
    },
  };
}

/** A WebSocket upgrade request as a Fetch Request: plugins read headers the same way on both transports. */
function fetchRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'atoll.invalid'}`);
  } catch {
    url = new URL(req.url ?? '/', 'http://atoll.invalid');
  }
  return new Request(url, { headers });
}
