/**
 * The gate every surface passes a request through, in the apiserver's order: authenticate (401),
 * enter the workspace (kcp's `access` check, 403), authorize the request itself (403). REST,
 * watches, GraphQL over HTTP and over WebSockets all call the same three methods, so the surfaces
 * cannot drift apart in what they allow.
 *
 * Existence does not leak: a workspace that does not exist and one the user may not enter get the
 * same 403 with the same message, naming only what the user typed. Only users who may enter every
 * workspace (system:masters, kcp's admin group) learn "not found", as they could list it anyway.
 *
 * Impersonation (`kubectl --as`) happens at the door (`admit`): the real user enters, is allowed
 * each part of whom it impersonates in that workspace, and the impersonated user then enters and
 * is authorized as any caller would be. Kubernetes has no door; kcp puts its workspace check in
 * front of every authorizer, the impersonation one included, so both users must pass it.
 *
 * With no authorizer (`--authorization-mode AlwaysAllow`) every authenticated request is allowed,
 * impersonation included, which is what the benchmarks compare RBAC against.
 */
import { ApiError, type UserInfo } from '../../registry/index.js';
import type { UnionAuthenticator } from '../authn/union.js';
import type { AuthRequest, AuthUser } from '../authn/types.js';
import type { Authorizer } from '../rbac/authorizer.js';
import { forbiddenMessage, isAlwaysAllowed } from '../rbac/evaluator.js';
import type { Attributes, Decision } from '../rbac/types.js';
import { impersonatedUser, impersonationAttributes, privilegeRefusal, requestedImpersonation, type Impersonated, type ImpersonationHeaders } from './impersonation.js';

export interface AccessControlOptions {
  authenticator: UnionAuthenticator;
  /** RBAC; absent means every authenticated request is allowed (AlwaysAllow). */
  authorizer?: Authorizer;
}

/**
 * A further authorizer every request must also pass (kcp's maximal permission policy of an
 * export): undefined when it has no opinion, else its decision.
 */
export type AuthorizationLimit = (cluster: string, attributes: Attributes) => LimitDecision | undefined;

/** A limit's decision; a refusal only because an answer is still being asked carries that answer to come. */
export interface LimitDecision extends Decision {
  pending?: Promise<Decision>;
}

/** Refusals that a caller able to wait may wait out (see `pendingRefusal`). */
const pendingRefusals = new WeakMap<object, Promise<ApiError | undefined>>();

/**
 * For a 403 thrown only because a limit's answer was still being asked (another shard's, not kept
 * yet): resolves once it is here, to the refusal it makes (or undefined: the request may be made
 * again, and is then decided by it). Undefined for any other error. GraphQL's registry calls,
 * which cannot prepare each field, wait here and try once more.
 */
export function pendingRefusal(err: unknown): Promise<ApiError | undefined> | undefined {
  return typeof err === 'object' && err !== null ? pendingRefusals.get(err) : undefined;
}

/** Marks `refusal` as made only while `answer` is asked: the refusal it makes, or undefined if it allows. */
export function refusedPending(refusal: ApiError, answer: Promise<ApiError | undefined>): ApiError {
  pendingRefusals.set(refusal, answer);
  return refusal;
}

/**
 * What a limit needs before it can decide a request synchronously (another shard's answer, kept):
 * a promise to wait for, or undefined when it has all it needs.
 */
export type LimitPreparation = (cluster: string, attributes: Attributes) => Promise<unknown> | undefined;

/** Kubernetes answers every authentication failure with this message, whatever the cause (the cause goes to the log). */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized';

export class AccessControl {
  readonly authenticator: UnionAuthenticator;
  readonly authorizer: Authorizer | undefined;
  private readonly limits: AuthorizationLimit[] = [];
  private readonly preparations: LimitPreparation[] = [];

  constructor(options: AccessControlOptions) {
    this.authenticator = options.authenticator;
    this.authorizer = options.authorizer;
  }

  /** Adds a limit that requests must pass besides RBAC (not applied under AlwaysAllow), and what it needs first. */
  limit(limit: AuthorizationLimit, prepare?: LimitPreparation): void {
    this.limits.push(limit);
    if (prepare) this.preparations.push(prepare);
  }

  /**
   * Lets the limits fetch what they need to decide the request (`authorize` stays synchronous, as
   * GraphQL's per-field checks need it). Callers that can wait await it, when it returns a promise,
   * before `authorize`; nearly every request has nothing to wait for and gets undefined (no promise
   * made per request).
   */
  prepare(cluster: string, attributes: Attributes): Promise<unknown> | undefined {
    if (!this.authorizer) return undefined;
    let pending: Promise<unknown>[] | undefined;
    for (const prepare of this.preparations) {
      const p = prepare(cluster, attributes);
      if (p) (pending ??= []).push(p);
    }
    return pending && Promise.all(pending);
  }

  /**
   * The user a request comes from; throws a 401 Status. `why` (when given) receives the reason,
   * which clients do not see: telling a caller why its token failed helps an attacker more than it.
   */
  async authenticate(request: AuthRequest, why?: (reason: string) => void): Promise<AuthUser> {
    const decision = await this.authenticator.authenticate(request);
    if ('user' in decision) return decision.user;
    why?.(decision.error);
    throw new ApiError('Unauthorized', UNAUTHORIZED_MESSAGE, {});
  }

