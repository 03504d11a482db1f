/**
 * The API set is the unit of compilation: workspaces with the same APIs share one schema object,
 * and what a compile builds grows with the API set, never with the number of workspaces.
 */
import { describe, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { cachedSchemaCount, compileSchema, schemaFor } from '../../src/graphql/index.js';
import { builtin, type ResourceType } from '../../src/registry/index.js';
import { builtinSet, builtinTypes, widgets } from './support.js';

/** `n` CRD-like kinds, each with an inline spec, in groups of their own. */
function syntheticKinds(n: number): ResourceType[] {
  return Array.from({ length: n }, (_, i) => {
    const key = `com.example.g${i}.v1.Thing`;
    return builtin(
      {
        group: `g${i}.example.com`,
        version: 'v1',
        resource: 'things',
        kind: 'Thing',
        namespaced: true,
        nameRule: 'subdomain',
        hasStatus: false,
        schema: {
          name: key,
          components: { [key]: { type: 'object', properties: { metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
        },
      },
      { validate: () => ({ errors: [], unknownFields: [] }) },
    );
  });
}

describe('schemaFor', () => {
  it('gives every workspace with the same API set the same schema object', () => {
    const before = cachedSchemaCount();
    const first = schemaFor(builtinSet());
    for (let i = 0; i < 10_000; i++) expect(schemaFor(builtinSet())).toBe(first);
    // Order of the types does not matter: the fingerprint is the same.
    expect(schemaFor(new ApiSet([...builtinTypes].reverse()))).toBe(first);
    expect(cachedSchemaCount()).toBeLessThanOrEqual(before + 1);
  });

  it('compiles a new schema for a different API set', () => {
    const withWidgets = schemaFor(new ApiSet([...builtinTypes, widgets]));
    expect(withWidgets).not.toBe(schemaFor(builtinSet()));
    expect(withWidgets.getType('ExampleComV1Widget')).toBeDefined();
    expect(schemaFor(builtinSet()).getType('ExampleComV1Widget')).toBeUndefined();
  });

  it('builds types in proportion to the API set', () => {
    const count = (n: number): number => Object.keys(compileSchema(new ApiSet(syntheticKinds(n))).getTypeMap()).length;
    // The first kind brings the shared ObjectMeta types; every further one adds the same amount.
    const base = count(1);
    // Per kind: object, spec, list, watch event, delete result, inputs of both, and the group and version containers.
    const perKind = count(2) - base;
    expect(perKind).toBe(9);
    expect(count(51) - base).toBe(50 * perKind);
  });
});
