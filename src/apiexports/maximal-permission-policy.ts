/**
 * kcp's maximal permission policy: an export with `maximalPermissionPolicy.local` caps what any
 * consumer's user may do with its resources by RBAC in the export's own workspace, evaluated for
 * the user with its name and groups prefixed `apis.kcp.io:binding:` (so the provider grants, for
 * example, `Group apis.kcp.io:binding:system:authenticated` read access and nothing more). Both
 * the consumer's RBAC and this policy must allow; an export that is gone lifts the limit. An
 * export on another shard is decided there (docs/shards.md).
 */
import type { Attributes, AuthorizationLimit, Authorizer, ClusterAttributes, Decision, LimitPreparation } from '../auth/index.js';
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

/**
 * The policy as a limit, and what it needs first: for an export another shard holds, the export's
 * workspace's decision is asked of that shard and kept a while (Authorizer.decideWhereHeld); the
 * limit reads the kept answer. A request the limit meets before that answer is here (a caller that
 * did not prepare: GraphQL's per-field checks) is refused, saying so, with the answer being asked
 * for attached (`pending`: GraphQL's registry calls wait for it and try again). It never allows
 * without the export's workspace's word.
 */
export function maximalPermissionPolicy(bindings: BindingCatalog, authorizer: Authorizer): { limit: AuthorizationLimit; prepare: LimitPreparation } {
  const policyOf = (cluster: string, attributes: Attributes): ClusterAttributes | undefined => {
    if (!attributes.resourceRequest) return undefined;
    const binding = bindings.bindingFor(cluster, attributes.apiGroup, attributes.resource);
    if (!binding || !bindings.exportOf(binding.exportCluster, binding.exportName)?.localPolicy) return undefined;
    return { ...attributes, cluster: binding.exportCluster, user: prefixedUser(attributes.user) };
  };
  const limit: AuthorizationLimit = (cluster, attributes) => {
    const asked = policyOf(cluster, attributes);
    if (!asked) return undefined;
    const binding = bindings.bindingFor(cluster, attributes.apiGroup, attributes.resource);
    const named = `API export "${asked.cluster}"|"${binding?.exportName ?? ''}" policy`;
    const decision = authorizer.decideIfKnown(asked);
    if (!decision) {
      const pending = authorizer.decideWhereHeld(asked).then((d): Decision => (d.allowed ? d : { allowed: false, reason: `${named}: ${d.reason}` }));
      return { allowed: false, reason: `${named}: the decision of the shard holding workspace "${asked.cluster}" is not known here yet; retry`, pending };
    }
    if (decision.allowed) return undefined;
    return { allowed: false, reason: `${named}: ${decision.reason}` };
  };
  const prepare: LimitPreparation = (cluster, attributes) => {
    const asked = policyOf(cluster, attributes);
    return asked ? authorizer.prepareWhereHeld(asked) : undefined;
  };
  return { limit, prepare };
}
