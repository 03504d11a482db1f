/**
 * Filtered introspection's schema views (src/graphql/schema-view.ts) on the built-in schema: which
 * fields and types a set of permissions keeps, that resolvers survive the filtering, and the cache
 * shared by every caller with the same permissions.
 */
import { graphql, printSchema, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/graphql/index.js';
import { SchemaViews, type GuardCheck } from '../../src/graphql/schema-view.js';
import { builtinSet } from './support.js';

const schema = compileSchema(builtinSet());

/** Allows exactly the listed `verb resource` pairs (core group and RBAC). */
const only =
  (...allowed: string[]) =>
  (c: GuardCheck): boolean =>
    allowed.includes(`${c.verb} ${c.resource}`);

const fieldNames = (s: GraphQLSchema, type: string): string[] => {
  const t = s.getType(type);
  return t && 'getFields' in t ? Object.keys(t.getFields()) : [];
};

describe('schema views', () => {
  it('keeps what the checks allow, drops emptied containers and the types only hidden fields reached', () => {
    const view = new SchemaViews().view(schema, only('get configmaps', 'list configmaps', 'create configmaps'));
    expect(fieldNames(view, 'V1Query')).toEqual(['ConfigMap', 'ConfigMaps']);
    // Groups with nothing readable are gone from Query; typeByCategory stays.
    expect(fieldNames(view, 'Query')).toEqual(['v1', 'typeByCategory']);
    expect(view.getType('RbacAuthorizationK8sIoQuery')).toBeUndefined();
    expect(fieldNames(view, 'Mutation')).toEqual(['createV1ConfigMap']);
    expect(fieldNames(view, 'Subscription')).toEqual(['v1_configmap', 'v1_configmaps']);
    expect(view.getType('V1SecretInput')).toBeUndefined();
    expect(view.getType('V1ConfigMapInput')).toBeDefined();
    // The view is a valid schema whose printed form mentions no hidden root field.
    const sdl = printSchema(view);
    expect(sdl).not.toMatch(/\bSecrets?\(|createV1Secret|v1_secrets/);
  });

  it('leaves out Mutation and Subscription when nothing in them is allowed', () => {
    const view = new SchemaViews().view(schema, only('get namespaces'));
    expect(view.getMutationType()).toBeUndefined();
    expect(fieldNames(view, 'V1Query')).toEqual(['Namespace', 'Namespaces']);
    expect(fieldNames(view, 'Subscription')).toEqual(['v1_namespace', 'v1_namespaces']);
  });

  it('shows applyYaml to whoever may patch (apply) anything', () => {
    const view = new SchemaViews().view(schema, only('patch configmaps'));
    expect(fieldNames(view, 'Mutation')).toEqual(['applyYaml', 'patchV1ConfigMap', 'applyV1ConfigMap']);
  });

  it('executes with the original resolvers', async () => {
    const view = new SchemaViews().view(schema, only('get configmaps'));
    const result = await graphql({ schema: view, source: '{ typeByCategory(name: "kcp") { kind } __type(name: "V1Query") { fields { name } } }' });
    expect(result.errors).toBeUndefined();
    expect((result.data?.typeByCategory as unknown[]).length).toBeGreaterThan(0);
    expect(result.data?.__type).toEqual({ fields: [{ name: 'ConfigMap' }, { name: 'ConfigMaps' }] });
  });

  it('returns the schema itself when everything is allowed, and caches nothing for it', () => {
    const views = new SchemaViews();
    expect(views.view(schema, () => true)).toBe(schema);
    expect(views.size).toBe(0);
  });

  it('shares one view among callers with the same permissions, whoever they are', () => {
    const views = new SchemaViews();
    const first = views.view(schema, only('get configmaps'));
    // Another caller's predicate, same answers: the same object, asked once per distinct check.
    const asked: string[] = [];
    const second = views.view(schema, (c) => {
      asked.push(`${c.group}/${c.resource}/${c.verb}`);
      return c.resource === 'configmaps' && c.verb === 'get';
    });
    expect(second).toBe(first);
    expect(new Set(asked).size).toBe(asked.length);
    expect(views.size).toBe(1);
    expect(views.view(schema, only('list configmaps'))).not.toBe(first);
    expect(views.size).toBe(2);
  });

  it('keeps at most its bound, dropping the least recently used', () => {
    const views = new SchemaViews(2);
    const a = views.view(schema, only('get configmaps'));
    const b = views.view(schema, only('get secrets'));
    expect(views.view(schema, only('get configmaps'))).toBe(a); // a is now the most recent
    views.view(schema, only('get namespaces')); // evicts b
    expect(views.size).toBe(2);
    expect(views.view(schema, only('get configmaps'))).toBe(a);
    expect(views.view(schema, only('get secrets'))).not.toBe(b);
  });

  it('keeps views of different schemas apart', () => {
    const views = new SchemaViews();
    const other = compileSchema(builtinSet());
    expect(views.view(other, only('get configmaps'))).not.toBe(views.view(schema, only('get configmaps')));
  });
});
