/**
 * The bootstrap policy every workspace shares: Kubernetes' default ClusterRoles and
 * ClusterRoleBindings that matter in a workspace (plugin/pkg/auth/authorizer/rbac/bootstrappolicy),
 * plus kcp's `system:kcp:workspace:access`. They are constants in memory, never copied into a
 * workspace's store: the policy index merges them with each workspace's own RBAC objects when it
 * evaluates (they win over a stored object of the same name, see policy.ts), and the registry
 * serves them as read-only objects of every workspace (bootstrap-objects.ts).
 *
 * Kubernetes' node, controller and scheduler roles are left out: no kubelet or controller manager
 * authenticates against a workspace.
 */
import { deepFreeze, type KubeObject } from '../../meta/index.js';
import { SYSTEM_MASTERS } from '../../registry/index.js';
import { ADMIN_GROUP, AUTHENTICATED_GROUP, UNAUTHENTICATED_GROUP } from '../authn/types.js';
import { RBAC_GROUP } from './types.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

/** kcp's ClusterRole granting entry into a workspace: verb `access` on the non-resource URL `/`. */
export const WORKSPACE_ACCESS_ROLE = 'system:kcp:workspace:access';

const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const BOOTSTRAP_ANNOTATIONS = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

type RawRule = { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

const res = (verbs: string[], apiGroups: string[], resources: string[]): RawRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): RawRule => ({ verbs, nonResourceURLs });

function clusterRole(name: string, rules: RawRule[], extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...extra.labels }, annotations: { ...BOOTSTRAP_ANNOTATIONS } },
    ...(extra.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] } } : {}),
    rules,
  };
}

function clusterBinding(role: string, groups: string[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: role, labels: { ...BOOTSTRAP_LABELS }, annotations: { ...BOOTSTRAP_ANNOTATIONS } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects: groups.map((name) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name })),
  };
}

const HEALTH = ['/livez', '/readyz', '/healthz'];

const ROLES: readonly KubeObject[] = [
  clusterRole('cluster-admin', [res(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  clusterRole('system:discovery', [urls(['get'], [...HEALTH, '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])]),
  clusterRole('system:basic-user', [
    res(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    res(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ]),
  // For delegated authentication and authorization (proxies, webhooks), bound by whoever needs it.
  clusterRole('system:auth-delegator', [
    res(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    res(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
  clusterRole('system:public-info-viewer', [urls(['get'], [...HEALTH, '/version', '/version/'])]),
  // admin ⊇ edit ⊇ view, through labels: edit aggregates into admin, view into edit.
  clusterRole('admin', [], { aggregateFrom: AGGREGATE_TO_ADMIN }),
  clusterRole('edit', [], { aggregateFrom: AGGREGATE_TO_EDIT, labels: { [AGGREGATE_TO_ADMIN]: 'true' } }),
  clusterRole('view', [], { aggregateFrom: AGGREGATE_TO_VIEW, labels: { [AGGREGATE_TO_EDIT]: 'true' } }),
  clusterRole(
    'system:aggregate-to-admin',
    [res(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), res(READ_WRITE, [RBAC_GROUP], ['roles', 'rolebindings'])],
    { labels: { [AGGREGATE_TO_ADMIN]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-edit',
    [
      // Read on escalating resources: edit reads secrets, view does not.
      res(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      res(['impersonate'], [''], ['serviceaccounts']),
      res(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      res(['create'], [''], ['pods/eviction']),
      res(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
      res(['create'], [''], ['serviceaccounts/token']),
      res(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
      res(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      res(WRITE, ['batch'], ['jobs', 'cronjobs']),
      res(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
      res(WRITE, ['policy'], ['poddisruptionbudgets']),
      res(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
    ],
    { labels: { [AGGREGATE_TO_EDIT]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      res(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      res(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
      // Reading namespaces at namespace scope means reading *this* namespace.
      res(READ, [''], ['namespaces']),
      res(READ, ['discovery.k8s.io'], ['endpointslices']),
      res(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
      res(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      res(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      res(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
      res(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      res(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
    ],
    { labels: { [AGGREGATE_TO_VIEW]: 'true' } },
  ),
  clusterRole(WORKSPACE_ACCESS_ROLE, [urls(['access'], ['/'])]),
];

const BINDINGS: readonly KubeObject[] = [
  clusterBinding('cluster-admin', [SYSTEM_MASTERS, ADMIN_GROUP]),
  clusterBinding('system:discovery', [AUTHENTICATED_GROUP]),
  clusterBinding('system:basic-user', [AUTHENTICATED_GROUP]),
  clusterBinding('system:public-info-viewer', [AUTHENTICATED_GROUP, UNAUTHENTICATED_GROUP]),
];

deepFreeze(ROLES);
deepFreeze(BINDINGS);

/** The bootstrap ClusterRoles, as objects; frozen, shared. */
export const bootstrapClusterRoles = (): readonly KubeObject[] => ROLES;

/** The bootstrap ClusterRoleBindings, as objects; frozen, shared. */
export const bootstrapClusterRoleBindings = (): readonly KubeObject[] => BINDINGS;
