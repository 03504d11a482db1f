/**
 * Kubernetes RBAC, per workspace: an index of every logical cluster's RBAC objects (one wildcard
 * watch per RBAC resource), a bootstrap policy shared by all workspaces without copies, the
 * evaluator and its decision cache, kcp's workspace `access` check, SelfSubjectRulesReview's rule
 * listing, and privilege-escalation prevention as a registry admission hook.
 *
 * Wiring (for the server): `const index = new RbacIndex({ store }); await index.start();`
 * `const authz = new Authorizer({ index });` `registry.use(rbacEscalationGuard(authz));` then
 * `authz.canAccess(cluster, user)` before anything else in a workspace, and
 * `authz.authorize({ cluster, ...attributes })` per request.
 */
export { Authorizer, ACCESS_PATH, ACCESS_VERB, clusterOfServiceAccount, type AuthorizerOptions } from './authorizer.js';
export {
  AGGREGATE_TO_ADMIN,
  AGGREGATE_TO_EDIT,
  AGGREGATE_TO_VIEW,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  WORKSPACE_ACCESS_ROLE,
} from './bootstrap.js';
export { covers, compactString, FULL_AUTHORITY } from './covers.js';
export { DecisionCache, type DecisionCacheOptions } from './decision-cache.js';
export { rbacEscalationGuard } from './escalation.js';
export {
  DEFAULT_REMOTE_ALLOWED_TTL_MS,
  DEFAULT_REMOTE_DENIED_TTL_MS,
  RemoteDecisions,
  type ClusterReviewer,
  type RemoteDecision,
  type RemoteDecisionsOptions,
} from './remote-decisions.js';
export { workspaceTypeUseGuard } from './workspace-type-use.js';
export { describeGrant, evaluate, forbiddenMessage, heldRules, subjectRules, type EvaluationOptions } from './evaluator.js';
export { Policy, type ClusterObjects, type Grant, type RoleRules } from './policy.js';
export { RbacIndex, RBAC_RESOURCES, type RbacIndexOptions, type RbacKind } from './rbac-index.js';
export { parseRequiredGroups, RequiredGroups, REQUIRED_GROUPS_ANNOTATION } from './required-groups.js';
export { bindingRecord, roleRecord, type BindingRecord, type RoleRecord, type SubjectRecord } from './records.js';
export { normalizeRule, ruleAllows } from './rules.js';
export {
  nonResourceAttributes,
  RBAC_GROUP,
  resourceAttributes,
  selectedName,
  serviceAccountUserName,
  type Attributes,
  type ClusterAttributes,
  type Decision,
  type NonResourceRule,
  type ResourceRule,
  type RoleRefInfo,
  type Rule,
  type SubjectRules,
} from './types.js';
