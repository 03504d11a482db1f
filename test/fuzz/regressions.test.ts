/**
 * The counterexamples the fuzz suites (rest-bodies, graphql-documents) found, shrunk to plain
 * requests and kept as tests: each was answered 5xx or without a clear error before its fix.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();
const NAMESPACES = '/clusters/root/api/v1/namespaces';

describe('REST', () => {
  it('refuses a Namespace whose spec.finalizers is not a list with 422 Invalid, not 500', async () => {
    for (const finalizers of [98980792, 'kubernetes', { a: 'b' }]) {
      const r = await fx.call('POST', NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'fz-' }, spec: { finalizers } });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
      expect(r.body.message).toContain('spec.finalizers');
    }
    const spec = await fx.call('POST', NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'fz-' }, spec: 'x' });
    expect(spec.status, JSON.stringify(spec.body)).toBe(422);
  });

  it('refuses a generateName that is not a string with 422 Invalid, not 500 (JSON, and YAML where a number is easily written)', async () => {
    for (const generateName of [5, ['a-'], { a: 'b' }, true]) {
      const r = await fx.call('POST', NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName } });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
      expect(r.body.message).toContain('metadata.generateName');
    }
    const yaml = await fx.call('POST', '/clusters/root/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: -5e-324}\n', 'application/yaml');
    expect(yaml.status, JSON.stringify(yaml.body)).toBe(422);
  });

  it('refuses metadata lists and maps of the wrong type with 422 before a strategy or admission builds on them (no 500, no silent repair)', async () => {
    const WORKSPACES = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces';
    for (const [field, value] of [['finalizers', false], ['finalizers', 'x'], ['annotations', 'x'], ['annotations', ['a']]] as const) {
      const r = await fx.call('POST', WORKSPACES, { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { generateName: 'fz-', [field]: value } });
      expect(r.status, `${field}: ${JSON.stringify(value)}: ${JSON.stringify(r.body)}`).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
      expect(r.body.message).toContain(`metadata.${field}`);
    }
  });

  it('sends a warning about a field named outside Latin-1 or with control characters with escapes, instead of failing the write with 500', async () => {
    const res = await fx.fetch(`${fx.base}/clusters/root/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warn-utf8', 'Ā😀': '', 'a\u0001b': '' } }),
    });
    expect(res.status, await res.text()).toBe(201);
    // A header value reaches fetch as one character per byte: the bytes are UTF-8.
    expect(res.headers.get('warning')).toBe(String.raw`299 - "unknown field \"metadata.\\u0100\\ud83d\\ude00\"", 299 - "unknown field \"metadata.a\\u0001b\""`);
    expect((await fx.call('GET', '/clusters/root/api/v1/namespaces/default/configmaps/warn-utf8')).status).toBe(200);
  });

  it('refuses a kind, apiVersion or name that is an object which cannot be made a string with 400 BadRequest, not 500', async () => {
    for (const field of ['kind', 'apiVersion']) {
      const r = await fx.call('POST', NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'fz-' }, [field]: { toString: '' } });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.message).toContain('{"toString":""}');
    }
    // The name: on a create it is of the wrong type (422); on an update and an apply it is compared with the URL's.
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: { toString: '' } } };
    const created = await fx.call('POST', NAMESPACES, body);
    expect(created.status, JSON.stringify(created.body)).toBe(422);
    const generated = await fx.call('POST', NAMESPACES, { ...body, metadata: { generateName: { toString: '' } } });
    expect(generated.status, JSON.stringify(generated.body)).toBe(422);
    const put = await fx.call('PUT', `${NAMESPACES}/default`, body);
    expect(put.status, JSON.stringify(put.body)).toBe(400);
    expect(put.body.message).toBe('the name of the object ({"toString":""}) does not match the name on the URL (default)');
    const apply = await fx.call('PATCH', `${NAMESPACES}/default?fieldManager=fz`, body, 'application/apply-patch+yaml');
    expect(apply.status, JSON.stringify(apply.body)).toBe(400);
  });

  it('refuses a Workspace whose spec or spec.type has the wrong shape with 422 before admission defaults the type (no 500, no silent repair)', async () => {
    const WORKSPACES = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces';
    for (const spec of [{ type: { path: true } }, { type: { name: 5 } }, { type: 'universal' }, 'abc', ['a']]) {
      const r = await fx.call('POST', WORKSPACES, { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { generateName: 'fz-' }, spec });
      expect(r.status, `${JSON.stringify(spec)}: ${JSON.stringify(r.body)}`).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
      expect(r.body.message).toContain('spec');
    }
  });

  it('refuses a continue token that decodes to JSON null with 400 BadRequest, not 500', async () => {
    for (const token of [Buffer.from('null').toString('base64url'), Buffer.from('7').toString('base64url'), Buffer.from('"x"').toString('base64url')]) {
      const r = await fx.call('GET', `${NAMESPACES}?limit=1&continue=${token}`);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'continue key is not valid: malformed token' });
    }
  });
});

describe('GraphQL', () => {
  const GRAPHQL = '/clusters/root/graphql';
  type Result = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  async function post(body: string, headers: Record<string, string>): Promise<{ status: number; type: string | null; result: Result }> {
    const res = await fx.fetch(`${fx.base}${GRAPHQL}`, { method: 'POST', headers: { ...fx.headers, ...headers }, body });
    return { status: res.status, type: res.headers.get('content-type'), result: (await res.json()) as Result };
  }
  const TYPENAME = JSON.stringify({ query: '{ __typename }' });

  it('answers a multipart/form-data body that is no multipart form with a coded 4xx, not 500', async () => {
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
      const r = await post(TYPENAME, { 'content-type': type });
      expect(r.status, JSON.stringify(r.result)).toBe(415);
      expect(r.result.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
  });

  it('answers a body of an unknown media type with 415 and a coded error that names the accepted ones', async () => {
    for (const type of ['text/plain', ';;;==']) {
      const r = await post(TYPENAME, { 'content-type': type });
      expect(r.status).toBe(415);
      expect(r.type).toMatch(/^application\/json/);
      expect(r.result.errors).toEqual([{ message: expect.stringContaining('application/json') as unknown, extensions: { code: 'BAD_REQUEST' } }]);
    }
  });

  it('answers an Accept it cannot satisfy with 406 and a coded error, and a subscription asked for as JSON likewise', async () => {
    const xml = await post(TYPENAME, { 'content-type': 'application/json', accept: 'application/xml' });
    expect(xml.status).toBe(406);
    expect(xml.result.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const subscription = await post(JSON.stringify({ query: 'subscription { v1_configmaps(namespace: "default") { type } }' }), { 'content-type': 'application/json', accept: 'application/json' });
    expect(subscription.status).toBe(406);
    expect(subscription.result.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(subscription.result.errors?.[0]?.message).toContain('text/event-stream');
  });

  it('gives the refusals of the query limits, and of other validation rules that throw a GRAPHQL_VALIDATION_FAILED code, over HTTP and graphql-ws', async () => {
    const documents = [
      `{ ${'__typename @include(if: true) '.repeat(21)}}`,
      `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: v1 { __typename }`).join(' ')} }`,
      'subscription { v1_configmaps(namespace: "default") @skip { type } }',
    ];
    for (const query of documents) {
      const r = await post(JSON.stringify({ query }), { 'content-type': 'application/json' });
      expect(r.status, query).toBeLessThan(500);
      expect(r.result.errors?.map((e) => e.extensions?.code), query).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
    const client = fx.graphqlClient('root');
    try {
      for (const query of documents) {
        const errors = await new Promise<unknown>((resolve) => client.subscribe({ query }, { next: (r) => resolve(r.errors), error: resolve, complete: () => resolve('completed') }));
        expect(errors, query).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) as unknown })]);
      }
    } finally {
      await client.dispose();
    }
  });
});
