/**
 * Admission for CRDs and their objects:
 * - no new custom resources while their CRD is being deleted (its objects are being removed), as
 *   Kubernetes refuses them;
 * - kcp's ReservedCRDAnnotations: annotations under apis.kcp.io (such as `apis.kcp.io/bound-crd`,
 *   which marks kcp's own CRDs behind APIBindings and loosens their naming) are kcp's, never a user's.
 */
import { ApiError, errors, groupResource, type AdmissionHook } from '../registry/index.js';
import { CRD_RESOURCE, type CrdCatalog } from './catalog.js';

const RESERVED_ANNOTATION_GROUP = 'apis.kcp.io';

export function crdTerminationGuard(catalog: Pick<CrdCatalog, 'isTerminating'>): AdmissionHook {
  return ({ operation, type, context }) => {
    if (operation !== 'CREATE' || type.sourceHash === undefined) return;
    if (catalog.isTerminating(context.cluster, groupResource(type))) {
      throw new ApiError('MethodNotAllowed', 'create not allowed while custom resource definition is terminating');
    }
  };
}

export function reservedCrdAnnotationsGuard(): AdmissionHook {
  return ({ operation, type, object }) => {
    if ((operation !== 'CREATE' && operation !== 'UPDATE') || !object || groupResource(type) !== CRD_RESOURCE) return;
    const reserved = Object.keys(object.metadata.annotations ?? {})
      .filter((key) => {
        const prefix = key.split('/', 1)[0] ?? '';
        return prefix === RESERVED_ANNOTATION_GROUP || prefix.endsWith(`.${RESERVED_ANNOTATION_GROUP}`);
      })
      .sort()
      .map((key) => `${key} is a reserved annotation`);
    if (reserved.length === 0) return;
    // Go's utilerrors.NewAggregate prints one error alone and several in brackets.
    const message = reserved.join(', ');
    throw errors.forbidden(type, object.metadata.name ?? '', reserved.length > 1 ? `[${message}]` : message);
  };
}
