/**
 * Persisted operations against the real server (`graphql.persistedOperations`, a JSON file of
 * id → document): run by Apollo-style `extensions.persistedQuery.sha256Hash` or by `documentId`,
 * over POST, GET and graphql-ws; an unknown id fails with PERSISTED_QUERY_NOT_FOUND. Alongside
 * arbitrary documents by default; with `graphql.onlyPersisted`, any document of the client's own
 * (introspection included) fails with PERSISTED_QUERY_REQUIRED. A file that is not a valid list
 * stops the server from starting.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PERSISTED_QUERY_NOT_FOUND, PERSISTED_QUERY_REQUIRED, PersistedOperations } from '../../plugins/persisted-operations.js';
import { runAtoll } from '../support/atoll-process.js';
import { DEFAULT_GRAPHQL_SETTINGS } from '../../src/graphql/index.js';
import { useServer, type ServerFixture } from '../support/server-fixture.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const NAMESPACES = '{ v1 { Namespaces { items { metadata { name } } } } }';
const NAMESPACE = 'query Namespace($name: String!) { v1 { Namespace(name: $name) { metadata { name } } } }';
const WATCH = 'subscription { v1_namespace(name: "default") { type object { metadata { name } } } }';
const CREATE = 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "persisted" } }) { metadata { name } } }';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-persisted-'));
const file = path.join(dir, 'operations.json');
fs.writeFileSync(
  file,
  JSON.stringify({ [sha256(NAMESPACES)]: NAMESPACES, [`sha256:${sha256(NAMESPACE)}`]: NAMESPACE, 'watch-default': WATCH, 'create-configmap': CREATE }),
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const mixed = useServer({ graphql: { ...DEFAULT_GRAPHQL_SETTINGS, persistedOperations: file } });
const only = useServer({ graphql: { ...DEFAULT_GRAPHQL_SETTINGS, persistedOperations: file, onlyPersisted: true } });

interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const apollo = (hash: string): { persistedQuery: { version: 1; sha256Hash: string } } => ({ persistedQuery: { version: 1, sha256Hash: hash } });

async function post(fx: ServerFixture, body: Record<string, unknown>): Promise<{ status: number; body: GraphQLReply }> {
  const res = await fetch(`${fx.base}/clusters/root/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as GraphQLReply };
}

async function get(fx: ServerFixture, params: Record<string, string>): Promise<{ status: number; body: GraphQLReply }> {
  const res = await fetch(`${fx.base}/clusters/root/graphql?${new URLSearchParams(params).toString()}`, { headers: { ...fx.headers, accept: 'application/graphql-response+json' } });
  return { status: res.status, body: (await res.json()) as GraphQLReply };
}

/** The first payload of a graphql-ws operation, or the errors it failed with. */
async function overWebSocket(fx: ServerFixture, payload: { query: string; extensions?: Record<string, unknown> }): Promise<GraphQLReply> {
  const client = fx.graphqlClient('root');
  try {
    return await new Promise<GraphQLReply>((resolve, reject) => {
      const stop = client.subscribe(payload, {
        next: (r) => {
          stop();
          resolve(r as GraphQLReply);
        },
        error: (err) => (Array.isArray(err) ? resolve({ errors: err as GraphQLReply['errors'] }) : reject(err)),
        complete: () => resolve({}),
      });
    });
  } finally {
    await client.dispose();
  }
}

/** Root's namespaces: `default`, and `kcp-system`, which holds the system exports' identity secrets. */
const ROOT_NAMESPACES = { data: { v1: { Namespaces: { items: [{ metadata: { name: 'default' } }, { metadata: { name: 'kcp-system' } }] } } } };
const codes = (r: GraphQLReply): (string | undefined)[] => (r.errors ?? []).map((e) => e.extensions?.code);

