/**
 * The RBAC authorizer of every workspace: Kubernetes RBAC evaluated against the workspace's own
 * RBAC objects merged with the shared bootstrap policy (RbacIndex), with a decision cache in
 * front, plus kcp's workspace access check and the rule listing of SelfSubjectRulesReview.
 *
 * Service accounts, scopes and workspaces (kcp's IsInScope and scopeDown): a service account may
 * always enter its own workspace; in any other one it is *foreign*. A user whose `extra` holds
 * `authentication.kcp.io/scopes` (values and'ed, the `cluster:<name>` entries of one value or'ed)
 * is itself only in the logical clusters of its scopes. Outside them, as a foreign service
 * account, a user is only `system:anonymous` with `system:authenticated` (or
 * `system:unauthenticated` if it had not that group): another workspace's `default/bot` is not
 * this one's, and none of its other groups count. Which workspace a service account belongs to
 * comes from authentication: by default the user's
 * `extra["authentication.kubernetes.io/cluster-name"]` (one value), as the authn module sets it.
 */
import type { UserInfo } from '../../registry/index.js';
import {
  ANONYMOUS_USER,
  AUTHENTICATED_GROUP,
  CLUSTER_NAME_EXTRA,
  SERVICE_ACCOUNT_PREFIX,
  UNAUTHENTICATED_GROUP,
  type AuthUser,
} from '../authn/types.js';
import { DecisionCache, type DecisionCacheOptions } from './decision-cache.js';
import { evaluate, forbiddenMessage, heldRules, isAlwaysAllowed, subjectRules } from './evaluator.js';
import type { RoleRules } from './policy.js';
import type { RbacIndex } from './rbac-index.js';
import type { RemoteDecision, RemoteDecisions } from './remote-decisions.js';
import type { RequiredGroups } from './required-groups.js';
import { nonResourceAttributes, type ClusterAttributes, type Decision, type RoleRefInfo, type Rule, type SubjectRules } from './types.js';

export interface AuthorizerOptions {
  index: RbacIndex;
  /** Decision cache settings; `false` evaluates every request. */
  cache?: DecisionCacheOptions | false;
  /**
   * The logical cluster a service-account user belongs to, or undefined when unknown (then it
   * counts as local everywhere, as in kcp). Default: the user's single
   * `authentication.kubernetes.io/cluster-name` extra value.
   */
  serviceAccountCluster?: (user: UserInfo) => string | undefined;
  /** kcp's `authorization.kcp.io/required-groups` on LogicalClusters, checked at the door; absent: not enforced. */
  requiredGroups?: RequiredGroups;
}

/** The non-resource verb and path kcp checks before anything else in a workspace. */
export const ACCESS_VERB = 'access';
export const ACCESS_PATH = '/';

/** kcp's `extra` key restricting a user to logical clusters (`cluster:<name>`, comma-separated). */
export const SCOPES_EXTRA = 'authentication.kcp.io/scopes';
const CLUSTER_SCOPE = 'cluster:';

const SCOPED_DOWN_AUTHENTICATED: UserInfo = Object.freeze({ name: ANONYMOUS_USER, groups: Object.freeze([AUTHENTICATED_GROUP]) }) as UserInfo;
const SCOPED_DOWN_UNAUTHENTICATED: UserInfo = Object.freeze({ name: ANONYMOUS_USER, groups: Object.freeze([UNAUTHENTICATED_GROUP]) }) as UserInfo;

/** The cluster an authenticated service account names in its `extra` (exactly one value). */
export function clusterOfServiceAccount(user: UserInfo): string | undefined {
  const values = (user as AuthUser).extra?.[CLUSTER_NAME_EXTRA];
  return values?.length === 1 ? values[0] : undefined;
}

export class Authorizer {
  /** Undefined when caching is off. */
  readonly cache: DecisionCache | undefined;
  readonly index: RbacIndex;
  private readonly homeOf: (user: UserInfo) => string | undefined;
  private readonly requiredGroups: RequiredGroups | undefined;
  private remote: RemoteDecisions | undefined;

