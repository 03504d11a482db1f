/**
 * rbac.authorization.k8s.io/v1: roles, bindings and their parts. Field numbers are facts from
 * k8s.io/api rbac/v1/generated.proto; JSON shape (e.g. `rules` and `verbs` without omitempty,
 * so an empty list is `null`) from rbac/v1 types.go.
 */
import { msg, type GroupDef } from './schema.js';

export const rbacV1: GroupDef = {
  package: 'k8s.io.api.rbac.v1',
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  messages: {
    Role: msg({ metadata: '1 meta.ObjectMeta', rules: '2 []PolicyRule keep' }),
    ClusterRole: msg({ metadata: '1 meta.ObjectMeta', rules: '2 []PolicyRule keep', aggregationRule: '3 *AggregationRule' }),
    RoleBinding: msg({ metadata: '1 meta.ObjectMeta', subjects: '2 []Subject', roleRef: '3 RoleRef' }),
    ClusterRoleBinding: msg({ metadata: '1 meta.ObjectMeta', subjects: '2 []Subject', roleRef: '3 RoleRef' }),
    PolicyRule: msg({
      verbs: '1 []string keep',
      apiGroups: '2 []string',
      resources: '3 []string',
      resourceNames: '4 []string',
      nonResourceURLs: '5 []string',
    }),
    AggregationRule: msg({ clusterRoleSelectors: '1 []meta.LabelSelector' }),
    Subject: msg({ kind: '1 string keep', apiGroup: '2 string', name: '3 string keep', namespace: '4 string' }),
    RoleRef: msg({ apiGroup: '1 string keep', kind: '2 string keep', name: '3 string keep' }),
  },
};
