/**
 * One logical cluster's RBAC policy, compiled for evaluation: the bootstrap policy merged with the
 * cluster's own Roles, ClusterRoles and bindings, bindings indexed by the users and groups they
 * name, and ClusterRole aggregation resolved on demand.
 *
 * Merging with the bootstrap policy: the bootstrap ClusterRoles and ClusterRoleBindings win over
 * a workspace's own object of the same name, which is ignored. Their names are reserved — the
 * registry serves the bootstrap objects under them in every workspace and refuses to write them
 * (bootstrap-objects.ts) — so such an object can only be one stored before the names were: a
 * tenant's `cluster-admin` without non-resource URLs, or a `cluster-admin` binding without the
 * admin group, once locked the platform admin out of a workspace. A tenant extends `admin`,
 * `edit` and `view` through aggregation labels on roles of its own, as on a kube-apiserver.
 *
 * A cluster without RBAC objects of its own uses one shared compiled bootstrap policy.
 */
import type { UserInfo } from '../../registry/index.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap.js';
import { bindingRecord, roleRecord, type BindingRecord, type RoleRecord, type SubjectRecord } from './records.js';
import { addUnique } from './rules.js';
import { serviceAccountUserName, type RoleRefInfo, type Rule } from './types.js';

/** A cluster's own RBAC objects, as the index keeps them (namespaced ones keyed `namespace/name`). */
export interface ClusterObjects {
  clusterRoles: ReadonlyMap<string, RoleRecord>;
  roles: ReadonlyMap<string, RoleRecord>;
  clusterRoleBindings: ReadonlyMap<string, BindingRecord>;
  roleBindings: ReadonlyMap<string, BindingRecord>;
}

/** A binding that applies to a user, with the first of its subjects that names them. */
export interface Grant {
  binding: BindingRecord;
  subject: SubjectRecord;
}

export type RoleRules = { rules: readonly Rule[]; error?: undefined } | { rules?: undefined; error: string };

interface Entry {
  binding: BindingRecord;
  order: number;
  subjectIndex: number;
}

/** Bindings by the user names and groups their subjects name. */
class SubjectIndex {
  private readonly byUser = new Map<string, Entry[]>();
  private readonly byGroup = new Map<string, Entry[]>();

  constructor(bindings: Iterable<BindingRecord>) {
    const sorted = [...bindings].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    sorted.forEach((binding, order) => {
      binding.subjects.forEach((s, subjectIndex) => {
        const entry = { binding, order, subjectIndex };
        if (s.kind === 'User') push(this.byUser, s.name, entry);
        else if (s.kind === 'Group') push(this.byGroup, s.name, entry);
        else if (s.kind === 'ServiceAccount') {
          // A RoleBinding's service account without a namespace is one of the binding's namespace;
          // a ClusterRoleBinding's must name one (rbac's appliesToUser).
          const ns = s.namespace || binding.namespace;
          if (ns !== '') push(this.byUser, serviceAccountUserName(ns, s.name), entry);
        }
      });
    });
  }

  /** The bindings naming the user (by name unless `byName` is false, or a group), in binding-name order, each with its first matching subject. */
  grants(user: UserInfo, byName: boolean): Grant[] {
    const found: Entry[] = byName ? [...(this.byUser.get(user.name) ?? [])] : [];
    for (const g of user.groups) found.push(...(this.byGroup.get(g) ?? []));
    if (found.length === 0) return [];
    found.sort((a, b) => a.order - b.order || a.subjectIndex - b.subjectIndex);
    const out: Grant[] = [];
    let last: BindingRecord | undefined;
    for (const e of found) {
      if (e.binding === last) continue;
      last = e.binding;
      out.push({ binding: e.binding, subject: e.binding.subjects[e.subjectIndex] as SubjectRecord });
    }
    return out;
  }

  /** Whether any binding names the user (by name unless `byName` is false, or a group); no sorting, for cheap scans. */
  applies(user: UserInfo, byName: boolean): boolean {
    if (byName && this.byUser.has(user.name)) return true;
    return user.groups.some((g) => this.byGroup.has(g));
  }
}

function push<T>(m: Map<string, T[]>, key: string, value: T): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

const EMPTY = new Map<string, never>();
const BOOTSTRAP_ROLES: ReadonlyMap<string, RoleRecord> = new Map(bootstrapClusterRoles().map((o) => [o.metadata.name ?? '', roleRecord(o, 'ClusterRole')]));
const BOOTSTRAP_BINDINGS: ReadonlyMap<string, BindingRecord> = new Map(
  bootstrapClusterRoleBindings().map((o) => [o.metadata.name ?? '', bindingRecord(o, 'ClusterRoleBinding')]),
);

