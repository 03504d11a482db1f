/**
 * The rules of a CustomResourceDefinition beyond its wire shape, as apiextensions-apiserver
 * applies them: names, scope, versions, schemas (structural, with valid defaults and CEL rules),
 * subresources, printer columns and selectable fields.
 */
import type { KubeObject } from '../meta/index.js';
import { validateDNS1123Subdomain } from '../meta/index.js';
import { immutable, type FieldError } from '../registry/index.js';
import type { CrdNames, CrdSpec, CrdStatus, CrdVersion } from './crd-types.js';
import { JsonPathError, parseJsonPath, type ParsedPath } from './jsonpath.js';
import type { JSONSchemaProps } from './schema-types.js';
import { checkStructuralSchema } from './structural/index.js';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
export const MAX_SELECTABLE_FIELDS = 8;

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });

function dns1035(field: string, value: string | undefined, optional = false): FieldError[] {
  if (value === undefined || value === '') return optional ? [] : [required(field)];
  const errs: FieldError[] = [];
  if (value.length > 63) errs.push(invalid(field, value, 'must be no more than 63 characters'));
  if (!DNS1035.test(value)) errs.push(invalid(field, value, DNS1035_MESSAGE));
  return errs;
}

function kindName(field: string, value: string | undefined): FieldError[] {
  if (!value) return [required(field)];
  return DNS1035.test(value.toLowerCase()) ? [] : [invalid(field, value, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?')];
}

/**
 * The groups Kubernetes serves itself, which kcp lets a workspace define by CRD (that is how
 * Deployments come into a kcp workspace): its apiextensions fork skips the group's DNS and dot
 * rules for exactly these (validation.isKubernetesAPIGroup). kcp also lists the core group "";
 * Atoll does not serve custom resources under /api/v1, so that one stays refused.
 */
const KUBERNETES_API_GROUPS = new Set([
  'admissionregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'imagepolicy.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

function groupErrors(group: string): FieldError[] {
  if (KUBERNETES_API_GROUPS.has(group)) return [];
  const dns = validateDNS1123Subdomain(group);
  if (dns.length > 0) return [invalid('spec.group', group, dns.join(','))];
  return group.includes('.') ? [] : [invalid('spec.group', group, 'should be a domain with at least one dot')];
}

export function validateCrd(o: KubeObject): FieldError[] {
  const spec = o.spec as CrdSpec;
  const errs: FieldError[] = [];
  if (!spec.group) errs.push(required('spec.group'));
  else {
    errs.push(...groupErrors(spec.group));
  }
  const n = spec.names;
  errs.push(...validateCrdNames(n));
  if (spec.group && n.plural && o.metadata.name !== `${n.plural}.${spec.group}`) {
    errs.push(invalid('metadata.name', o.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.scope', value: spec.scope, detail: 'supported values: "Cluster", "Namespaced"' });
  }
  if (spec.conversion && spec.conversion.strategy !== 'None') {
    errs.push({
      type: 'FieldValueNotSupported',
      field: 'spec.conversion.strategy',
      value: spec.conversion.strategy,
      detail: 'supported values: "None" (Atoll does not call conversion webhooks)',
    });
  }
  if (spec.preserveUnknownFields) {
    errs.push(invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }
  errs.push(...validateCrdVersions(spec.versions));
  return errs;
}

/** `spec.names` of a CRD (an APIResourceSchema's names follow the same rules). */
export function validateCrdNames(n: CrdNames): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...dns1035('spec.names.plural', n.plural));
  errs.push(...dns1035('spec.names.singular', n.singular, true));
  errs.push(...kindName('spec.names.kind', n.kind));
  if (n.listKind !== undefined) {
    errs.push(...kindName('spec.names.listKind', n.listKind));
    if (n.listKind === n.kind) errs.push(invalid('spec.names.listKind', n.listKind, 'kind and listKind may not be the same'));
  }
  (n.shortNames ?? []).forEach((s, i) => errs.push(...dns1035(`spec.names.shortNames[${i}]`, s)));
  (n.categories ?? []).forEach((s, i) => errs.push(...dns1035(`spec.names.categories[${i}]`, s)));
  return errs;
}

/**
 * `spec.versions` of a CRD: names, one storage version, and each version's schema, subresources,
 * columns and selectable fields. `schemaField` is where a version keeps its schema, for the error
 * paths: an APIResourceSchema's version holds the OpenAPI schema directly under `schema`.
 */
export function validateCrdVersions(versions: CrdVersion[], schemaField = 'schema.openAPIV3Schema'): FieldError[] {
  const errs: FieldError[] = [];
  if (versions.length === 0) return [required('spec.versions', 'must have at least one version')];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    errs.push(...dns1035(`${at}.name`, v.name));
    if (seen.has(v.name)) errs.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: v.name, detail: '' });
    seen.add(v.name);
    errs.push(...validateVersion(v, at, `${at}.${schemaField}`));
  });
  const storage = versions.filter((v) => v.storage).length;
  if (storage !== 1) errs.push(invalid('spec.versions', storage, 'must have exactly one version marked as storage version'));
  if (!versions.some((v) => v.served)) errs.push(invalid('spec.versions', versions.length, 'must have at least one served version'));
  return errs;
}

function validateVersion(v: CrdVersion, at: string, schemaPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const schema = v.schema?.openAPIV3Schema;
  errs.push(...deprecationWarningErrors(v, at));
  if (!schema) errs.push(required(schemaPath, 'schemas are required'));
  else errs.push(...checkStructuralSchema(schema, schemaPath));
  const scale = v.subresources?.scale;
  if (scale) {
    const sAt = `${at}.subresources.scale`;
    errs.push(...pathUnder(`${sAt}.specReplicasPath`, scale.specReplicasPath, ['spec'], true));
    errs.push(...pathUnder(`${sAt}.statusReplicasPath`, scale.statusReplicasPath, ['status'], true));
    if (scale.labelSelectorPath) errs.push(...pathUnder(`${sAt}.labelSelectorPath`, scale.labelSelectorPath, ['spec', 'status'], true));
  }
  (v.additionalPrinterColumns ?? []).forEach((c, i) => {
    const cAt = `${at}.additionalPrinterColumns[${i}]`;
    if (!c.name) errs.push(required(`${cAt}.name`));
    if (!COLUMN_TYPES.includes(c.type)) {
      errs.push({ type: 'FieldValueNotSupported', field: `${cAt}.type`, value: c.type, detail: `supported values: ${COLUMN_TYPES.map((x) => `"${x}"`).join(', ')}` });
    }
    if (c.format && !COLUMN_FORMATS.includes(c.format)) {
      errs.push({ type: 'FieldValueNotSupported', field: `${cAt}.format`, value: c.format, detail: `supported values: ${COLUMN_FORMATS.map((x) => `"${x}"`).join(', ')}` });
    }
    if (!c.jsonPath) errs.push(required(`${cAt}.jsonPath`));
    else errs.push(...parses(`${cAt}.jsonPath`, c.jsonPath));
  });
  const selectable = v.selectableFields ?? [];
  if (selectable.length > MAX_SELECTABLE_FIELDS) {
    errs.push({ type: 'FieldValueTooLong', field: `${at}.selectableFields`, value: selectable.length, detail: `must have at most ${MAX_SELECTABLE_FIELDS} items` });
  }
  const paths = new Set<string>();
  selectable.forEach((f, i) => {
    const fAt = `${at}.selectableFields[${i}].jsonPath`;
    const parsed = tryParse(f.jsonPath);
    if (!parsed || !parsed.simple) {
      errs.push(invalid(fAt, f.jsonPath, 'must be a simple field path such as .spec.color'));
      return;
    }
    if (paths.has(f.jsonPath)) errs.push({ type: 'FieldValueDuplicate', field: fAt, value: f.jsonPath, detail: '' });
    paths.add(f.jsonPath);
    const names = parsed.steps.map((s) => (s.kind === 'field' ? s.name : ''));
    if (names[0] === 'metadata') errs.push(invalid(fAt, f.jsonPath, 'must not select metadata fields: metadata.name and metadata.namespace are always selectable'));
    const target = schema ? schemaAt(schema, names) : undefined;
    if (schema && !target) errs.push(invalid(fAt, f.jsonPath, 'is not a field of the schema'));
    else if (target && !['string', 'integer', 'boolean'].includes(target.type ?? '')) {
      errs.push(invalid(fAt, f.jsonPath, 'must point to a field of type string, boolean or integer'));
    }
  });
  return errs;
}

/** apiextensions' ValidateDeprecationWarning. */
function deprecationWarningErrors(v: CrdVersion, at: string): FieldError[] {
  const warning = v.deprecationWarning;
  if (typeof warning !== 'string') return [];
  const field = `${at}.deprecationWarning`;
  if (!v.deprecated) return [invalid(field, warning, 'can only be set for deprecated versions')];
  return warning.length > 256 ? [invalid(field, warning, 'must be <= 256 characters long')] : [];
}

function tryParse(path: string): ParsedPath | undefined {
  try {
    return parseJsonPath(path);
  } catch {
    return undefined;
  }
}

function parses(field: string, path: string): FieldError[] {
  try {
    parseJsonPath(path);
    return [];
  } catch (e) {
    return [invalid(field, path, `is an invalid path: ${e instanceof JsonPathError ? e.message : String(e)}`)];
  }
}

/** A scale path: a simple path under one of the given top-level fields. */
function pathUnder(field: string, path: string, roots: string[], simple: boolean): FieldError[] {
  if (!path) return [required(field)];
  const parsed = tryParse(path);
  const first = parsed?.steps[0];
  if (!parsed || (simple && !parsed.simple) || first?.kind !== 'field' || !roots.includes(first.name) || parsed.steps.length < 2) {
    return [invalid(field, path, `should be a json path under ${roots.map((r) => `.${r}`).join(' or ')}`)];
  }
  return [];
}

/** The schema of the field at a path of property names, if the schema declares it. */
export function schemaAt(schema: JSONSchemaProps, names: readonly string[]): JSONSchemaProps | undefined {
  let s: JSONSchemaProps | undefined = schema;
  for (const n of names) {
    if (!s) return undefined;
    s = s.properties?.[n] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
  }
  return s;
}

export function validateCrdUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = o.spec as CrdSpec;
  const before = old.spec as CrdSpec;
  const errs = [...immutable('spec.scope', spec.scope, before.scope), ...immutable('spec.group', spec.group, before.group)];
  // Objects stored in a version must stay readable: a stored version cannot leave spec.versions.
  const stored = (o.status as CrdStatus | undefined)?.storedVersions ?? [];
  stored.forEach((v, i) => {
    if (!spec.versions.some((x) => x.name === v)) {
      errs.push(invalid(`status.storedVersions[${i}]`, v, 'must appear in spec.versions'));
    }
  });
  return errs;
}
