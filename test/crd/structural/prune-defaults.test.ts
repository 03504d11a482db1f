import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../../src/crd/structural/index.js';
import type { JSONSchemaProps } from '../../../src/crd/schema-types.js';
import { object, specSchema } from './helpers.js';

interface PruneCase {
  name: string;
  schema: JSONSchemaProps;
  input: Record<string, unknown>;
  want: Record<string, unknown>;
  removed: string[][];
}

const pruneCases: PruneCase[] = [
  {
    name: 'unknown fields are removed at every level, apiVersion/kind/metadata of the root are kept',
    schema: specSchema({ a: { type: 'object', properties: { b: { type: 'string' } } }, list: { type: 'array', items: { type: 'object', properties: { c: { type: 'integer' } } } } }),
    input: { apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', anything: 1 }, spec: { a: { b: 'x', junk: 1 }, list: [{ c: 1, d: 2 }], extra: true }, status: {} },
    want: { apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', anything: 1 }, spec: { a: { b: 'x' }, list: [{ c: 1 }] } },
    removed: [['spec', 'a', 'junk'], ['spec', 'list', '0', 'd'], ['spec', 'extra'], ['status']],
  },
  {
    name: 'x-kubernetes-preserve-unknown-fields keeps unknown fields, still prunes inside known ones',
    schema: specSchema({
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { k: { type: 'string' } } } } },
    }),
    input: object({ free: { anything: { deep: [1] }, known: { k: 'v', gone: 1 } } }),
    want: object({ free: { anything: { deep: [1] }, known: { k: 'v' } } }),
    removed: [['spec', 'free', 'known', 'gone']],
  },
  {
    name: 'embedded resources keep apiVersion, kind and ObjectMeta fields of metadata',
    schema: specSchema({
      template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } } },
    }),
    input: object({
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' }, creationTimestamp: null, bogus: 1 }, spec: { image: 'i', other: 1 } },
    }),
    want: object({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { image: 'i' } } }),
    removed: [['spec', 'template', 'metadata', 'bogus'], ['spec', 'template', 'spec', 'other']],
  },
  {
    name: 'map values are pruned against additionalProperties',
    schema: specSchema({ m: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } } }),
    input: object({ m: { a: { v: 'x', w: 'y' } } }),
    want: object({ m: { a: { v: 'x' } } }),
    removed: [['spec', 'm', 'a', 'w']],
  },
];

describe('pruning', () => {
  for (const c of pruneCases) {
    it(c.name, () => {
      const obj = structuredClone(c.input);
      const removed = compileSchema(c.schema).prune(obj);
      expect(obj).toEqual(c.want);
      expect(removed).toEqual(c.removed);
    });
  }
});

interface DefaultCase {
  name: string;
  schema: JSONSchemaProps;
  input: Record<string, unknown>;
  want: Record<string, unknown>;
}

const defaultCases: DefaultCase[] = [
  {
    name: 'nested defaults: a defaulted object gets its own fields defaulted',
    schema: specSchema({
      replicas: { type: 'integer', default: 1 },
      strategy: { type: 'object', default: {}, properties: { type: { type: 'string', default: 'Rolling' }, max: { type: 'integer', default: 25 } } },
    }),
    input: object({}),
    want: object({ replicas: 1, strategy: { type: 'Rolling', max: 25 } }),
  },
  {
    name: 'defaults inside array items',
    schema: specSchema({ ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } } } } }),
    input: object({ ports: [{ name: 'a' }, { name: 'b', protocol: 'UDP' }] }),
    want: object({ ports: [{ name: 'a', protocol: 'TCP' }, { name: 'b', protocol: 'UDP' }] }),
  },
  {
    name: 'a present value is not defaulted',
    schema: specSchema({ replicas: { type: 'integer', default: 1 }, flag: { type: 'boolean', default: true } }),
    input: object({ replicas: 0, flag: false }),
    want: object({ replicas: 0, flag: false }),
  },
  {
    name: 'null: non-nullable with default is defaulted, non-nullable without default dropped, nullable kept',
    schema: specSchema({
      a: { type: 'string', default: 'x' },
      b: { type: 'string' },
      c: { type: 'string', nullable: true, default: 'y' },
      list: { type: 'array', items: { type: 'string' } },
    }),
    input: object({ a: null, b: null, c: null, list: ['a', null] }),
    want: object({ a: 'x', c: null, list: ['a', null] }),
  },
  {
    name: 'map values and list items: non-nullable nulls take the default',
    schema: specSchema({
      m: { type: 'object', additionalProperties: { type: 'string', default: 'd' } },
      l: { type: 'array', items: { type: 'string', default: 'e' } },
    }),
    input: object({ m: { a: null, b: 'x' }, l: [null, 'y'] }),
    want: object({ m: { a: 'd', b: 'x' }, l: ['e', 'y'] }),
  },
  {
    name: 'defaults are deep copies',
    schema: specSchema({ a: { type: 'object', default: { v: [1] }, properties: { v: { type: 'array', items: { type: 'integer' } } } } }),
    input: object({}),
    want: object({ a: { v: [1] } }),
  },
];

describe('defaulting', () => {
  for (const c of defaultCases) {
    it(c.name, () => {
      const obj = structuredClone(c.input);
      compileSchema(c.schema).applyDefaults(obj);
      expect(obj).toEqual(c.want);
    });
  }

  it('does not share default values between objects', () => {
    const schema = defaultCases[5]?.schema as JSONSchemaProps;
    const a = object({});
    const b = object({});
    compileSchema(schema).applyDefaults(a);
    compileSchema(schema).applyDefaults(b);
    ((a.spec as { a: { v: number[] } }).a.v).push(2);
    expect(b).toEqual(object({ a: { v: [1] } }));
  });

  it('defaults, then prunes, then validates as the apiserver does', () => {
    const compiled = compileSchema(specSchema({ replicas: { type: 'integer', default: 1, minimum: 1 }, mode: { type: 'string', enum: ['a', 'b'] } }));
    const obj = object({ mode: null, junk: 1 });
    compiled.applyDefaults(obj);
    expect(compiled.prune(obj)).toEqual([['spec', 'junk']]);
    expect(obj.spec).toEqual({ replicas: 1 });
    expect(compiled.validate(obj)).toEqual([]);
  });
});
