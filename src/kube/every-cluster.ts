/**
 * `/clusters/*`: kcp's wildcard requests — a list or watch of a resource across every logical
 * cluster, each object annotated `kcp.io/cluster`, for privileged users (`system:masters`, the
 * platform admin), whom no workspace is closed to anyway. Cluster-aware controllers and informers
 * run on these. One registry read or store watch serves all clusters (no fan-out per workspace);
 * only the resources every workspace serves are offered, and every other verb is refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { impersonationHeaders } from '../auth/index.js';
import { ApiError } from '../registry/index.js';
import { ALL_CLUSTERS } from '../storage/index.js';
import type { KubeHandlerDeps } from './handler.js';
import type { RequestInfo } from './request-info.js';
import { serve } from './serve.js';

export async function serveEveryCluster(
  deps: KubeHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  user: Parameters<typeof serve>[4]['user'],
  info: RequestInfo,
): Promise<void> {
  if (deps.access && (!user || !deps.access.entersEverywhere(user))) {
    throw new ApiError('Forbidden', 'only privileged users (system:masters, system:kcp:admin) may read across all workspaces (/clusters/*)', {});
  }
  if (impersonationHeaders(req)) throw new ApiError('Forbidden', 'impersonation is not supported across all workspaces (/clusters/*)', {});
  if (info.kind === 'resource' && info.verb !== 'list' && info.verb !== 'watch') {
    throw new ApiError('MethodNotAllowed', `${info.verb} is not supported across all workspaces (/clusters/*): only list and watch are; address one workspace by its path or logical cluster (the object's kcp.io/cluster annotation)`, {});
  }
  // No source adds types to the wildcard: it serves what every workspace serves.
  const set = await deps.catalog.forCluster(ALL_CLUSTERS);
  await serve(deps, req, res, url, { cluster: ALL_CLUSTERS, base: '/clusters/*', user, authenticated: user }, set, info);
}
