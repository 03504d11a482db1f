/**
 * The Kubernetes REST surface: `/clusters/<path-or-cluster>/...` resolved to a logical cluster,
 * then discovery, OpenAPI, or a verb on a resource — all through the shared registry, so REST
 * has no rules of its own. Responses are JSON (Tables when asked), errors are `Status` objects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ApiCatalog, ApiSet } from '../apis/index.js';
import { impersonationHeaders, type AccessControl, type AuthUser, type Sessions } from '../auth/index.js';
import { ApiError, apiVersionOf, errors, type Registry, type RequestContext } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import { AGGREGATED_DISCOVERY_V2, AGGREGATED_DISCOVERY_V2BETA1, discoveryFor } from './discovery.js';
import { requestAttributes } from './attributes.js';
import { aggregatedDiscovery, parseAccept, tableVersion } from './negotiate.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { BadPathError, parseRequestInfo, type RequestInfo } from './request-info.js';
import { sendObject } from './respond.js';
import { handleResource } from './verbs.js';
import { versionInfo } from './version.js';

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
}

const CLUSTERS = /^\/clusters\/([^/]+)(\/.*)?$/;

/** Returns a server handler; it answers `/clusters/...` and `/version`, and passes on the rest. */
export function kubeHandler(deps: KubeHandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
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
    const resolved = await deps.resolver.resolve(clusterRef);
    let info: RequestInfo;
    try {
      info = parseRequestInfo(req.method ?? 'GET', m[2] ?? '/', url.searchParams);
    } catch (e) {
      throw e instanceof BadPathError ? errors.badRequest(e.message) : e;
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
      deps.access.authorize(cluster, admitted.attributes);
    } else if (resolved) {
      cluster = resolved;
    } else {
      throw new ApiError('NotFound', `workspace "${clusterRef}" not found`, { name: clusterRef, group: 'tenancy.kcp.io', kind: 'workspaces' });
    }
    const set = await deps.catalog.forCluster(cluster);
    await serve(deps, req, res, url, { cluster, clusterRef, user: acting, authenticated: user }, set, info);
    return true;
  };
}

/**
 * The entered workspace and who is in it: `user` acts (the registry sees it), `authenticated` is
 * whom the credentials name, which is what revocation re-checks when the request impersonates.
 */
interface Where {
  cluster: string;
  clusterRef: string;
  user: AuthUser | undefined;
  authenticated: AuthUser | undefined;
}

async function serve(
  deps: KubeHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  where: Where,
  set: ApiSet,
  info: RequestInfo,
): Promise<void> {
  const accept = parseAccept(req.headers.accept);
  const docs = discoveryFor(set);
  const readOnly = (): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
  };
  switch (info.kind) {
    case 'version':
      readOnly();
      sendObject(req, res, 200, versionInfo());
      return;
    case 'legacy-versions':
    case 'groups': {
      readOnly();
      const aggregated = aggregatedDiscovery(accept);
      if (aggregated) {
        const body = info.kind === 'legacy-versions' ? docs.aggregatedLegacy : docs.aggregatedGroups;
        const contentType = aggregated === 'v2' ? AGGREGATED_DISCOVERY_V2 : AGGREGATED_DISCOVERY_V2BETA1;
        const shaped = aggregated === 'v2' ? body : { ...body, apiVersion: 'apidiscovery.k8s.io/v2beta1' };
        sendObject(req, res, 200, shaped, contentType);
        return;
      }
      sendObject(req, res, 200, info.kind === 'legacy-versions' ? docs.legacyVersions : docs.groupList);
      return;
    }
    case 'group': {
      readOnly();
      const group = docs.groups.get(info.group);
      if (!group) throw notFound();
      sendObject(req, res, 200, group);
      return;
    }
    case 'resources': {
      readOnly();
      const list = docs.resourceLists.get(apiVersionOf(info));
      if (!list) throw notFound();
      sendObject(req, res, 200, list);
      return;
    }
    case 'openapi-v3': {
      readOnly();
      if (info.groupVersion === undefined) {
        sendObject(req, res, 200, openApiIndex(set, `/clusters/${encodeURIComponent(where.clusterRef)}`));
        return;
      }
      const doc = openApiDocument(set, info.groupVersion);
      if (!doc) throw notFound();
      res.setHeader('cache-control', url.searchParams.has('hash') ? 'public, immutable' : 'no-cache, private');
      sendObject(req, res, 200, doc.body, 'application/json', doc.etag);
      return;
    }
    case 'openapi-v2':
    case 'unknown':
      throw notFound();
    case 'resource': {
      const t = set.find(info.group, info.version, info.resource) ?? (await deps.catalog.refresh?.(where.cluster))?.find(info.group, info.version, info.resource);
      if (!t) throw notFound();
      const ctx: RequestContext = { cluster: where.cluster, warnings: t.deprecationWarning ? [t.deprecationWarning] : [], ...(where.user ? { user: where.user } : {}) };
      const ends = info.verb === 'watch' ? streamEnds(deps, req, where) : undefined;
      try {
        await handleResource({ registry: deps.registry, req, res, url, ctx, t, info, tableVersion: tableVersion(accept), ...(ends ? { shutdown: ends.signal } : deps.shutdown ? { shutdown: deps.shutdown } : {}) });
      } finally {
        ends?.release();
      }
      return;
    }
  }
}

function notFound(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource', {});
}

/**
 * What ends a watch besides its client: server shutdown, or its credentials being revoked
 * (tracked by Sessions). One signal for the stream to listen to.
 */
function streamEnds(deps: KubeHandlerDeps, req: IncomingMessage, where: Where): { signal: AbortSignal; release(): void } | undefined {
  if (!deps.sessions || !where.authenticated) return undefined;
  const revoked = new AbortController();
  const release = deps.sessions.track({ headers: req.headers, cluster: where.cluster }, where.authenticated, () => revoked.abort());
  return { signal: deps.shutdown ? AbortSignal.any([deps.shutdown, revoked.signal]) : revoked.signal, release };
}
