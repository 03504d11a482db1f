/**
 * What a GraphQL client may send, against the real server: the body limit counted as bytes arrive
 * (chunked bodies declare no length) on every path that reads a body — POST, SSE subscriptions,
 * persisted operations — with a 413 PAYLOAD_TOO_LARGE that closes the connection; the same limit
 * on graphql-ws messages (close code 1009); and documents, variables and YAML nested deeper than
 * the limit refused with BAD_REQUEST instead of an internal error.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_GRAPHQL_SETTINGS } from '../../src/graphql/index.js';
import { MAX_NESTING_DEPTH } from '../../src/meta/index.js';
import { postChunked as chunked, type ChunkedAnswer } from '../support/chunked-post.js';
import { useServer, type ServerFixture } from '../support/server-fixture.js';

const NAMESPACE = 'query ($name: String!) { v1 { Namespace(name: $name) { metadata { name } } } }';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-limits-'));
const operations = path.join(dir, 'operations.json');
const NAMESPACE_ID = createHash('sha256').update(NAMESPACE).digest('hex');
fs.writeFileSync(operations, JSON.stringify({ [NAMESPACE_ID]: NAMESPACE }));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fx = useServer();
/** A smaller limit, set by the operator, with persisted operations. */
const SMALL = 64 * 1024;
const small = useServer({ graphql: { ...DEFAULT_GRAPHQL_SETTINGS, persistedOperations: operations, maxBodyBytes: SMALL } });
const LIMIT = DEFAULT_GRAPHQL_SETTINGS.maxBodyBytes;

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

// Keep-alive, so a closed connection is the server's doing.
const keepAlive = new http.Agent({ keepAlive: true });
afterAll(() => keepAlive.destroy());

async function postChunked(server: ServerFixture, body: string, headers: Record<string, string> = {}): Promise<ChunkedAnswer & Answer> {
  const answer = await chunked(`${server.base}/clusters/root/graphql`, keepAlive, body, { ...server.headers, 'content-type': 'application/json', ...headers });
  return answer as ChunkedAnswer & Answer;
}

/** A request body of exactly `size` bytes: a query with a string variable padding it out. */
function bodyOf(size: number, query = '{ __typename }'): string {
  const empty = JSON.stringify({ query, variables: { pad: '' } });
  return JSON.stringify({ query, variables: { pad: 'x'.repeat(size - empty.length) } });
}

/** A POST accepting application/graphql-response+json, which is answered 400 for a document that fails before it runs. */
async function post(body: string): Promise<Answer> {
  const res = await fetch(`${fx.base}/clusters/root/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  return { status: res.status, body: JSON.parse(await res.text()) as Answer['body'] };
}

const codes = (a: Answer): (string | undefined)[] => (a.body.errors ?? []).map((e) => e.extensions?.code);

describe('request body limit', () => {
  it('refuses a chunked body over the limit with 413 PAYLOAD_TOO_LARGE, closes the connection, and keeps serving', async () => {
    const r = await postChunked(fx, bodyOf(2 * LIMIT));
    expect(r.status).toBe(413);
    expect(codes(r)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(r.body.errors?.[0]?.message).toContain(String(LIMIT));
    expect(r.headers.connection).toBe('close');
    // Closed by the server: the rest of the body is not read.
    await r.closed;
    const after = await postChunked(fx, bodyOf(1000));
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual({ __typename: 'Query' });
  });

  it('takes a chunked body of exactly the limit', async () => {
    const r = await postChunked(fx, bodyOf(LIMIT));
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ __typename: 'Query' });
  });

  it('refuses an SSE subscription whose body is over the limit', async () => {
    const r = await postChunked(fx, bodyOf(LIMIT + 1, 'subscription { v1_namespace(name: "default") { type } }'), { accept: 'text/event-stream' });
    expect(r.status).toBe(413);
    expect(codes(r)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('applies the limit the operator set, to persisted operations too', async () => {
    const persisted = (pad: number): string =>
      JSON.stringify({ documentId: NAMESPACE_ID, variables: { name: 'default', pad: 'x'.repeat(pad) } });
    const fits = await postChunked(small, persisted(SMALL - 200));
    expect(fits.status, JSON.stringify(fits.body)).toBe(200);
    expect(fits.body.data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
    const over = await postChunked(small, persisted(SMALL));
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0]?.message).toContain(String(SMALL));
  });

  it('closes a graphql-ws connection whose message is over the limit with 1009 and a reason', async () => {
    const ws = new WebSocket(`${fx.base.replace('http', 'ws')}/clusters/root/graphql`, 'graphql-transport-ws');
    const acked = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: fx.headers.authorization } }));
    await acked;
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: JSON.parse(bodyOf(LIMIT + 1)) as unknown }));
    const { code, reason } = await closed;
    expect(code).toBe(1009);
    expect(reason).toContain(String(LIMIT));
    // Messages up to the limit are fine.
    const client = fx.graphqlClient('root');
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe(JSON.parse(bodyOf(LIMIT - 100)) as { query: string }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result).toEqual({ data: { __typename: 'Query' } });
    await client.dispose();
  });
});

describe('nesting', () => {
  const PATCH = 'mutation ($patch: JSON!) { patchV1ConfigMap(name: "nested", namespace: "default", patch: $patch) { metadata { name } } }';
  const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('refuses a 100,000-deep JSON variable with BAD_REQUEST', async () => {
    expect((await fx.call('POST', '/clusters/root/api/v1/namespaces/default/configmaps', { metadata: { name: 'nested' } })).status).toBe(201);
    const r = await post(`{"query":${JSON.stringify(PATCH)},"variables":{"patch":{"metadata":{"annotations":${deepObject(100_000)}}}}}`);
    expect(codes(r)).toEqual(['BAD_REQUEST']);
    expect(r.body.errors?.[0]?.message).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
  });

  it('refuses documents nested deeper than the limit (values and selections) before parsing them', async () => {
    const list = `mutation { patchV1ConfigMap(name: "nested", namespace: "default", patch: ${'['.repeat(2_000)}${']'.repeat(2_000)}) { metadata { name } } }`;
    const selections = `{ ${'a { '.repeat(2_400)}b${' }'.repeat(2_400)} }`;
    for (const query of [list, selections]) {
      const r = await post(JSON.stringify({ query }));
      expect(r.status).toBe(400);
      expect(codes(r)).toEqual(['BAD_REQUEST']);
      expect(r.body.errors?.[0]?.message).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    const ok = await post(JSON.stringify({ query: '{ v1 { Namespace(name: "default") { metadata { name } } } }' }));
    expect(ok.body.data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
  });

  it('answers applyYaml with an alias bomb or an over-deep document with BAD_REQUEST', async () => {
    const APPLY = 'mutation ($yaml: String!) { applyYaml(yaml: $yaml, fieldManager: "t") }';
    const bomb = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: bomb}',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(',')}]`),
    ].join('\n');
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    for (const [yaml, message] of [[bomb, /alias/i], [deep, /nested deeper than/]] as const) {
      const r = await post(JSON.stringify({ query: APPLY, variables: { yaml } }));
      expect(codes(r)).toEqual(['BAD_REQUEST']);
      expect(r.body.errors?.[0]?.message).toMatch(message);
    }
  });
});
