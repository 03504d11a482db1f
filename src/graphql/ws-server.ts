/**
 * graphql-ws on the endpoint's WebSocket upgrades. Operations are parsed, validated and given their
 * context through yoga's envelop (`getEnveloped`), so query limits, introspection control,
 * persisted operations and the context plugins build hold here as on HTTP; they then execute with
 * graphql-js itself: through yoga's executor a subscription event cost 1.4–1.8 times the server
 * CPU (measured with 1,000 subscribers).
 *
 * Authentication is per operation, as each HTTP request's is: the operation's own
 * `extensions.headers.Authorization` (GraphiQL's header editor), else the connection's credentials
 * — `connectionParams` of connection_init, else the upgrade request's Authorization header or
 * Kubernetes' WebSocket bearer-token subprotocol entry; `Impersonate-*` headers count where they
 * came with the credentials used (credentials.ts). Each operation then enters its workspace,
 * so a revoked token or a removed binding stops new operations on an open socket. The connection
 * itself is refused for credentials that are invalid (the upgrade with HTTP 401, connection_init
 * with close code 4401) and, when the upgrade names its caller, for a workspace that caller may not
 * enter (403, or 404 for admins, as REST answers); without any credentials it opens, since GraphiQL
 * authenticates operation by operation.
 *
 * A subscription whose credentials are revoked ends by itself with an UNAUTHENTICATED error
 * (subscription-fields.ts); the socket stays open for the others, which may use other credentials.
 * One whose client reads too slowly ends with TOO_SLOW when the watch hub cuts its watch off; a
 * socket whose unsent data outgrows a bound is closed, and only dead peers are torn down by the
 * keep-alive (ws-transport.ts).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { WebSocketServer } from 'ws';
import type { Delegation } from '../apiexports/index.js';
import type { AuthUser, ImpersonationHeaders } from '../auth/index.js';
import { executionSchema } from '../../plugins/filtered-introspection.js';
import { persistedDocument, type PersistedOperationsOptions } from '../../plugins/persisted-operations.js';
import type { GraphQLContext } from './context.js';
import { connectionCredentials, operationCredentials } from './credentials.js';
import { toGraphQLError } from './errors.js';
import type { Address, Gate, Placed } from './gate.js';
import { subscribePolled, subscribeSharing } from './shared-events.js';
import { FanOutSubscription } from './ws-fanout.js';
import { sendingResults } from './ws-next.js';
import { serveSockets, type SocketExtra, type WsLimits } from './ws-transport.js';

/** One WebSocket connection, from its upgrade on. */
export interface Connection {
  /** What the path addresses: the workspace segment as the client wrote it, or a provider's view. */
  address: Address;
  /** The workspace, when it was placed at the upgrade (servers without authentication). */
  placed?: Placed;
  /** The connection's own credentials: the upgrade's headers, or connectionParams' Authorization. */
  headers: IncomingHttpHeaders;
  /** The `Impersonate-*` headers that came with those credentials. */
  impersonation?: ImpersonationHeaders | undefined;
  /**
   * Set when the export's shard sent this connection on (a provider's view of a consumer held
   * here): every operation acts for the user it names, whatever connectionParams say.
   */
  delegation?: Delegation;
}

/** What the endpoint hands the envelop per operation: see endpoint.ts' ServerContext. */
export interface OperationScope extends Placed {
  user?: AuthUser;
  credentials?: IncomingHttpHeaders;
  authenticated?: AuthUser;
  request: Request;
  params: { query: string; operationName: string | undefined; variables: Record<string, unknown> | undefined; extensions: Record<string, unknown> | undefined };
}

/** The parts of yoga's getEnveloped the server uses (typed loosely by yoga). */
type Enveloped = (scope: OperationScope) => {
  parse(source: string): unknown;
  validate(schema: unknown, document: unknown): unknown;
  contextFactory(): unknown;
  schema: unknown;
};