describe('persisted operations next to arbitrary documents', () => {
  it('runs an operation by its Apollo-style sha256Hash, POST and GET', async () => {
    expect(await post(mixed, { extensions: apollo(sha256(NAMESPACES)) })).toEqual({ status: 200, body: ROOT_NAMESPACES });
    expect(await get(mixed, { extensions: JSON.stringify(apollo(sha256(NAMESPACES))) })).toEqual({ status: 200, body: ROOT_NAMESPACES });
  });

  it('runs an operation by documentId, with or without the sha256: prefix, with variables', async () => {
    const expected = { status: 200, body: { data: { v1: { Namespace: { metadata: { name: 'default' } } } } } };
    const variables = { name: 'default' };
    expect(await post(mixed, { documentId: `sha256:${sha256(NAMESPACE)}`, variables })).toEqual(expected);
    expect(await post(mixed, { documentId: sha256(NAMESPACE), variables, operationName: 'Namespace' })).toEqual(expected);
    expect(await get(mixed, { documentId: `sha256:${sha256(NAMESPACE)}`, variables: JSON.stringify(variables) })).toEqual(expected);
    expect(await post(mixed, { extensions: apollo(sha256(NAMESPACE)), variables })).toEqual(expected);
  });

  it('refuses an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    for (const reply of [await post(mixed, { extensions: apollo(sha256('{ nope }')) }), await post(mixed, { documentId: 'nope' }), await get(mixed, { documentId: 'nope' })]) {
      expect(reply.status).toBe(404);
      expect(codes(reply.body)).toEqual([PERSISTED_QUERY_NOT_FOUND]);
      expect(reply.body.errors?.[0]?.message).toMatch(/^no persisted operation has the id "/);
      expect(reply.body.data).toBeUndefined();
    }
  });

  it('keeps GET for queries: a persisted mutation must be POSTed', async () => {
    expect((await get(mixed, { documentId: 'create-configmap' })).status).toBe(405);
    expect((await post(mixed, { documentId: 'create-configmap' })).body).toEqual({ data: { createV1ConfigMap: { metadata: { name: 'persisted' } } } });
  });

  it('still runs documents sent in full, and says what is missing when there is neither', async () => {
    expect(await post(mixed, { query: NAMESPACES })).toEqual({ status: 200, body: ROOT_NAMESPACES });
    const neither = await post(mixed, { variables: {} });
    expect(neither.status).toBe(400);
    expect(codes(neither.body)).toEqual(['BAD_REQUEST']);
    expect(neither.body.errors?.[0]?.message).toContain('neither a query nor the id of a persisted operation');
  });

  it('runs persisted subscriptions over graphql-ws, and arbitrary ones too', async () => {
    const event = { data: { v1_namespace: { type: 'ADDED', object: { metadata: { name: 'default' } } } } };
    expect(await overWebSocket(mixed, { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'watch-default' } } })).toEqual(event);
    expect(await overWebSocket(mixed, { query: WATCH })).toEqual(event);
    const unknown = await overWebSocket(mixed, { query: '', extensions: apollo('nope') });
    expect(unknown.errors).toEqual([{ message: 'no persisted operation has the id "nope"', extensions: { code: PERSISTED_QUERY_NOT_FOUND } }]);
  });
});

describe('only persisted operations', () => {
  it('runs the listed operations', async () => {
    expect(await post(only, { extensions: apollo(sha256(NAMESPACES)) })).toEqual({ status: 200, body: ROOT_NAMESPACES });
    expect(await get(only, { documentId: sha256(NAMESPACES) })).toEqual({ status: 200, body: ROOT_NAMESPACES });
  });

  it('refuses every other document, introspection included, over HTTP and graphql-ws', async () => {
    for (const reply of [
      await post(only, { query: NAMESPACES }),
      await post(only, { query: '{ __schema { queryType { name } } }' }),
      await get(only, { query: NAMESPACES }),
      // A listed document sent in full is still a document of the client's own.
      await post(only, { query: NAMESPACES, extensions: apollo(sha256(NAMESPACES)) }),
      await post(only, {}),
    ]) {
      expect(reply.status).toBe(400);
      expect(codes(reply.body)).toEqual([PERSISTED_QUERY_REQUIRED]);
      expect(reply.body.data).toBeUndefined();
    }
    expect((await post(only, { query: NAMESPACES })).body.errors?.[0]?.message).toContain('persisted operations only');
    expect(codes(await overWebSocket(only, { query: WATCH }))).toEqual([PERSISTED_QUERY_REQUIRED]);
    expect((await overWebSocket(only, { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'watch-default' } } })).data).toBeDefined();
  });
});

describe('the operations file', () => {
  it('must be a JSON object of parseable documents', () => {
    expect(PersistedOperations.parse('{"a": "{ __typename }"}').size).toBe(1);
    expect(() => PersistedOperations.parse('[]', 'ops.json')).toThrow('ops.json: expected a JSON object of id → GraphQL document');
    expect(() => PersistedOperations.parse('{', 'ops.json')).toThrow(/^ops\.json: not JSON/);
    expect(() => PersistedOperations.parse('{"a": 1}', 'ops.json')).toThrow('ops.json: the operation "a" is not a string');
    expect(() => PersistedOperations.parse('{"a": "{"}', 'ops.json')).toThrow(/^ops\.json: the operation "a" does not parse: Syntax Error/);
  });

  it('stops the server from starting when missing or invalid', async () => {
    expect(() => PersistedOperations.load(path.join(dir, 'missing.json'))).toThrow(/^cannot read the persisted operations file .*missing\.json: ENOENT/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"a": "query {"}');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-persisted-bad-'));
    try {
      const run = await runAtoll(['--port', '0', '--data-dir', dataDir], { ATOLL_GRAPHQL_PERSISTED_OPERATIONS: path.join(dir, 'bad.json') });
      expect(run.code).toBe(1);
      expect(run.output).toContain('bad.json: the operation \\"a\\" does not parse');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
