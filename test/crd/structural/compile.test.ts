import { describe, expect, it } from 'vitest';
import { compileSchema, compiledSchemaCount } from '../../../src/crd/structural/index.js';
import { specSchema } from './helpers.js';

describe('compiled schema sharing', () => {
  it('returns one compiled schema for equal content, whatever the key order or object identity', () => {
    const a = specSchema({ replicas: { type: 'integer', minimum: 1 }, name: { type: 'string' } });
    const b = JSON.parse(JSON.stringify(specSchema({ name: { type: 'string' }, replicas: { minimum: 1, type: 'integer' } }))) as typeof a;
    const first = compileSchema(a);
    expect(compileSchema(a)).toBe(first);
    expect(compileSchema(b)).toBe(first);
  });

  it('10,000 workspaces holding the same CRD share one compiled schema', () => {
    const before = compiledSchemaCount();
    const workspaces = Array.from({ length: 10_000 }, () => compileSchema(JSON.parse(JSON.stringify(specSchema({ shared: { type: 'string', maxLength: 7 } }))) as ReturnType<typeof specSchema>));
    expect(new Set(workspaces).size).toBe(1);
    expect(compiledSchemaCount()).toBe(before + 1);
  });

  it('tells whether any node has a default', () => {
    expect(compileSchema(specSchema({ a: { type: 'string' } })).hasDefaults).toBe(false);
    expect(compileSchema(specSchema({ l: { type: 'array', items: { type: 'object', properties: { p: { type: 'string', default: 'x' } } } } })).hasDefaults).toBe(true);
  });

  it('different content compiles separately', () => {
    expect(compileSchema(specSchema({ a: { type: 'string' } }))).not.toBe(compileSchema(specSchema({ a: { type: 'integer' } })));
  });
});