  /**
   * May `user` enter the workspace the client named `ref`, resolved to `cluster` (undefined when
   * nothing by that name exists)? Returns the cluster; throws 404 (only to users who may enter
   * everything) or 403. `attributes` describe the request, for the Forbidden message.
   */
  enter(user: UserInfo, ref: string, cluster: string | undefined, attributes: Attributes): string {
    if (cluster === undefined) {
      if (this.entersEverywhere(user)) {
        throw new ApiError('NotFound', `workspace "${ref}" not found`, { name: ref, group: 'tenancy.kcp.io', kind: 'workspaces' });
      }
      throw refused(attributes, ref);
    }
    if (!this.authorizer) return cluster;
    const decision = this.authorizer.canAccess(cluster, user);
    if (!decision.allowed) throw refused(attributes, ref);
    return cluster;
  }

  /**
   * `enter` for a request that may impersonate: enters as `user`, then, when `impersonation` asks
   * for someone else, allows it (400 or 403 otherwise) and enters as that user. Returns the cluster,
   * the user the request acts as, and `attributesFor` that user (to authorize the request with).
   */
  admit(
    user: AuthUser,
    impersonation: ImpersonationHeaders | undefined,
    ref: string,
    resolved: string | undefined,
    attributesFor: (user: AuthUser) => Attributes,
  ): { cluster: string; user: AuthUser; attributes: Attributes } {
    // A malformed request is one whatever the workspace, as the apiserver's filter answers first.
    const wanted = impersonation ? requestedImpersonation(impersonation) : [];
    const attributes = attributesFor(user);
    const cluster = this.enter(user, ref, resolved, attributes);
    if (wanted.length === 0) return { cluster, user, attributes };
    const acting = this.impersonate(user, wanted, cluster);
    const actingAttributes = attributesFor(acting);
    this.enter(acting, ref, cluster, actingAttributes);
    return { cluster, user: acting, attributes: actingAttributes };
  }

  /** The user `requester` asks to act as in `cluster`, once it may; throws the 403 Status otherwise. */
  impersonate(requester: AuthUser, wanted: readonly Impersonated[], cluster: string): AuthUser {
    for (const w of wanted) this.authorize(cluster, impersonationAttributes(requester, w));
    const refusal = privilegeRefusal(requester, wanted);
    if (refusal) throw refusal;
    return impersonatedUser(wanted, cluster);
  }

  /** Throws a 403 Status unless `user` may make the request described by `attributes` in `cluster`. */
  authorize(cluster: string, attributes: Attributes): void {
    const decision = this.decide(cluster, attributes);
    if (!decision || decision.allowed) return;
    const refusal = forbidden(attributes, decision.reason);
    const pending = decision.pending;
    throw pending ? refusedPending(refusal, pending.then((d) => (d.allowed ? undefined : forbidden(attributes, d.reason)))) : refusal;
  }

  /** Whether the request would be allowed (for GraphQL's per-field answers and filtered introspection). */
  allows(cluster: string, attributes: Attributes): boolean {
    return this.decide(cluster, attributes)?.allowed ?? true;
  }

  /** RBAC's decision, unless a limit refuses; undefined under AlwaysAllow. */
  private decide(cluster: string, attributes: Attributes): LimitDecision | undefined {
    if (!this.authorizer) return undefined;
    const decision = this.authorizer.decide({ cluster, ...attributes });
    if (!decision.allowed) return decision;
    for (const limit of this.limits) {
      const limited = limit(cluster, attributes);
      if (limited && !limited.allowed) return limited;
    }
    return decision;
  }

  /** Users whom no workspace is closed to: they may be told that a workspace does not exist. */
  entersEverywhere(user: UserInfo): boolean {
    return !this.authorizer || isAlwaysAllowed(user);
  }
}

/**
 * The apiserver's Forbidden Status: `configmaps "x" is forbidden: User "bob" cannot get resource
 * "configmaps" in API group "" in the namespace "default"`, or `forbidden: User "bob" cannot get
 * path "/version"` for non-resource requests. `reason` is the authorizer's message, which for RBAC
 * already holds the "User ... cannot ..." sentence (and any RBAC resolution errors). The subject is
 * the group-qualified resource without its subresource (`deployments.apps "x"`, `pods "p"` for
 * pods/exec), as the apiserver's NewForbidden names it.
 */
export function forbidden(a: Attributes, reason = forbiddenMessage(a)): ApiError {
  if (!a.resourceRequest) return new ApiError('Forbidden', `forbidden: ${reason}`, {});
  const resource = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const subject = a.name ? `${resource} "${a.name}"` : resource;
  return new ApiError('Forbidden', `${subject} is forbidden: ${reason}`, { ...(a.name ? { name: a.name } : {}), group: a.apiGroup, kind: a.resource });
}

/** kcp's refusal at the workspace's door, appended to the request's own Forbidden message. */
function refused(a: Attributes, ref: string): ApiError {
  return forbidden(a, `${forbiddenMessage(a)}: access to workspace "${ref}" is not permitted`);
}
