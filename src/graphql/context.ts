/**
 * What every resolver of a compiled schema receives. Schemas are shared by every workspace with
 * the same API set (DESIGN decision 1), so everything per request — which logical cluster, who
 * asks, what they may do, where warnings go, the registry to call — travels here, never in the
 * schema.
 */
import { GraphQLError } from 'graphql';
import { UNAUTHORIZED_MESSAGE, type AccessControl } from '../auth/index.js';
import { ApiError, type Registry, type RequestContext, type RequestScope, type ResourceType, type UserInfo } from '../registry/index.js';
import { fieldAttributes, type Asked, type AuthorizedType } from './attributes.js';

export type { Asked } from './attributes.js';

export interface GraphQLContext {
  registry: Registry;
  /** The logical cluster the request addresses. */
  cluster: string;
  /** Who asks; absent when the server runs without authentication. */
  user?: UserInfo;
  /**
   * Authorization of each registry call; absent when the server runs without (everything allowed).
   * In a provider's view, the view's checks (the export's content, the consumer's binding).
   */
  access?: Pick<AccessControl, 'authorize'>;
  /**
   * In a provider's view: what a registry call on the type for the verb sees (which consumers'
   * objects) and must satisfy (a permission claim's labels). Absent in a workspace.
   */
  scope?: (type: AuthorizedType, verb: Asked['verb']) => RequestScope;
  /**
   * Registers a stream (a subscription) to be ended if the credentials that opened it are
   * revoked; returns what unregisters it. Absent when nothing can revoke them.
   */
  trackCredentials?: (end: () => void) => () => void;
  /** Warnings the registry raised, for the endpoint to return in `extensions.warnings`. */
  warnings: string[];
  /** The client's User-Agent: names the field manager of writes that give none (as in REST). */
  userAgent?: string;
  /** Epoch milliseconds after which the operation may not call the registry any more. */
  deadline?: number;
  /** Set while a query runs whose result may be kept (result-cache.ts): what its resolvers read. */
  reads?: ReadLog;
}

/**
 * What an operation read, for its result to be served again: every registry call and check its
 * resolvers made is counted, and those that can tell later whether what they read has changed
 * are kept. A result is only kept when every call was.
 */
export interface ReadLog {
  calls: number;
  kept: KeptRead[];
  /** Set by a field whose value changes without a registry write (the store's revision). */
  volatile?: boolean;
}

export interface KeptRead {
  /** What was authorized before the read: checked again for each caller served the result. */
  type: AuthorizedType;
  asked: Asked;
  /** Whether what was read is still what a read now returns. */
  unchanged: () => boolean;
}

/**
 * The registry's view of a GraphQL request: the one place resolvers pass through before calling
 * the registry. Refuses once the operation's deadline has passed; authorizes `asked` about `type`
 * as REST would authorize the same request (throwing the Forbidden ApiError, which registryCall
 * turns into FORBIDDEN) before anything is read, so a refused field never tells whether the object
 * exists; and adds the type's deprecation warning (once), as REST sends it in a Warning header.
 * Without a type only the deadline is checked (nothing can be authorized, so that form refuses
 * when authorization is on).
 */
export function requestContext(ctx: GraphQLContext): RequestContext;
export function requestContext(ctx: GraphQLContext, type: AuthorizedType & Pick<ResourceType, 'deprecationWarning'>, asked: Asked): RequestContext;
export function requestContext(ctx: GraphQLContext, type?: AuthorizedType & Pick<ResourceType, 'deprecationWarning'>, asked?: Asked): RequestContext {
  if (ctx.deadline !== undefined && Date.now() > ctx.deadline) {
    throw new GraphQLError('the operation ran past its deadline', { extensions: { code: 'TIMEOUT' } });
  }
  if (ctx.reads) ctx.reads.calls++;
  check(ctx, type, asked);
  const warning = type?.deprecationWarning;
  if (warning && !ctx.warnings.includes(warning)) ctx.warnings.push(warning);
  return { cluster: ctx.cluster, warnings: ctx.warnings, ...(ctx.user ? { user: ctx.user } : {}), ...(type && asked ? ctx.scope?.(type, asked.verb) : {}) };
}

/**
 * Throws the ApiError REST would answer the request with (401 without a user, 403 when RBAC
 * refuses); does nothing when the server runs without authorization. For a check that is not
 * followed by a registry call of its own (a subscription's initial list).
 */
export function authorize(ctx: GraphQLContext, type: AuthorizedType | undefined, asked: Asked | undefined): void {
  if (ctx.reads) ctx.reads.calls++;
  check(ctx, type, asked);
}

function check(ctx: GraphQLContext, type: AuthorizedType | undefined, asked: Asked | undefined): void {
  if (!ctx.access) return;
  if (!ctx.user) throw new ApiError('Unauthorized', UNAUTHORIZED_MESSAGE, {});
  if (!type || !asked) throw new Error('a registry call without a resource cannot be authorized');
  ctx.access.authorize(ctx.cluster, fieldAttributes(ctx.user, type, asked));
}
