/**
 * No new custom resources while their CRD is being deleted (its objects are being removed), as
 * Kubernetes refuses them.
 */
import { ApiError, groupResource, type AdmissionHook } from '../registry/index.js';
import type { CrdCatalog } from './catalog.js';

export function crdTerminationGuard(catalog: Pick<CrdCatalog, 'isTerminating'>): AdmissionHook {
  return ({ operation, type, context }) => {
    if (operation !== 'CREATE' || type.sourceHash === undefined) return;
    if (catalog.isTerminating(context.cluster, groupResource(type))) {
      throw new ApiError('MethodNotAllowed', 'create not allowed while custom resource definition is terminating');
    }
  };
}
