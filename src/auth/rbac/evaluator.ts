/**
 * Evaluation of one request against one cluster's compiled policy, as Kubernetes' RBAC authorizer
 * does it: members of an always-allowed group may do anything; otherwise the bindings that apply to the
 * user are visited (ClusterRoleBindings, then the request namespace's RoleBindings) and the first
 * rule that allows the request decides. Also the rule listing of a SelfSubjectRulesReview.
 */
import { SYSTEM_MASTERS, type UserInfo } from '../../registry/index.js';
import { ADMIN_GROUP } from '../authn/types.js';
import type { Grant, Policy } from './policy.js';
import { addUnique, ruleAllows } from './rules.js';
import { systemStatusRefusal } from './system-status.js';
import type { Attributes, Decision, NonResourceRule, ResourceRule, Rule, SubjectRules } from './types.js';

/** How Kubernetes names the binding that allowed a request (rbac's binding describers). */
export function describeGrant(g: Grant): string {
  const b = g.binding;
  const s = g.subject;
  const subject = s.kind === 'ServiceAccount' ? `${s.kind} "${s.name}/${s.namespace || b.namespace}"` : `${s.kind} "${s.name}"`;
  const binding = b.kind === 'RoleBinding' ? `RoleBinding "${b.name}/${b.namespace}"` : `ClusterRoleBinding "${b.name}"`;
  return `${binding} of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject}`;
}

/** The apiserver's Forbidden message for a request (its `forbiddenMessage`). */
export function forbiddenMessage(a: Attributes): string {
  const user = a.user.name;
  if (!a.resourceRequest) return `User "${user}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
}

/** Kubernetes' error aggregate: one message as is, several as `[a, b]` (duplicates once). */
function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}

/**
 * Members of these groups may do anything in every workspace, before any binding is consulted:
 * `system:masters`, as in Kubernetes and kcp, and kcp's platform admin group. The platform admin's
 * access must not depend on objects a tenant can write — a workspace's RBAC objects are the
 * tenant's. (The bootstrap policy still binds `cluster-admin` to both, so rule listings such as
 * `kubectl auth can-i --list` show what they hold.)
 */
const ALWAYS_ALLOWED = [SYSTEM_MASTERS, ADMIN_GROUP];

export const isAlwaysAllowed = (user: UserInfo): boolean => user.groups.some((g) => ALWAYS_ALLOWED.includes(g));

/**
 * `byName: false` evaluates a user whose name must not match any User or ServiceAccount subject
 * (a service account of another logical cluster, see Authorizer): only its groups count.
 */
export interface EvaluationOptions {
  byName?: boolean;
}

export function evaluate(policy: Policy, a: Attributes, options: EvaluationOptions = {}): Decision {
  // An always-allow group, before RBAC (kcp and the apiserver both authorize it first, and say nothing).
  if (isAlwaysAllowed(a.user)) return { allowed: true, reason: '' };
  const refusal = systemStatusRefusal(a);
  if (refusal !== undefined) return { allowed: false, reason: `${forbiddenMessage(a)}: ${refusal}` };
  const errors: string[] = [];
  for (const grant of policy.grants(a.user, a.resourceRequest ? a.namespace : '', options.byName ?? true)) {
    const r = policy.roleRules(grant.binding.roleRef, grant.binding.namespace);
    if (r.error !== undefined) {
      errors.push(r.error);
      continue;
    }
    for (const rule of r.rules) if (ruleAllows(a, rule)) return { allowed: true, reason: `RBAC: allowed by ${describeGrant(grant)}` };
  }
  const message = forbiddenMessage(a);
  return { allowed: false, reason: errors.length ? `${message}: RBAC: ${aggregate(errors)}` : message };
}

/** Every rule the user holds in `namespace` ('' for cluster-wide only), de-duplicated, and resolution errors. */
export function heldRules(policy: Policy, user: UserInfo, namespace: string, options: EvaluationOptions = {}): { rules: Rule[]; errors: string[] } {
  const rules: Rule[] = [];
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const grant of policy.grants(user, namespace, options.byName ?? true)) {
    const r = policy.roleRules(grant.binding.roleRef, grant.binding.namespace);
    if (r.error !== undefined) errors.push(r.error);
    else addUnique(rules, seen, r.rules);
  }
  return { rules, errors };
}

/** What a SelfSubjectRulesReview reports (`kubectl auth can-i --list`). */
export function subjectRules(policy: Policy, user: UserInfo, namespace: string, options: EvaluationOptions = {}): SubjectRules {
  const { rules, errors } = heldRules(policy, user, namespace, options);
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  // As RBACAuthorizer.RulesFor splits them: a rule with resources is a resource rule, one with URLs a non-resource rule.
  for (const r of rules) {
    if (r.resources.length > 0) {
      const out: ResourceRule = { verbs: [...r.verbs] };
      if (r.apiGroups.length) out.apiGroups = [...r.apiGroups];
      out.resources = [...r.resources];
      if (r.resourceNames.length) out.resourceNames = [...r.resourceNames];
      resourceRules.push(out);
    }
    if (r.nonResourceURLs.length > 0) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
  }
  const out: SubjectRules = { resourceRules, nonResourceRules, incomplete: errors.length > 0 };
  if (errors.length) out.evaluationError = aggregate(errors);
  return out;
}
