/**
 * The Kubernetes REST surface: `/clusters/<path-or-cluster>/...` resolved to a logical cluster,
 * then discovery, OpenAPI, or a verb on a resource — all through the shared registry, so REST
 * has no rules of its own. Responses are JSON (Tables when asked), errors are `Status` objects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ApiCatalog } from '../apis/index.js';
import { VIEW_PATH_PREFIX, type ProviderViews, type ShardForwarder } from '../apiexports/index.js';
import { impersonationHeaders, type AccessControl, type Sessions } from '../auth/index.js';
import { ApiError, errors, SYSTEM_MASTERS, type Registry } from '../registry/index.js';
import { ALL_CLUSTERS } from '../storage/index.js';
import { HOME_NAME, homeNotReady, isValidPath, ROOT_CLUSTER, type ClusterResolver, type HomeWorkspaces } from '../tenancy/index.js';
import { requestAttributes } from './attributes.js';
import { serveEveryCluster } from './every-cluster.js';
import { sendObject } from './respond.js';
import type { RequestInfo } from './request-info.js';
import { requestInfoOf, serve, type Where } from './serve.js';
import { versionInfo } from './version.js';
import { serveProviderView } from './virtual.js';

export interface KubeHandlerDeps {
  registry: Registry;
  catalog: ApiCatalog;
  resolver: ClusterResolver;
  log: Logger;
  /** Aborted when the server shuts down: open watch streams end instead of holding the drain. */
  shutdown?: AbortSignal;
  /** Authentication and authorization; without it every request is anonymous and allowed (unit tests of the surface). */
  access?: AccessControl;
  /** Ends watches whose credentials are revoked. */
  sessions?: Sessions;
  /** Providers' views of their APIExports (`/services/apiexport/...`); not served without. */
  views?: ProviderViews;
  /** Sends a provider's request about a consumer held on another shard on to that shard. */
  shards?: ShardForwarder;
  /** Home workspaces (`workspaces/~` in root); without it `~` is just a name that does not exist. */
  home?: HomeWorkspaces;
  /**
   * The server's `/healthz`, `/livez` and `/readyz` (true when it answered `url`), which a
   * workspace serves below its own path once entered, as kcp does.
   */
  health?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
}

const CLUSTERS = /^\/clusters\/([^/]+)(\/.*)?$/;

/** Returns a server handler; it answers `/clusters/...`, `/services/apiexport/...` and `/version`, and passes on the rest. */
export function kubeHandler(deps: KubeHandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (deps.views && url.pathname.startsWith(VIEW_PATH_PREFIX)) {
      await serveProviderView({ ...deps, views: deps.views }, req, res, url);
      return true;
    }
    const m = url.pathname === '/version' ? undefined : CLUSTERS.exec(url.pathname);
    if (!m && url.pathname !== '/version') return false;
    // Authentication comes first, before anything about the path is looked up or revealed.
    const user = deps.access ? await deps.access.authenticate({ headers: req.headers, socket: req.socket }, (why) => deps.log.debug({ why, url: req.url }, 'authentication failed')) : undefined;
    if (!m) {
      sendObject(req, res, 200, versionInfo());
      return true;
    }
    let clusterRef: string;
    try {
      clusterRef = decodeURIComponent(m[1] as string);
    } catch {
      throw errors.badRequest('malformed workspace in the URL');
    }
    const info = requestInfoOf(req.method ?? 'GET', m[2] ?? '/', url.searchParams);
    if (clusterRef === ALL_CLUSTERS) {
      await serveEveryCluster(deps, req, res, url, user, info);
      return true;
    }
    const resolved = (await deps.resolver.resolve(clusterRef)) ?? placedHere(clusterRef, info, user);
    if (deps.home && deps.access && user && resolved === ROOT_CLUSTER && isHomeRequest(info)) {
      // Before the entry check, as kcp's filter: asking for one's home needs no access to root, only `create workspaces/~` there.
      deps.access.authorize(ROOT_CLUSTER, requestAttributes(user, { ...info, verb: 'create' }, 'POST', m[2] ?? '/', url.searchParams));
      const answer = await deps.home.home(user);
      if (!answer.ready) throw homeNotReady();
      sendObject(req, res, 200, answer.workspace);
      return true;
    }
    let cluster: string;
    // Who the request acts as: the authenticated user, or whom it impersonates.
    let acting = user;
    if (deps.access && user) {
      const admitted = deps.access.admit(user, impersonationHeaders(req), clusterRef, resolved, (u) =>
        requestAttributes(u, info, req.method ?? 'GET', m[2] ?? '/', url.searchParams),
      );
      cluster = admitted.cluster;
      acting = admitted.user;
      const preparing = deps.access.prepare(cluster, admitted.attributes);
      if (preparing) await preparing;
      deps.access.authorize(cluster, admitted.attributes);
    } else if (resolved) {
      cluster = resolved;
    } else {
      throw new ApiError('NotFound', `workspace "${clusterRef}" not found`, { name: clusterRef, group: 'tenancy.kcp.io', kind: 'workspaces' });
    }
    if (deps.health?.(req, res, new URL(`${m[2] ?? '/'}${url.search}`, url))) return true;
    const set = await deps.catalog.forCluster(cluster);
    const where: Where = { cluster, base: clusterBase(clusterRef), user: acting, authenticated: user, refresh: async () => deps.catalog.refresh?.(cluster) };
    await serve(deps, req, res, url, where, set, info);
    return true;
  };
}

/**
 * The URL prefix of a workspace as clients write it: a path's colons stay as they are (kcp's links
 * keep them, and client-go strips its own server URL's prefix, written with ':', from the OpenAPI
 * index's links before following them); anything else in a segment is escaped.
 */
/**
 * Another shard's scheduler placing a logical cluster here (docs/shards.md): the LogicalCluster
 * is created in a cluster that does not exist yet. Only `system:masters` (the shards' own
 * identity) may; anyone else learns the workspace does not exist.
 */
function placedHere(clusterRef: string, info: RequestInfo, user: { groups: readonly string[] } | undefined): string | undefined {
  const placing = info.kind === 'resource' && info.verb === 'create' && info.group === 'core.kcp.io' && info.resource === 'logicalclusters' && !info.subresource;
  return placing && user?.groups.includes(SYSTEM_MASTERS) && !clusterRef.includes(':') && isValidPath(clusterRef) ? clusterRef : undefined;
}

/** `GET workspaces/~` of tenancy.kcp.io: what `kubectl ws` asks for the user's home. */
const isHomeRequest = (info: RequestInfo): info is Extract<RequestInfo, { kind: 'resource' }> =>
  info.kind === 'resource' && info.verb === 'get' && info.group === 'tenancy.kcp.io' && info.resource === 'workspaces' && info.name === HOME_NAME && !info.subresource;

const clusterBase = (clusterRef: string): string => `/clusters/${clusterRef.split(':').map(encodeURIComponent).join(':')}`;
