import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A 64-bit integer, sent as a JSON number; values beyond ±2^53 are refused as JSON cannot carry them exactly. */
  Int64: { input: number; output: number; }
  /** An integer or a string, such as a port number or name, or an absolute or percentage amount ("25%"). */
  IntOrString: { input: number | string; output: number | string; }
  /** Any JSON value; used only where the OpenAPI schema leaves the shape open. */
  JSON: { input: unknown; output: unknown; }
  /** A JSON object whose values are all strings, such as labels, annotations or ConfigMap data. */
  StringMap: { input: Record<string, string>; output: Record<string, string>; }
};

/** A new resource served in the workspace that holds it, validated by its schema. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The resource’s group, names, scope and versions. */
  spec?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionSpecInput>;
  /** What the server has made of the definition. */
  status?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionStatusInput>;
};

/** How objects are converted between versions: None (only apiVersion changes). */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecConversionInput = {
  /** None. */
  strategy?: InputMaybe<Scalars['String']['input']>;
};

/** The resource’s group, names, scope and versions. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecInput = {
  /** How objects are converted between versions: None (only apiVersion changes). */
  conversion?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionSpecConversionInput>;
  /** API group of the resource, a domain with at least one dot. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** How the resource is named in URLs, in kubectl and in objects. */
  names?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionSpecNamesInput>;
  /** Must be false: unknown fields are pruned. */
  preserveUnknownFields?: InputMaybe<Scalars['Boolean']['input']>;
  /** Namespaced or Cluster. */
  scope?: InputMaybe<Scalars['String']['input']>;
  /** The versions served; exactly one is the storage version. */
  versions?: InputMaybe<Array<ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsInput>>;
};

/** How the resource is named in URLs, in kubectl and in objects. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecNamesInput = {
  /** Groups of resources this one belongs to, e.g. "all" (kubectl get all). */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The CamelCase kind of the objects. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The kind of lists of the objects; defaults to <kind>List. */
  listKind?: InputMaybe<Scalars['String']['input']>;
  /** Plural, lower-case name used in URLs: /apis/<group>/<version>/<plural>. Must match the CRD name’s first part. */
  plural?: InputMaybe<Scalars['String']['input']>;
  /** Short names kubectl accepts, e.g. "cw". */
  shortNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Singular, lower-case name; defaults to the lower-cased kind. */
  singular?: InputMaybe<Scalars['String']['input']>;
};

/** One column. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsAdditionalPrinterColumnsInput = {
  /** What the column shows. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Optional format of the type, e.g. int32, date-time. */
  format?: InputMaybe<Scalars['String']['input']>;
  /** JSON path of the value in each object, e.g. .spec.replicas. */
  jsonPath?: InputMaybe<Scalars['String']['input']>;
  /** Column header. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** 0: always shown; more: only with -o wide. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** integer, number, string, boolean or date. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** One version of the resource. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsInput = {
  /** Columns kubectl get shows besides the name. */
  additionalPrinterColumns?: InputMaybe<Array<ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsAdditionalPrinterColumnsInput>>;
  /** Whether requests to this version get a deprecation warning. */
  deprecated?: InputMaybe<Scalars['Boolean']['input']>;
  /** The warning returned instead of the default one. */
  deprecationWarning?: InputMaybe<Scalars['String']['input']>;
  /** The version name, e.g. v1, v2beta1. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The version’s schema. */
  schema?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSchemaInput>;
  /** Fields usable in field selectors besides metadata.name and metadata.namespace (at most 8). */
  selectableFields?: InputMaybe<Array<ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSelectableFieldsInput>>;
  /** Whether this version is served by REST and GraphQL. */
  served?: InputMaybe<Scalars['Boolean']['input']>;
  /** Whether objects are stored in this version; exactly one version is. */
  storage?: InputMaybe<Scalars['Boolean']['input']>;
  /** Subresources served for this version: status and scale. */
  subresources?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSubresourcesInput>;
};

/** The version’s schema. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSchemaInput = {
  /** A structural OpenAPI v3 schema the objects are validated, defaulted and pruned with. */
  openAPIV3Schema?: InputMaybe<Scalars['JSON']['input']>;
};

/** One field. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSelectableFieldsInput = {
  /** Simple JSON path of a string, integer or boolean field. */
  jsonPath?: InputMaybe<Scalars['String']['input']>;
};

/** Subresources served for this version: status and scale. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSubresourcesInput = {
  /** Serve /scale as an autoscaling/v1 Scale. */
  scale?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSubresourcesScaleInput>;
  /** Serve /status: the main resource ignores status, /status ignores the rest. */
  status?: InputMaybe<Scalars['JSON']['input']>;
};

/** Serve /scale as an autoscaling/v1 Scale. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionSpecVersionsSubresourcesScaleInput = {
  /** JSON path of the label selector (a string) under .spec or .status. */
  labelSelectorPath?: InputMaybe<Scalars['String']['input']>;
  /** JSON path of the desired replicas under .spec, e.g. .spec.replicas. */
  specReplicasPath?: InputMaybe<Scalars['String']['input']>;
  /** JSON path of the observed replicas under .status. */
  statusReplicasPath?: InputMaybe<Scalars['String']['input']>;
};

/** How the resource is named in URLs, in kubectl and in objects. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionStatusAcceptedNamesInput = {
  /** Groups of resources this one belongs to, e.g. "all" (kubectl get all). */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The CamelCase kind of the objects. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The kind of lists of the objects; defaults to <kind>List. */
  listKind?: InputMaybe<Scalars['String']['input']>;
  /** Plural, lower-case name used in URLs: /apis/<group>/<version>/<plural>. Must match the CRD name’s first part. */
  plural?: InputMaybe<Scalars['String']['input']>;
  /** Short names kubectl accepts, e.g. "cw". */
  shortNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Singular, lower-case name; defaults to the lower-cased kind. */
  singular?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** Established, NamesAccepted, Terminating or NonStructuralSchema. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** What the server has made of the definition. */
export type ApiextensionsK8sIoV1CustomResourceDefinitionStatusInput = {
  /** How the resource is named in URLs, in kubectl and in objects. */
  acceptedNames?: InputMaybe<ApiextensionsK8sIoV1CustomResourceDefinitionStatusAcceptedNamesInput>;
  /** Observed conditions of the definition. */
  conditions?: InputMaybe<Array<ApiextensionsK8sIoV1CustomResourceDefinitionStatusConditionsInput>>;
  /** Versions objects have ever been stored in. */
  storedVersions?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Binds an APIExport’s resources into this workspace. */
export type ApisKcpIoV1alpha1ApiBindingInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** What to bind. */
  spec?: InputMaybe<ApisKcpIoV1alpha1ApiBindingSpecInput>;
  /** Observed state of the binding. */
  status?: InputMaybe<ApisKcpIoV1alpha1ApiBindingStatusInput>;
};

/** What to bind. */
export type ApisKcpIoV1alpha1ApiBindingSpecInput = {
  /** The export’s claims this workspace accepts or rejects. */
  permissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingSpecPermissionClaimsInput>>;
  /** The APIExport to bind; cannot be changed. */
  reference?: InputMaybe<ApisKcpIoV1alpha1ApiBindingSpecReferenceInput>;
};

/** A claim and the answer to it. */
export type ApisKcpIoV1alpha1ApiBindingSpecPermissionClaimsInput = {
  /** Claims every object of the resource. */
  all?: InputMaybe<Scalars['Boolean']['input']>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Claims only the objects named here. */
  resourceSelector?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingSpecPermissionClaimsResourceSelectorInput>>;
  /** Accepted or Rejected. */
  state?: InputMaybe<Scalars['String']['input']>;
};

