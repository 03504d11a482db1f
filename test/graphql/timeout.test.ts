/**
 * The execution deadline: a query that runs past it is answered with a TIMEOUT error at once (the
 * plugin in a real yoga instance, with a resolver that takes longer), and resolvers that reach the
 * registry after it stop there (requestContext refuses).
 */
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useExecutionTimeout } from '../../plugins/execution-timeout.js';
import { requestContext, type GraphQLContext } from '../../src/graphql/index.js';

const slow = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      fast: { type: GraphQLString, resolve: () => 'done' },
      // Never resolves: only the deadline can answer the query (else the test times out).
      slow: { type: GraphQLString, resolve: () => new Promise(() => undefined) },
    },
  }),
});

async function run(query: string): Promise<{ status: number; body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const yoga = createYoga({ schema: slow, plugins: [useExecutionTimeout(50)], logging: false });
  const res = await yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as never };
}

describe('the execution deadline', () => {
  it('answers a query that runs too long with TIMEOUT', async () => {
    const r = await run('{ slow }');
    expect(r.body.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    expect(r.body.errors?.[0]?.message).toBe('the operation did not finish within 50 ms');
  });

  it('leaves quick queries alone', async () => {
    expect((await run('{ fast }')).body).toEqual({ data: { fast: 'done' } });
  });

  it('stops resolvers from calling the registry past the deadline', () => {
    const ctx = { registry: undefined, cluster: 'c', warnings: [], deadline: Date.now() - 1 } as unknown as GraphQLContext;
    expect(() => requestContext(ctx)).toThrow('the operation ran past its deadline');
    expect(requestContext({ ...ctx, deadline: Date.now() + 60_000 })).toMatchObject({ cluster: 'c' });
  });
});
