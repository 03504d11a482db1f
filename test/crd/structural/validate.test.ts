import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../../src/crd/structural/index.js';
import type { JSONSchemaProps } from '../../../src/crd/schema-types.js';
import { messages, object, specSchema } from './helpers.js';

interface Case {
  name: string;
  field: JSONSchemaProps;
  ok: unknown[];
  bad: [unknown, string[]][];
}

// Each keyword accepted and rejected, with the messages Kubernetes prints for custom resources.
const cases: Case[] = [
  {
    name: 'type integer',
    field: { type: 'integer' },
    ok: [3, 0, -7, 2.0],
    bad: [
      ['3', ['spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"']],
      [1.5, ['spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"']],
    ],
  },
  {
    name: 'type number accepts integers',
    field: { type: 'number' },
    ok: [1, 1.5, -0.25],
    bad: [[true, ['spec.x: Invalid value: "boolean": spec.x in body must be of type number: "boolean"']]],
  },
  {
    name: 'type object and array',
    field: { type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } } },
    ok: [{}, { a: [] }, { a: ['x'] }],
    bad: [
      [[], ['spec.x: Invalid value: "array": spec.x in body must be of type object: "array"']],
      [{ a: 'x' }, ['spec.x.a: Invalid value: "string": spec.x.a in body must be of type array: "string"']],
      [{ a: ['x', 2] }, ['spec.x.a[1]: Invalid value: "integer": spec.x.a[1] in body must be of type string: "integer"']],
    ],
  },
  {
    name: 'enum',
    field: { type: 'string', enum: ['S', 'M'] },
    ok: ['S', 'M'],
    bad: [['XL', ['spec.x: Unsupported value: "XL": supported values: "S", "M"']]],
  },
  {
    name: 'enum of numbers',
    field: { type: 'integer', enum: [1, 2] },
    ok: [1, 2],
    bad: [[3, ['spec.x: Unsupported value: 3: supported values: "1", "2"']]],
  },
  {
    name: 'pattern (RE2)',
    field: { type: 'string', pattern: '^[a-z]+\\-\\d+$' },
    ok: ['abc-1', 'z-42'],
    bad: [['ABC-1', ["spec.x: Invalid value: \"ABC-1\": spec.x in body should match '^[a-z]+\\-\\d+$'"]]],
  },
  {
    name: 'minLength/maxLength count code points',
    field: { type: 'string', minLength: 2, maxLength: 3 },
    ok: ['ab', 'abc', '😀😀😀'],
    bad: [
      ['a', ['spec.x: Invalid value: "a": spec.x in body should be at least 2 chars long']],
      ['😀', ['spec.x: Invalid value: "😀": spec.x in body should be at least 2 chars long']],
      ['abcd', ['spec.x: Too long: may not be longer than 3']],
    ],
  },
  {
    name: 'minimum/maximum inclusive',
    field: { type: 'integer', minimum: 1, maximum: 10 },
    ok: [1, 10],
    bad: [
      [0, ['spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1']],
      [11, ['spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10']],
    ],
  },
  {
    name: 'minimum/maximum exclusive',
    field: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
    ok: [0.5],
    bad: [
      [0, ['spec.x: Invalid value: 0: spec.x in body should be greater than 0']],
      [1, ['spec.x: Invalid value: 1: spec.x in body should be less than 1']],
    ],
  },
  {
    name: 'multipleOf',
    field: { type: 'number', multipleOf: 0.1 },
    ok: [0.3, 2, 1.7],
    bad: [[0.25, ['spec.x: Invalid value: 0.25: spec.x in body should be a multiple of 0.1']]],
  },
  {
    name: 'minItems/maxItems',
    field: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 },
    ok: [[1], [1, 2]],
    bad: [
      [[], ['spec.x: Invalid value: 0: spec.x in body should have at least 1 items']],
      [[1, 2, 3], ['spec.x: Invalid value: 3: must have at most 2 items']],
    ],
  },
  {
    name: 'minProperties/maxProperties',
    field: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1, maxProperties: 2 },
    ok: [{ a: 'x' }, { a: 'x', b: 'y' }],
    bad: [
      [{}, ['spec.x: Invalid value: 0: spec.x in body should have at least 1 properties']],
      [{ a: 'x', b: 'y', c: 'z' }, ['spec.x: Invalid value: 3: must have at most 2 items']],
    ],
  },
  {
    name: 'required',
    field: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    ok: [{ name: 'a' }],
    bad: [[{}, ['spec.x.name: Required value']]],
  },
  {
    name: 'map values are located by key',
    field: { type: 'object', additionalProperties: { type: 'integer' } },
    ok: [{ 'a.b/c': 1 }],
    bad: [[{ 'a.b/c': 'no' }, ['spec.x[a.b/c]: Invalid value: "string": spec.x[a.b/c] in body must be of type integer: "string"']]],
  },
  {
    name: 'nullable',
    field: { type: 'string', nullable: true },
    ok: [null, 'a'],
    bad: [[3, ['spec.x: Invalid value: "integer": spec.x in body must be of type string: "integer"']]],
  },
  {
    name: 'null in a non-nullable list item',
    field: { type: 'array', items: { type: 'string' } },
    ok: [['a']],
    bad: [[['a', null], ['spec.x[1]: Invalid value: "null": spec.x[1] in body must be of type string: "null"']]],
  },
  {
    name: 'x-kubernetes-int-or-string',
    field: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    ok: [80, 'http'],
    bad: [
      [true, ['spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"']],
      [1.5, ['spec.x: Invalid value: "number": spec.x in body must be of type integer,string: "number"']],
    ],
  },
  {
    name: 'format date-time',
    field: { type: 'string', format: 'date-time' },
    ok: ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+02:00'],
    bad: [['2024-13-02T03:04:05Z', ['spec.x: Invalid value: "2024-13-02T03:04:05Z": spec.x in body must be of type date-time: "2024-13-02T03:04:05Z"']]],
  },
  {
    name: 'formats Kubernetes validates',
    field: {
      type: 'object',
      properties: {
        uuid: { type: 'string', format: 'uuid' },
        ip: { type: 'string', format: 'ipv4' },
        ip6: { type: 'string', format: 'ipv6' },
        cidr: { type: 'string', format: 'cidr' },
        date: { type: 'string', format: 'date' },
        byte: { type: 'string', format: 'byte' },
        email: { type: 'string', format: 'email' },
        host: { type: 'string', format: 'hostname' },
        uri: { type: 'string', format: 'uri' },
        dur: { type: 'string', format: 'duration' },
        n: { type: 'integer', format: 'int32' },
        other: { type: 'string', format: 'no-such-format' },
      },
    },
    ok: [
      {
        uuid: '123e4567-e89b-12d3-a456-426614174000',
        ip: '10.0.0.1',
        ip6: '2001:db8::1',
        cidr: '10.0.0.0/8',
        date: '2024-02-29',
        byte: 'aGVsbG8=',
        email: 'a@example.com',
        host: 'example.com',
        uri: 'https://example.com/a?b=c',
        dur: '1h30m',
        n: 2 ** 40,
        other: 'anything',
      },
    ],
    bad: [
      [
        { uuid: 'x', ip: '10.0.0.256', ip6: '10.0.0.1', cidr: '10.0.0.0/33', date: '2023-02-29', byte: 'abc', email: 'nope', uri: 'relative/path', dur: 'soon' },
        [
          'spec.x.uuid: Invalid value: "x": spec.x.uuid in body must be of type uuid: "x"',
          'spec.x.ip: Invalid value: "10.0.0.256": spec.x.ip in body must be of type ipv4: "10.0.0.256"',
          'spec.x.ip6: Invalid value: "10.0.0.1": spec.x.ip6 in body must be of type ipv6: "10.0.0.1"',
          'spec.x.cidr: Invalid value: "10.0.0.0/33": spec.x.cidr in body must be of type cidr: "10.0.0.0/33"',
          'spec.x.date: Invalid value: "2023-02-29": spec.x.date in body must be of type date: "2023-02-29"',
          'spec.x.byte: Invalid value: "abc": spec.x.byte in body must be of type byte: "abc"',
          'spec.x.email: Invalid value: "nope": spec.x.email in body must be of type email: "nope"',
          'spec.x.uri: Invalid value: "relative/path": spec.x.uri in body must be of type uri: "relative/path"',
          'spec.x.dur: Invalid value: "soon": spec.x.dur in body must be of type duration: "soon"',
        ],
      ],
    ],
  },
  {
    name: 'allOf, anyOf, oneOf, not',
    field: {
      type: 'integer',
      allOf: [{ minimum: 0 }],
      anyOf: [{ maximum: 5 }, { minimum: 100 }],
      not: { enum: [3] },
    },
    ok: [0, 5, 150],
    bad: [
      [-1, ['spec.x: Invalid value: -1: spec.x in body should be greater than or equal to 0']],
      [50, ['spec.x: Invalid value: "": spec.x in body must validate at least one schema (anyOf)', 'spec.x: Invalid value: 50: spec.x in body should be less than or equal to 5']],
      [3, ['spec.x: Invalid value: "": spec.x in body must not validate the schema (not)']],
    ],
  },
  {
    name: 'oneOf',
    field: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    ok: [{ a: 'x' }, { b: 'y' }],
    bad: [
      [{ a: 'x', b: 'y' }, ['spec.x: Invalid value: "": spec.x in body must validate one and only one schema (oneOf). Found 2 valid alternatives']],
      [{}, ['spec.x: Invalid value: "": spec.x in body must validate one and only one schema (oneOf). Found none valid', 'spec.x.a: Required value']],
    ],
  },
  {
    name: 'x-kubernetes-list-type set',
    field: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    ok: [['a', 'b'], []],
    bad: [[['a', 'b', 'a', 'a'], ['spec.x[2]: Duplicate value: "a"']]],
  },
  {
    name: 'x-kubernetes-list-type map',
    field: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
    },
    ok: [[{ name: 'a', port: 1 }, { name: 'b', port: 1 }]],
    bad: [[[{ name: 'a', port: 1 }, { name: 'a', port: 2 }], ['spec.x[1]: Duplicate value: "a"']]],
  },
  {
    name: 'x-kubernetes-list-type map with two keys',
    field: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      items: { type: 'object', required: ['port', 'protocol'], properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
    },
    ok: [[{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }]],
    bad: [[[{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'TCP' }], ['spec.x[1]: Duplicate value: {"port":80,"protocol":"TCP"}']]],
  },
  {
    name: 'x-kubernetes-embedded-resource',
    field: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
    ok: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } } }, { apiVersion: 'apps/v1', kind: 'Deployment' }],
    bad: [
      [{ metadata: {} }, ['spec.x.apiVersion: Required value: must not be empty', 'spec.x.kind: Required value: must not be empty']],
      [{ apiVersion: 'a/b/c', kind: 'K', metadata: { name: 'a/b' } }, ['spec.x.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c', "spec.x.metadata.name: Invalid value: \"a/b\": may not contain '/'"]],
    ],
  },
  {
    name: 'x-kubernetes-preserve-unknown-fields: unknown values are not validated',
    field: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'integer' } } },
    ok: [{ anything: { deep: [1, 'x'] } }, { known: 1, other: true }],
    bad: [[{ known: 'x' }, ['spec.x.known: Invalid value: "string": spec.x.known in body must be of type integer: "string"']]],
  },
];

