/**
 * The resource types a CustomResourceDefinition serves: one per served version, with the
 * version's schema doing validation, defaulting and pruning, its printer columns, selectable
 * fields and subresources. Types are cached by the content of the CRD's spec, so the ten
 * thousand workspaces holding the same CRD share one set of types, one compiled schema, and
 * (through the API-set fingerprint) one GraphQL schema and one set of discovery documents.
 */
import { createHash } from 'node:crypto';
import { ageOf, cloneObject, type KubeObject, type OpenApiSchema } from '../meta/index.js';
import {
  builtinComponents,
  builtinSchemaName,
  groupResource,
  schemaBuilders as b,
  type PrinterColumn,
  type ResourceType,
  type Strategy,
} from '../registry/index.js';
import type { CrdSpec, CrdVersion, PrinterColumnSpec } from './crd-types.js';
import { evaluate, fieldsOf, parseJsonPath } from './jsonpath.js';
import { scaleView } from './scale.js';
import type { JSONSchemaProps } from './schema-types.js';
import { compileSchema, type CompiledSchema } from './structural/index.js';

/** Distinct CRD specs kept; a workspace's types stay alive through its API set regardless. */
const MAX_CACHED = 2_000;
const cache = new Map<string, ResourceType[]>();

export function specHash(spec: CrdSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('base64url').slice(0, 22);
}

/**
 * The types a CRD's spec serves (the CRD must have passed validation). A bound API passes the
 * storage resource its objects live under (qualified by its export's identity, so two exports of
 * the same group and resource never share objects); it is part of the types' identity.
 */
export function servedTypes(spec: CrdSpec, hash = specHash(spec), storageResource?: string): ResourceType[] {
  const key = storageResource === undefined ? hash : `${hash}@${storageResource}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const types = build(spec, key, storageResource);
  cache.set(key, types);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return types;
}

function build(spec: CrdSpec, hash: string, storageResource: string | undefined): ResourceType[] {
  const storage = spec.versions.find((v) => v.storage);
  const served = spec.versions.filter((v) => v.served);
  // The storage version owns the stored objects; if it is not served, the first served one does.
  const owner = storage && storage.served ? storage : served[0];
  const storageGV = `${spec.group}/${storage?.name ?? owner?.name ?? ''}`;
  const resource = storageResource ?? groupResource({ group: spec.group, resource: spec.names.plural });
  return served.map((v) => versionType(spec, v, v === owner, storageGV, hash, resource));
}

function versionType(spec: CrdSpec, v: CrdVersion, owner: boolean, storageGV: string, hash: string, resource: string): ResourceType {
  const schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const compiled = compileSchema(schema);
  const apiVersion = `${spec.group}/${v.name}`;
  const names = spec.names;
  const schemaName = builtinSchemaName(spec.group, v.name, names.kind);
  const scale = v.subresources?.scale;
  const t: ResourceType = {
    group: spec.group,
    version: v.name,
    resource: names.plural,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    singular: names.singular ?? names.kind.toLowerCase(),
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: spec.scope === 'Namespaced',
    nameRule: 'subdomain',
    hasStatus: v.subresources?.status !== undefined && v.subresources.status !== null,
    selectableFields: (v.selectableFields ?? []).map((f) => fieldsOf(parseJsonPath(f.jsonPath)).join('.')),
    strategy: strategy(compiled, scale ? { scale: scaleView(scale) } : undefined),
    schema: { name: schemaName, components: { ...builtinComponents, [schemaName]: published(schema, spec.group, v.name, names.kind) } },
    storedAs: {
      resource,
      toStored: (o) => (o.apiVersion === storageGV ? o : { ...o, apiVersion: storageGV }),
      fromStored: reader(compiled, apiVersion),
      ...(owner ? { owner: true } : {}),
    },
    sourceHash: hash,
  };
  if (v.additionalPrinterColumns?.length) t.columns = columns(v.additionalPrinterColumns);
  if (v.deprecated) t.deprecationWarning = v.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated`;
  return t;
}

function strategy(compiled: CompiledSchema, views: Strategy['views']): Strategy {
  return {
    validate(o, old) {
      // Pruning first: what the schema does not know is reported (or refused, in Strict mode), not validated.
      const unknownFields = compiled.prune(o as unknown as Record<string, unknown>);
      const errors = compiled.validate(o as unknown as Record<string, unknown>, old as unknown as Record<string, unknown> | undefined);
      return { errors, unknownFields };
    },
    prepareForCreate: (o) => compiled.applyDefaults(o as unknown as Record<string, unknown>),
    prepareForUpdate: (o) => compiled.applyDefaults(o as unknown as Record<string, unknown>),
    ...(views ? { views } : {}),
  };
}

/**
 * Objects as read in one version: its apiVersion (conversion strategy None changes nothing else)
 * and the version's defaults, which apply on read as in Kubernetes. Stored objects are shared
 * between watchers, so they are copied, never changed.
 */
function reader(compiled: CompiledSchema, apiVersion: string): (o: KubeObject) => KubeObject {
  return (o) => {
    if (!compiled.hasDefaults) return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
    const copy = cloneObject(o);
    copy.apiVersion = apiVersion;
    compiled.applyDefaults(copy as unknown as Record<string, unknown>);
    return copy;
  };
}

/** The schema as published in OpenAPI: with apiVersion, kind, ObjectMeta and the kind's GVK. */
function published(schema: JSONSchemaProps, group: string, version: string, kind: string): OpenApiSchema {
  const s = cloneObject(schema) as OpenApiSchema;
  s.properties = { ...(s.properties ?? {}), apiVersion: b.apiVersionField(), kind: b.kindField(), metadata: b.objectMetaField() };
  s['x-kubernetes-group-version-kind'] = [b.gvk(group, version, kind)];
  return s;
}

const NAME_COLUMN: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name ?? '',
};

function columns(specs: PrinterColumnSpec[]): PrinterColumn[] {
  return [NAME_COLUMN, ...specs.map(column)];
}

function column(c: PrinterColumnSpec): PrinterColumn {
  const path = parseJsonPath(c.jsonPath);
  return {
    name: c.name,
    type: c.type,
    ...(c.format ? { format: c.format } : {}),
    description: c.description ?? '',
    priority: c.priority && c.priority > 0 ? 1 : 0,
    cell(o) {
      const values = evaluate(path, o);
      if (values.length === 0) return null;
      if (values.length > 1) return values.map((x) => render(c, x)).join(',');
      return render(c, values[0]);
    },
  };
}

function render(c: PrinterColumnSpec, v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  switch (c.type) {
    case 'date':
      return typeof v === 'string' ? ageOf(v, Date.now()) : null;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
