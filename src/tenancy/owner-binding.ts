/** The creator's `workspace-admin` binding, made by the workspace controller and for home workspaces alike. */
import type { KubeObject } from '../meta/index.js';
import { clusterRoleBindings, ignoreAlreadyExists, SYSTEM_USER, type Registry } from '../registry/index.js';
import { OWNER_BINDING } from './kinds/index.js';

/** The ClusterRoleBinding that makes `username` cluster-admin inside a workspace, as kcp binds a workspace's creator. */
export function ownerBinding(username: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: OWNER_BINDING },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: username }],
  } as KubeObject;
}

/** Makes `username` cluster-admin inside `cluster`; an existing binding is left as it is. */
export async function bindWorkspaceOwner(registry: Registry, cluster: string, username: string, fieldManager?: string): Promise<void> {
  await registry.create({ cluster, user: SYSTEM_USER }, clusterRoleBindings, undefined, ownerBinding(username), fieldManager ? { fieldManager } : {}).catch(ignoreAlreadyExists);
}
