/**
 * The lean HTTP path (src/graphql/lean-http.ts) answers plain queries and mutations without yoga's
 * Fetch adapter, and must answer exactly as yoga does. yoga takes `application/graphql+json` with
 * the same JSON parser as `application/json`, and ignores query-string parameters it does not
 * know, while the lean path leaves both to yoga: so each request below is sent once down each
 * path, and the two answers must match byte for byte (status, Content-Type and body).
 *
 * A document the lean path has validated once runs prepared after that, without envelop
 * (src/graphql/prepared.ts): "prepared operations" below sends each request twice down the lean
 * path (the second time prepared, whatever the first was) and once to yoga, as the admin and as a
 * user whose RBAC refuses some fields, and checks what the server records around the answer
 * (metrics labels, tracing spans) for the prepared path too.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getParams, jsonMediaType, postParams } from '../../src/graphql/lean-http.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

const answer = async (res: Response): Promise<Answer> => ({ status: res.status, contentType: res.headers.get('content-type'), body: await res.text() });

const endpoint = (): string => `${fx.base}/clusters/root/graphql`;

async function postBoth(body: string, accept?: string): Promise<[lean: Answer, yoga: Answer]> {
  const send = async (contentType: string): Promise<Answer> =>
    answer(await fetch(endpoint(), { method: 'POST', headers: { ...fx.headers, 'content-type': contentType, ...(accept === undefined ? {} : { accept }) }, body }));
  return [await send('application/json'), await send('application/graphql+json')];
}

async function getBoth(search: Record<string, string>, accept?: string): Promise<[lean: Answer, yoga: Answer]> {
  const send = async (extra: Record<string, string>): Promise<Answer> =>
    answer(await fetch(`${endpoint()}?${new URLSearchParams({ ...search, ...extra }).toString()}`, { headers: { ...fx.headers, ...(accept === undefined ? {} : { accept }) } }));
  return [await send({}), await send({ unknownToYoga: '1' })];
}

const READ = `query ($name: String!) { v1 { ConfigMap(name: $name, namespace: "default") { metadata { name labels } data } } }`;

describe('the lean HTTP path answers as yoga does', () => {
  it('POST: data, errors, validation and parse failures, mutations, any Accept', async () => {
    expect((await fx.call('POST', CONFIGMAPS('root'), { metadata: { name: 'lean', labels: { a: 'b' } }, data: { k: 'v' } })).status).toBe(201);
    const bodies = [
      JSON.stringify({ query: READ, variables: { name: 'lean' } }),
      JSON.stringify({ query: READ, variables: { name: 'absent' } }),
      JSON.stringify({ query: READ, variables: { name: 3 } }),
      JSON.stringify({ query: READ }),
      JSON.stringify({ query: '{ v1 { ConfigMap(name: "lean", namespace: "default") { nope } } }' }),
      JSON.stringify({ query: '{ v1 { ' }),
      JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'B' }),
      JSON.stringify({ query: 'query A { __typename } query B { __typename }' }),
      JSON.stringify({ query: 'query A { __typename }', operationName: 'C' }),
      JSON.stringify({ query: '{ __typename }', extensions: { any: 1 }, variables: null, operationName: null }),
      JSON.stringify({ query: '{ __typename }', other: 1 }),
      JSON.stringify({ query: 1 }),
      JSON.stringify({ query: '{ __typename }', variables: [] }),
      JSON.stringify({ query: 'mutation { createV1ConfigMap(namespace: "nowhere", object: { metadata: { name: "x" } }) { metadata { name } } }' }),
      JSON.stringify({ query: 'mutation { deleteV1ConfigMap(namespace: "default", name: "never-there") { status } }' }),
      JSON.stringify({ query: 'subscription { __typename }' }),
      '[]',
      'null',
      '{',
      '\uFEFF{"query":"{ __typename }"}',
    ];
    for (const accept of [undefined, '*/*', 'application/json', 'application/graphql-response+json', 'application/graphql-response+json, application/json', 'application/json;charset=utf-8']) {
      for (const body of bodies) {
        const [lean, yoga] = await postBoth(body, accept);
        expect({ accept, sent: body, answer: lean }).toEqual({ accept, sent: body, answer: yoga });
      }
    }
    const [lean] = await postBoth(JSON.stringify({ query: READ, variables: { name: 'lean' } }));
    expect(JSON.parse(lean.body)).toEqual({ data: { v1: { ConfigMap: { metadata: { name: 'lean', labels: { a: 'b' } }, data: { k: 'v' } } } } });
  });

  it('GET: queries, and the mutations GET may not run', async () => {
    const cases: Record<string, string>[] = [
      { query: READ, variables: JSON.stringify({ name: 'lean' }) },
      { query: READ, variables: '{' },
      { query: '{ __typename }', operationName: '' },
      { query: 'mutation { deleteV1ConfigMap(namespace: "default", name: "never-there") { status } }' },
      { query: '' },
    ];
    for (const accept of [undefined, 'application/graphql-response+json']) {
      for (const search of cases) {
        const [lean, yoga] = await getBoth(search, accept);
        expect({ accept, search, answer: lean }).toEqual({ accept, search, answer: yoga });
      }
    }
  });
});

