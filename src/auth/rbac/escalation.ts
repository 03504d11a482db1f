/**
 * RBAC privilege-escalation prevention, as a registry admission hook (Kubernetes does it in the
 * RBAC kinds' storage; pkg/registry/rbac/*\/policybased):
 *
 * - Creating or updating a Role or ClusterRole is allowed if the user already holds every
 *   permission it grants (in the role's namespace; cluster-wide for a ClusterRole), or may
 *   `escalate` roles/clusterroles. Setting (or changing) a ClusterRole's aggregationRule, which
 *   can gather anything, takes `*` on everything unless the user may `escalate`.
 * - Creating or updating a RoleBinding or ClusterRoleBinding is allowed if the user may `bind`
 *   the referenced role (a rule for roles/clusterroles with that name, in the binding's
 *   namespace), or already holds every permission the role grants there. A binding to a role that
 *   does not exist is then refused with NotFound.
 * - Members of `system:masters` (Atoll's own controllers) pass; so do updates that only touch the
 *   fields the garbage collector needs (owner references, finalizers).
 */
import { deepEqual, type KubeObject } from '../../meta/index.js';
import { errors, isSystem, type AdmissionHook, type AdmissionRequest, type ErrorTarget, type UserInfo } from '../../registry/index.js';
import type { Authorizer } from './authorizer.js';
import { compactRules, compactString, covers, FULL_AUTHORITY, goQuoted } from './covers.js';
import { bindingRecord, hasAggregationRule, roleRecord } from './records.js';
import { RBAC_GROUP, resourceAttributes, type RoleRefInfo, type Rule } from './types.js';

const ROLE_RESOURCES = new Set(['roles', 'clusterroles']);
const BINDING_RESOURCES = new Set(['rolebindings', 'clusterrolebindings']);

/** How the rule resolver names a missing role (listers use the singular resource). */
const missingRoleTarget = (kind: string): ErrorTarget => ({ group: RBAC_GROUP, resource: kind === 'Role' ? 'role' : 'clusterrole', kind });

/**
 * The admission hook to install on the registry (`registry.use(rbacEscalationGuard(authorizer))`).
 * Checks run on dry runs too, as in Kubernetes.
 */
export function rbacEscalationGuard(authorizer: Authorizer): AdmissionHook {
  return (request: AdmissionRequest) => {
    const t = request.type;
    if (t.group !== RBAC_GROUP || request.operation === 'DELETE' || request.subresource) return;
    const isRole = ROLE_RESOURCES.has(t.resource);
    if (!isRole && !BINDING_RESOURCES.has(t.resource)) return;
    const object = request.object;
    if (!object || isSystem(request.context)) return;
    const name = object.metadata.name ?? '';
    const user = request.context.user;
    if (!user) throw errors.forbidden(t, name, 'no user on request');
    if (request.operation === 'UPDATE' && request.oldObject && onlyGarbageCollectorFields(object, request.oldObject)) return;
    const check = new Check(authorizer, request.context.cluster, user, t, name, t.namespaced ? (object.metadata.namespace ?? '') : '');
    if (isRole) check.role(object, request.operation === 'CREATE', request.oldObject);
    else check.binding(object);
  };
}

class Check {
  constructor(
    private readonly authorizer: Authorizer,
    private readonly cluster: string,
    private readonly user: UserInfo,
    private readonly type: ErrorTarget,
    private readonly name: string,
    private readonly namespace: string,
  ) {}

  role(object: KubeObject, creating: boolean, old: KubeObject | undefined): void {
    // rbac's RoleEscalationAuthorized: the request's own name, which a create's URL does not carry.
    if (this.allowed('escalate', this.type.resource, creating ? '' : this.name)) return;
    const record = roleRecord(object, this.type.resource === 'roles' ? 'Role' : 'ClusterRole');
    this.confirmNoEscalation(record.rules);
    if (this.type.resource === 'clusterroles' && (hasAggregationRule(object) || hasAggregationRule(old))) {
      if (this.missing(FULL_AUTHORITY) !== undefined) throw errors.forbidden(this.type, this.name, 'must have cluster-admin privileges to use the aggregationRule');
    }
  }

  binding(object: KubeObject): void {
    const ref: RoleRefInfo = bindingRecord(object, this.type.resource === 'rolebindings' ? 'RoleBinding' : 'ClusterRoleBinding').roleRef;
    const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : undefined;
    if (resource && this.allowed('bind', resource, ref.name)) return;
    const r = this.authorizer.roleRefRules(this.cluster, ref, this.namespace);
    if (r.error !== undefined) throw errors.notFound(missingRoleTarget(ref.kind), ref.name);
    this.confirmNoEscalation(r.rules);
  }

  private allowed(verb: string, resource: string, name: string): boolean {
    const attrs = resourceAttributes(this.user, verb, { apiGroup: RBAC_GROUP, resource, name, namespace: this.namespace });
    return this.authorizer.decide({ cluster: this.cluster, ...attrs }).allowed;
  }

  /** The message listing what the user lacks of `rules`, or undefined if they hold it all. */
  private missing(rules: readonly Rule[]): string | undefined {
    const held = this.authorizer.heldRules(this.cluster, this.user, this.namespace);
    const { covered, missing } = covers(held.rules, rules);
    if (covered) return undefined;
    const lines = [...new Set(compactRules(missing).map(compactString))].sort();
    let msg = `user "${this.user.name}" (groups=${goQuoted(this.user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
    if (held.errors.length) {
      const unique = [...new Set(held.errors)];
      msg += `; resolution errors: [${unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`}]`;
    }
    return msg;
  }

  private confirmNoEscalation(rules: readonly Rule[]): void {
    const msg = this.missing(rules);
    if (msg !== undefined) throw errors.forbidden(this.type, this.name, msg);
  }
}

/** Metadata the garbage collector writes, and what the registry itself maintains. */
const GC_AND_SYSTEM_FIELDS = ['ownerReferences', 'finalizers', 'managedFields', 'resourceVersion', 'generation'];

/** rbac's IsOnlyMutatingGCFields: nothing but owner references and finalizers changes. */
function onlyGarbageCollectorFields(next: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => {
    const metadata = { ...o.metadata };
    for (const f of GC_AND_SYSTEM_FIELDS) delete metadata[f];
    return { ...o, metadata };
  };
  return deepEqual(strip(next), strip(old));
}
