/**
 * Converted kinds as the objects a server takes: plain CustomResourceDefinitions, or
 * APIResourceSchemas and the APIExport that serves them.
 *
 * An APIResourceSchema is immutable, so a changed kind is a new schema. Its name is
 * `v<hash>.<plural>.<group>`, the hash of its spec: the same SDL always makes the same names
 * (applying twice changes nothing) and any change makes a new one, as kcp's apigen does with
 * its date-and-hash prefixes.
 */
import { createHash } from 'node:crypto';
import type { APIResourceSchemaSpec, ExportedResource } from '../apiexports/index.js';
import type { CrdSpec } from '../crd/index.js';
import { stableStringify } from '../crd/structural/json.js';
import type { KubeObject } from '../meta/index.js';
import type { ConvertedKind } from './model.js';

export interface ExportDocuments {
  schemas: KubeObject[];
  export: KubeObject;
}

export function crdSpec(kind: ConvertedKind): CrdSpec {
  const spec: CrdSpec = { group: kind.group, names: kind.names, scope: kind.scope, versions: kind.versions };
  // Versions of one kind differ only in schema: objects convert by apiVersion alone.
  if (kind.versions.length > 1) spec.conversion = { strategy: 'None' };
  return spec;
}

export function toCrd(kind: ConvertedKind): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.names.plural}.${kind.group}` },
    spec: crdSpec(kind) as unknown as Record<string, unknown>,
  };
}

export function schemaSpec(kind: ConvertedKind): APIResourceSchemaSpec {
  const { conversion, versions, ...rest } = crdSpec(kind);
  const spec: APIResourceSchemaSpec = { ...rest, versions: versions.map(({ schema, ...v }) => ({ ...v, schema: schema?.openAPIV3Schema ?? {} })) };
  if (conversion) spec.conversion = conversion;
  return spec;
}

/** `v` and ten hex digits of the SHA-256 of the spec (keys sorted): a valid name prefix that changes with the spec. */
export const schemaPrefix = (spec: APIResourceSchemaSpec): string => `v${createHash('sha256').update(stableStringify(spec)).digest('hex').slice(0, 10)}`;

export function toApiResourceSchema(kind: ConvertedKind): KubeObject {
  const spec = schemaSpec(kind);
  return {
    apiVersion: 'apis.kcp.io/v1alpha1',
    kind: 'APIResourceSchema',
    metadata: { name: `${schemaPrefix(spec)}.${kind.names.plural}.${kind.group}` },
    spec: spec as unknown as Record<string, unknown>,
  };
}

/** The export's default name: the kinds' group, when they share one. */
export function defaultExportName(kinds: readonly ConvertedKind[]): string | undefined {
  const groups = new Set(kinds.map((k) => k.group));
  return groups.size === 1 ? [...groups][0] : undefined;
}

export function toExportDocuments(kinds: readonly ConvertedKind[], name = defaultExportName(kinds)): ExportDocuments {
  if (!name) throw new Error('the kinds are in several groups: name the export (--name)');
  const schemas = kinds.map(toApiResourceSchema);
  const resources: ExportedResource[] = kinds.map((k, i) => ({
    name: k.names.plural,
    group: k.group,
    schema: (schemas[i] as KubeObject).metadata.name as string,
    storage: { crd: {} },
  }));
  return {
    schemas,
    export: { apiVersion: 'apis.kcp.io/v1alpha2', kind: 'APIExport', metadata: { name }, spec: { resources } as unknown as Record<string, unknown> },
  };
}