describe('what the lean path takes', () => {
  it('negotiates the media type as yoga does, and leaves every other answer to yoga', () => {
    expect(jsonMediaType(undefined)).toBe('application/json');
    expect(jsonMediaType('*/*')).toBe('application/json');
    expect(jsonMediaType('application/graphql-response+json, application/json')).toBe('application/graphql-response+json');
    expect(jsonMediaType('application/json, application/graphql-response+json')).toBe('application/json');
    expect(jsonMediaType('application/*')).toBe('application/json');
    expect(jsonMediaType('text/event-stream')).toBeUndefined();
    expect(jsonMediaType('multipart/mixed, application/json')).toBe('application/json');
    expect(jsonMediaType('application/json; charset=latin1')).toBeUndefined();
    expect(jsonMediaType('application/xml')).toBeUndefined();
  });

  it('takes plain JSON objects of the GraphQL parameters only', () => {
    const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
    expect(postParams('application/json', json({ query: '{ a }', variables: { x: 1 }, operationName: 'A' }))).toEqual({
      query: '{ a }',
      variables: { x: 1 },
      operationName: 'A',
      extensions: undefined,
    });
    expect(postParams('application/json; charset=utf-8', json({ query: '{ a }', other: null }))).toMatchObject({ query: '{ a }' });
    expect(postParams('application/graphql+json', json({ query: '{ a }' }))).toBeUndefined();
    expect(postParams('application/json', json({ query: '{ a }', other: 1 }))).toBeUndefined();
    expect(postParams('application/json', json({ query: '' }))).toBeUndefined();
    expect(postParams('application/json', json({ query: '{ a }', variables: [] }))).toBeUndefined();
    expect(postParams('application/json', json({ query: '{ a }', operationName: 1 }))).toBeUndefined();
    expect(postParams('application/json', json([{ query: '{ a }' }]))).toBeUndefined();
    expect(postParams('application/json', Buffer.from('\uFEFF{"query":"{ a }"}'))).toBeUndefined();
    expect(getParams(new URLSearchParams({ query: '{ a }', variables: '{"x":1}' }))).toEqual({ query: '{ a }', variables: { x: 1 }, operationName: undefined, extensions: undefined });
    expect(getParams(new URLSearchParams({ query: '{ a }', documentId: 'x' }))).toBeUndefined();
    expect(getParams(new URLSearchParams({ query: '{ a }', variables: '[' }))).toBeUndefined();
  });
});

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