/** Objects by name and namespace; at least one is set. */
export type ApisKcpIoV1alpha1ApiBindingSpecPermissionClaimsResourceSelectorInput = {
  /** Name of the claimed objects. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the claimed objects. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** The APIExport, by workspace path and name. */
export type ApisKcpIoV1alpha1ApiBindingSpecReferenceExportInput = {
  /** Name of the APIExport. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Path of the workspace holding the APIExport, e.g. root:org:ws; empty means this workspace. */
  path?: InputMaybe<Scalars['String']['input']>;
};

/** The APIExport to bind; cannot be changed. */
export type ApisKcpIoV1alpha1ApiBindingSpecReferenceInput = {
  /** The APIExport, by workspace path and name. */
  export?: InputMaybe<ApisKcpIoV1alpha1ApiBindingSpecReferenceExportInput>;
};

/** A claim in effect. */
export type ApisKcpIoV1alpha1ApiBindingStatusAppliedPermissionClaimsInput = {
  /** Claims every object of the resource. */
  all?: InputMaybe<Scalars['Boolean']['input']>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Claims only the objects named here. */
  resourceSelector?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingStatusAppliedPermissionClaimsResourceSelectorInput>>;
};

/** Objects by name and namespace; at least one is set. */
export type ApisKcpIoV1alpha1ApiBindingStatusAppliedPermissionClaimsResourceSelectorInput = {
  /** Name of the claimed objects. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the claimed objects. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** A bound resource and the schema it is served from. */
export type ApisKcpIoV1alpha1ApiBindingStatusBoundResourcesInput = {
  /** API group of the resource. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** The resource (plural). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** The APIResourceSchema the resource is served from. */
  schema?: InputMaybe<ApisKcpIoV1alpha1ApiBindingStatusBoundResourcesSchemaInput>;
  /** Versions objects of the resource have been stored in. */
  storageVersions?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The APIResourceSchema the resource is served from. */
export type ApisKcpIoV1alpha1ApiBindingStatusBoundResourcesSchemaInput = {
  /** UID of the schema. */
  UID?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the export. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** Name of the schema. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type ApisKcpIoV1alpha1ApiBindingStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** A claim of the export. */
export type ApisKcpIoV1alpha1ApiBindingStatusExportPermissionClaimsInput = {
  /** Claims every object of the resource. */
  all?: InputMaybe<Scalars['Boolean']['input']>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Claims only the objects named here. */
  resourceSelector?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingStatusExportPermissionClaimsResourceSelectorInput>>;
};

/** Objects by name and namespace; at least one is set. */
export type ApisKcpIoV1alpha1ApiBindingStatusExportPermissionClaimsResourceSelectorInput = {
  /** Name of the claimed objects. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the claimed objects. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** Observed state of the binding. */
export type ApisKcpIoV1alpha1ApiBindingStatusInput = {
  /** Name of the logical cluster holding the bound APIExport. */
  apiExportClusterName?: InputMaybe<Scalars['String']['input']>;
  /** Claims in effect. */
  appliedPermissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingStatusAppliedPermissionClaimsInput>>;
  /** The resources bound in this workspace. */
  boundResources?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingStatusBoundResourcesInput>>;
  /** Observed conditions of the binding. */
  conditions?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingStatusConditionsInput>>;
  /** The claims the export makes. */
  exportPermissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha1ApiBindingStatusExportPermissionClaimsInput>>;
  /** "", Binding or Bound. */
  phase?: InputMaybe<Scalars['String']['input']>;
};

/** The URLs of an APIExport’s virtual workspace, on the shards of a partition. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Which export, on which partition. */
  spec?: InputMaybe<ApisKcpIoV1alpha1ApiExportEndpointSliceSpecInput>;
  /** The endpoints. */
  status?: InputMaybe<ApisKcpIoV1alpha1ApiExportEndpointSliceStatusInput>;
};

/** The APIExport, by workspace path and name; cannot be changed. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceSpecExportInput = {
  /** Name of the APIExport. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Path of the workspace holding the APIExport, e.g. root:org:ws; empty means this workspace. */
  path?: InputMaybe<Scalars['String']['input']>;
};

/** Which export, on which partition. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceSpecInput = {
  /** The APIExport, by workspace path and name; cannot be changed. */
  export?: InputMaybe<ApisKcpIoV1alpha1ApiExportEndpointSliceSpecExportInput>;
  /** A topology.kcp.io Partition in this workspace; all shards when empty. */
  partition?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** An endpoint. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsInput = {
  /** The shards the endpoint serves. */
  shards?: InputMaybe<ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsShardsInput>;
  /** The URL. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** The shards the endpoint serves. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsShardsInput = {
  /** Every shard. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Shards by label. */
  selector?: InputMaybe<ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsShardsSelectorInput>;
};

/** Shards by label. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsShardsSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsShardsSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsShardsSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The endpoints. */
export type ApisKcpIoV1alpha1ApiExportEndpointSliceStatusInput = {
  /** Observed conditions of the slice. */
  conditions?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportEndpointSliceStatusConditionsInput>>;
  /** The virtual workspace URLs, one per shard with consumers. */
  endpoints?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportEndpointSliceStatusEndpointsInput>>;
  /** Label selector of the partition’s shards; empty means all. */
  shardSelector?: InputMaybe<Scalars['String']['input']>;
};

/** Resources a provider offers for other workspaces to bind. */
export type ApisKcpIoV1alpha1ApiExportInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** What the export offers. */
  spec?: InputMaybe<ApisKcpIoV1alpha1ApiExportSpecInput>;
  /** Observed state of the export. */
  status?: InputMaybe<ApisKcpIoV1alpha1ApiExportStatusInput>;
};

/** The secret holding the export’s identity key; created by the system when unset. */
export type ApisKcpIoV1alpha1ApiExportSpecIdentityInput = {
  /** Reference to the secret; the key is in its "key" entry. */
  secretRef?: InputMaybe<ApisKcpIoV1alpha1ApiExportSpecIdentitySecretRefInput>;
};

/** Reference to the secret; the key is in its "key" entry. */
export type ApisKcpIoV1alpha1ApiExportSpecIdentitySecretRefInput = {
  /** Name of the secret. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the secret. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** What the export offers. */
export type ApisKcpIoV1alpha1ApiExportSpecInput = {
  /** The secret holding the export’s identity key; created by the system when unset. */
  identity?: InputMaybe<ApisKcpIoV1alpha1ApiExportSpecIdentityInput>;
  /** Names of the APIResourceSchemas of the exported resources. */
  latestResourceSchemas?: InputMaybe<Array<Scalars['String']['input']>>;
  /** An upper bound on what consumers of the export may do, checked in the export’s workspace. */
  maximalPermissionPolicy?: InputMaybe<ApisKcpIoV1alpha1ApiExportSpecMaximalPermissionPolicyInput>;
  /** Other resources the provider asks consumers for access to. */
  permissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportSpecPermissionClaimsInput>>;
};

/** An upper bound on what consumers of the export may do, checked in the export’s workspace. */
export type ApisKcpIoV1alpha1ApiExportSpecMaximalPermissionPolicyInput = {
  /** RBAC in the export’s workspace, for the binding user prefixed with apis.kcp.io:binding:. */
  local?: InputMaybe<Scalars['JSON']['input']>;
};

/** A claimed resource. */
export type ApisKcpIoV1alpha1ApiExportSpecPermissionClaimsInput = {
  /** Claims every object of the resource. */
  all?: InputMaybe<Scalars['Boolean']['input']>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Claims only the objects named here. */
  resourceSelector?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportSpecPermissionClaimsResourceSelectorInput>>;
};

/** Objects by name and namespace; at least one is set. */
export type ApisKcpIoV1alpha1ApiExportSpecPermissionClaimsResourceSelectorInput = {
  /** Name of the claimed objects. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the claimed objects. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type ApisKcpIoV1alpha1ApiExportStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Observed state of the export. */
export type ApisKcpIoV1alpha1ApiExportStatusInput = {
  /** Observed conditions of the export. */
  conditions?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportStatusConditionsInput>>;
  /** Hash of the identity key; immutable once set. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** Deprecated: URLs of the export’s virtual workspace; see APIExportEndpointSlice. */
  virtualWorkspaces?: InputMaybe<Array<ApisKcpIoV1alpha1ApiExportStatusVirtualWorkspacesInput>>;
};

/** A virtual workspace URL. */
export type ApisKcpIoV1alpha1ApiExportStatusVirtualWorkspacesInput = {
  /** The URL. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** An immutable snapshot of a resource’s schema, which APIExports serve. */
export type ApisKcpIoV1alpha1ApiResourceSchemaInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The resource: its group, names, scope and versions. */
  spec?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecInput>;
};

/** How objects are converted between versions. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecConversionInput = {
  /** None or Webhook. */
  strategy?: InputMaybe<Scalars['String']['input']>;
  /** The conversion webhook. */
  webhook?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecConversionWebhookInput>;
};

/** How to reach the webhook. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecConversionWebhookClientConfigInput = {
  /** PEM CA bundle. */
  caBundle?: InputMaybe<Scalars['String']['input']>;
  /** URL of the webhook. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** The conversion webhook. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecConversionWebhookInput = {
  /** How to reach the webhook. */
  clientConfig?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecConversionWebhookClientConfigInput>;
  /** ConversionReview versions the webhook accepts. */
  conversionReviewVersions?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The resource: its group, names, scope and versions. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecInput = {
  /** How objects are converted between versions. */
  conversion?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecConversionInput>;
  /** API group of the resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** How object names are validated: DNS1123Subdomain or PathSegmentName. */
  nameValidation?: InputMaybe<Scalars['String']['input']>;
  /** Names of the resource. */
  names?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecNamesInput>;
  /** Cluster or Namespaced. */
  scope?: InputMaybe<Scalars['String']['input']>;
  /** The versions of the resource. */
  versions?: InputMaybe<Array<ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsInput>>;
};

/** Names of the resource. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecNamesInput = {
  /** Categories the resource belongs to, e.g. all. */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Kind of the objects, CamelCase. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Kind of lists of the objects. */
  listKind?: InputMaybe<Scalars['String']['input']>;
  /** Plural name, lower case; the resource in URLs. */
  plural?: InputMaybe<Scalars['String']['input']>;
  /** Short names for kubectl. */
  shortNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Singular name, lower case. */
  singular?: InputMaybe<Scalars['String']['input']>;
};

/** A column. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsAdditionalPrinterColumnsInput = {
  /** What the column shows. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Optional format of the type. */
  format?: InputMaybe<Scalars['String']['input']>;
  /** JSONPath of the value, in each object. */
  jsonPath?: InputMaybe<Scalars['String']['input']>;
  /** Column header. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** 0 shows the column always; higher only in wide output. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** integer, number, string, boolean or date. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** A version of the resource. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsInput = {
  /** Extra columns of kubectl get. */
  additionalPrinterColumns?: InputMaybe<Array<ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsAdditionalPrinterColumnsInput>>;
  /** Whether the version is deprecated. */
  deprecated?: InputMaybe<Scalars['Boolean']['input']>;
  /** The warning requests to a deprecated version get. */
  deprecationWarning?: InputMaybe<Scalars['String']['input']>;
  /** Version name, e.g. v1 or v1alpha1. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The OpenAPI v3 schema of the version (as a CRD’s openAPIV3Schema). */
  schema?: InputMaybe<Scalars['JSON']['input']>;
  /** Fields field selectors may name. */
  selectableFields?: InputMaybe<Array<ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsSelectableFieldsInput>>;
  /** Whether the version is served. */
  served?: InputMaybe<Scalars['Boolean']['input']>;
  /** Whether objects are stored in this version; exactly one version is. */
  storage?: InputMaybe<Scalars['Boolean']['input']>;
  /** Subresources of the version. */
  subresources?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsSubresourcesInput>;
};

/** A field. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsSelectableFieldsInput = {
  /** JSONPath of the field. */
  jsonPath?: InputMaybe<Scalars['String']['input']>;
};

