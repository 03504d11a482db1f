/**
 * The REST side of a provider's view (src/apiexports/provider-view.ts):
 * `/services/apiexport/<export cluster>/<export>/clusters/<consumer | *>/<API path>` is served by
 * the same `serve` as a workspace — discovery, OpenAPI, tables, watch streams, every verb — with
 * the view's API set and a RequestContext addressing the consumer, or all of them at once.
 *
 * The checks run in kcp's order, after authentication: the content check on the export (so
 * whether an export exists is told only to whoever may use it), then the export itself (404), then
 * the consumer's binding and claims. Impersonation is not offered here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { delegationOf, parseViewPath, viewBase, type ProviderViews } from '../apiexports/index.js';
import { ANONYMOUS_USER, impersonationHeaders } from '../auth/index.js';
import { ApiError } from '../registry/index.js';
import { requestAttributes } from './attributes.js';
import type { KubeHandlerDeps } from './handler.js';
import { requestInfoOf, serve, type Where } from './serve.js';

export async function serveProviderView(deps: KubeHandlerDeps & { views: ProviderViews }, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  // Authentication comes first, before anything about the path is looked up or revealed.
  const authenticated = deps.access ? await deps.access.authenticate({ headers: req.headers, socket: req.socket }, (why) => deps.log.debug({ why, url: req.url }, 'authentication failed')) : undefined;
  // A request the export's shard sent on acts for the user it names, with the content it decided.
  const delegation = delegationOf(req.headers, authenticated);
  const user = delegation?.user ?? authenticated;
  const path = parseViewPath(url.pathname);
  // The GraphQL endpoint answers `.../graphql` before REST is asked; without it there is none.
  if (!path || path.graphql) throw new ApiError('NotFound', 'the server could not find the requested resource', {});
  const info = requestInfoOf(req.method ?? 'GET', path.api, url.searchParams);
  const attributes = requestAttributes(user ?? { name: ANONYMOUS_USER, groups: [] }, info, req.method ?? 'GET', path.api, url.searchParams);
  if (impersonationHeaders(req)) throw new ApiError('Forbidden', 'impersonation is not supported through an APIExport view', {});
  // The content check first, so whether an export exists is told only to whoever may use it.
  if (!delegation) deps.views.checkContent(path.exportCluster, path.exportName, attributes);
  const entry = deps.views.enter(path, user, delegation?.content);
  if (entry.holder && deps.shards && user) {
    // The consumer is on another shard: it answers, asked by this shard once the content check
    // (decided here, where the export is) has passed; its binding and claims are checked there.
    deps.shards.forward(entry.holder, req, res, `${url.pathname}${url.search}`, entry.delegation(user));
    return;
  }
  await entry.prepare(attributes);
  entry.authorize(attributes);
  const where: Where = {
    cluster: entry.cluster,
    base: viewBase(path),
    user,
    authenticated,
    scope: (t, verb) => entry.scope(t, verb),
    credentialsCluster: path.exportCluster,
  };
  await serve(deps, req, res, url, where, entry.view.set, info);
}
