/**
 * OpenAPI v3 schemas of rbac.authorization.k8s.io/v1 (Role, ClusterRole, RoleBinding,
 * ClusterRoleBinding, their Lists, PolicyRule, AggregationRule, RoleRef and Subject), named as in
 * Kubernetes. Every list here is atomic and RoleRef/Subject are atomic structs, so apply and merge
 * patches replace rules and subjects wholesale, as Kubernetes does. Descriptions are Atoll's own.
 */
import type { OpenApiSchema } from '../../../meta/index.js';
import {
  ATOMIC,
  LABEL_SELECTOR,
  kindSchema,
  listSchema,
  ref,
  refList,
  refObject,
  requiredStr,
  str,
  stringList,
} from './schema-builders.js';

const GROUP = 'rbac.authorization.k8s.io';
const RBAC = 'io.k8s.api.rbac.v1.';
const ROLE = `${RBAC}Role`;
const CLUSTER_ROLE = `${RBAC}ClusterRole`;
const ROLE_BINDING = `${RBAC}RoleBinding`;
const CLUSTER_ROLE_BINDING = `${RBAC}ClusterRoleBinding`;
const POLICY_RULE = `${RBAC}PolicyRule`;
const AGGREGATION_RULE = `${RBAC}AggregationRule`;
const ROLE_REF = `${RBAC}RoleRef`;
const SUBJECT = `${RBAC}Subject`;

const rbac = (kind: string, description: string, properties: Record<string, OpenApiSchema>, required?: string[]) =>
  kindSchema({ group: GROUP, version: 'v1', kind, description, properties, ...(required ? { required } : {}) });

const rbacList = (kind: string, itemSchema: string, itemsDescription: string) => listSchema(GROUP, 'v1', kind, itemSchema, itemsDescription);

const subjects = (): OpenApiSchema => refList(SUBJECT, 'The users, groups and service accounts the role is granted to.', ATOMIC);

export const rbacV1Schemas: Record<string, OpenApiSchema> = {
  [ROLE]: rbac('Role', 'A set of permissions within one namespace, granted through RoleBindings.', {
    rules: refList(POLICY_RULE, 'The permissions the role grants.', ATOMIC),
  }),
  [`${ROLE}List`]: rbacList('Role', ROLE, 'The roles.'),

  [CLUSTER_ROLE]: rbac(
    'ClusterRole',
    'A set of permissions, granted cluster-wide through ClusterRoleBindings or within a namespace through RoleBindings.',
    {
      rules: refList(POLICY_RULE, 'The permissions the cluster role grants.', ATOMIC),
      aggregationRule: ref(
        AGGREGATION_RULE,
        'When set, rules is computed by a controller from the cluster roles this rule selects, and direct edits to rules are overwritten.',
      ),
    },
  ),
  [`${CLUSTER_ROLE}List`]: rbacList('ClusterRole', CLUSTER_ROLE, 'The cluster roles.'),

  [ROLE_BINDING]: rbac(
    'RoleBinding',
    'Grants the permissions of a Role in the same namespace, or of a ClusterRole, to subjects within this namespace only.',
    {
      subjects: subjects(),
      roleRef: refObject(
        ROLE_REF,
        'The Role in this namespace or the ClusterRole to grant. Cannot be changed; an unresolvable reference grants nothing.',
      ),
    },
    ['roleRef'],
  ),
  [`${ROLE_BINDING}List`]: rbacList('RoleBinding', ROLE_BINDING, 'The role bindings.'),

  [CLUSTER_ROLE_BINDING]: rbac(
    'ClusterRoleBinding',
    'Grants the permissions of a ClusterRole to subjects across the whole cluster.',
    {
      subjects: subjects(),
      roleRef: refObject(ROLE_REF, 'The ClusterRole to grant. Cannot be changed; an unresolvable reference grants nothing.'),
    },
    ['roleRef'],
  ),
  [`${CLUSTER_ROLE_BINDING}List`]: rbacList('ClusterRoleBinding', CLUSTER_ROLE_BINDING, 'The cluster role bindings.'),

  [POLICY_RULE]: {
    type: 'object',
    description: 'Actions allowed on resources or non-resource URLs. It says nothing about who may act or in which namespace.',
    properties: {
      verbs: stringList('Verbs allowed, such as get, list, watch, create, update, patch, delete; "*" allows all.', ATOMIC),
      apiGroups: stringList(
        'API groups of the resources; "" is the core group and "*" is every group. A resource in any listed group matches.',
        ATOMIC,
      ),
      resources: stringList('Resources the rule covers, such as "pods" or "deployments/scale"; "*" is every resource.', ATOMIC),
      resourceNames: stringList('Names of the objects the rule is limited to; empty means any name.', ATOMIC),
      nonResourceURLs: stringList(
        'URL paths such as "/healthz" or "/api/*" (a "*" only as the last segment). Only meaningful in ClusterRoles bound by ' +
          'ClusterRoleBindings; a rule covers either resources or URLs, not both.',
        ATOMIC,
      ),
    },
    required: ['verbs'],
  },

  [AGGREGATION_RULE]: {
    type: 'object',
    description: 'Selects the cluster roles whose rules are combined into an aggregated ClusterRole.',
    properties: {
      clusterRoleSelectors: refList(
        LABEL_SELECTOR,
        'Label selectors over ClusterRoles; the rules of every cluster role matching any of them are included.',
        ATOMIC,
      ),
    },
  },

  [ROLE_REF]: {
    type: 'object',
    description: 'Identifies the role a binding grants.',
    properties: {
      apiGroup: requiredStr('API group of the role: rbac.authorization.k8s.io.'),
      kind: requiredStr('Kind of the role: Role or ClusterRole.'),
      name: requiredStr('Name of the role.'),
    },
    required: ['apiGroup', 'kind', 'name'],
    'x-kubernetes-map-type': 'atomic',
  },

  [SUBJECT]: {
    type: 'object',
    description: 'Who a binding grants a role to: a user, a group or a service account.',
    properties: {
      kind: requiredStr('User, Group or ServiceAccount. Authorizers report an error for kinds they do not recognise.'),
      apiGroup: str('API group of the subject: "" for ServiceAccount (the default there), rbac.authorization.k8s.io for User and Group.'),
      name: requiredStr('Name of the user, group or service account.'),
      namespace: str('Namespace of a ServiceAccount subject; must be empty for users and groups.'),
    },
    required: ['kind', 'name'],
    'x-kubernetes-map-type': 'atomic',
  },
};
