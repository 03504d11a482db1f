/** The creator's `workspace-admin` binding, made by the workspace controller and for home workspaces alike. */
import { clusterRoleBindings, ignoreAlreadyExists, SYSTEM_USER, type Registry } from '../registry/index.js';
import { OWNER_BINDING } from './kinds/index.js';

/** Makes `username` cluster-admin inside `cluster`, as kcp binds a workspace's creator; an existing binding is left as it is. */
export async function bindWorkspaceOwner(registry: Registry, cluster: string, username: string, fieldManager?: string): Promise<void> {
  const binding = {
    metadata: { name: OWNER_BINDING },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: username }],
  };
  await registry.create({ cluster, user: SYSTEM_USER }, clusterRoleBindings, undefined, binding, fieldManager ? { fieldManager } : {}).catch(ignoreAlreadyExists);
}
