/**
 * The vocabulary of RBAC authorization: what is asked (request attributes, as the apiserver's
 * `authorizer.Attributes`), what is answered (a decision with its reason), and policy rules in
 * the normalised form the evaluator works on (every list present, never null).
 */
import type { UserInfo } from '../../registry/index.js';
import { SERVICE_ACCOUNT_PREFIX } from '../authn/types.js';

/** The API group of the four RBAC kinds. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Service accounts authenticate as `system:serviceaccount:<namespace>:<name>` (apiserver's `serviceaccount.MakeUsername`). */
export const serviceAccountUserName = (namespace: string, name: string): string => `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;

/**
 * One request to authorize. Resource requests name a resource (and maybe a subresource, an object
 * name and a namespace); non-resource requests name a path (`/version`, `/apis`).
 *
 * `name` is what the request's URL names: empty for collection requests (list, watch, create,
 * deletecollection), so rules restricted by `resourceNames` never grant those — except list and
 * watch with a `metadata.name=` field selector, for which the caller passes that name, as the
 * apiserver's RequestInfo does.
 */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  /** Empty for cluster-scoped resources and non-resource requests. */
  namespace: string;
  /** For non-resource requests: the path (without the `/clusters/<x>` prefix). */
  path: string;
}

/** Attributes of a request inside one logical cluster (workspace). */
export interface ClusterAttributes extends Attributes {
  cluster: string;
}

export interface Decision {
  allowed: boolean;
  /**
   * Allowed: which binding allowed it (`RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y"
   * to User "z"`). Denied: the message for a Forbidden status (`User "bob" cannot list resource
   * "configmaps" in API group "" in the namespace "default"`), followed by `: RBAC: <errors>` when
   * a binding that applies to the user named a role that does not exist.
   */
  reason: string;
}

/** A policy rule with every list present (null and missing lists read as empty). */
export interface Rule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** authorization.k8s.io/v1 ResourceRule, as a SelfSubjectRulesReview returns it. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** authorization.k8s.io/v1 NonResourceRule. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** The status of a SelfSubjectRulesReview: what the user may do in one namespace. */
export interface SubjectRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** True when some binding named a role that does not exist (the list may lack rules). */
  incomplete: boolean;
  evaluationError?: string;
}

/** A binding's reference to the role it grants. */
export interface RoleRefInfo {
  kind: string;
  name: string;
}

/** Builds the attributes of a resource request; unspecified parts are empty. */
export function resourceAttributes(
  user: UserInfo,
  verb: string,
  what: { apiGroup?: string; resource: string; subresource?: string; name?: string; namespace?: string },
): Attributes {
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: what.apiGroup ?? '',
    resource: what.resource,
    subresource: what.subresource ?? '',
    name: what.name ?? '',
    namespace: what.namespace ?? '',
    path: '',
  };
}

/** Builds the attributes of a non-resource request (`get /version`). */
export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return { user, verb, resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', namespace: '', path };
}

/**
 * The name a field selector pins with a single `metadata.name=x` (or `==`) term, else undefined.
 * A list or watch narrowed to one name is authorized as that name (the apiserver's
 * RequestInfoFactory does this), so rules limited by resourceNames allow `kubectl get cm x -w`.
 */
export function selectedName(selector: string | undefined | null): string | undefined {
  if (!selector) return undefined;
  let name: string | undefined;
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (!m) continue;
    if (name !== undefined) return undefined;
    name = m[1];
  }
  return name || undefined;
}
