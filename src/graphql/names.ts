/**
 * Naming rules of the GraphQL surface: every name is a pure function of what it names (a group, a
 * version, a kind, a component key, a JSON property), never of the rest of the API set, so adding
 * an API to a workspace never renames an existing type or field. The rules are documented for
 * users in schema/README.md; the few contrived collisions they allow are settled by NameTable.
 */
import type { ResourceType } from '../registry/index.js';

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for a name GraphQL accepts in a schema (`__` is reserved for introspection). */
export const isValidName = (name: string): boolean => VALID_NAME.test(name) && !name.startsWith('__');

/**
 * A JSON property name made a GraphQL name: characters outside `[A-Za-z0-9_]` become `_`, a
 * leading digit gets a `_` in front, and a leading run of underscores shrinks to one (`__` is
 * reserved). Valid names are kept as they are.
 */
export function sanitizeName(key: string): string {
  if (isValidName(key)) return key;
  let name = key.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(name)) name = `_${name}`;
  name = name.replace(/^_{2,}/, '_');
  return name === '' ? '_' : name;
}

/**
 * GraphQL field names for an object's JSON properties, mapped to the property each resolves from.
 * Valid names are taken first; sanitized ones follow in key order and get `_2`, `_3`, … when
 * their name is taken, so the result depends on this object's properties alone.
 */
export function fieldNames(keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of keys) if (isValidName(key)) out.set(key, key);
  for (const key of [...keys].filter((k) => !isValidName(k)).sort()) {
    const base = sanitizeName(key);
    let name = base;
    for (let n = 2; out.has(name); n++) name = `${base}_${n}`;
    out.set(name, key);
  }
  return out;
}

/** `rbac.authorization-k8s` → `RbacAuthorizationK8s`: each segment between `.`, `-`, `_`, `/` capitalised. */
export function pascalCase(dotted: string): string {
  return dotted
    .split(/[^A-Za-z0-9]+/)
    .filter((s) => s !== '')
    .map((s) => s[0]?.toUpperCase() + s.slice(1))
    .join('');
}

/** The Query field of a non-core group: `rbac.authorization.k8s.io` → `rbac_authorization_k8s_io`. */
export const groupFieldName = (group: string): string => sanitizeName(group.replace(/[.-]/g, '_'));

/** The field of a version under its group (under Query itself for the core group): `v1`. */
export const versionFieldName = (version: string): string => sanitizeName(version);

/** Prefix of every type of a group-version: `V1` for core, else `RbacAuthorizationK8sIoV1`. */
export const gvTypePrefix = (group: string, version: string): string => typeName(pascalCase(group) + pascalCase(version));

/** Container type of a non-core group's versions: `RbacAuthorizationK8sIoQuery`. */
export const groupQueryTypeName = (group: string): string => typeName(`${pascalCase(group)}Query`);

/** Container type of a group-version's resources: `V1Query`, `RbacAuthorizationK8sIoV1Query`. */
export const versionQueryTypeName = (group: string, version: string): string => `${gvTypePrefix(group, version)}Query`;

/** Object type of a kind: `V1ConfigMap`, `TenancyKcpIoV1alpha1Workspace`. */
export const kindTypeName = (t: Pick<ResourceType, 'group' | 'version' | 'kind'>): string => gvTypePrefix(t.group, t.version) + pascalCase(t.kind);

/** Fallback for a kind whose type name is taken: `rbac_authorization_k8s_io_v1_Role` (never PascalCase-only). */
export const kindFallbackTypeName = (t: Pick<ResourceType, 'group' | 'version' | 'kind'>): string =>
  `${t.group ? `${groupFieldName(t.group)}_` : ''}${versionFieldName(t.version)}_${sanitizeName(t.kind)}`;

/** List type of a kind: `V1ConfigMapList`. */
export const listTypeName = (objectTypeName: string): string => `${objectTypeName}List`;

/** Input type mirroring an object type: `V1ConfigMapInput`. */
export const inputTypeName = (objectTypeName: string): string => `${objectTypeName}Input`;

/** Type of an inline object schema: its parent's type name and the PascalCase property (`…WorkspaceSpec`). */
export const nestedTypeName = (parentTypeName: string, property: string): string => parentTypeName + pascalCase(property);

/**
 * Prefixes stripped from shared component keys so that every kind's `metadata` is a readable
 * `MetaV1ObjectMeta`. Longest first: the first that matches is stripped.
 */
export const COMPONENT_PREFIXES = ['io.k8s.apimachinery.pkg.apis.', 'io.k8s.apimachinery.pkg.', 'io.k8s.api.', 'io.kcp.'] as const;

/**
 * Type of a shared `$ref` component, one per key whichever kind refers to it:
 * `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` → `MetaV1ObjectMeta`,
 * `io.kcp.tenancy.v1alpha1.WorkspaceTypeReference` → `TenancyV1alpha1WorkspaceTypeReference`.
 */
export function componentTypeName(key: string): string {
  const prefix = COMPONENT_PREFIXES.find((p) => key.startsWith(p));
  return typeName(pascalCase(prefix ? key.slice(prefix.length) : key));
}

/** Fallback for a component whose short name is taken: the whole key, PascalCase. */
export const componentFallbackTypeName = (key: string): string => typeName(pascalCase(key));

/** The single-object field of a resource: the kind (`ConfigMap`). */
export const singularFieldName = (t: Pick<ResourceType, 'kind'>): string => sanitizeName(t.kind);

/**
 * The list field of a resource: the kind with the plural's ending (`ConfigMaps`, `Policies` for
 * kind Policy, resource policies). When the plural does not extend the kind, or equals it
 * (`Endpoints`), the kind followed by `List`.
 */
export function pluralFieldName(t: Pick<ResourceType, 'kind' | 'resource'>): string {
  const kind = t.kind;
  const lower = kind.toLowerCase();
  let p = 0;
  while (p < lower.length && p < t.resource.length && lower[p] === t.resource[p]) p++;
  if (p >= lower.length - 1 && t.resource.length > p && t.resource !== lower) {
    return sanitizeName(kind.slice(0, p) + t.resource.slice(p));
  }
  return sanitizeName(`${kind}List`);
}

/** A PascalCase name made valid: a leading digit gets a `_`. */
function typeName(name: string): string {
  if (name === '') return '_';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
