/**
 * The built-in OpenAPI v3 component schemas: references resolve, kinds carry the GVK their names
 * promise, patch/apply metadata matches Kubernetes, every field is described, nothing is orphaned.
 */
import { describe, expect, it } from 'vitest';
import { REF_PREFIX, resolveSchema, type OpenApiSchema } from '../../src/meta/index.js';
import { builtinComponents, builtinSchemaName } from '../../src/registry/builtins/openapi/index.js';

const C = builtinComponents;
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Every nested schema of `schema` (itself included), with a readable path. */
function* walk(schema: OpenApiSchema, path: string): Generator<[OpenApiSchema, string]> {
  yield [schema, path];
  for (const [name, p] of Object.entries(schema.properties ?? {})) yield* walk(p, `${path}.${name}`);
  if (schema.items) yield* walk(schema.items, `${path}[]`);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    yield* walk(schema.additionalProperties, `${path}{}`);
  }
  for (const [i, s] of (schema.allOf ?? []).entries()) yield* walk(s, `${path}.allOf[${i}]`);
  const oneOf = (schema as { oneOf?: OpenApiSchema[] }).oneOf ?? [];
  for (const [i, s] of oneOf.entries()) yield* walk(s, `${path}.oneOf[${i}]`);
}

const refsOf = (schema: OpenApiSchema): string[] =>
  [...walk(schema, '')].flatMap(([s]) => (s.$ref ? [s.$ref.slice(REF_PREFIX.length)] : []));

/** The schema of a dotted field path inside a named schema, following refs at each step. */
function field(schemaName: string, path: string): OpenApiSchema {
  let s: OpenApiSchema | undefined = C[schemaName];
  for (const part of path.split('.')) {
    const props = resolveSchema(s, C)?.properties;
    s = props?.[part];
    if (!s) throw new Error(`${schemaName} has no field ${path}`);
  }
  return s as OpenApiSchema;
}

const extensions = (s: OpenApiSchema): Record<string, unknown> =>
  Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('x-kubernetes-') && k !== 'x-kubernetes-group-version-kind'));

