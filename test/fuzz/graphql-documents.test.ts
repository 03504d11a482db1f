/**
 * Property-based fuzzing of the GraphQL endpoint against one real server: documents drawn from
 * the workspace's own schema (its CRD's types included) with wrong arguments, aliases, fragments,
 * directives and variables, documents past the query limits, random text, arbitrary variables
 * and bodies that are no GraphQL request, all POSTed to /clusters/root/graphql. Whatever arrives,
 * the answer is below 500, carries `data` or errors that each have an `extensions.code` (none of
 * them a masked INTERNAL_SERVER_ERROR), and the server still serves afterwards. See
 * docs/hardening.md (Fuzzing) for more runs and for replaying a failure's seed.
 */
import http from 'node:http';
import fc from 'fast-check';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { establish, widgetCrd } from '../crd/fixtures.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';
import { graphqlRequests, type GraphQLRequest } from './graphql-arbitraries.js';
import { describeSent, expectPrototypesClean, expectServing, fuzzParameters, fuzzRuns, fuzzTimeout, printable, send, type Answer, type Sent } from './support.js';

const fx = useServer();
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
afterAll(() => agent.destroy());
const ENDPOINT = '/clusters/root/graphql';

let schema: GraphQLSchema;
beforeAll(async () => {
  await establish(fx, 'root', widgetCrd());
  expect((await fx.call('POST', CONFIGMAPS('root'), { metadata: { name: 'fuzz-a' }, data: { a: 'b' } })).status).toBe(201);
  const introspection = await fx.call('POST', ENDPOINT, { query: getIntrospectionQuery() });
  expect(introspection.status).toBe(200);
  schema = buildClientSchema(introspection.body.data as unknown as IntrospectionQuery);
});

type Result = { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };

function expectWellAnswered(sent: Sent, answer: Answer): void {
  const what = `${answer.status} for ${describeSent(sent)}: ${answer.text?.slice(0, 2000) ?? '(stream)'}`;
  expectPrototypesClean(sent);
  expect(answer.status, what).toBeLessThan(500);
  if (answer.text === undefined) return;
  let results: Result[];
  try {
    results = resultsOf(answer.contentType, answer.text);
  } catch {
    throw new Error(`not a JSON result: ${what}`);
  }
  expect(results.length, what).toBeGreaterThan(0);
  for (const result of results) {
    expect('data' in result || (Array.isArray(result.errors) && result.errors.length > 0), what).toBe(true);
    for (const error of result.errors ?? []) {
      expect(typeof error.extensions?.code, what).toBe('string');
      expect(error.extensions?.code, what).not.toBe('INTERNAL_SERVER_ERROR');
    }
  }
}

/**
 * The results in an answer: its JSON body, or the events of the SSE or multipart/mixed stream a
 * client that accepts only those gets even for an error (a refused request's stream ends).
 */
function resultsOf(contentType: string, text: string): Result[] {
  if (contentType.startsWith('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
      .map((line) => JSON.parse(line.slice(5)) as Result);
  }
  if (contentType.startsWith('multipart/mixed')) {
    // Each part says its length in bytes; a message in it may quote the boundary.
    const bytes = Buffer.from(text);
    const latin1 = bytes.toString('latin1');
    const parts: Result[] = [];
    const header = /Content-Length: (\d+)\r\n\r\n/g;
    for (let m = header.exec(latin1); m; m = header.exec(latin1)) {
      const start = m.index + m[0].length;
      parts.push(JSON.parse(bytes.subarray(start, start + Number(m[1])).toString('utf8')) as Result);
      header.lastIndex = start + Number(m[1]);
    }
    return parts;
  }
  return [JSON.parse(text) as Result];
}

/** Subscriptions answered over SSE or multipart stay open: only their status is looked at. */
const isStream = (_status: number, contentType: string): boolean => /text\/event-stream|multipart\/mixed/.test(contentType);

const toSent = (r: GraphQLRequest): Sent =>
  printable({
    method: 'POST',
    path: ENDPOINT,
    headers: { ...fx.headers, ...(r.contentType ? { 'content-type': r.contentType } : {}), ...(r.accept ? { accept: r.accept } : {}) },
    body: r.body,
  });

const RUNS = 1_000;

describe('GraphQL fuzzing', () => {
  it(`answers ${fuzzRuns(RUNS)} arbitrary documents, variables and bodies below 500 with data or coded errors`, async () => {
    await fc.assert(
      fc.asyncProperty(graphqlRequests(schema).map(toSent), async (sent) => {
        expectWellAnswered(sent, await send(fx.base, agent, sent, isStream));
      }),
      fuzzParameters(RUNS),
    );
    const after = await fx.call('POST', ENDPOINT, { query: '{ v1 { ConfigMaps(namespace: "default") { items { metadata { name } } } } }' });
    expect(after.status).toBe(200);
    expect(after.body.errors).toBeUndefined();
    await expectServing(fx, 'graphql');
  }, fuzzTimeout(RUNS));
});