  constructor(options: AuthorizerOptions) {
    this.index = options.index;
    this.requiredGroups = options.requiredGroups;
    this.cache = options.cache === false ? undefined : new DecisionCache(options.cache ?? {});
    this.homeOf = options.serviceAccountCluster ?? clusterOfServiceAccount;
  }

  /** Whether the user may make the request in the cluster, and why (or the Forbidden message). */
  async authorize(attrs: ClusterAttributes): Promise<Decision> {
    return this.decide(attrs);
  }

  /** Decides for logical clusters other shards hold by asking them (docs/shards.md); set once, by the server. */
  askOtherShards(remote: RemoteDecisions): void {
    this.remote = remote;
  }

  /**
   * `decide` wherever the cluster is held: here, or by the shard that holds it (asked, its answer
   * kept a while; a shard that cannot be asked refuses). For checks made in a workspace other than
   * the request's: an export's (`bind`, its maximal permission policy), a type's (`use`).
   */
  async decideWhereHeld(attrs: ClusterAttributes): Promise<RemoteDecision> {
    const shard = this.remote?.holderOf(attrs.cluster);
    return shard === undefined || !this.remote ? this.decide(attrs) : this.remote.decide(shard, attrs);
  }

  /**
   * What to wait for before `decideIfKnown` can answer: another shard's answer being asked, or
   * undefined when the cluster is held here or the answer is kept (the common case costs no promise).
   */
  prepareWhereHeld(attrs: ClusterAttributes): Promise<unknown> | undefined {
    const shard = this.remote?.holderOf(attrs.cluster);
    if (shard === undefined || !this.remote || this.remote.known(attrs)) return undefined;
    return this.remote.decide(shard, attrs);
  }

  /** `decideWhereHeld` without waiting: undefined while another shard's answer is not kept here. */
  decideIfKnown(attrs: ClusterAttributes): Decision | undefined {
    const shard = this.remote?.holderOf(attrs.cluster);
    return shard === undefined || !this.remote ? this.decide(attrs) : this.remote.known(attrs);
  }

  /** `authorize`, synchronously: everything it reads is in memory. */
  decide(attrs: ClusterAttributes): Decision {
    const user = this.effectiveUser(attrs.user, attrs.cluster);
    const evaluated = user === attrs.user ? attrs : { ...attrs, user };
    return user === attrs.user ? this.decideAs(evaluated) : namingAsked(this.decideAs(evaluated), attrs, evaluated);
  }

  private decideAs(evaluated: ClusterAttributes): Decision {
    const cache = this.cache;
    if (!cache) return evaluate(this.index.policyFor(evaluated.cluster), evaluated);
    const generation = this.index.generation(evaluated.cluster);
    const key = cacheKey(evaluated);
    const hit = cache.get(key, generation);
    if (hit) return hit;
    const decision = evaluate(this.index.policyFor(evaluated.cluster), evaluated);
    cache.set(key, generation, decision);
    return decision;
  }

  /**
   * kcp's workspace content check: whether the user may enter the workspace at all — verb
   * `access` on the non-resource path `/` (granted by ClusterRole `system:kcp:workspace:access`,
   * or by `cluster-admin`'s `*`). Members of `system:masters` and of the platform admin group
   * (`system:kcp:admin`), and the workspace's own service accounts, always may. A user outside the
   * LogicalCluster's required groups may not, whatever RBAC says. A user who may not is refused
   * everything there, discovery included.
   */
  canAccess(cluster: string, user: UserInfo): Decision {
    if (isAlwaysAllowed(this.effectiveUser(user, cluster))) return { allowed: true, reason: '' };
    const refusal = this.requiredGroups?.refusal(cluster, user);
    if (refusal !== undefined) return { allowed: false, reason: refusal };
    if (user.name.startsWith(SERVICE_ACCOUNT_PREFIX) && this.homeOf(user) === cluster) {
      return { allowed: true, reason: 'service accounts may access their own workspace' };
    }
    return this.decide({ cluster, ...nonResourceAttributes(user, ACCESS_VERB, ACCESS_PATH) });
  }

