/**
 * ResultCache on its own: what it keeps (only results whose every call was a kept read, without
 * errors, extensions or a volatile field), its bound in bytes (least recently used out first),
 * and that a changed read drops the entry while a refused caller leaves it to others.
 */
import { buildSchema, GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GraphQLContext, KeptRead, ReadLog } from '../../src/graphql/context.js';
import { ResultCache } from '../../src/graphql/result-cache.js';
import type { Registry } from '../../src/registry/index.js';

const schema = buildSchema('type Query { a: Int }');
const key = (text: string) => ({ schema, document: parse(text), operationName: undefined, variables: undefined });
const TYPE = { group: '', resource: 'configmaps', namespaced: true } as const;

/** A context whose access allows everything but `refused` users. */
function context(user: string, refused: readonly string[] = []): GraphQLContext {
  const access = {
    authorize: () => {
      if (refused.includes(user)) throw new Error('forbidden');
    },
  };
  return { registry: {} as Registry, cluster: 'c', warnings: [], user: { name: user, groups: [] }, access } as GraphQLContext;
}

function run(cache: ResultCache, ctx: GraphQLContext, reads: KeptRead[], calls = reads.length): ReadLog {
  const log = cache.record(ctx, true) as ReadLog;
  log.calls = calls;
  log.kept.push(...reads);
  return log;
}
const read = (unchanged: () => boolean = () => true): KeptRead => ({ type: TYPE, asked: { verb: 'list', namespace: 'a' }, unchanged });
const body = (n: number) => Buffer.alloc(n, 'x');

describe('ResultCache', () => {
  it('keeps only results whose every call was a kept read, without errors, extensions or volatile fields', () => {
    const cache = new ResultCache();
    const ctx = context('u');
    const k = key('{ a }');
    cache.put(k, ctx, run(cache, ctx, [read()], 2), { data: { a: 1 } }, body(10));
    expect(cache.get(k, ctx)).toBeUndefined();
    cache.put(k, ctx, run(cache, ctx, [read()]), { data: null, errors: [new GraphQLError('refused')] }, body(10));
    cache.put(k, ctx, run(cache, ctx, [read()]), { data: { a: 1 }, extensions: { warnings: ['w'] } }, body(10));
    expect(cache.get(k, ctx)).toBeUndefined();
    const volatile = run(cache, ctx, [read()]);
    volatile.volatile = true;
    cache.put(k, ctx, volatile, { data: { a: 1 } }, body(10));
    expect(cache.get(k, ctx)).toBeUndefined();
    expect(cache.record({ ...ctx, scope: () => ({}) }, true)).toBeUndefined();
    expect(cache.record(ctx, false)).toBeUndefined();
    cache.put(k, ctx, run(cache, ctx, [read()]), { data: { a: 1 } }, body(10));
    expect(cache.get(k, ctx)?.length).toBe(10);
    // Another workspace is another result.
    expect(cache.get(k, { ...ctx, cluster: 'd' })).toBeUndefined();
  });

  it('drops an entry whose read changed; a refused caller leaves it to the others', () => {
    const cache = new ResultCache();
    const alice = context('alice');
    const bob = context('bob', ['bob']);
    let same = true;
    const k = key('{ a }');
    cache.put(k, alice, run(cache, alice, [read(() => same)]), { data: { a: 1 } }, body(10));
    expect(cache.get(k, bob)).toBeUndefined();
    expect(cache.get(k, alice)).toBeDefined();
    same = false;
    expect(cache.get(k, alice)).toBeUndefined();
    same = true;
    expect(cache.get(k, alice)).toBeUndefined();
  });

  it('holds at most its bound of bytes, least recently used out first', () => {
    const cache = new ResultCache(3 * 1500);
    const ctx = context('u');
    const [a, b, c, d] = ['{ a }', '{ b: a }', '{ c: a }', '{ d: a }'].map(key) as [ReturnType<typeof key>, ReturnType<typeof key>, ReturnType<typeof key>, ReturnType<typeof key>];
    for (const k of [a, b, c]) cache.put(k, ctx, run(cache, ctx, [read()]), { data: { a: 1 } }, body(1000));
    expect([a, b, c].map((k) => cache.get(k, ctx) !== undefined)).toEqual([true, true, true]);
    cache.get(a, ctx);
    cache.put(d, ctx, run(cache, ctx, [read()]), { data: { a: 1 } }, body(1000));
    expect([a, b, c, d].map((k) => cache.get(k, ctx) !== undefined)).toEqual([true, false, true, true]);
    // A result over 1 MiB is not kept.
    const big = key('{ big: a }');
    cache.put(big, ctx, run(cache, ctx, [read()]), { data: { a: 1 } }, body(1024 * 1024 + 1));
    expect(cache.get(big, ctx)).toBeUndefined();
  });
});
