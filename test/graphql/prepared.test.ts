/**
 * Prepared operations (src/graphql/prepared.ts): once envelop has validated a document for a
 * schema, the lean path runs it again without envelop, applying what the endpoint's plugins do at
 * execution itself. Each request below goes to a real HTTP server in front of serveLean three
 * times (the first through envelop, the next two prepared) and once to yoga itself, and all four
 * answers must be equal byte for byte; envelop must have run once per document only. The schema
 * is small so that the deadline, warnings and unexpected errors can be produced on demand; the
 * same comparison over the real server's schema is in lean-http.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCodedErrors } from '../../plugins/coded-errors.js';
import { useExecutionTimeout } from '../../plugins/execution-timeout.js';
import { useIntrospectionControl } from '../../plugins/introspection.js';
import { useQueryLimits } from '../../plugins/query-limits.js';
import { useWarnings } from '../../plugins/warnings.js';
import type { GraphQLContext } from '../../src/graphql/index.js';
import { jitExecute } from '../../src/graphql/jit-execute.js';
import { serveLean, type LeanDeps } from '../../src/graphql/lean-http.js';
import { PreparedDocuments } from '../../src/graphql/prepared.js';

const TIMEOUT_MS = 50;

const schema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, GraphQLContext>({
    name: 'Query',
    fields: {
      hello: { type: GraphQLString, args: { name: { type: new GraphQLNonNull(GraphQLString) } }, resolve: (_, { name }: { name: string }) => `hello ${name}` },
      agent: { type: GraphQLString, resolve: (_, __, ctx) => ctx.userAgent ?? null },
      cluster: { type: GraphQLString, resolve: async (_, __, ctx) => ctx.cluster },
      warned: {
        type: GraphQLString,
        resolve: async (_, __, ctx) => {
          ctx.warnings.push('299 - "this field is deprecated"');
          return 'ok';
        },
      },
      coded: { type: GraphQLString, resolve: async () => Promise.reject(new GraphQLError('not here', { extensions: { code: 'NOT_FOUND', status: 404 } })) },
      broken: { type: GraphQLString, resolve: async () => Promise.reject(new Error('secret internals')) },
      brokenSync: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('secret internals');
        },
      },
      // Never resolves: only the deadline answers the query.
      slow: { type: GraphQLString, resolve: () => new Promise(() => undefined) },
      deadline: { type: GraphQLString, resolve: (_, __, ctx) => (ctx.deadline !== undefined && ctx.deadline > Date.now() ? 'set' : 'missing') },
    },
  }),
  mutation: new GraphQLObjectType({ name: 'Mutation', fields: { touch: { type: GraphQLString, resolve: () => 'touched' } } }),
});

type Where = { cluster: string; schema: GraphQLSchema };

let enveloped = 0;
const unexpected: unknown[] = [];
const contextFor = (where: Where, userAgent: string | null): GraphQLContext => ({
  registry: undefined as never,
  cluster: where.cluster,
  warnings: [],
  ...(userAgent ? { userAgent } : {}),
});
// The endpoint's plugins (src/graphql/endpoint.ts) that do something for these documents.
const plugins = [
  { onExecute: ({ setExecuteFn }) => setExecuteFn(jitExecute) } satisfies Plugin,
  { onEnveloped: () => void enveloped++ } satisfies Plugin,
  useIntrospectionControl(() => false),
  useQueryLimits(),
  useCodedErrors(),
  useExecutionTimeout(TIMEOUT_MS),
  useWarnings(),
];
const yoga = createYoga<Where, GraphQLContext>({
  schema,
  context: (initial) => contextFor(initial, initial.request.headers.get('user-agent')),
  plugins,
  logging: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (...args: unknown[]) => void unexpected.push(args[0]) },
  landingPage: false,
  cors: false,
});
const deps: LeanDeps<Where> = { yoga, onUnexpected: (err) => void unexpected.push(err), prepared: new PreparedDocuments(), contextFor, timeoutMs: TIMEOUT_MS };

let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const where: Where = { cluster: 'root:prepared', schema };
      const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined;
      void (async () => {
        if (url.pathname === '/lean' && (await serveLean(deps, req, res, url, where, body))) return;
        if (url.pathname === '/lean') {
          res.writeHead(599).end();
          return;
        }
        // yoga itself, for reference.
        const answer = await yoga.fetch(`http://localhost/graphql${url.search}`, { method: req.method ?? 'GET', headers: req.headers as Record<string, string>, ...(body ? { body } : {}) }, where);
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' }).end(await answer.text());
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

async function send(path: string, init: { method: string; body?: string; search?: string; accept?: string }): Promise<Answer> {
  const headers: Record<string, string> = { 'user-agent': 'prepared-test/1', ...(init.accept ? { accept: init.accept } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(`${base}${path}${init.search ?? ''}`, { method: init.method, headers, ...(init.body ? { body: init.body } : {}) });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

/** The lean path's answers (through envelop, then prepared twice) and yoga's; and how often envelop ran for them. */
async function fourWays(init: { method: string; body?: string; search?: string; accept?: string }): Promise<{ lean: Answer[]; yoga: Answer; envelopedByLean: number }> {
  const before = enveloped;
  const lean = [await send('/lean', init), await send('/lean', init), await send('/lean', init)];
  const envelopedByLean = enveloped - before;
  return { lean, yoga: await send('/yoga', init), envelopedByLean };
}

