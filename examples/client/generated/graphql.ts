/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The set of fields one manager owns on an object, for the group/version it wrote them in. */
export type MetaV1ManagedFieldsEntryInput = {
  /** group/version the field set is expressed in; field sets are not converted between versions. */
  apiVersion?: string | null | undefined;
  /** Format of the field set; currently always "FieldsV1". */
  fieldsType?: string | null | undefined;
  /** The owned fields in FieldsV1 format. */
  fieldsV1?: unknown;
  /** Name of the workflow (client, controller, apply pipeline) that manages these fields. */
  manager?: string | null | undefined;
  /** How the fields were written: Apply or Update. */
  operation?: string | null | undefined;
  /** Subresource the fields were written through (for example "status"); empty for the main resource. */
  subresource?: string | null | undefined;
  /** When the entry last changed: a field was added, or an owned value changed. */
  time?: string | null | undefined;
};

/** Metadata every persisted object carries: its identity, labels and annotations, owners, finalizers and server-set bookkeeping. */
export type MetaV1ObjectMetaInput = {
  /** Arbitrary non-identifying key/value data that tools attach to the object; not used for selection. */
  annotations?: Record<string, string> | null | undefined;
  /** When the server created the object (RFC 3339, UTC). Read-only. */
  creationTimestamp?: string | null | undefined;
  /** Seconds the object is given to terminate gracefully; set together with deletionTimestamp and may only shrink. Read-only. */
  deletionGracePeriodSeconds?: number | null | undefined;
  /** When deletion was requested and the object started waiting for its finalizers or grace period; it is removed once finalizers is empty. Set by the server, read-only. */
  deletionTimestamp?: string | null | undefined;
  /** Names of the components that must finish clean-up before the object is removed. While deletionTimestamp is set entries can only be removed; they may be processed in any order. */
  finalizers?: Array<string> | null | undefined;
  /** Prefix the server completes with a random suffix to name the object, used only when name is empty. Follows the same rules as name. */
  generateName?: string | null | undefined;
  /** Number the server increments whenever the desired state (typically spec) changes. Read-only. */
  generation?: number | null | undefined;
  /** Key/value pairs used to organise objects and to select them with label selectors. */
  labels?: Record<string, string> | null | undefined;
  /** Which manager owns which fields, as recorded by server-side apply. Internal bookkeeping that users rarely need to touch. */
  managedFields?: Array<MetaV1ManagedFieldsEntryInput> | null | undefined;
  /** Unique name of the object within its namespace (or cluster-wide for cluster-scoped kinds). Required on create unless generateName is set; cannot be changed. */
  name?: string | null | undefined;
  /** Namespace the object lives in; empty for cluster-scoped kinds. Must be a DNS label and cannot be changed. */
  namespace?: string | null | undefined;
  /** Objects this one depends on. When every owner is gone the garbage collector deletes this object. At most one entry may have controller set. */
  ownerReferences?: Array<MetaV1OwnerReferenceInput> | null | undefined;
  /** Opaque version of the object, changed on every write. Send it back unmodified for optimistic concurrency or to start a watch from here. Read-only. */
  resourceVersion?: string | null | undefined;
  /** Deprecated and never set: a URL for this object. */
  selfLink?: string | null | undefined;
  /** Identifier the server assigns at creation, unique across time and space. Read-only. */
  uid?: string | null | undefined;
};

/** Identifies an owner of an object. The owner is in the same namespace as its dependent, or cluster-scoped. */
export type MetaV1OwnerReferenceInput = {
  /** API version of the owner. */
  apiVersion?: string | null | undefined;
  /** When true and the owner is deleted in the foreground, the owner is kept until this dependent is gone. Setting it requires permission to delete the owner. Defaults to false. */
  blockOwnerDeletion?: boolean | null | undefined;
  /** Whether this owner is the managing controller of the dependent. */
  controller?: boolean | null | undefined;
  /** Kind of the owner. */
  kind?: string | null | undefined;
  /** Name of the owner. */
  name?: string | null | undefined;
  /** UID of the owner. */
  uid?: string | null | undefined;
};

