/**
 * Admission for providers' APIs, as kcp's plugins do it:
 * - binding an export (an APIBinding, or an APIExportEndpointSlice naming it) takes verb `bind` on
 *   the APIExport, granted in the export's workspace; every refusal reads the same, whether the
 *   export exists or not, so nobody learns what another workspace holds;
 * - a CRD may not take a group-resource a binding already serves in the workspace.
 * Atoll's own controllers (system:masters) pass.
 */
import type { Authorizer } from '../auth/index.js';
import { resourceAttributes } from '../auth/index.js';
import { errors, isSystem, type AdmissionHook, type ResourceType } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import type { BindingCatalog } from './binding-catalog.js';
import { APIS_GROUP, type ExportReference } from './types.js';

const isKind = (t: ResourceType, group: string, resource: string): boolean => t.group === group && t.resource === resource;

export function bindPermissionGuard(authorizer: Authorizer, resolver: ClusterResolver): AdmissionHook {
  return async ({ operation, type, context, object, oldObject }) => {
    if (isSystem(context) || !object) return;
    const binding = isKind(type, APIS_GROUP, 'apibindings');
    if (!binding && !isKind(type, APIS_GROUP, 'apiexportendpointslices')) return;
    const refOf = (o: typeof object | undefined): ExportReference | undefined => {
      const spec = o?.spec as { reference?: { export?: ExportReference }; export?: ExportReference } | undefined;
      return binding ? spec?.reference?.export : spec?.export;
    };
    const ref = refOf(object);
    if (!ref?.name) return; // Validation reports the missing reference.
    if (operation === 'UPDATE' && JSON.stringify(refOf(oldObject)) === JSON.stringify(ref)) return;
    if (operation !== 'CREATE' && operation !== 'UPDATE') return;
    const shown = ref.path ? `${ref.path}:${ref.name}` : ref.name;
    const kind = binding ? 'APIBinding' : 'APIExportEndpointSlice';
    const refuse = (why = '') => errors.forbidden(type, object.metadata.name ?? '', `unable to ${operation === 'CREATE' ? 'create' : 'update'} ${kind}: no permission to bind to export ${shown}${why}`);
    const user = context.user;
    if (!user) throw refuse();
    const cluster = ref.path ? await resolver.resolve(ref.path) : context.cluster;
    if (!cluster) throw refuse();
    const attributes = resourceAttributes(user, 'bind', { apiGroup: APIS_GROUP, resource: 'apiexports', name: ref.name });
    // The export's workspace decides, on whichever shard holds it.
    const decision = await authorizer.decideWhereHeld({ cluster, ...attributes });
    // Only a shard that could not be asked is named: a plain refusal tells nothing about the export.
    if (!decision.allowed) throw refuse(decision.unavailable ? ` (${decision.reason})` : '');
  };
}

/** kcp's CRDNoOverlappingGVR: a CRD cannot take what a binding serves. */
export function crdOverlapGuard(bindings: BindingCatalog): AdmissionHook {
  return ({ operation, type, context, object }) => {
    if (operation !== 'CREATE' || !object || !isKind(type, 'apiextensions.k8s.io', 'customresourcedefinitions')) return;
    const spec = object.spec as { group?: string; names?: { plural?: string } } | undefined;
    if (!spec?.group || !spec.names?.plural) return;
    if (spec.group === APIS_GROUP || spec.group.endsWith(`.${APIS_GROUP}`)) {
      throw errors.forbidden(type, object.metadata.name ?? '', `${spec.group} is a reserved group`);
    }
    const holder = bindings.bindingFor(context.cluster, spec.group, spec.names.plural);
    if (holder) throw errors.forbidden(type, object.metadata.name ?? '', `cannot create because resource is bound by APIBinding "${holder.name}"`);
  };
}
