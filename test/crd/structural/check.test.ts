import { describe, expect, it } from 'vitest';
import { checkStructuralSchema } from '../../../src/crd/structural/index.js';
import type { JSONSchemaProps } from '../../../src/crd/schema-types.js';
import { messages, specSchema } from './helpers.js';

const P = 'spec.versions[0].schema.openAPIV3Schema';
const check = (s: JSONSchemaProps): string[] => messages(checkStructuralSchema(s, P));

interface Case {
  name: string;
  schema: JSONSchemaProps;
  want: string[];
}

const cases: Case[] = [
  { name: 'a structural schema passes', schema: specSchema({ a: { type: 'string', default: 'x' }, n: { 'x-kubernetes-int-or-string': true } }), want: [] },
  {
    name: 'missing type',
    schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } }, list: { type: 'array', items: {} } } },
    want: [`${P}.properties[list].items.type: Required value: must not be empty for specified array items`, `${P}.properties[spec].type: Required value: must not be empty for specified object fields`],
  },
  {
    name: 'the root must be an object without additionalProperties',
    schema: { type: 'array', items: { type: 'string' } },
    want: [`${P}.type: Invalid value: "array": must be object at the root`],
  },
  {
    name: 'properties and additionalProperties are mutually exclusive',
    schema: specSchema({ m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }),
    want: [`${P}.properties[spec].properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
  },
  {
    name: 'type, default, description in allOf',
    schema: specSchema({ a: { type: 'string', allOf: [{ type: 'string', description: 'd', default: 'x', minLength: 1 }] } }),
    want: [
      `${P}.properties[spec].properties[a].allOf[0].default: Forbidden: must be undefined to be structural`,
      `${P}.properties[spec].properties[a].allOf[0].description: Forbidden: must be empty to be structural`,
      `${P}.properties[spec].properties[a].allOf[0].type: Forbidden: must be empty to be structural`,
    ],
  },
  {
    name: 'int-or-string anyOf is the one allowed typed junctor',
    schema: specSchema({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } }),
    want: [],
  },
  {
    name: 'root metadata may only restrict name and generateName',
    schema: { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 }, labels: { type: 'object' } } } } },
    want: [`${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  },
  {
    name: 'metadata restricting name is fine, defaults in top-level metadata are not',
    schema: { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10, default: 'x' } } } } },
    want: [`${P}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`],
  },
  {
    name: 'a default must validate against its schema',
    schema: specSchema({ replicas: { type: 'integer', default: 'three' }, size: { type: 'string', enum: ['S'], default: 'M' } }),
    want: [
      `${P}.properties[spec].properties[replicas].default: Invalid value: "string": in body must be of type integer: "string"`,
      `${P}.properties[spec].properties[size].default: Unsupported value: "M": supported values: "S"`,
    ],
  },
  {
    name: 'a default must be pruned',
    schema: specSchema({ o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } }),
    want: [`${P}.properties[spec].properties[o].default: Invalid value: {"a":"x","b":"y"}: must not have unknown fields`],
  },
  {
    name: 'nested field of a default is located under it',
    schema: specSchema({ o: { type: 'object', properties: { n: { type: 'integer', maximum: 3 } }, default: { n: 5 } } }),
    want: [`${P}.properties[spec].properties[o].default.n: Invalid value: 5: n in body should be less than or equal to 3`],
  },
  {
    name: 'unsupported keywords',
    schema: specSchema({ a: { type: 'array', items: { type: 'string' }, uniqueItems: true }, b: { $ref: '#/definitions/x' } as JSONSchemaProps, c: { type: 'object', additionalProperties: false } }),
    want: [
      `${P}.properties[spec].properties[b].type: Required value: must not be empty for specified object fields`,
      `${P}.properties[spec].properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      `${P}.properties[spec].properties[b].$ref: Forbidden: $ref is not supported`,
      `${P}.properties[spec].properties[c].additionalProperties: Forbidden: additionalProperties cannot be set to false`,
    ],
  },
  {
    name: 'embedded resources must be objects',
    schema: specSchema({ e: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } }),
    want: [`${P}.properties[spec].properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true`],
  },
  {
    name: 'list-map keys must be required or defaulted scalars of object items',
    schema: specSchema({
      l: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name', 'sub'],
        items: { type: 'object', properties: { name: { type: 'string' }, sub: { type: 'object' } }, required: ['sub'] },
      },
    }),
    want: [
      `${P}.properties[spec].properties[l].items.properties[sub].type: Invalid value: "object": must be a scalar type if parent array's x-kubernetes-list-type is map`,
      `${P}.properties[spec].properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ],
  },
  {
    name: 'list-map keys need list-type map',
    schema: specSchema({ l: { type: 'array', 'x-kubernetes-list-map-keys': ['a'], items: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } } }),
    want: [`${P}.properties[spec].properties[l].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`],
  },
  {
    name: 'list-type set items must be scalar or atomic',
    schema: specSchema({ s: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'string' } } } } }),
    want: [`${P}.properties[spec].properties[s].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`],
  },
  {
    name: 'invalid pattern',
    schema: specSchema({ a: { type: 'string', pattern: '([a-z' } }),
    want: [`${P}.properties[spec].properties[a].pattern: Invalid value: "([a-z": must be a valid regular expression, but isn't: error parsing regexp: missing closing ]: \`[a-z\``],
  },
  {
    name: 'int-or-string excludes preserve-unknown-fields',
    schema: specSchema({ a: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true } }),
    want: [`${P}.properties[spec].properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`],
  },
  {
    name: 'nullable root',
    schema: { type: 'object', nullable: true },
    want: [`${P}.nullable: Forbidden: nullable cannot be true at the root`],
  },
  {
    name: 'junctor properties must exist structurally',
    schema: { type: 'object', properties: { spec: { type: 'object' } }, anyOf: [{ properties: { other: { minLength: 1 } } }] },
    want: [`${P}.properties[other]: Required value: because it is defined in ${P}.anyOf[0].properties[other]`],
  },
];

describe('checkStructuralSchema', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(check(c.schema)).toEqual(c.want);
    });
  }
});