/** Every kind Atoll serves (and its List), as group, version, kind. */
const KINDS: [string, string, string][] = [
  ['', 'v1', 'Namespace'],
  ['', 'v1', 'ConfigMap'],
  ['', 'v1', 'Secret'],
  ['', 'v1', 'ServiceAccount'],
  ['', 'v1', 'Event'],
  ['', 'v1', 'LimitRange'],
  ['', 'v1', 'ResourceQuota'],
  ['events.k8s.io', 'v1', 'Event'],
  ['coordination.k8s.io', 'v1', 'Lease'],
  ['rbac.authorization.k8s.io', 'v1', 'Role'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
].flatMap(([g, v, k]): [string, string, string][] => [
  [g as string, v as string, k as string],
  [g as string, v as string, `${k}List`],
]);

describe('built-in OpenAPI components', () => {
  it('resolves every $ref to a defined schema', () => {
    const dangling = Object.entries(C).flatMap(([name, s]) => refsOf(s).filter((r) => !(r in C)).map((r) => `${name} -> ${r}`));
    expect(dangling).toEqual([]);
    for (const [name, s] of Object.entries(C)) {
      for (const [node, path] of walk(s, name)) {
        if (node.$ref) expect(node.$ref.startsWith(REF_PREFIX), path).toBe(true);
        // A $ref never has siblings; described or defaulted refs are wrapped in allOf.
        if (node.$ref) expect(Object.keys(node), path).toEqual(['$ref']);
      }
    }
  });

  it('tags every kind with the GVK its schema name promises, with apiVersion, kind and metadata', () => {
    for (const [group, version, kind] of KINDS) {
      const name = builtinSchemaName(group, version, kind);
      const schema = C[name];
      expect(schema, name).toBeDefined();
      expect(schema?.['x-kubernetes-group-version-kind']).toEqual([{ group, version, kind }]);
      expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
      const meta = resolveSchema(schema?.properties?.metadata, C);
      expect(meta).toBe(C[kind.endsWith('List') ? `${META}ListMeta` : `${META}ObjectMeta`]);
      if (kind.endsWith('List')) {
        expect(schema?.required).toEqual(['items']);
        expect(resolveSchema(schema?.properties?.items?.items, C)).toBe(C[builtinSchemaName(group, version, kind.slice(0, -4))]);
      }
    }
    // ...and no API kind carries a GVK its name does not match.
    for (const [name, s] of Object.entries(C)) {
      if (!name.startsWith('io.k8s.api.')) continue;
      for (const g of s['x-kubernetes-group-version-kind'] ?? []) expect(builtinSchemaName(g.group, g.version, g.kind)).toBe(name);
    }
  });

  it('names schemas like Kubernetes', () => {
    expect(builtinSchemaName('', 'v1', 'ConfigMap')).toBe('io.k8s.api.core.v1.ConfigMap');
    expect(builtinSchemaName('rbac.authorization.k8s.io', 'v1', 'Role')).toBe('io.k8s.api.rbac.v1.Role');
    expect(builtinSchemaName('coordination.k8s.io', 'v1', 'Lease')).toBe('io.k8s.api.coordination.v1.Lease');
    expect(builtinSchemaName('events.k8s.io', 'v1', 'Event')).toBe('io.k8s.api.events.v1.Event');
    expect(builtinSchemaName('tenancy.kcp.io', 'v1alpha1', 'Workspace')).toBe('io.kcp.tenancy.v1alpha1.Workspace');
  });

  it('carries the list, map and patch metadata Kubernetes declares', () => {
    const cases: [string, string, Record<string, unknown>][] = [
      [`${META}ObjectMeta`, 'ownerReferences', {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['uid'],
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'uid',
      }],
      [`${META}ObjectMeta`, 'finalizers', { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' }],
      [`${META}ObjectMeta`, 'managedFields', { 'x-kubernetes-list-type': 'atomic' }],
      [`${META}ObjectMeta`, 'labels', {}],
      [`${META}LabelSelector`, 'matchExpressions', { 'x-kubernetes-list-type': 'atomic' }],
      [`${META}LabelSelectorRequirement`, 'values', { 'x-kubernetes-list-type': 'atomic' }],
      [`${META}StatusDetails`, 'causes', { 'x-kubernetes-list-type': 'atomic' }],
      [`${META}DeleteOptions`, 'dryRun', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.core.v1.Namespace', 'spec.finalizers', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.core.v1.Namespace', 'status.conditions', {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'type',
      }],
      ['io.k8s.api.core.v1.ServiceAccount', 'secrets', {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'name',
      }],
      ['io.k8s.api.core.v1.ServiceAccount', 'imagePullSecrets', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.core.v1.LimitRange', 'spec.limits', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.core.v1.ResourceQuota', 'spec.scopes', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.core.v1.ResourceQuota', 'spec.scopeSelector.matchExpressions', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.core.v1.ScopedResourceSelectorRequirement', 'values', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.rbac.v1.Role', 'rules', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.rbac.v1.ClusterRole', 'rules', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.rbac.v1.ClusterRole', 'aggregationRule.clusterRoleSelectors', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.rbac.v1.RoleBinding', 'subjects', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.rbac.v1.ClusterRoleBinding', 'subjects', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.rbac.v1.PolicyRule', 'verbs', { 'x-kubernetes-list-type': 'atomic' }],
      ['io.k8s.api.coordination.v1.Lease', 'spec.holderIdentity', {}],
    ];
    for (const [schema, path, want] of cases) expect(extensions(field(schema, path)), `${schema}.${path}`).toEqual(want);

    const atomicStructs = [
      `${META}OwnerReference`,
      `${META}LabelSelector`,
      'io.k8s.api.core.v1.ObjectReference',
      'io.k8s.api.core.v1.LocalObjectReference',
      'io.k8s.api.core.v1.ScopeSelector',
      'io.k8s.api.rbac.v1.RoleRef',
      'io.k8s.api.rbac.v1.Subject',
    ];
    for (const name of atomicStructs) expect(C[name]?.['x-kubernetes-map-type'], name).toBe('atomic');
  });

  it('keeps Kubernetes types, formats, defaults and required lists', () => {
    expect(C[`${META}Time`]).toMatchObject({ type: 'string', format: 'date-time' });
    expect(C[`${META}MicroTime`]).toMatchObject({ type: 'string', format: 'date-time' });
    expect(C['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(field('io.k8s.api.core.v1.Secret', 'data').additionalProperties).toEqual({ type: 'string', format: 'byte' });
    expect(field('io.k8s.api.core.v1.ConfigMap', 'binaryData').additionalProperties).toEqual({ type: 'string', format: 'byte' });
    expect(field('io.k8s.api.core.v1.ConfigMap', 'data').additionalProperties).toEqual({ type: 'string', default: '' });
    expect(field('io.k8s.api.core.v1.Secret', 'type')).not.toHaveProperty('default');
    expect(field('io.k8s.api.core.v1.ResourceQuota', 'spec.hard').additionalProperties).toEqual({
      $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.api.resource.Quantity`,
    });
    expect(field(`${META}ObjectMeta`, 'generation')).toMatchObject({ type: 'integer', format: 'int64' });
    expect(field('io.k8s.api.coordination.v1.Lease', 'spec.leaseDurationSeconds')).toMatchObject({ type: 'integer', format: 'int32' });
    expect(field('io.k8s.api.core.v1.Namespace', 'spec')).toMatchObject({ default: {} });
    expect(C[`${META}OwnerReference`]?.required).toEqual(['apiVersion', 'kind', 'name', 'uid']);
    expect(C['io.k8s.api.core.v1.Event']?.required).toEqual(['metadata', 'involvedObject']);
    expect(C['io.k8s.api.events.v1.Event']?.required).toEqual(['eventTime']);
    expect(C['io.k8s.api.rbac.v1.RoleBinding']?.required).toEqual(['roleRef']);
    expect(C['io.k8s.api.rbac.v1.PolicyRule']?.required).toEqual(['verbs']);
    expect(C['io.k8s.api.rbac.v1.RoleRef']?.required).toEqual(['apiGroup', 'kind', 'name']);
    expect(C[`${META}WatchEvent`]?.required).toEqual(['type', 'object']);
    for (const [name, s] of Object.entries(C)) {
      for (const r of s.required ?? []) expect(s.properties, `${name} requires ${r}`).toHaveProperty(r);
    }
  });

  it('describes every schema and every property', () => {
    const missing: string[] = [];
    for (const [name, s] of Object.entries(C)) {
      if (!s.description) missing.push(name);
      for (const [node, path] of walk(s, name)) {
        for (const [prop, p] of Object.entries(node.properties ?? {})) if (!p.description?.trim()) missing.push(`${path}.${prop}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('reaches every schema from a kind', () => {
    const roots = Object.keys(C).filter((n) => C[n]?.['x-kubernetes-group-version-kind']);
    const seen = new Set<string>();
    const queue = [...roots];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...refsOf(C[name] as OpenApiSchema));
    }
    expect(Object.keys(C).filter((n) => !seen.has(n))).toEqual([]);
  });

  it('is frozen and resolvable through allOf wrappers', () => {
    expect(Object.isFrozen(C)).toBe(true);
    expect(Object.isFrozen(C['io.k8s.api.core.v1.ConfigMap']?.properties?.metadata)).toBe(true);
    expect(resolveSchema(field('io.k8s.api.core.v1.Namespace', 'spec'), C)).toBe(C['io.k8s.api.core.v1.NamespaceSpec']);
    expect(resolveSchema(field('io.k8s.api.rbac.v1.RoleBinding', 'roleRef'), C)).toBe(C['io.k8s.api.rbac.v1.RoleRef']);
  });
});