/** Non-confidential configuration data, as key/value pairs, for workloads to consume. */
export type V1ConfigMapInput = {
  /** The schema version this object is written in: "group/version", or only the version for the core group. Servers convert versions they know and may reject others. */
  apiVersion?: string | null | undefined;
  /** Binary values by key, base64-encoded; for content that is not valid UTF-8. Keys follow the rules of data and must not repeat its keys. */
  binaryData?: Record<string, string> | null | undefined;
  /** UTF-8 configuration values by key. Keys consist of letters, digits, '-', '_' and '.', and must not also appear in binaryData. */
  data?: Record<string, string> | null | undefined;
  /** When true, data and binaryData can no longer change (only metadata can); it cannot be unset. Defaults to unset. */
  immutable?: boolean | null | undefined;
  /** The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed. */
  kind?: string | null | undefined;
  /** The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields. */
  metadata?: MetaV1ObjectMetaInput | null | undefined;
};

/** What happened to the object: ADDED, MODIFIED, DELETED, or BOOKMARK (only a resourceVersion to resume from). */
export type WatchEventType =
  | 'ADDED'
  | 'BOOKMARK'
  | 'DELETED'
  | 'MODIFIED';

export type GetConfigMapQueryVariables = Exact<{
  name: string;
  namespace: string;
}>;


export type GetConfigMapQuery = { v1: { ConfigMap: { data: Record<string, string> | null, metadata: { name: string | null, namespace: string | null, uid: string | null, resourceVersion: string | null, labels: Record<string, string> | null } | null } | null } };

export type ListConfigMapsQueryVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  limit?: number | null | undefined;
  continue?: string | null | undefined;
}>;


export type ListConfigMapsQuery = { v1: { ConfigMaps: { resourceVersion: string, continue: string | null, items: Array<{ data: Record<string, string> | null, metadata: { name: string | null, labels: Record<string, string> | null } | null }> } | null } };

export type CreateConfigMapMutationVariables = Exact<{
  namespace: string;
  object: V1ConfigMapInput;
  fieldManager?: string | null | undefined;
}>;


export type CreateConfigMapMutation = { createV1ConfigMap: { data: Record<string, string> | null, metadata: { name: string | null, uid: string | null, resourceVersion: string | null, creationTimestamp: string | null } | null } | null };

export type WatchConfigMapsSubscriptionVariables = Exact<{
  namespace?: string | null | undefined;
  labelSelector?: string | null | undefined;
  resourceVersion?: string | null | undefined;
}>;


export type WatchConfigMapsSubscription = { v1_configmaps: { type: WatchEventType, object: { data: Record<string, string> | null, metadata: { name: string | null, resourceVersion: string | null } | null } } | null };


export const GetConfigMapDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetConfigMap"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"v1"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ConfigMap"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"uid"}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]}}]} as unknown as DocumentNode<GetConfigMapQuery, GetConfigMapQueryVariables>;
export const ListConfigMapsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListConfigMaps"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"continue"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"v1"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ConfigMaps"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"labelSelector"},"value":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"continue"},"value":{"kind":"Variable","name":{"kind":"Name","value":"continue"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}},{"kind":"Field","name":{"kind":"Name","value":"continue"}}]}}]}}]}}]} as unknown as DocumentNode<ListConfigMapsQuery, ListConfigMapsQueryVariables>;
export const CreateConfigMapDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateConfigMap"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"object"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"V1ConfigMapInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fieldManager"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createV1ConfigMap"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"object"},"value":{"kind":"Variable","name":{"kind":"Name","value":"object"}}},{"kind":"Argument","name":{"kind":"Name","value":"fieldManager"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fieldManager"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"uid"}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}},{"kind":"Field","name":{"kind":"Name","value":"creationTimestamp"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]} as unknown as DocumentNode<CreateConfigMapMutation, CreateConfigMapMutationVariables>;
export const WatchConfigMapsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WatchConfigMaps"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"resourceVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"v1_configmaps"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"labelSelector"},"value":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}}},{"kind":"Argument","name":{"kind":"Name","value":"resourceVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"resourceVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"object"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"resourceVersion"}}]}},{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]}}]} as unknown as DocumentNode<WatchConfigMapsSubscription, WatchConfigMapsSubscriptionVariables>;