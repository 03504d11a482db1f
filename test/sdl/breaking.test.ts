/** What `atoll export apply` refuses when consumers store objects: narrowing changes, and only those. */
import { describe, expect, it } from 'vitest';
import type { APIResourceSchemaSpec } from '../../src/apiexports/index.js';
import { breakingChanges, schemaSpec, sdlToKinds } from '../../src/sdl/index.js';

const spec = (fields: string, extra = ''): APIResourceSchemaSpec => {
  const body = `type Thing @resource(group: "things.example.dev", version: "v1") { spec: Spec }\ntype Spec { ${fields} }\n${extra}`;
  return schemaSpec(sdlToKinds([{ name: 't.graphql', body }])[0] as never);
};

describe('breakingChanges', () => {
  it('lets widening changes through: a new optional field, a lower minimum, a longer maxLength, a new enum value, nullable', () => {
    const before = spec('a: Int @minimum(value: 5)  b: String @maxLength(value: 3)  c: Color', 'enum Color { red }');
    const after = spec('a: Int @minimum(value: 1)  b: String @maxLength(value: 9) @nullable  c: Color  d: String  e: Int! @default(value: 1)', 'enum Color { red blue }');
    expect(breakingChanges(before, after)).toEqual([]);
  });

  it('names each narrowing change with its version and field', () => {
    const before = spec('a: Int  b: String  c: Color  d: [String!]  e: Opts @preserveUnknownFields  f: String @nullable  g: Float', 'enum Color { red blue }\ntype Opts { x: Int }');
    const after = spec(
      'a: Int @maximum(value: 3)  b: String @pattern(regex: "^x")  c: Color  d: [String!] @listType(type: set)  e: Opts  f: String  h: String!',
      'enum Color { red }\ntype Opts { x: Int }',
    );
    expect(breakingChanges(before, after)).toEqual([
      'v1 .spec.h: new required field without a default',
      'v1 .spec.a: maximum lowered to 3',
      'v1 .spec.b: pattern "^x" is new',
      'v1 .spec.c: enum narrowed to ["red"]',
      'v1 .spec.d: list type atomic became set (stored duplicates would be refused)',
      'v1 .spec.e: unknown fields are no longer preserved (stored ones would be pruned)',
      'v1 .spec.f: is no longer nullable',
      'v1 .spec.g: field removed (stored values would be pruned)',
    ]);
  });

  it('refuses a type change, a removed version, another scope, and the resource leaving the export', () => {
    const before = spec('a: Int');
    expect(breakingChanges(before, spec('a: String'))).toEqual(['v1 .spec.a: type integer became string']);
    expect(breakingChanges(before, { ...before, scope: 'Cluster' })).toEqual(['scope Namespaced became Cluster']);
    expect(breakingChanges(before, { ...before, versions: [{ ...(before.versions[0] as APIResourceSchemaSpec['versions'][number]), name: 'v2' }] })).toEqual(['version v1 is removed']);
    expect(breakingChanges(before, undefined)).toEqual(['the resource is removed from the export']);
  });
});
