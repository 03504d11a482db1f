/**
 * The GraphQL endpoint's side of the request gate (src/auth/access): authenticate, then find the
 * workspace (or a provider's view) and enter it, in that order, so nothing about a workspace is
 * revealed to a caller who has not authenticated, and an unknown workspace and a closed one look
 * alike (the gate answers both with the same 403; only users who may enter every workspace learn
 * "not found"). Refusals are the gate's ApiErrors, answered as GraphQL error bodies with the HTTP
 * status REST would use.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import { nonResourceAttributes, type AccessControl, type AuthRequest, type AuthUser, type ImpersonationHeaders } from '../auth/index.js';
import type { ApiCatalog } from '../apis/index.js';
import type { Delegation, ProviderViews, ViewAddress, ViewEntry } from '../apiexports/index.js';
import { ApiError, isApiError } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import { schemaFor } from './compile.js';
import { toGraphQLError } from './errors.js';

/** A workspace entered: its logical cluster and the schema of its API set as of now. */
export interface Placed {
  cluster: string;
  schema: GraphQLSchema;
  /** Set for a provider's view: `cluster` is its consumer (or ALL_CLUSTERS), `schema` the view's. */
  view?: ViewEntry;
}

/**
 * What a GraphQL path addresses: a workspace, by the `/clusters/<raw>` segment as the client wrote
 * it, or a provider's view of an APIExport.
 */
export type Address = string | ViewAddress;

export interface GateDeps {
  catalog: ApiCatalog;
  resolver: ClusterResolver;
  access?: AccessControl | undefined;
  /** Providers' views; without them no view is served. */
  views?: ProviderViews | undefined;
  /** Told why an authentication failed (clients are not). */
  onUnauthenticated?: (why: string) => void;
}

/**
 * What a refused caller is told it was trying to do: use the workspace's GraphQL endpoint (a
 * non-resource path, as REST reports discovery), e.g. `forbidden: User "bob" cannot access path
 * "/graphql": access to workspace "root:x" is not permitted`.
 */
const ENTERING = (user: AuthUser) => nonResourceAttributes(user, 'access', '/graphql');

export class Gate {
  constructor(private readonly deps: GateDeps) {}

  get enabled(): boolean {
    return this.deps.access !== undefined;
  }

  /**
   * The caller; throws the 401 ApiError (`why`, when given, also learns the reason). Undefined
   * when the server runs without authentication.
   */
  async authenticate(request: AuthRequest, why?: (reason: string) => void): Promise<AuthUser | undefined> {
    return this.deps.access?.authenticate(request, (reason) => {
      this.deps.onUnauthenticated?.(reason);
      why?.(reason);
    });
  }

  /** The same workspace with the schema of its API set as of now (a CRD may have been added). */
  async refreshed(placed: Placed): Promise<Placed> {
    if (placed.view) return this.placeView(placed.view.address, undefined, undefined, {});
    return { cluster: placed.cluster, schema: schemaFor(await this.deps.catalog.forCluster(placed.cluster)) };
  }

  /**
   * The workspace `/clusters/<raw>/graphql` names, entered as `user`, and whom the request acts
   * as there: `user`, or whom `impersonation` names once allowed. Throws 400, 403 or 404 ApiErrors.
   */
  async place(address: Address, user: AuthUser | undefined, impersonation?: ImpersonationHeaders, via: ViewVia = {}): Promise<Placed & { user?: AuthUser }> {
    if (typeof address !== 'string') return this.placeView(address, user, impersonation, via);
    const raw = address;
    let ref: string | undefined;
    try {
      ref = decodeURIComponent(raw);
    } catch {
      ref = undefined;
    }
    const resolved = ref === undefined ? undefined : await this.deps.resolver.resolve(ref);
    let cluster: string;
    let acting = user;
    if (this.deps.access && user) ({ cluster, user: acting } = this.deps.access.admit(user, impersonation, ref ?? raw, resolved, ENTERING));
    else if (resolved) cluster = resolved;
    else throw new ApiError('NotFound', `workspace "${ref ?? raw}" not found`, { name: ref ?? raw, group: 'tenancy.kcp.io', kind: 'workspaces' });
    return { cluster, schema: schemaFor(await this.deps.catalog.forCluster(cluster)), ...(acting ? { user: acting } : {}) };
  }

  /**
   * A provider's view, in REST's order: the content check on the export (here for reading the
   * endpoint, as for REST's discovery; each field then checks its own verb), then the export
   * (404). Impersonation is not offered in views. A request the export's shard sent on
   * (`via.delegation`) acts for the user it names, with the content decided there. One consumer
   * held by another shard is answered there: only a caller that sends the request on
   * (`via.sendOn`) is given that entry; to others it is a 503 saying so.
   */
  private placeView(address: ViewAddress, user: AuthUser | undefined, impersonation: ImpersonationHeaders | undefined, via: ViewVia): Placed & { user?: AuthUser } {
    const views = this.deps.views;
    if (!views) throw new ApiError('NotFound', 'the server could not find the requested resource', {});
    if (impersonation) throw new ApiError('Forbidden', 'impersonation is not supported through an APIExport view', {});
    const acting = via.delegation?.user ?? user;
    if (user && !via.delegation) views.checkContent(address.exportCluster, address.exportName, nonResourceAttributes(user, 'get', '/graphql'));
    const entry = views.enter(address, acting, via.delegation?.content);
    if (entry.holder && !via.sendOn) {
      throw new ApiError(
        'ServiceUnavailable',
        `consumer ${address.target} is held by shard "${entry.holder}": a graphql-ws connection to it is sent on there only when it authenticates when it opens (an Authorization header on the upgrade), not in connectionParams`,
      );
    }
    return { cluster: entry.cluster, schema: schemaFor(entry.view.set), view: entry, ...(acting ? { user: acting } : {}) };
  }
}

/** How a view's request reached this shard, and whether the caller can send it on to another. */
export interface ViewVia {
  delegation?: Delegation | undefined;
  sendOn?: boolean;
}

/** A refusal as GraphQL over HTTP answers it: the HTTP status and `{ errors: [...] }`. */
export function refusal(err: unknown): { status: number; headers: Record<string, string>; body: string } {
  const status = isApiError(err) ? err.code : 500;
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  return { status, headers, body: JSON.stringify({ errors: [toGraphQLError(err).toJSON()] }) };
}

export function sendRefusal(res: ServerResponse, err: unknown): void {
  const r = refusal(err);
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

/** Answers a WebSocket upgrade with an HTTP refusal instead of switching protocols. */
export function refuseUpgrade(socket: Duplex, err: unknown): void {
  const r = refusal(err);
  const head = Object.entries({ ...r.headers, 'content-length': String(Buffer.byteLength(r.body)), connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\n${head}\r\n${r.body}`);
}