describe('compiled schema validation', () => {
  for (const c of cases) {
    it(c.name, () => {
      const compiled = compileSchema(specSchema({ x: c.field }));
      for (const v of c.ok) expect(messages(compiled.validate(object({ x: v }))), JSON.stringify(v)).toEqual([]);
      for (const [v, want] of c.bad) expect(messages(compiled.validate(object({ x: v }))), JSON.stringify(v)).toEqual(want);
    });
  }

  it('reports every failing field together', () => {
    const compiled = compileSchema(
      specSchema(
        {
          replicas: { type: 'integer', maximum: 10 },
          size: { type: 'string', enum: ['S', 'M'] },
          name: { type: 'string' },
          items: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } },
        },
        { required: ['name'] },
      ),
    );
    expect(messages(compiled.validate(object({ replicas: 11, size: 'XL', items: [{ port: 1 }, { port: 'http' }] })))).toEqual([
      'spec.name: Required value',
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
      'spec.size: Unsupported value: "XL": supported values: "S", "M"',
      'spec.items[1].port: Invalid value: "string": spec.items[1].port in body must be of type integer: "string"',
    ]);
  });

  it('applies the schema restrictions of root metadata.name only', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5, pattern: '^a' } } } },
    };
    const compiled = compileSchema(schema);
    expect(messages(compiled.validate({ metadata: { name: 'abc', labels: { x: 'y' } } }))).toEqual([]);
    expect(messages(compiled.validate({ metadata: { name: 'bcdefgh' } }))).toEqual([
      'metadata.name: Too long: may not be longer than 5',
      "metadata.name: Invalid value: \"bcdefgh\": metadata.name in body should match '^a'",
    ]);
  });

  it('prints property names with dots even when they are not identifiers', () => {
    const compiled = compileSchema(specSchema({ 'my-field': { type: 'integer' } }));
    expect(messages(compiled.validate(object({ 'my-field': 'x' })))).toEqual([
      'spec.my-field: Invalid value: "string": spec.my-field in body must be of type integer: "string"',
    ]);
  });
});