  /** What the user may do in the namespace ('' for cluster-wide rules only), as SelfSubjectRulesReview answers. */
  rulesFor(cluster: string, user: UserInfo, namespace: string): SubjectRules {
    return subjectRules(this.index.policyFor(cluster), this.effectiveUser(user, cluster), namespace);
  }

  /**
   * The namespaces where a RoleBinding names the user (who it is in the cluster: see above).
   * Asking `decide` in '' and in each of them answers "may the user do X somewhere?".
   */
  namespacesWithGrants(cluster: string, user: UserInfo): string[] {
    return this.index.policyFor(cluster).namespacesBinding(this.effectiveUser(user, cluster), true);
  }

  /** Every rule the user holds in the namespace (for escalation checks). */
  heldRules(cluster: string, user: UserInfo, namespace: string): { rules: Rule[]; errors: string[] } {
    return heldRules(this.index.policyFor(cluster), this.effectiveUser(user, cluster), namespace);
  }

  /** The rules a binding in `namespace` ('' for a ClusterRoleBinding) would grant through `ref`. */
  roleRefRules(cluster: string, ref: RoleRefInfo, namespace: string): RoleRules {
    return this.index.policyFor(cluster).roleRules(ref, namespace);
  }

  /** kcp's IsInScope: not a foreign service account, and every scope value names the cluster. */
  inScope(user: UserInfo, cluster: string): boolean {
    if (this.isForeign(user, cluster)) return false;
    const scopes = (user as AuthUser).extra?.[SCOPES_EXTRA] ?? [];
    return scopes.every((value) => value.split(',').some((s) => s.startsWith(CLUSTER_SCOPE) && s.slice(CLUSTER_SCOPE.length) === cluster));
  }

  /** Who the user is in the cluster: itself in scope, else kcp's scopeDown. */
  effectiveUser(user: UserInfo, cluster: string): UserInfo {
    if (this.inScope(user, cluster)) return user;
    return user.groups.includes(AUTHENTICATED_GROUP) ? SCOPED_DOWN_AUTHENTICATED : SCOPED_DOWN_UNAUTHENTICATED;
  }

  /** A service account of another logical cluster than `cluster`. */
  isForeign(user: UserInfo, cluster: string): boolean {
    if (!user.name.startsWith(SERVICE_ACCOUNT_PREFIX)) return false;
    const home = this.homeOf(user);
    return home !== undefined && home !== cluster;
  }
}

/** A refusal of the scoped-down user, worded for the user who asked (as the apiserver words it). */
function namingAsked(decision: Decision, asked: ClusterAttributes, evaluated: ClusterAttributes): Decision {
  const said = forbiddenMessage(evaluated);
  if (decision.allowed || !decision.reason.startsWith(said)) return decision;
  return { allowed: false, reason: forbiddenMessage(asked) + decision.reason.slice(said.length) };
}

/**
 * Who asks, as a cache-key part: name and sorted groups. Memoised per user object — the token
 * cache hands every request with the same token the same object — so a hot request does not sort
 * and serialise its groups again.
 */
const userKeys = new WeakMap<UserInfo, string>();
function userKey(user: UserInfo): string {
  let key = userKeys.get(user);
  if (key === undefined) {
    const groups = user.groups.length > 1 ? [...user.groups].sort() : user.groups;
    key = JSON.stringify([user.name, groups]);
    userKeys.set(user, key);
  }
  return key;
}

/** JSON for the request's own parts: names may hold any character, so no separator could be trusted. */
function cacheKey(a: ClusterAttributes): string {
  const what = a.resourceRequest ? JSON.stringify([a.verb, a.apiGroup, a.resource, a.subresource, a.namespace, a.name]) : JSON.stringify([a.verb, a.path]);
  return `${a.cluster}\n${userKey(a.user)}${what}`;
}
