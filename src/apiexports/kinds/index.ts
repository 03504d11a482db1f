/**
 * kcp's apis.kcp.io kinds: APIResourceSchema, APIExport (v1alpha2 stored, v1alpha1 converted),
 * APIBinding (likewise) and APIExportEndpointSlice — all cluster-scoped, in category `kcp`.
 */
import type { ResourceType } from '../../registry/index.js';
import { apiBindings, apiBindingsV1alpha1 } from './api-binding.js';
import { apiExportEndpointSlices } from './api-export-endpoint-slice.js';
import { apiExports, apiExportsV1alpha1 } from './api-export.js';
import { apiResourceSchemas } from './api-resource-schema.js';

export { apiBindings, apiBindingsV1alpha1, apiExportEndpointSlices, apiExports, apiExportsV1alpha1, apiResourceSchemas };
export { APIBINDING_FINALIZER } from './shared.js';
export { BUILTIN_CLAIMABLE_APIS, claimableWithoutIdentity, isBuiltInAPI } from './builtin-apis.js';
export { apisComponents, APIS_V1ALPHA1, APIS_V1ALPHA2 } from './openapi.js';
export { V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION } from './claims-json.js';
export { exportToV1alpha1, exportToV1alpha2, PERMISSION_CLAIMS_ANNOTATION, RESOURCE_SCHEMAS_ANNOTATION } from './api-export-conversion.js';
export {
  ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION,
  bindingToV1alpha1,
  bindingToV1alpha2,
  STATUS_APPLIED_CLAIMS_ANNOTATION,
  STATUS_EXPORT_CLAIMS_ANNOTATION,
  V1ALPHA1_STATUS_APPLIED_CLAIMS_ANNOTATION,
  V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION,
} from './api-binding-conversion.js';

/** Every served version of every kind, storage versions first. */
export const apisResourceTypes: readonly ResourceType[] = [
  apiResourceSchemas,
  apiExports,
  apiExportsV1alpha1,
  apiBindings,
  apiBindingsV1alpha1,
  apiExportEndpointSlices,
];
