/**
 * kcp's maximal permission policy: an export with `maximalPermissionPolicy.local` caps what any
 * consumer's user may do with its resources by RBAC in the export's own workspace, evaluated for
 * the user with its name and groups prefixed `apis.kcp.io:binding:` (so the provider grants, for
 * example, `Group apis.kcp.io:binding:system:authenticated` read access and nothing more). Both
 * the consumer's RBAC and this policy must allow; an export that is gone lifts the limit.
 */
import type { AuthorizationLimit, Authorizer } from '../auth/index.js';
import type { UserInfo } from '../registry/index.js';
import type { BindingCatalog } from './binding-catalog.js';

export const BINDING_SUBJECT_PREFIX = 'apis.kcp.io:binding:';

/** Prefixed users, one per user object, so the authorizer's decision cache keeps its per-user memo. */
const prefixedUsers = new WeakMap<UserInfo, UserInfo>();

export function prefixedUser(user: UserInfo): UserInfo {
  let p = prefixedUsers.get(user);
  if (!p) {
    // The user's own extras (its service account's home cluster) would make it local nowhere else; they stay off.
    p = { name: BINDING_SUBJECT_PREFIX + user.name, groups: user.groups.map((g) => BINDING_SUBJECT_PREFIX + g), ...(user.uid ? { uid: user.uid } : {}) };
    prefixedUsers.set(user, p);
  }
  return p;
}

export function maximalPermissionPolicy(bindings: BindingCatalog, authorizer: Authorizer): AuthorizationLimit {
  return (cluster, attributes) => {
    if (!attributes.resourceRequest) return undefined;
    const binding = bindings.bindingFor(cluster, attributes.apiGroup, attributes.resource);
    if (!binding || !bindings.exportOf(binding.exportCluster, binding.exportName)?.localPolicy) return undefined;
    const decision = authorizer.decide({ ...attributes, cluster: binding.exportCluster, user: prefixedUser(attributes.user) });
    if (decision.allowed) return undefined;
    return { allowed: false, reason: `API export "${binding.exportCluster}"|"${binding.exportName}" policy: ${decision.reason}` };
  };
}
