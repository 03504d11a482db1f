/** OpenAPI schemas → GraphQL types: scalar choices, recursion, sanitized names, stable naming. */
import { describe, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { compileSchema, decodeInput } from '../../src/graphql/index.js';
import { getNamedType, isInputObjectType, isObjectType, isUnionType, printType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { shapeOf } from '../../src/graphql/openapi-shape.js';
import type { OpenApiSchema } from '../../src/meta/index.js';
import { builtinComponents } from '../../src/registry/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { builtinSet, builtinTypes, run, widgets } from './support.js';

const scalarOf = (schema: OpenApiSchema): string => {
  const s = shapeOf(schema, builtinComponents);
  return s.kind === 'scalar' ? s.name : s.kind === 'list' ? `[${s.of.kind === 'scalar' ? s.of.name : 'object'}]` : 'object';
};

describe('shapes', () => {
  it('maps OpenAPI types and formats to scalars', () => {
    expect(scalarOf({ type: 'string' })).toBe('String');
    expect(scalarOf({ type: 'string', format: 'date-time' })).toBe('String');
    expect(scalarOf({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' })).toBe('String');
    expect(scalarOf({ type: 'integer', format: 'int32' })).toBe('Int');
    expect(scalarOf({ type: 'integer', format: 'int64' })).toBe('Int64');
    expect(scalarOf({ type: 'integer' })).toBe('Int64');
    expect(scalarOf({ type: 'number' })).toBe('Float');
    expect(scalarOf({ type: 'boolean' })).toBe('Boolean');
    expect(scalarOf({ type: 'array', items: { type: 'string' } })).toBe('[String]');
    expect(scalarOf({ type: 'array', items: { type: 'array', items: { type: 'string' } } })).toBe('[JSON]');
  });

  it('maps maps of strings to StringMap and every open shape to JSON', () => {
    expect(scalarOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('StringMap');
    expect(scalarOf({ type: 'object', additionalProperties: { type: 'string', format: 'byte' } })).toBe('StringMap');
    expect(scalarOf({ type: 'object', additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' } })).toBe('JSON');
    expect(scalarOf({ type: 'object' })).toBe('JSON');
    expect(scalarOf({ type: 'object', additionalProperties: true })).toBe('JSON');
    expect(scalarOf({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true })).toBe('JSON');
    expect(scalarOf({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1' })).toBe('JSON');
    expect(scalarOf({ $ref: '#/components/schemas/does.not.Exist' })).toBe('JSON');
    expect(scalarOf({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toBe('JSON');
    expect(scalarOf({})).toBe('JSON');
  });

  it('maps int-or-string to IntOrString', () => {
    expect(scalarOf({ 'x-kubernetes-int-or-string': true })).toBe('IntOrString');
    expect(scalarOf({ oneOf: [{ type: 'integer' }, { type: 'string' }] })).toBe('IntOrString');
  });
});

describe('a CRD-like kind', () => {
  const schema = compileSchema(new ApiSet([...builtinTypes, widgets]));
  const type = (name: string): GraphQLNamedType => {
    const t = schema.getType(name);
    if (!t) throw new Error(`no type ${name}`);
    return t;
  };

  it('builds a self-referencing component once, by its key', () => {
    expect(printType(type('ComExampleV1Props'))).toBe(
      ['"""A schema of schemas."""', 'type ComExampleV1Props {', '  type: String', '  items: ComExampleV1Props', '  allOf: [ComExampleV1Props!]', '  properties: JSON', '}'].join('\n'),
    );
    expect(isInputObjectType(type('ComExampleV1PropsInput'))).toBe(true);
  });

  it('types metadata as the shared ObjectMeta even when the schema writes it inline', () => {
    const widget = type('ExampleComV1Widget');
    if (!isObjectType(widget)) throw new Error('not an object type');
    expect(getNamedType(widget.getFields().metadata?.type)?.name).toBe('MetaV1ObjectMeta');
  });

  it('sanitizes property names and resolves them from the original keys', async () => {
    const spec = type('ExampleComV1WidgetSpec');
    if (!isObjectType(spec)) throw new Error('not an object type');
    const fields = Object.fromEntries(Object.values(spec.getFields()).map((f) => [f.name, String(f.type)]));
    expect(fields).toEqual({
      x_weird_key_2: 'String',
      x_weird_key: 'String',
      _2fa: 'Boolean',
      port: 'IntOrString',
      replicas: 'Int64',
      size: 'Int',
      ratio: 'Float',
      matrix: '[JSON!]',
      extra: 'JSON',
      schema: 'ComExampleV1Props',
    });
  });

  it('keeps every name of a smaller set when an API is added', () => {
    const small = compileSchema(builtinSet());
    for (const [name, t] of Object.entries(small.getTypeMap())) {
      // Root types and the KubeObject union grow with the set; what they had is checked below.
      if (name.startsWith('__') || ['Query', 'Mutation', 'Subscription', 'KubeObject'].includes(name)) continue;
      expect(printType(schema.getType(name) ?? t), name).toBe(printType(t));
    }
    const query = Object.keys(schema.getQueryType()?.getFields() ?? {});
    expect(query.filter((f) => f !== 'example_com')).toEqual(Object.keys(small.getQueryType()?.getFields() ?? {}));
    const watches = schema.getSubscriptionType()?.getFields() ?? {};
    for (const [field, def] of Object.entries(small.getSubscriptionType()?.getFields() ?? {})) {
      expect(String(watches[field]?.type), field).toBe(String(def.type));
    }
    const members = (x: GraphQLSchema): string[] => {
      const union = x.getType('KubeObject');
      return isUnionType(union) ? union.getTypes().map((m) => m.name) : [];
    };
    expect(members(schema)).toEqual(expect.arrayContaining(members(small)));
    const writes = schema.getMutationType()?.getFields() ?? {};
    for (const [field, def] of Object.entries(small.getMutationType()?.getFields() ?? {})) {
      expect(String(writes[field]?.type), field).toBe(String(def.type));
    }
  });

  it('maps input values back to the original property names', () => {
    const input = type('ExampleComV1WidgetInput');
    if (!isInputObjectType(input)) throw new Error('not an input type');
    const value = { metadata: { name: 'w' }, spec: { x_weird_key_2: 'a', _2fa: true, schema: { allOf: [{ type: 'x' }] }, extra: { 'any-key': 1 } } };
    expect(decodeInput(input, value)).toEqual({
      metadata: { name: 'w' },
      spec: { 'x-weird-key': 'a', '2fa': true, schema: { allOf: [{ type: 'x' }] }, extra: { 'any-key': 1 } },
    });
  });

  describe('queried', () => {
    const fx = useRegistry();
    it('reads awkward fields, int-or-string values and recursive schemas', async () => {
      await fx.reg.create(ctx, widgets, 'default', {
        metadata: { name: 'w', labels: { a: 'b' } },
        spec: { 'x-weird-key': 'dash', x_weird_key: 'underscore', '2fa': true, port: 'http', replicas: 2 ** 40, schema: { type: 'object', items: { type: 'string' } } },
      });
      const r = await run(
        schema,
        fx.reg,
        `{ example_com { v1 { Widget(name: "w", namespace: "default") {
          metadata { labels } spec { x_weird_key_2 x_weird_key _2fa port replicas schema { type items { type items { type } } } }
        } } } }`,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({
        example_com: {
          v1: {
            Widget: {
              metadata: { labels: { a: 'b' } },
              spec: {
                x_weird_key_2: 'dash',
                x_weird_key: 'underscore',
                _2fa: true,
                port: 'http',
                replicas: 2 ** 40,
                schema: { type: 'object', items: { type: 'string', items: null } },
              },
            },
          },
        },
      });
    });

    it('reports stored values that do not fit their type as field errors', async () => {
      await fx.reg.create(ctx, widgets, 'default', { metadata: { name: 'odd' }, spec: { schema: 'not an object', replicas: 1.5 } });
      const r = await run(schema, fx.reg, `{ example_com { v1 { Widget(name: "odd", namespace: "default") { spec { schema { type } replicas } } } } }`);
      expect(r.errors?.map((e) => e.path?.join('.'))).toEqual(['example_com.v1.Widget.spec.schema', 'example_com.v1.Widget.spec.replicas']);
    });
  });
});