/** Subresources of the version. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsSubresourcesInput = {
  /** Serves /scale. */
  scale?: InputMaybe<ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsSubresourcesScaleInput>;
  /** Serves /status. */
  status?: InputMaybe<Scalars['JSON']['input']>;
};

/** Serves /scale. */
export type ApisKcpIoV1alpha1ApiResourceSchemaSpecVersionsSubresourcesScaleInput = {
  /** JSONPath of the label selector string. */
  labelSelectorPath?: InputMaybe<Scalars['String']['input']>;
  /** JSONPath of the desired replicas, under .spec. */
  specReplicasPath?: InputMaybe<Scalars['String']['input']>;
  /** JSONPath of the observed replicas, under .status. */
  statusReplicasPath?: InputMaybe<Scalars['String']['input']>;
};

/** Binds an APIExport’s resources into this workspace. */
export type ApisKcpIoV1alpha2ApiBindingInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** What to bind. */
  spec?: InputMaybe<ApisKcpIoV1alpha2ApiBindingSpecInput>;
  /** Observed state of the binding. */
  status?: InputMaybe<ApisKcpIoV1alpha2ApiBindingStatusInput>;
};

/** What to bind. */
export type ApisKcpIoV1alpha2ApiBindingSpecInput = {
  /** The export’s claims this workspace accepts or rejects. */
  permissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsInput>>;
  /** The APIExport to bind; cannot be changed. */
  reference?: InputMaybe<ApisKcpIoV1alpha2ApiBindingSpecReferenceInput>;
};

