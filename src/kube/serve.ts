/**
 * What a request is served once it has entered a workspace (or a provider's view): discovery,
 * OpenAPI, or a verb on a resource of the API set, with the RequestContext the place gives it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiSet } from '../apis/index.js';
import type { AuthUser, Sessions } from '../auth/index.js';
import { ApiError, apiVersionOf, errors, type Registry, type RequestContext, type RequestScope, type ResourceType } from '../registry/index.js';
import { AGGREGATED_DISCOVERY_V2, AGGREGATED_DISCOVERY_V2BETA1, discoveryFor } from './discovery.js';
import { aggregatedDiscovery, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_SENT, openApiV2Format, parseAccept, tableVersion } from './negotiate.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { openApiV2 } from './openapi-v2.js';
import { BadPathError, parseRequestInfo, type RequestInfo } from './request-info.js';
import { sendBytes, sendObject } from './respond.js';
import { handleResource } from './verbs.js';
import { versionInfo } from './version.js';

/** What an API path below the place asks for; a malformed path is a 400. */
export function requestInfoOf(method: string, path: string, query: URLSearchParams): RequestInfo {
  try {
    return parseRequestInfo(method, path, query);
  } catch (e) {
    throw e instanceof BadPathError ? errors.badRequest(e.message) : e;
  }
}

export interface ServeDeps {
  registry: Registry;
  /** Aborted when the server shuts down: open watch streams end instead of holding the drain. */
  shutdown?: AbortSignal | undefined;
  /** Ends watches whose credentials are revoked. */
  sessions?: Sessions | undefined;
}

/**
 * The entered workspace (or provider's view) and who is in it: `user` acts (the registry sees
 * it), `authenticated` is whom the credentials name, which is what revocation re-checks when the
 * request impersonates.
 */
export interface Where {
  /** The logical cluster registry calls address (ALL_CLUSTERS across a provider's consumers). */
  cluster: string;
  /** The URL path API paths hang below (`/clusters/<ref>`), for OpenAPI's serverRelativeURLs. */
  base: string;
  user: AuthUser | undefined;
  authenticated: AuthUser | undefined;
  /** The API set as of the store, for a resource the set lacks (a CRD established a moment ago). */
  refresh?: () => Promise<ApiSet | undefined>;
  /** What a registry call on `t` sees and must satisfy besides the registry's rules (a provider's view). */
  scope?: (t: ResourceType, verb: string) => RequestScope;
  /** The logical cluster the credentials of a watch are re-checked in; `cluster` by default. */
  credentialsCluster?: string | undefined;
}

export async function serve(
  deps: ServeDeps,
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
        sendObject(req, res, 200, openApiIndex(set, where.base));
        return;
      }
      const doc = openApiDocument(set, info.groupVersion);
      if (!doc) throw notFound();
      res.setHeader('cache-control', url.searchParams.has('hash') ? 'public, immutable' : 'no-cache, private');
      sendObject(req, res, 200, doc.body, 'application/json', doc.etag);
      return;
    }
    case 'openapi-v2': {
      readOnly();
      const format = openApiV2Format(accept);
      if (!format) throw new ApiError('NotAcceptable', `only application/json and ${OPENAPI_V2_PROTOBUF} are served at /openapi/v2`);
      const doc = openApiV2(set);
      const { bytes, etag } = format === 'json' ? doc.json : doc.protobuf;
      // One URL, two forms: caches must key on Accept as well.
      res.setHeader('vary', 'Accept');
      res.setHeader('cache-control', 'no-cache, private');
      sendBytes(req, res, 200, bytes, format === 'json' ? 'application/json' : OPENAPI_V2_PROTOBUF_SENT, etag);
      return;
    }
    case 'unknown':
      throw notFound();
    case 'resource': {
      const t = set.find(info.group, info.version, info.resource) ?? (await where.refresh?.())?.find(info.group, info.version, info.resource);
      if (!t) throw notFound();
      const ctx: RequestContext = {
        cluster: where.cluster,
        warnings: t.deprecationWarning ? [t.deprecationWarning] : [],
        ...(where.user ? { user: where.user } : {}),
        ...where.scope?.(t, info.verb),
      };
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
function streamEnds(deps: ServeDeps, req: IncomingMessage, where: Where): { signal: AbortSignal; release(): void } | undefined {
  if (!deps.sessions || !where.authenticated) return undefined;
  const revoked = new AbortController();
  const release = deps.sessions.track({ headers: req.headers, cluster: where.credentialsCluster ?? where.cluster }, where.authenticated, () => revoked.abort());
  return { signal: deps.shutdown ? AbortSignal.any([deps.shutdown, revoked.signal]) : revoked.signal, release };
}