export interface WsServerDeps {
  wss: WebSocketServer;
  gate: Gate;
  connections: WeakMap<IncomingMessage, Connection>;
  getEnveloped: Enveloped;
  persisted: PersistedOperationsOptions | undefined;
  /** The schema a caller's introspection sees. */
  view(context: GraphQLContext, schema: GraphQLSchema): GraphQLSchema;
  limits?: WsLimits;
  /** Hears what went wrong inside graphql-ws' handling of a message. */
  onInternalError?: (err: unknown) => void;
}

export function serveGraphQLWs(deps: WsServerDeps): void {
  const { gate, connections } = deps;
  /** Each operation's subscription id and socket, for the messages Atoll sends itself. */
  const targets = new WeakMap<object, { id: string; send: SocketExtra['send'] }>();

  /** The workspace and caller of one operation; throws the gate's ApiErrors. */
  const place = async (conn: Connection, request: IncomingMessage, extensions: unknown): Promise<Placed & Omit<OperationScope, 'request' | 'params'>> => {
    // The schema as of this operation: the workspace's API set may have changed (a CRD added)
    // since the socket opened; running subscriptions keep the schema they started with.
    if (!gate.enabled) return gate.refreshed(conn.placed as Placed);
    if (conn.delegation) return { ...(await gate.place(conn.address, undefined, undefined, { delegation: conn.delegation })), credentials: conn.headers };
    const { headers: credentials, impersonation } = operationCredentials(extensions) ?? conn;
    const user = await gate.authenticate({ headers: credentials, socket: request.socket });
    const placed = await gate.place(conn.address, user, impersonation);
    return { ...placed, ...(user ? { authenticated: user } : {}), credentials };
  };

  serveSockets<Record<string, unknown> | undefined>(
    deps.wss,
    {
      // One execution per event and distinct operation, shared by the subscriptions that run it,
      // and one serialization of each result, whoever sends it (ws-next.ts), sent to every
      // subscription in one loop (ws-fanout.ts).
      subscribe: async (args) => {
        const target = targets.get(args);
        if (!target) return subscribeSharing(args);
        const results = await subscribePolled(args);
        if ('poll' in results) return new FanOutSubscription(results, target.id, target.send);
        return Symbol.asyncIterator in results ? sendingResults(results, target.id, target.send) : results;
      },
      onConnect: async (ctx) => {
        const conn = connections.get(ctx.extra.request);
        const credentials = connectionCredentials(ctx.connectionParams);
        if (!conn || !gate.enabled || !credentials) return true;
        try {
          await gate.authenticate({ headers: credentials.headers, socket: ctx.extra.request.socket });
        } catch {
          // graphql-ws would close with 4403 Forbidden for `false`; these credentials are not
          // refused but invalid, which is 4401 (the later close call is then ignored).
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        conn.headers = credentials.headers;
        conn.impersonation = credentials.impersonation;
        return true;
      },
      // What yoga does per HTTP request, per subscribe message: authentication and the workspace,
      // persisted operation lookup, parse and validate with every plugin, then the context.
      onSubscribe: async (ctx, id, payload) => {
        const conn = connections.get(ctx.extra.request) as Connection;
        let where: Placed & Omit<OperationScope, 'request' | 'params'>;
        let query: string;
        try {
          where = await place(conn, ctx.extra.request, payload.extensions);
          query = deps.persisted ? persistedDocument(deps.persisted, payload) : payload.query;
        } catch (err) {
          return [toGraphQLError(err)];
        }
        const params = { query, operationName: payload.operationName ?? undefined, variables: payload.variables ?? undefined, extensions: payload.extensions ?? undefined };
        const enveloped = deps.getEnveloped({ ...where, request: fetchRequest(ctx.extra.request), params });
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
        // Execution hooks do not run here, so filtered introspection is applied by hand.
        const chosen = executionSchema(schema, document, () => deps.view(contextValue, schema));
        if (chosen.errors) return chosen.errors;
        const args = { schema: chosen.schema, document, contextValue, operationName: params.operationName, variableValues: params.variables };
        targets.set(args, { id, send: ctx.extra.send });
        return args;
      },
    },
    deps.limits,
    deps.onInternalError,
  );
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