const post = (query: string, variables?: Record<string, unknown>, operationName?: string): string => JSON.stringify({ query, variables, operationName });

describe('prepared operations', () => {
  it('answer as envelop and yoga do, running envelop once per document', async () => {
    const cases: [body: string, unexpected?: boolean][] = [
      [post('query ($n: String!) { hello(name: $n) }', { n: 'a' })],
      [post('query ($n: String!) { hello(name: $n) }', { n: 3 })],
      [post('query ($n: String!) { hello(name: $n) }')],
      [post('{ agent cluster deadline }')],
      [post('{ warned hello(name: "w") }')],
      [post('{ warned coded }')],
      [post('{ coded }')],
      [post('{ broken hello(name: "b") }'), true],
      [post('{ brokenSync }'), true],
      [post('{ slow hello(name: "s") }')],
      [post('{ warned slow }')],
      [post('query A { hello(name: "a") } query B { hello(name: "b") }', undefined, 'B')],
      [post('mutation { touch }')],
    ];
    const seen = new Set<string>();
    for (const accept of [undefined, 'application/graphql-response+json']) {
      for (const [body, masked] of cases) {
        unexpected.length = 0;
        const { lean, yoga: reference, envelopedByLean } = await fourWays({ method: 'POST', body, ...(accept ? { accept } : {}) });
        expect({ body, accept, answers: lean }).toEqual({ body, accept, answers: [reference, reference, reference] });
        // The first request of each document prepares it (once per document text, whatever the Accept and variables).
        const text = (JSON.parse(body) as { query: string }).query;
        expect({ body, envelopedByLean }).toEqual({ body, envelopedByLean: seen.has(text) ? 0 : 1 });
        seen.add(text);
        // Each masked error is logged, by every path.
        expect(unexpected.length).toBe(masked ? 4 : 0);
      }
    }
    expect(JSON.parse((await send('/lean', { method: 'POST', body: post('{ agent cluster deadline }') })).body)).toEqual({
      data: { agent: 'prepared-test/1', cluster: 'root:prepared', deadline: 'set' },
    });
    const timedOut = JSON.parse((await send('/lean', { method: 'POST', body: post('{ warned slow }') })).body) as { errors: { extensions: { code: string } }[]; extensions: unknown };
    expect(timedOut.errors.map((e) => e.extensions.code)).toEqual(['TIMEOUT']);
    expect(timedOut.extensions).toEqual({ warnings: ['299 - "this field is deprecated"'] });
  });

  it('leave to yoga what the lean path does not take, prepared or not', async () => {
    // A mutation by GET, an unknown operation name, a subscription-less schema's subscription, introspection (refused here).
    for (const init of [
      { method: 'GET', search: `?query=${encodeURIComponent('mutation { touch }')}` },
      { method: 'POST', body: post('query A { hello(name: "a") }', undefined, 'C') },
      { method: 'POST', body: post('{ __schema { queryType { name } } }') },
      { method: 'POST', body: post('{ hello(name: "x") { nope } }') },
    ]) {
      expect((await send('/lean', init)).status).toBe(599);
      expect((await send('/lean', init)).status).toBe(599);
    }
    // A query prepared by POST is run prepared by GET, and its mutation is still refused by GET.
    await send('/lean', { method: 'POST', body: post('query Q { hello(name: "g") } mutation M { touch }', undefined, 'Q') });
    const search = (op: string): string => `?${new URLSearchParams({ query: 'query Q { hello(name: "g") } mutation M { touch }', operationName: op }).toString()}`;
    const before = enveloped;
    expect(JSON.parse((await send('/lean', { method: 'GET', search: search('Q') })).body)).toEqual({ data: { hello: 'hello g' } });
    expect(enveloped).toBe(before);
    expect((await send('/lean', { method: 'GET', search: search('M') })).status).toBe(599);
  });
});

describe('the prepared documents', () => {
  const other = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLString } } }) });

  it('are valid for the schema they were validated for only, never introspect, and are not too long', () => {
    const prepared = new PreparedDocuments();
    const doc = parse('{ a }');
    prepared.add(schema, '{ a }', doc);
    expect(prepared.get(schema, '{ a }')).toBe(doc);
    expect(prepared.get(other, '{ a }')).toBeUndefined();
    expect(prepared.get(schema, '{a}')).toBeUndefined();
    prepared.add(schema, '{ __type(name: "Query") { name } }', parse('{ __type(name: "Query") { name } }'));
    expect(prepared.get(schema, '{ __type(name: "Query") { name } }')).toBeUndefined();
    // Longer texts (comments count against no query limit) are not kept.
    const long = `{ a } ${'#'.repeat(64 * 1024)}`;
    prepared.add(schema, long, parse(long));
    expect(prepared.get(schema, long)).toBeUndefined();
  });

  it('are bounded, least recently used out first', () => {
    const prepared = new PreparedDocuments(2);
    for (const text of ['{ a }', '{ b }']) prepared.add(schema, text, parse(text));
    expect(prepared.get(schema, '{ a }')).toBeDefined();
    prepared.add(schema, '{ c }', parse('{ c }'));
    expect(prepared.get(schema, '{ b }')).toBeUndefined();
    expect(prepared.get(schema, '{ a }')).toBeDefined();
    expect(prepared.get(schema, '{ c }')).toBeDefined();
  });
});
