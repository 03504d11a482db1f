/** The parts of an apiextensions.k8s.io/v1 CustomResourceDefinition that Atoll reads. */
import type { KubeObject } from '../meta/index.js';
import type { JSONSchemaProps } from './schema-types.js';

export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface PrinterColumnSpec {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: ScaleSpec };
  additionalPrinterColumns?: PrinterColumnSpec[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
  conversion?: { strategy: 'None' | 'Webhook' };
  preserveUnknownFields?: boolean;
}

export interface CrdCondition {
  type: 'Established' | 'NamesAccepted' | 'Terminating' | 'NonStructuralSchema';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CrdStatus {
  conditions?: CrdCondition[];
  acceptedNames?: CrdNames;
  storedVersions?: string[];
}

export const crdSpecOf = (o: KubeObject): CrdSpec => o.spec as CrdSpec;
export const crdStatusOf = (o: KubeObject): CrdStatus => (o.status ?? {}) as CrdStatus;

export function crdCondition(o: KubeObject, type: CrdCondition['type']): CrdCondition | undefined {
  return crdStatusOf(o).conditions?.find((c) => c.type === type);
}

export const isEstablished = (o: KubeObject): boolean => crdCondition(o, 'Established')?.status === 'True';

/** Removes custom resources before the definition goes (apiextensions' finalizer name). */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