/** The selector default APIBindings accept the claim with; matchAll when unset. */
export type ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsDefaultSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsDefaultSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsDefaultSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A claim and the answer to it. */
export type ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsInput = {
  /** The selector default APIBindings accept the claim with; matchAll when unset. */
  defaultSelector?: InputMaybe<ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsDefaultSelectorInput>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Which objects of the resource the claim covers; cannot be changed. */
  selector?: InputMaybe<ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsSelectorInput>;
  /** Accepted or Rejected. */
  state?: InputMaybe<Scalars['String']['input']>;
  /** The verbs claimed on the resource; "*" means all. */
  verbs?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Which objects of the resource the claim covers; cannot be changed. */
export type ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha2ApiBindingSpecPermissionClaimsSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The APIExport, by workspace path and name. */
export type ApisKcpIoV1alpha2ApiBindingSpecReferenceExportInput = {
  /** Name of the APIExport. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Path of the workspace holding the APIExport, e.g. root:org:ws; empty means this workspace. */
  path?: InputMaybe<Scalars['String']['input']>;
};

/** The APIExport to bind; cannot be changed. */
export type ApisKcpIoV1alpha2ApiBindingSpecReferenceInput = {
  /** The APIExport, by workspace path and name. */
  export?: InputMaybe<ApisKcpIoV1alpha2ApiBindingSpecReferenceExportInput>;
};

/** The selector default APIBindings accept the claim with; matchAll when unset. */
export type ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsDefaultSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsDefaultSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsDefaultSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A claim in effect. */
export type ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsInput = {
  /** The selector default APIBindings accept the claim with; matchAll when unset. */
  defaultSelector?: InputMaybe<ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsDefaultSelectorInput>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** Which objects of the resource the claim covers. */
  selector?: InputMaybe<ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsSelectorInput>;
  /** The verbs claimed on the resource; "*" means all. */
  verbs?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Which objects of the resource the claim covers. */
export type ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A bound resource and the schema it is served from. */
export type ApisKcpIoV1alpha2ApiBindingStatusBoundResourcesInput = {
  /** API group of the resource. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** The resource (plural). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** The APIResourceSchema the resource is served from. */
  schema?: InputMaybe<ApisKcpIoV1alpha2ApiBindingStatusBoundResourcesSchemaInput>;
  /** Versions objects of the resource have been stored in. */
  storageVersions?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The APIResourceSchema the resource is served from. */
export type ApisKcpIoV1alpha2ApiBindingStatusBoundResourcesSchemaInput = {
  /** UID of the schema. */
  UID?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the export. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** Name of the schema. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type ApisKcpIoV1alpha2ApiBindingStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** The selector default APIBindings accept the claim with; matchAll when unset. */
export type ApisKcpIoV1alpha2ApiBindingStatusExportPermissionClaimsDefaultSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusExportPermissionClaimsDefaultSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha2ApiBindingStatusExportPermissionClaimsDefaultSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A claim of the export. */
export type ApisKcpIoV1alpha2ApiBindingStatusExportPermissionClaimsInput = {
  /** The selector default APIBindings accept the claim with; matchAll when unset. */
  defaultSelector?: InputMaybe<ApisKcpIoV1alpha2ApiBindingStatusExportPermissionClaimsDefaultSelectorInput>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** The verbs claimed on the resource; "*" means all. */
  verbs?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Observed state of the binding. */
export type ApisKcpIoV1alpha2ApiBindingStatusInput = {
  /** Name of the logical cluster holding the bound APIExport. */
  apiExportClusterName?: InputMaybe<Scalars['String']['input']>;
  /** Claims in effect. */
  appliedPermissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusAppliedPermissionClaimsInput>>;
  /** The resources bound in this workspace. */
  boundResources?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusBoundResourcesInput>>;
  /** Observed conditions of the binding. */
  conditions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusConditionsInput>>;
  /** The claims the export makes. */
  exportPermissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha2ApiBindingStatusExportPermissionClaimsInput>>;
  /** "", Binding or Bound. */
  phase?: InputMaybe<Scalars['String']['input']>;
};

/** Resources a provider offers for other workspaces to bind. */
export type ApisKcpIoV1alpha2ApiExportInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** What the export offers. */
  spec?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecInput>;
  /** Observed state of the export. */
  status?: InputMaybe<ApisKcpIoV1alpha2ApiExportStatusInput>;
};

/** The secret holding the export’s identity key; created by the system when unset. */
export type ApisKcpIoV1alpha2ApiExportSpecIdentityInput = {
  /** Reference to the secret; the key is in its "key" entry. */
  secretRef?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecIdentitySecretRefInput>;
};

/** Reference to the secret; the key is in its "key" entry. */
export type ApisKcpIoV1alpha2ApiExportSpecIdentitySecretRefInput = {
  /** Name of the secret. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the secret. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** What the export offers. */
export type ApisKcpIoV1alpha2ApiExportSpecInput = {
  /** The secret holding the export’s identity key; created by the system when unset. */
  identity?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecIdentityInput>;
  /** An upper bound on what consumers of the export may do, checked in the export’s workspace. */
  maximalPermissionPolicy?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecMaximalPermissionPolicyInput>;
  /** Other resources the provider asks consumers for access to. */
  permissionClaims?: InputMaybe<Array<ApisKcpIoV1alpha2ApiExportSpecPermissionClaimsInput>>;
  /** The exported resources and the APIResourceSchemas they are served from. */
  resources?: InputMaybe<Array<ApisKcpIoV1alpha2ApiExportSpecResourcesInput>>;
};

/** An upper bound on what consumers of the export may do, checked in the export’s workspace. */
export type ApisKcpIoV1alpha2ApiExportSpecMaximalPermissionPolicyInput = {
  /** RBAC in the export’s workspace, for the binding user prefixed with apis.kcp.io:binding:. */
  local?: InputMaybe<Scalars['JSON']['input']>;
};

/** The selector default APIBindings accept the claim with; matchAll when unset. */
export type ApisKcpIoV1alpha2ApiExportSpecPermissionClaimsDefaultSelectorInput = {
  /** Selects every object; cannot be combined with matchLabels or matchExpressions. */
  matchAll?: InputMaybe<Scalars['Boolean']['input']>;
  /** Requirements on the objects’ labels, all of them. */
  matchExpressions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiExportSpecPermissionClaimsDefaultSelectorMatchExpressionsInput>>;
  /** Labels the objects must carry, all of them. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** A requirement: a label key, an operator and values. */
export type ApisKcpIoV1alpha2ApiExportSpecPermissionClaimsDefaultSelectorMatchExpressionsInput = {
  /** The label key. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A claimed resource. */
export type ApisKcpIoV1alpha2ApiExportSpecPermissionClaimsInput = {
  /** The selector default APIBindings accept the claim with; matchAll when unset. */
  defaultSelector?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecPermissionClaimsDefaultSelectorInput>;
  /** API group of the claimed resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the APIExport serving the claimed resource; empty for built-in types. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The claimed resource (plural, lower case). */
  resource?: InputMaybe<Scalars['String']['input']>;
  /** The verbs claimed on the resource; "*" means all. */
  verbs?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** An exported resource. */
export type ApisKcpIoV1alpha2ApiExportSpecResourcesInput = {
  /** API group of the resource; empty for the core group. */
  group?: InputMaybe<Scalars['String']['input']>;
  /** The resource (plural). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Name of the APIResourceSchema: <prefix>.<name>.<group or core>. */
  schema?: InputMaybe<Scalars['String']['input']>;
  /** How objects of the resource are stored: crd (the default) or virtual. */
  storage?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecResourcesStorageInput>;
};

/** How objects of the resource are stored: crd (the default) or virtual. */
export type ApisKcpIoV1alpha2ApiExportSpecResourcesStorageInput = {
  /** Stored as custom resources in each consumer workspace. */
  crd?: InputMaybe<Scalars['JSON']['input']>;
  /** Served from another object’s virtual workspace. */
  virtual?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecResourcesStorageVirtualInput>;
};

/** Served from another object’s virtual workspace. */
export type ApisKcpIoV1alpha2ApiExportSpecResourcesStorageVirtualInput = {
  /** Identity of the virtual resource. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** The object whose status.url serves the resource. */
  reference?: InputMaybe<ApisKcpIoV1alpha2ApiExportSpecResourcesStorageVirtualReferenceInput>;
};

/** The object whose status.url serves the resource. */
export type ApisKcpIoV1alpha2ApiExportSpecResourcesStorageVirtualReferenceInput = {
  /** API group of the object. */
  apiGroup?: InputMaybe<Scalars['String']['input']>;
  /** Kind of the object. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Name of the object. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type ApisKcpIoV1alpha2ApiExportStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Observed state of the export. */
export type ApisKcpIoV1alpha2ApiExportStatusInput = {
  /** Observed conditions of the export. */
  conditions?: InputMaybe<Array<ApisKcpIoV1alpha2ApiExportStatusConditionsInput>>;
  /** Hash of the identity key; immutable once set. */
  identityHash?: InputMaybe<Scalars['String']['input']>;
  /** Deprecated: URLs of the export’s virtual workspace; see APIExportEndpointSlice. */
  virtualWorkspaces?: InputMaybe<Array<ApisKcpIoV1alpha2ApiExportStatusVirtualWorkspacesInput>>;
};

/** A virtual workspace URL. */
export type ApisKcpIoV1alpha2ApiExportStatusVirtualWorkspacesInput = {
  /** The URL. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** A time-limited claim one holder renews to keep, used for leader election and node heartbeats. */
export type CoordinationK8sIoV1LeaseInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Who holds the lease, since when, and for how long. */
  spec?: InputMaybe<CoordinationV1LeaseSpecInput>;
};

/** The state of a lease. */
export type CoordinationV1LeaseSpecInput = {
  /** When the current holder acquired the lease. */
  acquireTime?: InputMaybe<Scalars['String']['input']>;
  /** Identity of the current holder. Under coordinated leader election it is the name of the elected LeaseCandidate. */
  holderIdentity?: InputMaybe<Scalars['String']['input']>;
  /** Seconds other candidates must wait after the last observed renewTime before they may take the lease over. */
  leaseDurationSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** How many times the lease has changed holders. */
  leaseTransitions?: InputMaybe<Scalars['Int']['input']>;
  /** A better-suited holder the current one should hand the lease to. Only set together with strategy. */
  preferredHolder?: InputMaybe<Scalars['String']['input']>;
  /** When the current holder last renewed the lease. */
  renewTime?: InputMaybe<Scalars['String']['input']>;
  /** Strategy coordinated leader election uses to pick the holder, such as OldestEmulationVersion. When unset the lease is not coordinated. */
  strategy?: InputMaybe<Scalars['String']['input']>;
};

/** The singleton (named "cluster") that describes the logical cluster it lives in. */
export type CoreKcpIoV1alpha1LogicalClusterInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** What the logical cluster should be. */
  spec?: InputMaybe<CoreKcpIoV1alpha1LogicalClusterSpecInput>;
  /** What the logical cluster is. */
  status?: InputMaybe<CoreKcpIoV1alpha1LogicalClusterStatusInput>;
};

/** What the logical cluster should be. */
export type CoreKcpIoV1alpha1LogicalClusterSpecInput = {
  /** Whether the logical cluster may be deleted directly rather than through its Workspace. */
  directlyDeletable?: InputMaybe<Scalars['Boolean']['input']>;
  /** Initializers that must finish before the logical cluster is Ready. */
  initializers?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The Workspace that created this logical cluster. */
  owner?: InputMaybe<CoreKcpIoV1alpha1LogicalClusterSpecOwnerInput>;
  /** Terminators that must finish before the logical cluster’s content is deleted. */
  terminators?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The Workspace that created this logical cluster. */
export type CoreKcpIoV1alpha1LogicalClusterSpecOwnerInput = {
  /** UID of the owner. */
  UID?: InputMaybe<Scalars['String']['input']>;
  /** API version of the owner. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** Logical cluster the owner lives in. */
  cluster?: InputMaybe<Scalars['String']['input']>;
  /** Name of the owner. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Resource of the owner, e.g. workspaces. */
  resource?: InputMaybe<Scalars['String']['input']>;
};

/** One observed aspect of the object’s state. */
export type CoreKcpIoV1alpha1LogicalClusterStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** What the logical cluster is. */
export type CoreKcpIoV1alpha1LogicalClusterStatusInput = {
  /** Where the logical cluster is served. */
  URL?: InputMaybe<Scalars['String']['input']>;
  /** Observed conditions. */
  conditions?: InputMaybe<Array<CoreKcpIoV1alpha1LogicalClusterStatusConditionsInput>>;
  /** Initializers still to finish. */
  initializers?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Scheduling, Initializing, Ready or Unavailable; Terminating, then Deleting once deletion has begun. */
  phase?: InputMaybe<Scalars['String']['input']>;
  /** Terminators still to finish once deletion has begun. */
  terminators?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Aggregation of an event that keeps recurring for a while. */
export type CoreV1EventSeriesInput = {
  /** Occurrences in the series up to the last heartbeat. */
  count?: InputMaybe<Scalars['Int']['input']>;
  /** When the last occurrence was observed. */
  lastObservedTime?: InputMaybe<Scalars['String']['input']>;
};

/** The component that reported an event. */
export type CoreV1EventSourceInput = {
  /** Name of the reporting component. */
  component?: InputMaybe<Scalars['String']['input']>;
  /** Name of the node the event was generated on. */
  host?: InputMaybe<Scalars['String']['input']>;
};

/** Bounds and defaults for the resources of one type of object (Pod, Container or PersistentVolumeClaim). */
export type CoreV1LimitRangeItemInput = {
  /** Limit applied by resource name when an object does not set one. */
  default?: InputMaybe<Scalars['JSON']['input']>;
  /** Request applied by resource name when an object does not set one. */
  defaultRequest?: InputMaybe<Scalars['JSON']['input']>;
  /** Largest amount allowed, by resource name. */
  max?: InputMaybe<Scalars['JSON']['input']>;
  /** Largest allowed ratio of limit to request, by resource name; both must then be set and non-zero. Bounds how far usage may burst. */
  maxLimitRequestRatio?: InputMaybe<Scalars['JSON']['input']>;
  /** Smallest amount allowed, by resource name. */
  min?: InputMaybe<Scalars['JSON']['input']>;
  /** Type of object the limits apply to: Pod, Container or PersistentVolumeClaim. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** The limits a LimitRange enforces. */
export type CoreV1LimitRangeSpecInput = {
  /** The limits, each for one type of object. */
  limits?: InputMaybe<Array<CoreV1LimitRangeItemInput>>;
};

/** A reference by name to an object in the same namespace. */
export type CoreV1LocalObjectReferenceInput = {
  /** Name of the referenced object. Effectively required; an empty name is almost certainly a mistake. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** One observation about a namespace, typically about the progress of its deletion. */
export type CoreV1NamespaceConditionInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** Human-readable details of the last transition. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** Machine-readable reason for the last transition, in CamelCase. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** Whether the condition holds: True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** Kind of observation, such as NamespaceDeletionContentFailure or NamespaceContentRemaining. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Desired behaviour of a namespace. */
export type CoreV1NamespaceSpecInput = {
  /** Clean-up steps that must complete before the namespace is removed from storage ("kubernetes" empties it). Changed only through the finalize subresource. */
  finalizers?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Observed state of a namespace. */
export type CoreV1NamespaceStatusInput = {
  /** Latest observations of the namespace, one per condition type. */
  conditions?: InputMaybe<Array<CoreV1NamespaceConditionInput>>;
  /** Lifecycle phase: Active, or Terminating once deletion has started. */
  phase?: InputMaybe<Scalars['String']['input']>;
};

/** A reference to an object, precise enough to fetch or change it. */
export type CoreV1ObjectReferenceInput = {
  /** API version of the referenced object. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** When the reference is to part of an object, the path to it, such as "spec.containers{app}" or "spec.containers[2]". */
  fieldPath?: InputMaybe<Scalars['String']['input']>;
  /** Kind of the referenced object. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Name of the referenced object. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of the referenced object. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** resourceVersion of the object the reference was made against, if any. */
  resourceVersion?: InputMaybe<Scalars['String']['input']>;
  /** UID of the referenced object. */
  uid?: InputMaybe<Scalars['String']['input']>;
};

/** The limits a ResourceQuota enforces and the objects it counts. */
export type CoreV1ResourceQuotaSpecInput = {
  /** Upper bound for each named resource, such as requests.cpu, limits.memory or count/configmaps. */
  hard?: InputMaybe<Scalars['JSON']['input']>;
  /** Scope filters written as expressions with operators and values. An object counts only if it matches both scopes and scopeSelector. */
  scopeSelector?: InputMaybe<CoreV1ScopeSelectorInput>;
  /** Filters every tracked object must match, such as Terminating, BestEffort or PriorityClass. Without them all objects count. */
  scopes?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The limits a ResourceQuota enforces and what is in use. */
export type CoreV1ResourceQuotaStatusInput = {
  /** The limits currently enforced, by resource name. */
  hard?: InputMaybe<Scalars['JSON']['input']>;
  /** Current usage in the namespace, by resource name. */
  used?: InputMaybe<Scalars['JSON']['input']>;
};

/** Scope requirements that must all hold for an object to be counted. */
export type CoreV1ScopeSelectorInput = {
  /** The requirements; all must match. */
  matchExpressions?: InputMaybe<Array<CoreV1ScopedResourceSelectorRequirementInput>>;
};

/** One scope requirement: a scope name, an operator and values. */
export type CoreV1ScopedResourceSelectorRequirementInput = {
  /** How the scope relates to the values: In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** Scope the requirement tests, such as PriorityClass or Terminating. */
  scopeName?: InputMaybe<Scalars['String']['input']>;
  /** Values for In and NotIn (must be non-empty); must be empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A report that something happened to an object, usually a state change. Events are kept only for a short time and are informative, best-effort data: do not rely on their timing or on a reason always meaning the same trigger. */
export type EventsK8sIoV1EventInput = {
  /** Machine-readable action taken, or failed, regarding the regarding object. Required for new events; at most 128 characters. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** How many times the event occurred, kept for compatibility with core/v1 Events. */
  deprecatedCount?: InputMaybe<Scalars['Int']['input']>;
  /** When the event was first recorded, kept for compatibility with core/v1 Events. */
  deprecatedFirstTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** When the event was last recorded, kept for compatibility with core/v1 Events. */
  deprecatedLastTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** The reporting component, kept for compatibility with core/v1 Events. */
  deprecatedSource?: InputMaybe<CoreV1EventSourceInput>;
  /** When the event was first observed. Required. */
  eventTime?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Human-readable description of what happened; at most 1 kB. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** Machine-readable reason for the action. Required for new events; at most 128 characters. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** The object the event is about, typically one the reporting controller manages. */
  regarding?: InputMaybe<CoreV1ObjectReferenceInput>;
  /** A second object involved, for example one the regarding object created or deleted. */
  related?: InputMaybe<CoreV1ObjectReferenceInput>;
  /** Name of the controller that emitted the event, such as kubernetes.io/kubelet. Required for new events. */
  reportingController?: InputMaybe<Scalars['String']['input']>;
  /** ID of the controller instance, such as kubelet-xyzf. Required for new events; at most 128 characters. */
  reportingInstance?: InputMaybe<Scalars['String']['input']>;
  /** Information about the series this event belongs to; unset for a one-off event. */
  series?: InputMaybe<EventsV1EventSeriesInput>;
  /** Severity: Normal or Warning; more types may be added. Required for new events. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Aggregation of an event that keeps recurring. Reporters update it on a heartbeat rather than on every occurrence. */
export type EventsV1EventSeriesInput = {
  /** Occurrences in the series up to the last heartbeat. */
  count?: InputMaybe<Scalars['Int']['input']>;
  /** When the last occurrence before the last heartbeat was seen. */
  lastObservedTime?: InputMaybe<Scalars['String']['input']>;
};

/** A query over labels: matchLabels and matchExpressions must all hold. An empty selector matches everything; a missing one matches nothing. */
export type MetaV1LabelSelectorInput = {
  /** Expressions that must all hold. */
  matchExpressions?: InputMaybe<Array<MetaV1LabelSelectorRequirementInput>>;
  /** Labels that must be present with exactly these values; shorthand for "In" expressions with one value. */
  matchLabels?: InputMaybe<Scalars['StringMap']['input']>;
};

/** One condition of a label selector: a label key, an operator and values. */
export type MetaV1LabelSelectorRequirementInput = {
  /** Label key the condition tests. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** How the key relates to the values: In, NotIn, Exists or DoesNotExist. */
  operator?: InputMaybe<Scalars['String']['input']>;
  /** Values for In and NotIn (must be non-empty); must be empty for Exists and DoesNotExist. */
  values?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** The set of fields one manager owns on an object, for the group/version it wrote them in. */
export type MetaV1ManagedFieldsEntryInput = {
  /** group/version the field set is expressed in; field sets are not converted between versions. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** Format of the field set; currently always "FieldsV1". */
  fieldsType?: InputMaybe<Scalars['String']['input']>;
  /** The owned fields in FieldsV1 format. */
  fieldsV1?: InputMaybe<Scalars['JSON']['input']>;
  /** Name of the workflow (client, controller, apply pipeline) that manages these fields. */
  manager?: InputMaybe<Scalars['String']['input']>;
  /** How the fields were written: Apply or Update. */
  operation?: InputMaybe<Scalars['String']['input']>;
  /** Subresource the fields were written through (for example "status"); empty for the main resource. */
  subresource?: InputMaybe<Scalars['String']['input']>;
  /** When the entry last changed: a field was added, or an owned value changed. */
  time?: InputMaybe<Scalars['String']['input']>;
};

/** Metadata every persisted object carries: its identity, labels and annotations, owners, finalizers and server-set bookkeeping. */
export type MetaV1ObjectMetaInput = {
  /** Arbitrary non-identifying key/value data that tools attach to the object; not used for selection. */
  annotations?: InputMaybe<Scalars['StringMap']['input']>;
  /** When the server created the object (RFC 3339, UTC). Read-only. */
  creationTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** Seconds the object is given to terminate gracefully; set together with deletionTimestamp and may only shrink. Read-only. */
  deletionGracePeriodSeconds?: InputMaybe<Scalars['Int64']['input']>;
  /** When deletion was requested and the object started waiting for its finalizers or grace period; it is removed once finalizers is empty. Set by the server, read-only. */
  deletionTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** Names of the components that must finish clean-up before the object is removed. While deletionTimestamp is set entries can only be removed; they may be processed in any order. */
  finalizers?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Prefix the server completes with a random suffix to name the object, used only when name is empty. Follows the same rules as name. */
  generateName?: InputMaybe<Scalars['String']['input']>;
  /** Number the server increments whenever the desired state (typically spec) changes. Read-only. */
  generation?: InputMaybe<Scalars['Int64']['input']>;
  /** Key/value pairs used to organise objects and to select them with label selectors. */
  labels?: InputMaybe<Scalars['StringMap']['input']>;
  /** Which manager owns which fields, as recorded by server-side apply. Internal bookkeeping that users rarely need to touch. */
  managedFields?: InputMaybe<Array<MetaV1ManagedFieldsEntryInput>>;
  /** Unique name of the object within its namespace (or cluster-wide for cluster-scoped kinds). Required on create unless generateName is set; cannot be changed. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace the object lives in; empty for cluster-scoped kinds. Must be a DNS label and cannot be changed. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Objects this one depends on. When every owner is gone the garbage collector deletes this object. At most one entry may have controller set. */
  ownerReferences?: InputMaybe<Array<MetaV1OwnerReferenceInput>>;
  /** Opaque version of the object, changed on every write. Send it back unmodified for optimistic concurrency or to start a watch from here. Read-only. */
  resourceVersion?: InputMaybe<Scalars['String']['input']>;
  /** Deprecated and never set: a URL for this object. */
  selfLink?: InputMaybe<Scalars['String']['input']>;
  /** Identifier the server assigns at creation, unique across time and space. Read-only. */
  uid?: InputMaybe<Scalars['String']['input']>;
};

/** Identifies an owner of an object. The owner is in the same namespace as its dependent, or cluster-scoped. */
export type MetaV1OwnerReferenceInput = {
  /** API version of the owner. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** When true and the owner is deleted in the foreground, the owner is kept until this dependent is gone. Setting it requires permission to delete the owner. Defaults to false. */
  blockOwnerDeletion?: InputMaybe<Scalars['Boolean']['input']>;
  /** Whether this owner is the managing controller of the dependent. */
  controller?: InputMaybe<Scalars['Boolean']['input']>;
  /** Kind of the owner. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Name of the owner. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** UID of the owner. */
  uid?: InputMaybe<Scalars['String']['input']>;
};

/** What a delete does to dependents (objects whose ownerReferences name the deleted one): Background deletes the object now and its dependents afterwards, Foreground keeps the object until its dependents are gone, Orphan keeps the dependents. */
export type PropagationPolicy =
  | 'Background'
  | 'Foreground'
  | 'Orphan';

/** Grants the permissions of a ClusterRole to subjects across the whole cluster. */
export type RbacAuthorizationK8sIoV1ClusterRoleBindingInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The ClusterRole to grant. Cannot be changed; an unresolvable reference grants nothing. */
  roleRef?: InputMaybe<RbacV1RoleRefInput>;
  /** The users, groups and service accounts the role is granted to. */
  subjects?: InputMaybe<Array<RbacV1SubjectInput>>;
};

/** A set of permissions, granted cluster-wide through ClusterRoleBindings or within a namespace through RoleBindings. */
export type RbacAuthorizationK8sIoV1ClusterRoleInput = {
  /** When set, rules is computed by a controller from the cluster roles this rule selects, and direct edits to rules are overwritten. */
  aggregationRule?: InputMaybe<RbacV1AggregationRuleInput>;
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The permissions the cluster role grants. */
  rules?: InputMaybe<Array<RbacV1PolicyRuleInput>>;
};

/** Grants the permissions of a Role in the same namespace, or of a ClusterRole, to subjects within this namespace only. */
export type RbacAuthorizationK8sIoV1RoleBindingInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The Role in this namespace or the ClusterRole to grant. Cannot be changed; an unresolvable reference grants nothing. */
  roleRef?: InputMaybe<RbacV1RoleRefInput>;
  /** The users, groups and service accounts the role is granted to. */
  subjects?: InputMaybe<Array<RbacV1SubjectInput>>;
};

/** A set of permissions within one namespace, granted through RoleBindings. */
export type RbacAuthorizationK8sIoV1RoleInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The permissions the role grants. */
  rules?: InputMaybe<Array<RbacV1PolicyRuleInput>>;
};

/** Selects the cluster roles whose rules are combined into an aggregated ClusterRole. */
export type RbacV1AggregationRuleInput = {
  /** Label selectors over ClusterRoles; the rules of every cluster role matching any of them are included. */
  clusterRoleSelectors?: InputMaybe<Array<MetaV1LabelSelectorInput>>;
};

/** Actions allowed on resources or non-resource URLs. It says nothing about who may act or in which namespace. */
export type RbacV1PolicyRuleInput = {
  /** API groups of the resources; "" is the core group and "*" is every group. A resource in any listed group matches. */
  apiGroups?: InputMaybe<Array<Scalars['String']['input']>>;
  /** URL paths such as "/healthz" or "/api/*" (a "*" only as the last segment). Only meaningful in ClusterRoles bound by ClusterRoleBindings; a rule covers either resources or URLs, not both. */
  nonResourceURLs?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Names of the objects the rule is limited to; empty means any name. */
  resourceNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Resources the rule covers, such as "pods" or "deployments/scale"; "*" is every resource. */
  resources?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Verbs allowed, such as get, list, watch, create, update, patch, delete; "*" allows all. */
  verbs?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Identifies the role a binding grants. */
export type RbacV1RoleRefInput = {
  /** API group of the role: rbac.authorization.k8s.io. */
  apiGroup?: InputMaybe<Scalars['String']['input']>;
  /** Kind of the role: Role or ClusterRole. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Name of the role. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** Who a binding grants a role to: a user, a group or a service account. */
export type RbacV1SubjectInput = {
  /** API group of the subject: "" for ServiceAccount (the default there), rbac.authorization.k8s.io for User and Group. */
  apiGroup?: InputMaybe<Scalars['String']['input']>;
  /** User, Group or ServiceAccount. Authorizers report an error for kinds they do not recognise. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** Name of the user, group or service account. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Namespace of a ServiceAccount subject; must be empty for users and groups. */
  namespace?: InputMaybe<Scalars['String']['input']>;
};

/** A child workspace: creating one creates an isolated logical cluster with its own URL, APIs and RBAC. */
export type TenancyKcpIoV1alpha1WorkspaceInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** What the workspace should be. */
  spec?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceSpecInput>;
  /** What the workspace is. */
  status?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceStatusInput>;
};

/** What the workspace should be. */
export type TenancyKcpIoV1alpha1WorkspaceSpecInput = {
  /** Where the workspace is served. Set by the system. */
  URL?: InputMaybe<Scalars['String']['input']>;
  /** Name of the logical cluster behind the workspace. Set by the system. */
  cluster?: InputMaybe<Scalars['String']['input']>;
  /** Constraints on where the workspace is scheduled. */
  location?: InputMaybe<Scalars['JSON']['input']>;
  /** The type of the workspace; defaults from the parent’s type. Immutable. */
  type?: InputMaybe<TenancyV1alpha1WorkspaceTypeReferenceInput>;
};

/** One observed aspect of the object’s state. */
export type TenancyKcpIoV1alpha1WorkspaceStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** What the workspace is. */
export type TenancyKcpIoV1alpha1WorkspaceStatusInput = {
  /** Observed conditions of the workspace. */
  conditions?: InputMaybe<Array<TenancyKcpIoV1alpha1WorkspaceStatusConditionsInput>>;
  /** Initializers that still have to finish before the workspace is Ready. */
  initializers?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Scheduling, Initializing, Ready or Unavailable; Terminating, then Deleting once deletion has begun. */
  phase?: InputMaybe<Scalars['String']['input']>;
  /** Terminators that still have to finish before the workspace’s content is deleted. */
  terminators?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A kind of workspace: what it may contain, where it may live and how it is initialized. */
export type TenancyKcpIoV1alpha1WorkspaceTypeInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The type’s rules. */
  spec?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceTypeSpecInput>;
  /** Observed state of the type. */
  status?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceTypeStatusInput>;
};

/** An APIExport to bind. */
export type TenancyKcpIoV1alpha1WorkspaceTypeSpecDefaultApiBindingsInput = {
  /** Name of the APIExport. */
  export?: InputMaybe<Scalars['String']['input']>;
  /** Path of the workspace holding the export; empty for the workspace holding this type. */
  path?: InputMaybe<Scalars['String']['input']>;
};

/** Types whose initializers and allowed relations this type inherits. */
export type TenancyKcpIoV1alpha1WorkspaceTypeSpecExtendInput = {
  /** The extended types. */
  with?: InputMaybe<Array<TenancyV1alpha1WorkspaceTypeReferenceInput>>;
};

/** The type’s rules. */
export type TenancyKcpIoV1alpha1WorkspaceTypeSpecInput = {
  /** InitializeOnly (bind when the workspace is created) or Maintain. */
  defaultAPIBindingLifecycle?: InputMaybe<Scalars['String']['input']>;
  /** APIExports bound in every new workspace of this type. */
  defaultAPIBindings?: InputMaybe<Array<TenancyKcpIoV1alpha1WorkspaceTypeSpecDefaultApiBindingsInput>>;
  /** The type given to child workspaces that name none. */
  defaultChildWorkspaceType?: InputMaybe<TenancyV1alpha1WorkspaceTypeReferenceInput>;
  /** Types whose initializers and allowed relations this type inherits. */
  extend?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceTypeSpecExtendInput>;
  /** Whether workspaces of this type wait for an initializer named <path>:<name>. */
  initializer?: InputMaybe<Scalars['Boolean']['input']>;
  /** Restricts the types of child workspaces. */
  limitAllowedChildren?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceTypeSpecLimitAllowedChildrenInput>;
  /** Restricts the types of workspaces this type may be created in. */
  limitAllowedParents?: InputMaybe<TenancyKcpIoV1alpha1WorkspaceTypeSpecLimitAllowedParentsInput>;
  /** Whether deleting a workspace of this type waits for a terminator named <path>:<name>. */
  terminator?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Restricts the types of child workspaces. */
export type TenancyKcpIoV1alpha1WorkspaceTypeSpecLimitAllowedChildrenInput = {
  /** No children at all. */
  none?: InputMaybe<Scalars['Boolean']['input']>;
  /** Allowed child types. */
  types?: InputMaybe<Array<TenancyV1alpha1WorkspaceTypeReferenceInput>>;
};

/** Restricts the types of workspaces this type may be created in. */
export type TenancyKcpIoV1alpha1WorkspaceTypeSpecLimitAllowedParentsInput = {
  /** May not be created anywhere. */
  none?: InputMaybe<Scalars['Boolean']['input']>;
  /** Allowed parent types. */
  types?: InputMaybe<Array<TenancyV1alpha1WorkspaceTypeReferenceInput>>;
};

/** One observed aspect of the object’s state. */
export type TenancyKcpIoV1alpha1WorkspaceTypeStatusConditionsInput = {
  /** When the status last changed. */
  lastTransitionTime?: InputMaybe<Scalars['String']['input']>;
  /** A human-readable explanation. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** A machine-readable word for why the condition is as it is. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** How bad a False condition is: Error, Warning or Info. */
  severity?: InputMaybe<Scalars['String']['input']>;
  /** True, False or Unknown. */
  status?: InputMaybe<Scalars['String']['input']>;
  /** The kind of condition, e.g. Ready. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Observed state of the type. */
export type TenancyKcpIoV1alpha1WorkspaceTypeStatusInput = {
  /** Observed conditions of the type. */
  conditions?: InputMaybe<Array<TenancyKcpIoV1alpha1WorkspaceTypeStatusConditionsInput>>;
};

/** Names a WorkspaceType: its name and the path of the workspace that holds it. */
export type TenancyV1alpha1WorkspaceTypeReferenceInput = {
  /** Name of the WorkspaceType. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Path of the workspace that holds the type, e.g. root. Defaults to root. */
  path?: InputMaybe<Scalars['String']['input']>;
};

/** Non-confidential configuration data, as key/value pairs, for workloads to consume. */
export type V1ConfigMapInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** Binary values by key, base64-encoded; for content that is not valid UTF-8. Keys follow the rules of data and must not repeat its keys. */
  binaryData?: InputMaybe<Scalars['StringMap']['input']>;
  /** UTF-8 configuration values by key. Keys consist of letters, digits, '-', '_' and '.', and must not also appear in binaryData. */
  data?: InputMaybe<Scalars['StringMap']['input']>;
  /** When true, data and binaryData can no longer change (only metadata can); it cannot be unset. Defaults to unset. */
  immutable?: InputMaybe<Scalars['Boolean']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
};

/** A report that something happened to an object. Events are kept only for a short time and are informative, best-effort data. */
export type V1EventInput = {
  /** What action was taken, or failed, regarding the involved object. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** How many times the event has occurred. */
  count?: InputMaybe<Scalars['Int']['input']>;
  /** When the event was first observed, with microsecond precision. */
  eventTime?: InputMaybe<Scalars['String']['input']>;
  /** When the event was first recorded. */
  firstTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** The object the event is about. */
  involvedObject?: InputMaybe<CoreV1ObjectReferenceInput>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** When the event was most recently recorded. */
  lastTimestamp?: InputMaybe<Scalars['String']['input']>;
  /** Human-readable description of what happened. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Short, machine-readable reason for the event, in CamelCase (for example FailedScheduling). */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** A second object involved in the event, if any. */
  related?: InputMaybe<CoreV1ObjectReferenceInput>;
  /** Name of the controller that emitted the event, such as kubernetes.io/kubelet. */
  reportingComponent?: InputMaybe<Scalars['String']['input']>;
  /** ID of the controller instance that emitted the event, such as kubelet-xyzf. */
  reportingInstance?: InputMaybe<Scalars['String']['input']>;
  /** Information about the series this event belongs to; unset for a one-off event. */
  series?: InputMaybe<CoreV1EventSeriesInput>;
  /** The component that reported the event. */
  source?: InputMaybe<CoreV1EventSourceInput>;
  /** Severity: Normal or Warning; more types may be added. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** Per-object limits and defaults for resource usage in a namespace. */
export type V1LimitRangeInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The limits enforced. */
  spec?: InputMaybe<CoreV1LimitRangeSpecInput>;
};

/** A scope for the names of namespaced objects; deleting it deletes everything inside. */
export type V1NamespaceInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Desired behaviour of the namespace. */
  spec?: InputMaybe<CoreV1NamespaceSpecInput>;
  /** Observed state of the namespace, maintained by the server. */
  status?: InputMaybe<CoreV1NamespaceStatusInput>;
};

/** Caps the total resource use and object counts in a namespace. */
export type V1ResourceQuotaInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** The limits to enforce. */
  spec?: InputMaybe<CoreV1ResourceQuotaSpecInput>;
  /** The limits enforced and the current usage, maintained by the server. */
  status?: InputMaybe<CoreV1ResourceQuotaStatusInput>;
};

/** Confidential data, such as passwords, tokens or keys, of a given type. Data may total at most 1 MiB. */
export type V1SecretInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** Secret values by key, base64-encoded. Keys consist of letters, digits, '-', '_' and '.'. */
  data?: InputMaybe<Scalars['StringMap']['input']>;
  /** When true, data can no longer change (only metadata can); it cannot be unset. Defaults to unset. */
  immutable?: InputMaybe<Scalars['Boolean']['input']>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Write-only convenience: plain-text values merged into data (overwriting keys it already has) when written. Never returned on read. */
  stringData?: InputMaybe<Scalars['StringMap']['input']>;
  /** How the data is meant to be used, which decides the keys it must hold: Opaque (the default), kubernetes.io/tls, kubernetes.io/dockerconfigjson, kubernetes.io/basic-auth, kubernetes.io/ssh-auth, kubernetes.io/service-account-token, or a custom type. Cannot be changed. */
  type?: InputMaybe<Scalars['String']['input']>;
};

/** An identity for processes and controllers, which RBAC bindings can grant permissions to. */
export type V1ServiceAccountInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: InputMaybe<Scalars['String']['input']>;
  /** Whether pods running as this account get an API token mounted; a pod may override it. */
  automountServiceAccountToken?: InputMaybe<Scalars['Boolean']['input']>;
  /** Secrets in the same namespace used to pull images for pods that run as this account. */
  imagePullSecrets?: InputMaybe<Array<CoreV1LocalObjectReferenceInput>>;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: InputMaybe<Scalars['String']['input']>;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: InputMaybe<MetaV1ObjectMetaInput>;
  /** Secrets in the same namespace that pods using this account may mount (enforced only when the account is annotated kubernetes.io/enforce-mountable-secrets=true). Not a source of API tokens: request those with TokenRequest. */
  secrets?: InputMaybe<Array<CoreV1ObjectReferenceInput>>;
};

/** What happened to the object: ADDED, MODIFIED, DELETED, or BOOKMARK (only a resourceVersion to resume from). */
export type WatchEventType =
  | 'ADDED'
  | 'BOOKMARK'
  | 'DELETED'
  | 'MODIFIED';

export type GetConfigMapQueryVariables = Exact<{
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
}>;


export type GetConfigMapQuery = { v1: { ConfigMap?: { data?: Record<string, string> | null, metadata?: { name?: string | null, namespace?: string | null, uid?: string | null, resourceVersion?: string | null, labels?: Record<string, string> | null } | null } | null } };

export type ListConfigMapsQueryVariables = Exact<{
  namespace?: InputMaybe<Scalars['String']['input']>;
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  continue?: InputMaybe<Scalars['String']['input']>;
}>;


export type ListConfigMapsQuery = { v1: { ConfigMaps?: { resourceVersion: string, continue?: string | null, items: Array<{ data?: Record<string, string> | null, metadata?: { name?: string | null, labels?: Record<string, string> | null } | null }> } | null } };

export type CreateConfigMapMutationVariables = Exact<{
  namespace: Scalars['String']['input'];
  object: V1ConfigMapInput;
  fieldManager?: InputMaybe<Scalars['String']['input']>;
}>;


export type CreateConfigMapMutation = { createV1ConfigMap?: { data?: Record<string, string> | null, metadata?: { name?: string | null, uid?: string | null, resourceVersion?: string | null, creationTimestamp?: string | null } | null } | null };

export type WatchConfigMapsSubscriptionVariables = Exact<{
  namespace?: InputMaybe<Scalars['String']['input']>;
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  resourceVersion?: InputMaybe<Scalars['String']['input']>;
}>;


export type WatchConfigMapsSubscription = { v1_configmaps?: { type: WatchEventType, object: { data?: Record<string, string> | null, metadata?: { name?: string | null, resourceVersion?: string | null } | null } } | null };


export const GetConfigMapDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetConfigMap"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"v1"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ConfigMap"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"uid"}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]}}]} as unknown as DocumentNode<GetConfigMapQuery, GetConfigMapQueryVariables>;
export const ListConfigMapsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListConfigMaps"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"continue"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"v1"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ConfigMaps"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"labelSelector"},"value":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"continue"},"value":{"kind":"Variable","name":{"kind":"Name","value":"continue"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}},{"kind":"Field","name":{"kind":"Name","value":"continue"}}]}}]}}]}}]} as unknown as DocumentNode<ListConfigMapsQuery, ListConfigMapsQueryVariables>;
export const CreateConfigMapDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateConfigMap"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"object"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"V1ConfigMapInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fieldManager"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createV1ConfigMap"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"object"},"value":{"kind":"Variable","name":{"kind":"Name","value":"object"}}},{"kind":"Argument","name":{"kind":"Name","value":"fieldManager"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fieldManager"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"uid"}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}},{"kind":"Field","name":{"kind":"Name","value":"creationTimestamp"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]} as unknown as DocumentNode<CreateConfigMapMutation, CreateConfigMapMutationVariables>;
export const WatchConfigMapsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WatchConfigMaps"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"resourceVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"v1_configmaps"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"labelSelector"},"value":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}}},{"kind":"Argument","name":{"kind":"Name","value":"resourceVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"resourceVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"object"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]}}]} as unknown as DocumentNode<WatchConfigMapsSubscription, WatchConfigMapsSubscriptionVariables>;