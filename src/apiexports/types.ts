/**
 * The shapes of kcp's apis.kcp.io objects as stored (APIExport and APIBinding in v1alpha2, their
 * storage version; APIResourceSchema and APIExportEndpointSlice in v1alpha1), and accessors that
 * read them from objects that passed validation.
 */
import type { KubeObject, LabelSelectorObject } from '../meta/index.js';
import type { CrdNames, CrdVersion, JSONSchemaProps } from '../crd/index.js';

export const APIS_GROUP = 'apis.kcp.io';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  severity?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A version of an APIResourceSchema: a CRD version whose `schema` is the OpenAPI schema itself. */
export interface SchemaVersion extends Omit<CrdVersion, 'schema'> {
  schema: JSONSchemaProps;
}

export interface APIResourceSchemaSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: SchemaVersion[];
  nameValidation?: string;
  conversion?: { strategy: 'None' | 'Webhook'; webhook?: Record<string, unknown> };
}

export interface GroupResource {
  group: string;
  resource: string;
}

export interface ExportedResource {
  /** The resource's plural name. */
  name: string;
  group: string;
  /** The APIResourceSchema's name. */
  schema: string;
  storage: { crd?: Record<string, never>; virtual?: VirtualStorage };
}

/** A resource served as a projection of another object's virtual workspace (alpha in kcp). */
export interface VirtualStorage {
  reference: { apiGroup?: string; kind: string; name: string };
  identityHash: string;
}

export interface PermissionClaim extends GroupResource {
  /** The identity of the export that serves the claimed resource; empty for built-ins. */
  identityHash?: string;
  verbs: string[];
  /** The selector default bindings (a WorkspaceType's defaultAPIBindings) accept the claim with. */
  defaultSelector?: PermissionClaimSelector;
}

export interface APIExportSpec {
  resources?: ExportedResource[];
  identity?: { secretRef?: { namespace?: string; name?: string } };
  maximalPermissionPolicy?: { local?: Record<string, never> };
  permissionClaims?: PermissionClaim[];
}

export interface APIExportStatus {
  identityHash?: string;
  conditions?: Condition[];
  /** Deprecated in kcp, filled only behind a feature gate. */
  virtualWorkspaces?: { url: string }[];
}

export interface PermissionClaimSelector extends LabelSelectorObject {
  matchAll?: boolean;
}

export interface AcceptablePermissionClaim extends PermissionClaim {
  selector: PermissionClaimSelector;
  state: 'Accepted' | 'Rejected';
}

export interface ExportReference {
  /** Path of the export's workspace; the binding's own workspace when empty. */
  path?: string;
  name: string;
}

export interface APIBindingSpec {
  reference: { export?: ExportReference };
  permissionClaims?: AcceptablePermissionClaim[];
}

export interface BoundResource extends GroupResource {
  schema: { name: string; UID: string; identityHash: string };
  storageVersions?: string[];
}

export interface APIBindingStatus {
  apiExportClusterName?: string;
  boundResources?: BoundResource[];
  phase?: 'Binding' | 'Bound' | '';
  conditions?: Condition[];
  appliedPermissionClaims?: (PermissionClaim & { selector: PermissionClaimSelector })[];
  exportPermissionClaims?: PermissionClaim[];
}

export interface APIExportEndpointSliceSpec {
  export: ExportReference;
  /** A topology.kcp.io Partition in the slice's workspace. */
  partition?: string;
}

export interface APIExportEndpointSliceStatus {
  conditions?: Condition[];
  endpoints?: { url: string; shards?: { matchAll?: boolean; selector?: LabelSelectorObject } }[];
  shardSelector?: string;
}

export const schemaSpecOf = (o: KubeObject): APIResourceSchemaSpec => o.spec as APIResourceSchemaSpec;
export const exportSpecOf = (o: KubeObject): APIExportSpec => (o.spec ?? {}) as APIExportSpec;
export const exportStatusOf = (o: KubeObject): APIExportStatus => (o.status ?? {}) as APIExportStatus;
export const bindingSpecOf = (o: KubeObject): APIBindingSpec => o.spec as APIBindingSpec;
export const bindingStatusOf = (o: KubeObject): APIBindingStatus => (o.status ?? {}) as APIBindingStatus;

export const sliceSpecOf = (o: KubeObject): APIExportEndpointSliceSpec => o.spec as APIExportEndpointSliceSpec;
export const sliceStatusOf = (o: KubeObject): APIExportEndpointSliceStatus => (o.status ?? {}) as APIExportEndpointSliceStatus;

export const conditionOf = (conditions: readonly Condition[] | undefined, type: string): Condition | undefined =>
  conditions?.find((c) => c.type === type);

/** Storage resources (the key's group-resource part) of the kinds. */
export const SCHEMA_RESOURCE = `apiresourceschemas.${APIS_GROUP}`;
export const EXPORT_RESOURCE = `apiexports.${APIS_GROUP}`;
export const BINDING_RESOURCE = `apibindings.${APIS_GROUP}`;
export const ENDPOINT_SLICE_RESOURCE = `apiexportendpointslices.${APIS_GROUP}`;
