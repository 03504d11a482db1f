/**
 * What every resolver of a compiled schema receives. Schemas are shared by every workspace with
 * the same API set (DESIGN decision 1), so everything per request — which logical cluster, who
 * asks, where warnings go, the registry to call — travels here, never in the schema.
 */
import { GraphQLError } from 'graphql';
import type { Registry, RequestContext, ResourceType, UserInfo } from '../registry/index.js';

export interface GraphQLContext {
  registry: Registry;
  /** The logical cluster the request addresses. */
  cluster: string;
  /** Absent for unauthenticated requests. */
  user?: UserInfo;
  /** Warnings the registry raised, for the endpoint to return in `extensions.warnings`. */
  warnings: string[];
  /** The client's User-Agent: names the field manager of writes that give none (as in REST). */
  userAgent?: string;
  /** Epoch milliseconds after which the operation may not call the registry any more. */
  deadline?: number;
}

/**
 * The registry's view of a GraphQL request about `type`; refuses once the operation's deadline has
 * passed, and adds the type's deprecation warning (once) as REST sends it in a Warning header.
 */
export function requestContext(ctx: GraphQLContext, type?: Pick<ResourceType, 'deprecationWarning'>): RequestContext {
  if (ctx.deadline !== undefined && Date.now() > ctx.deadline) {
    throw new GraphQLError('the operation ran past its deadline', { extensions: { code: 'TIMEOUT' } });
  }
  const warning = type?.deprecationWarning;
  if (warning && !ctx.warnings.includes(warning)) ctx.warnings.push(warning);
  return { cluster: ctx.cluster, warnings: ctx.warnings, ...(ctx.user ? { user: ctx.user } : {}) };
}