describe('prepared operations answer as yoga does', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  /** The lean path's answer twice (the second prepared) and yoga's, with `headers` added. */
  async function threeWays(body: string, headers: Record<string, string> = {}, accept?: string): Promise<Answer[]> {
    const send = async (contentType: string): Promise<Answer> =>
      answer(await fetch(endpoint(), { method: 'POST', headers: { ...fx.headers, ...headers, 'content-type': contentType, ...(accept === undefined ? {} : { accept }) }, body }));
    return [await send('application/json'), await send('application/json'), await send('application/graphql+json')];
  }

  it('data, registry errors, variables errors, warnings and refused fields', async () => {
    const RBAC = '/clusters/root/apis/rbac.authorization.k8s.io/v1';
    const binding = (name: string, role: string) => ({ metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'lean-viewer' }] });
    expect((await fx.call('POST', `${RBAC}/clusterrolebindings`, binding('lean-viewer-access', 'system:kcp:workspace:access'))).status).toBe(201);
    expect((await fx.call('POST', `${RBAC}/namespaces/default/rolebindings`, binding('lean-viewer-view', 'view'))).status).toBe(201);
    expect((await fx.call('POST', CONFIGMAPS('root'), { metadata: { name: 'prepared', labels: { a: 'b' } }, data: { k: 'v' } })).status).toBe(201);
    const viewer = { 'impersonate-user': 'lean-viewer' };
    const PATCH = 'mutation ($p: JSON!) { patchV1ConfigMap(name: "prepared", namespace: "default", patch: $p) { data } }';
    const cases: [body: Record<string, unknown>, headers?: Record<string, string>][] = [
      [{ query: READ, variables: { name: 'prepared' } }],
      [{ query: READ, variables: { name: 'absent' } }],
      [{ query: READ, variables: { name: 'Not A Name' } }],
      [{ query: READ, variables: { name: null } }],
      [{ query: READ, variables: { name: ['x'] } }],
      [{ query: READ, variables: { name: 'prepared' } }, viewer],
      [{ query: '{ v1 { Secrets(namespace: "default") { items { metadata { name } } } ConfigMap(name: "prepared", namespace: "default") { data } } }' }, viewer],
      [{ query: '{ v1 { Namespace(name: "default") { metadata { name } } } }' }, viewer],
      [{ query: PATCH, variables: { p: { bogus: 1, data: { w: 'x' } } } }],
      [{ query: PATCH, variables: { p: { data: { w: 'x' } } } }, viewer],
      [{ query: PATCH, variables: { p: { metadata: { name: 'renamed' } } } }],
      [{ query: 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "prepared" } }) { metadata { name } } }' }],
      [{ query: '{ __schema { queryType { fields { name } } } }' }, viewer],
      [{ query: '{ __type(name: "V1Secret") { name } }' }, viewer],
      [{ query: 'query A { v1 { __typename } } query B { __typename }', operationName: 'A' }],
      // Refused before GraphQL runs: invalid credentials, and a user without access to the workspace.
      [{ query: READ, variables: { name: 'prepared' } }, { authorization: 'Bearer not-a-token' }],
      [{ query: READ, variables: { name: 'prepared' } }, { 'impersonate-user': 'lean-stranger' }],
    ];
    for (const accept of [undefined, 'application/graphql-response+json']) {
      for (const [body, headers] of cases) {
        const [first, prepared, yoga] = await threeWays(JSON.stringify(body), headers, accept);
        expect({ accept, body, headers, answers: [first, prepared] }).toEqual({ accept, body, headers, answers: [yoga, yoga] });
      }
    }
    const [refused] = await threeWays(JSON.stringify(cases[6]?.[0]), viewer);
    expect((JSON.parse(refused?.body ?? '') as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const [warned] = await threeWays(JSON.stringify(cases[8]?.[0]));
    expect(JSON.parse(warned?.body ?? '')).toMatchObject({ extensions: { warnings: ['unknown field "bogus"'] } });
  });

  it('are counted and traced as any request', async () => {
    const scrape = async (): Promise<number> => {
      const text = await (await fetch(`${fx.base}/metrics`, { headers: fx.headers })).text();
      const line = text.split('\n').find((l) => l.startsWith('atoll_apiserver_request_total{') && l.includes('surface="graphql"') && l.includes('verb="post"') && l.includes('code="200"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const body = JSON.stringify({ query: READ, variables: { name: 'prepared' } });
    await threeWays(body);
    const counted = await scrape();
    exporter.reset();
    const res = await fetch(endpoint(), { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(await scrape()).toBe(counted + 1);
    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.find((s) => s.name === name && s.attributes['atoll.resource'] !== 'logicalclusters');
    const server = spans.find((s) => s.name === 'HTTP POST' && s.attributes['atoll.request_id'] === res.headers.get('audit-id'));
    const surface = named('GraphQL');
    const read = spans.find((s) => s.name === 'registry.get' && s.attributes['atoll.resource'] === 'configmaps');
    expect([server, surface, read].map((span) => span !== undefined)).toEqual([true, true, true]);
    expect(server?.attributes['http.response.status_code']).toBe(200);
    expect(surface?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(read?.parentSpanContext?.spanId).toBe(surface?.spanContext().spanId);
  });
});
