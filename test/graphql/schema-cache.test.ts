/**
 * The API set is the unit of compilation: workspaces with the same APIs share one schema object,
 * and what a compile builds grows with the API set, never with the number of workspaces. The
 * cache of compiled schemas is bounded in (estimated) bytes, least recently used out first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import {
  cachedSchemaBytes,
  cachedSchemaCount,
  compileSchema,
  DEFAULT_SCHEMA_CACHE_BYTES,
  estimatedSchemaBytes,
  schemaFor,
  setSchemaCacheBytes,
} from '../../src/graphql/index.js';
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

  describe('bounded in bytes', () => {
    afterAll(() => setSchemaCacheBytes(DEFAULT_SCHEMA_CACHE_BYTES));

    it('drops the least recently used schemas past the bound and recompiles an evicted set on next use', () => {
      // Three distinct sets, largest first: `large` and `middle` fit the bound together, all three do not.
      const [large, middle, small] = [3, 2, 1].map((n) => new ApiSet([...builtinTypes, ...syntheticKinds(n)])) as [ApiSet, ApiSet, ApiSet];
      const sizes = new Map([large, middle, small].map((set) => [set, estimatedSchemaBytes(compileSchema(set))]));
      const bytes = (set: ApiSet): number => sizes.get(set) ?? NaN;
      // The newest entry always stays: a bound of 1 byte leaves exactly the schema just asked for.
      setSchemaCacheBytes(1);
      const largeSchema = schemaFor(large);
      expect(cachedSchemaCount()).toBe(1);
      expect(cachedSchemaBytes()).toBe(bytes(large));

      setSchemaCacheBytes(bytes(large) + bytes(middle));
      const middleSchema = schemaFor(middle);
      expect(cachedSchemaCount()).toBe(2);
      expect(cachedSchemaBytes()).toBe(bytes(large) + bytes(middle));
      // While cached, the same set gives the same object (and `large` becomes the most recently used).
      expect(schemaFor(large)).toBe(largeSchema);
      expect(schemaFor(middle)).toBe(middleSchema);
      expect(schemaFor(large)).toBe(largeSchema);

      // `small` pushes the total over the bound: `middle`, least recently used, goes.
      const smallSchema = schemaFor(small);
      expect(cachedSchemaCount()).toBe(2);
      expect(cachedSchemaBytes()).toBe(bytes(large) + bytes(small));
      expect(schemaFor(large)).toBe(largeSchema);
      expect(schemaFor(small)).toBe(smallSchema);

      // Asked again, `middle` is compiled anew: another object, the same schema.
      const recompiled = schemaFor(middle);
      expect(recompiled).not.toBe(middleSchema);
      expect(Object.keys(recompiled.getTypeMap())).toEqual(Object.keys(middleSchema.getTypeMap()));
      expect(schemaFor(middle)).toBe(recompiled);
    });

    it('estimates a schema at 256 bytes per element, growing with the API set', () => {
      const one = estimatedSchemaBytes(compileSchema(new ApiSet(syntheticKinds(1))));
      const two = estimatedSchemaBytes(compileSchema(new ApiSet(syntheticKinds(2))));
      expect(one % 256).toBe(0);
      expect(two).toBeGreaterThan(one);
      expect(estimatedSchemaBytes(compileSchema(new ApiSet(syntheticKinds(11)))) - one).toBe(10 * (two - one));
    });
  });
});
