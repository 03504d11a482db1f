/**
 * The bootstrap policy as objects every workspace serves (ResourceType `shared`): `kubectl get
 * clusterroles` lists `cluster-admin`, `admin`, `edit`, `view` and the rest in any workspace, as
 * on a kube-apiserver, while no workspace stores a copy — one frozen set for all of them.
 *
 * Their names are reserved: the registry refuses every write of them (create is AlreadyExists,
 * anything else Forbidden), and the policy ignores a stored object of the same name (see
 * policy.ts). So a tenant can neither weaken what the bootstrap roles grant anyone nor take a
 * grant away through a binding's name. On a kube-apiserver these roles carry
 * `rbac.authorization.kubernetes.io/autoupdate: "true"` and are reconciled at every start; here
 * they cannot drift at all. Extending `admin`, `edit` and `view` works as there: a ClusterRole of
 * another name labelled `rbac.authorization.k8s.io/aggregate-to-<role>: "true"`.
 *
 * Their metadata is stable — the same uid, resourceVersion and creationTimestamp in every
 * workspace and across restarts — because each is one object that never changes.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../meta/index.js';
import { clusterRoleBindings, clusterRoles, type ResourceType, type SharedObjects } from '../../registry/index.js';
import { AGGREGATE_TO_ADMIN, AGGREGATE_TO_EDIT, AGGREGATE_TO_VIEW, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap.js';

/** When this version of the bootstrap policy was written (a date that, unlike a start time, never changes). */
const CREATED = '2025-01-01T00:00:00Z';
/** They never change, so one resourceVersion serves for ever. */
const RESOURCE_VERSION = '1';

/** A uid derived from the kind and name (RFC 4122 layout, name-based), so it is the same everywhere. */
function stableUid(kind: string, name: string): string {
  const h = createHash('sha256').update(`atoll bootstrap policy\n${kind}\n${name}`).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function shared(objects: readonly KubeObject[], readOnly: (name: string) => string): SharedObjects {
  const byName = new Map<string, KubeObject>();
  for (const o of objects) {
    const name = o.metadata.name ?? '';
    const metadata = { ...o.metadata, uid: stableUid(o.kind ?? '', name), resourceVersion: RESOURCE_VERSION, creationTimestamp: CREATED };
    byName.set(name, Object.freeze({ ...o, metadata: Object.freeze(metadata) }));
  }
  return { objects: byName, readOnly };
}

const AGGREGATED: Readonly<Record<string, string>> = { admin: AGGREGATE_TO_ADMIN, edit: AGGREGATE_TO_EDIT, view: AGGREGATE_TO_VIEW };

const ROLES = shared(bootstrapClusterRoles(), (name) => {
  const label = AGGREGATED[name];
  const refusal = 'it is a system role shared by every workspace and cannot be changed';
  return label ? `${refusal}; to extend it, create a ClusterRole of another name labelled ${label}: "true"` : refusal;
});

const BINDINGS = shared(
  bootstrapClusterRoleBindings(),
  () => 'it is a system binding shared by every workspace and cannot be changed; grant the role with a ClusterRoleBinding of another name',
);

/** The ClusterRole and ClusterRoleBinding types serving the bootstrap policy in every workspace. */
export function bootstrapPolicyTypes(): ResourceType[] {
  return [
    { ...clusterRoles, shared: ROLES },
    { ...clusterRoleBindings, shared: BINDINGS },
  ];
}

