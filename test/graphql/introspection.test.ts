/**
 * Introspection as a server setting (`graphql.introspection`): disabled, `__schema` and `__type`
 * are refused during validation with INTROSPECTION_DISABLED over HTTP and graphql-ws alike, while
 * `__typename` and ordinary queries work and GraphiQL still loads; enabled (the default), they are
 * answered. The plugin's predicate decides per request, and yoga's validation cache does not carry
 * one request's verdict over to another.
 */
import { createYoga, createSchema } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { INTROSPECTION_DISABLED, useIntrospectionControl } from '../../plugins/introspection.js';
import { DEFAULT_GRAPHQL_SETTINGS } from '../../src/graphql/index.js';
import { useServer, type ServerFixture } from '../support/server-fixture.js';

const disabled = useServer({ graphql: { ...DEFAULT_GRAPHQL_SETTINGS, introspection: 'disabled' } });
const enabled = useServer();

interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(fx: ServerFixture, query: string): Promise<{ status: number; body: GraphQLReply }> {
  const res = await fetch(`${fx.base}/clusters/root/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLReply };
}

/** One graphql-ws operation: its last payload, or the errors it failed with. */
async function overWebSocket(fx: ServerFixture, query: string): Promise<GraphQLReply> {
  const client = fx.graphqlClient('root');
  try {
    return await new Promise<GraphQLReply>((resolve, reject) => {
      let got: GraphQLReply = {};
      client.subscribe({ query }, {
        next: (r) => (got = r as GraphQLReply),
        error: (err) => (Array.isArray(err) ? resolve({ errors: err as GraphQLReply['errors'] }) : reject(err)),
        complete: () => resolve(got),
      });
    });
  } finally {
    await client.dispose();
  }
}

const SCHEMA = '{ __schema { queryType { name } types { name fields { name } } } }';
const TYPE = '{ __type(name: "Query") { name } }';

describe('introspection disabled', () => {
  it('refuses __schema and __type with a coded error, once per entry point', async () => {
    for (const [query, field] of [
      [SCHEMA, '__schema'],
      [TYPE, '__type'],
    ] as const) {
      const { status, body } = await post(disabled, query);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        expect.objectContaining({ message: `introspection is disabled on this server: the document asks for "${field}"`, extensions: { code: INTROSPECTION_DISABLED } }),
      ]);
    }
  });

  it('still answers __typename and ordinary queries', async () => {
    const { status, body } = await post(disabled, '{ __typename v1 { __typename Namespace(name: "default") { __typename metadata { name } } } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query', v1: { __typename: 'V1Query', Namespace: { __typename: 'V1Namespace', metadata: { name: 'default' } } } } });
  });

  it('refuses introspection over graphql-ws too', async () => {
    const refused = await overWebSocket(disabled, SCHEMA);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual([INTROSPECTION_DISABLED]);
    const ok = await overWebSocket(disabled, '{ __typename }');
    expect(ok).toEqual({ data: { __typename: 'Query' } });
  });

  it('still serves GraphiQL (which then cannot load the schema)', async () => {
    const res = await fetch(`${disabled.base}/clusters/root/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('renderYogaGraphiQL');
  });
});

describe('introspection enabled (the default)', () => {
  it('answers __schema and __type over HTTP and graphql-ws', async () => {
    const schema = await post(enabled, SCHEMA);
    expect(schema.status).toBe(200);
    expect(schema.body.data?.__schema).toMatchObject({ queryType: { name: 'Query' } });
    expect((await post(enabled, TYPE)).body).toEqual({ data: { __type: { name: 'Query' } } });
    expect((await overWebSocket(enabled, TYPE)).data).toEqual({ __type: { name: 'Query' } });
  });
});

describe('useIntrospectionControl', () => {
  it('asks its predicate per request, and validation caching keeps the verdicts apart', async () => {
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } }),
      plugins: [useIntrospectionControl<{ request: Request }>((ctx) => ctx.request.headers.get('x-may-introspect') === 'yes')],
      logging: false,
    });
    const ask = async (allowed: boolean): Promise<GraphQLReply> => {
      const res = await yoga.fetch('http://yoga.invalid/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(allowed ? { 'x-may-introspect': 'yes' } : {}) },
        body: JSON.stringify({ query: TYPE }),
      });
      return (await res.json()) as GraphQLReply;
    };
    expect(await ask(true)).toEqual({ data: { __type: { name: 'Query' } } });
    expect((await ask(false)).errors?.[0]?.extensions?.code).toBe(INTROSPECTION_DISABLED);
    expect(await ask(true)).toEqual({ data: { __type: { name: 'Query' } } });
    expect((await ask(false)).errors?.[0]?.extensions?.code).toBe(INTROSPECTION_DISABLED);
  });
});
