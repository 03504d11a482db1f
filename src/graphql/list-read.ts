/**
 * How a list field reads its list: as the objects' stored JSON when the registry can hand that
 * out (the path REST lists take, from the store's kept lists), parsed here, or else as objects.
 * A whole current list comes with a version that tells later whether it changed; an operation
 * whose result may be kept records it (result-cache.ts), with what was authorized for it.
 */
import type { ListQuery, ListResponse, RequestContext, ResourceType } from '../registry/index.js';
import type { Asked, GraphQLContext } from './context.js';
import type { KubeObject } from '../meta/index.js';

export async function readList(ctx: GraphQLContext, rc: RequestContext, t: ResourceType, asked: Asked, query: ListQuery): Promise<ListResponse> {
  const stored = await ctx.registry.listJson(rc, t, query);
  if (!stored) return ctx.registry.list(rc, t, query);
  const { version, items, ...page } = stored;
  if (version !== undefined && ctx.reads) {
    const { registry } = ctx;
    const where: RequestContext = { cluster: rc.cluster };
    ctx.reads.kept.push({ type: t, asked, unchanged: () => registry.listVersion(where, t, query) === version });
  }
  return { ...page, items: items.map((json) => JSON.parse(json) as KubeObject) };
}
