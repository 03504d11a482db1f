/**
 * The lean HTTP path (src/graphql/lean-http.ts) answers plain queries and mutations without yoga's
 * Fetch adapter, and must answer exactly as yoga does. yoga takes `application/graphql+json` with
 * the same JSON parser as `application/json`, and ignores query-string parameters it does not
 * know, while the lean path leaves both to yoga: so each request below is sent once down each
 * path, and the two answers must match byte for byte (status, Content-Type and body).
 */
import { describe, expect, it } from 'vitest';
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
