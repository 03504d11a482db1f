/**
 * The `root` logical cluster exists from the first start, like kcp's: its LogicalCluster object
 * (`cluster`, path `root`, type `root:root`, Ready, no owner), its `default` namespace, and the
 * built-in WorkspaceTypes. Idempotent on every start: missing pieces are created, a type an
 * administrator has edited is left as it is.
 */
import { deepEqual } from '../meta/index.js';
import { clusterRoleBindings, clusterRoles, ignoreAlreadyExists, isApiError, namespaces, SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import { LOGICAL_CLUSTER_NAME, logicalClusters, PATH_ANNOTATION, TYPE_ANNOTATION, workspaceTypes, type WorkspaceTypeSpec } from './kinds/index.js';

export const ROOT_CLUSTER = 'root';
export { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTER_RESOURCE, PATH_ANNOTATION, logicalClusterKey } from './kinds/logical-cluster.js';

/** Root's system exports (kcp's names), bound in every workspace whose type extends `universal`. */
export const TENANCY_EXPORT = 'tenancy.kcp.io';
export const TOPOLOGY_EXPORT = 'topology.kcp.io';

const inRoot = { name: 'root', path: ROOT_CLUSTER };
const universal = { name: 'universal', path: ROOT_CLUSTER };

/** kcp's built-in types (with its workspace-types battery): root's children are organizations, theirs universal. */
export const BUILTIN_WORKSPACE_TYPES: Readonly<Record<string, WorkspaceTypeSpec>> = {
  root: { defaultChildWorkspaceType: { name: 'organization', path: ROOT_CLUSTER }, limitAllowedParents: { none: true } },
  // Its initializer creates the `default` namespace; every type below extends it, and so binds the system exports.
  universal: {
    initializer: true,
    defaultChildWorkspaceType: universal,
    defaultAPIBindings: [
      { path: ROOT_CLUSTER, export: TENANCY_EXPORT },
      { path: ROOT_CLUSTER, export: TOPOLOGY_EXPORT },
    ],
  },
  organization: { extend: { with: [universal] }, defaultChildWorkspaceType: universal, limitAllowedParents: { types: [inRoot] } },
  // A user's home (made on first ask, no parent): kcp's `root:home`.
  home: { extend: { with: [universal] }, defaultChildWorkspaceType: universal, limitAllowedParents: { none: true } },
  team: {
    extend: { with: [universal] },
    defaultChildWorkspaceType: universal,
    limitAllowedParents: { types: [{ name: 'organization', path: ROOT_CLUSTER }, { name: 'team', path: ROOT_CLUSTER }] },
  },
};

/**
 * Built-in types as earlier versions created them: a stored type that still reads exactly so was
 * never edited, and is brought up to date.
 */
const EARLIER_BUILTIN_TYPES: Readonly<Record<string, WorkspaceTypeSpec>> = {
  universal: { initializer: true, defaultChildWorkspaceType: universal },
};

export async function ensureRootCluster(registry: Registry): Promise<void> {
  const ctx: RequestContext = { cluster: ROOT_CLUSTER, user: SYSTEM_USER };
  const annotations = { [PATH_ANNOTATION]: ROOT_CLUSTER, [TYPE_ANNOTATION]: `${ROOT_CLUSTER}:root` };
  let lc = await registry.get(ctx, logicalClusters, undefined, LOGICAL_CLUSTER_NAME).catch((e: unknown) => {
    if (isApiError(e) && e.reason === 'NotFound') return undefined;
    throw e;
  });
  lc ??= await registry.create(ctx, logicalClusters, undefined, { metadata: { name: LOGICAL_CLUSTER_NAME, annotations }, spec: {} }).catch((e: unknown) => {
    ignoreAlreadyExists(e);
    return registry.get(ctx, logicalClusters, undefined, LOGICAL_CLUSTER_NAME);
  });
  // A data directory from before workspaces has a root without its type annotation.
  if (lc.metadata.annotations?.[TYPE_ANNOTATION] === undefined) {
    lc = await registry.update(ctx, logicalClusters, undefined, LOGICAL_CLUSTER_NAME, {
      ...lc,
      metadata: { ...lc.metadata, annotations: { ...lc.metadata.annotations, ...annotations } },
    });
  }
  if ((lc.status as { phase?: string } | undefined)?.phase !== 'Ready') {
    await registry.update(ctx, logicalClusters, undefined, LOGICAL_CLUSTER_NAME, { ...lc, status: { phase: 'Ready' } }, { subresource: 'status' });
  }
  await registry.create(ctx, namespaces, undefined, { metadata: { name: 'default' } }).catch(ignoreAlreadyExists);
  for (const [name, spec] of Object.entries(BUILTIN_WORKSPACE_TYPES)) {
    const created = await registry.create(ctx, workspaceTypes, undefined, { metadata: { name }, spec }).then(
      () => true,
      (e: unknown) => (ignoreAlreadyExists(e), false),
    );
    const earlier = EARLIER_BUILTIN_TYPES[name];
    if (created || !earlier) continue;
    const stored = await registry.get(ctx, workspaceTypes, undefined, name);
    if (deepEqual(stored.spec, earlier)) await registry.update(ctx, workspaceTypes, undefined, name, { ...stored, spec: { ...spec } });
  }
}

/**
 * A ClusterRole in root granted to every authenticated user, as kcp's root grants binding its
 * system exports and asking for a home: made when missing, left alone when an administrator has
 * changed it (narrowed its subjects, say).
 */
export async function ensureRootGrant(registry: Registry, grant: { role: string; binding?: string; rules: readonly Record<string, unknown>[] }): Promise<void> {
  const ctx: RequestContext = { cluster: ROOT_CLUSTER, user: SYSTEM_USER };
  await registry.create(ctx, clusterRoles, undefined, { metadata: { name: grant.role }, rules: grant.rules }).catch(ignoreAlreadyExists);
  const binding = {
    metadata: { name: grant.binding ?? grant.role },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: grant.role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
  };
  await registry.create(ctx, clusterRoleBindings, undefined, binding).catch(ignoreAlreadyExists);
}
