/**
 * The GraphQL endpoint of every workspace, `/clusters/<path>/graphql`: graphql-yoga answers HTTP
 * (POST and GET per GraphQL-over-HTTP, subscriptions over SSE, GraphiQL for browsers) and
 * graphql-ws answers WebSocket upgrades of the same path. The workspace is resolved exactly as for
 * REST; its schema comes from the cache keyed by its API set, so serving a new workspace compiles
 * nothing (DESIGN decision 1).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { ApiCatalog } from '../apis/index.js';
import type { Registry } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import { useQueryLimits } from '../../plugins/query-limits.js';
import { useWarnings } from '../../plugins/warnings.js';
import { schemaFor, type GraphQLContext } from './compile.js';

export interface GraphQLEndpointDeps {
  registry: Registry;
  catalog: ApiCatalog;
  resolver: ClusterResolver;
  /** Where unexpected (masked) errors are logged. */
  log: Pick<Logger, 'warn' | 'error'>;
}

/** What the server hands yoga per request: the resolved workspace and its schema. */
interface ServerContext {
  cluster: string;
  schema: GraphQLSchema;
}

const ENDPOINT = /^\/clusters\/([^/]+)\/graphql\/?$/;
/** Largest request body (query plus variables); REST's limit is 3 MiB, GraphQL documents are small. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface GraphQLEndpoint {
  /** Answers `/clusters/<x>/graphql` over HTTP; false for any other path. */
  http(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Takes a WebSocket upgrade of `/clusters/<x>/graphql`; false for any other path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>;
  /** Closes open WebSocket connections (server shutdown). */
  close(): void;
}

export function graphqlEndpoint(deps: GraphQLEndpointDeps): GraphQLEndpoint {
  const context = (cluster: string, userAgent: string | null | undefined): GraphQLContext => ({
    registry: deps.registry,
    cluster,
    warnings: [],
    ...(userAgent ? { userAgent } : {}),
  });
  const yoga = createYoga<ServerContext, GraphQLContext>({
    graphqlEndpoint: '/clusters/:cluster/graphql',
    schema: (ctx) => ctx.schema,
    context: (ctx) => context(ctx.cluster, ctx.request.headers.get('user-agent')),
    // GraphiQL talks to the page's own path, runs subscriptions over graphql-ws, and lets the
    // user set headers (an Authorization header, once authentication lands).
    graphiql: (request) => ({
      title: 'Atoll GraphiQL',
      endpoint: new URL(request.url).pathname,
      subscriptionsProtocol: 'WS',
      headerEditorEnabled: true,
    }),
    plugins: [useQueryLimits(), useWarnings()],
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
      schema: (ctx) => (placed.get(ctx.extra.request) as ServerContext).schema,
      context: (ctx) => context((placed.get(ctx.extra.request) as ServerContext).cluster, ctx.extra.request.headers['user-agent']),
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