export class Policy {
  private readonly clusterRoles: ReadonlyMap<string, RoleRecord>;
  private readonly roles: ReadonlyMap<string, RoleRecord>;
  private readonly clusterGrants: SubjectIndex;
  private readonly namespaceGrants = new Map<string, SubjectIndex>();
  private readonly effective = new Map<string, readonly Rule[]>();
  private sortedClusterRoles: RoleRecord[] | undefined;

  private constructor(own: ClusterObjects) {
    this.clusterRoles = merged(own.clusterRoles, BOOTSTRAP_ROLES);
    this.roles = own.roles;
    this.clusterGrants = new SubjectIndex(merged(own.clusterRoleBindings, BOOTSTRAP_BINDINGS).values());
    const byNamespace = new Map<string, BindingRecord[]>();
    for (const b of own.roleBindings.values()) push(byNamespace, b.namespace, b);
    for (const [ns, list] of byNamespace) this.namespaceGrants.set(ns, new SubjectIndex(list));
  }

  static compile(own: ClusterObjects): Policy {
    return new Policy(own);
  }

  /** The policy of every cluster without RBAC objects of its own. */
  static readonly bootstrap: Policy = new Policy({ clusterRoles: EMPTY, roles: EMPTY, clusterRoleBindings: EMPTY, roleBindings: EMPTY });

  /**
   * The bindings applying to the user for a request in `namespace`: ClusterRoleBindings first,
   * then the namespace's RoleBindings (none for cluster-scoped and non-resource requests).
   * `byName: false` matches groups only.
   */
  grants(user: UserInfo, namespace: string, byName = true): Grant[] {
    const out = this.clusterGrants.grants(user, byName);
    if (namespace !== '') {
      const local = this.namespaceGrants.get(namespace);
      if (local) out.push(...local.grants(user, byName));
    }
    return out;
  }

  /**
   * The namespaces in which a RoleBinding names the user: with the ClusterRoleBindings, the only
   * places where the user can hold a namespaced permission. One map lookup per namespace that has
   * bindings, so GraphQL can ask "may this user read X anywhere?" without a namespace list.
   */
  namespacesBinding(user: UserInfo, byName = true): string[] {
    const out: string[] = [];
    for (const [ns, index] of this.namespaceGrants) if (index.applies(user, byName)) out.push(ns);
    return out;
  }

  /**
   * The rules a role reference grants from a binding in `bindingNamespace` ('' for a
   * ClusterRoleBinding), or the error rbac's resolver reports when the role does not exist.
   */
  roleRules(ref: RoleRefInfo, bindingNamespace: string): RoleRules {
    if (ref.kind === 'ClusterRole') {
      const rules = this.clusterRoleRules(ref.name);
      return rules ? { rules } : { error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    if (ref.kind === 'Role' && bindingNamespace !== '') {
      const role = this.roles.get(`${bindingNamespace}/${ref.name}`);
      return role ? { rules: role.rules } : { error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    return { error: `unsupported role reference kind: "${ref.kind}"` };
  }

  /**
   * A ClusterRole's rules; for an aggregating one, the union of the rules of every ClusterRole its
   * selectors reach — through other aggregating roles too, each visited once, so cycles end — as
   * the aggregation controller's fixed point would hold them. Undefined if there is no such role.
   */
  clusterRoleRules(name: string): readonly Rule[] | undefined {
    const known = this.effective.get(name);
    if (known) return known;
    const role = this.clusterRoles.get(name);
    if (!role) return undefined;
    if (!role.aggregation) return role.rules;
    const out: Rule[] = [];
    const seenRules = new Set<string>();
    const visited = new Set([name]);
    const queue: RoleRecord[] = [role];
    for (let next = queue.shift(); next; next = queue.shift()) {
      const selectors = next.aggregation ?? [];
      for (const candidate of this.byName()) {
        if (visited.has(candidate.name) || !selectors.some((s) => s.matches(candidate.labels))) continue;
        visited.add(candidate.name);
        if (candidate.aggregation) queue.push(candidate);
        else addUnique(out, seenRules, candidate.rules);
      }
    }
    this.effective.set(name, out);
    return out;
  }

  private byName(): RoleRecord[] {
    this.sortedClusterRoles ??= [...this.clusterRoles.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.sortedClusterRoles;
  }
}

/** The workspace's own objects and the bootstrap ones, a bootstrap object replacing an own one of its name. */
function merged<T>(own: ReadonlyMap<string, T>, bootstrap: ReadonlyMap<string, T>): ReadonlyMap<string, T> {
  if (own.size === 0) return bootstrap;
  const out = new Map(own);
  for (const [name, record] of bootstrap) out.set(name, record);
  return out;
}
