/**
 * rbac.authorization.k8s.io/v1 Role and ClusterRole: lists of policy rules. A ClusterRole may
 * instead aggregate others through label selectors (the aggregation controller then owns its
 * rules). Names only need to be URL path segments, as in Kubernetes (`system:controller:foo`).
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { checkSchema } from '../schema-check.js';
import { defaultTable } from './columns.js';
import { builtin, kindSchema } from './common.js';
import { labelSelectorSchema, validateLabelSelector } from './label-selector-check.js';
import { policyRuleSchema, RBAC_GROUP, validatePolicyRule, type PolicyRule } from './rbac-rules.js';

const rules = z.array(policyRuleSchema).nullable().optional();

const roleSchema = kindSchema({ rules });

const clusterRoleSchema = kindSchema({
  rules,
  aggregationRule: z.strictObject({ clusterRoleSelectors: z.array(labelSelectorSchema).nullable().optional() }).nullable().optional(),
});

type AggregationRule = NonNullable<z.infer<typeof clusterRoleSchema>['aggregationRule']>;

function validate(o: KubeObject, namespaced: boolean) {
  const check = checkSchema(namespaced ? roleSchema : clusterRoleSchema, o);
  if (check.errors.length) return check;
  ((o.rules as PolicyRule[] | null | undefined) ?? []).forEach((r, i) => check.errors.push(...validatePolicyRule(r, namespaced, `rules[${i}]`)));
  const agg = o.aggregationRule as AggregationRule | null | undefined;
  if (agg) {
    const selectors = agg.clusterRoleSelectors ?? [];
    if (selectors.length === 0) {
      check.errors.push({ type: 'FieldValueRequired', field: 'aggregationRule.clusterRoleSelectors', detail: 'at least one clusterRoleSelector required if aggregationRule is non-nil' });
    }
    selectors.forEach((s, i) => check.errors.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return check;
}

export const roles = builtin(
  { group: RBAC_GROUP, version: 'v1', resource: 'roles', kind: 'Role', namespaced: true, nameRule: 'path-segment', hasStatus: false, generation: false, columns: defaultTable },
  { validate: (o) => validate(o, true) },
);

export const clusterRoles = builtin(
  {
    group: RBAC_GROUP,
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    nameRule: 'path-segment',
    hasStatus: false,
    generation: false,
    columns: defaultTable,
  },
  { validate: (o) => validate(o, false) },
);
