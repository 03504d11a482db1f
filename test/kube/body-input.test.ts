/**
 * Hostile REST bodies against the real server: YAML alias bombs, documents nested far deeper
 * than any Kubernetes object (JSON, YAML, protobuf, and a JSON patch that builds one), and
 * malformed Content-Types are refused with a clear 400 or 415 Status, never a 500, and the
 * server keeps answering.
 */
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../../src/meta/index.js';
import { establish, WIDGETS, widgetCrd } from '../crd/fixtures.js';
import { encodeBody } from './fixtures/protobuf/cases.js';
import { postChunked } from '../support/chunked-post.js';
import { CONFIGMAPS, useServer, type Reply } from '../support/server-fixture.js';

const fx = useServer();

async function send(method: string, path: string, body: string | Uint8Array, contentType: string): Promise<Reply> {
  const res = await fx.fetch(`${fx.base}${path}`, { method, headers: { ...fx.headers, 'content-type': contentType }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Reply['body'] };
}

/** Still serving: a plain create works after the hostile request. */
async function expectHealthy(name: string): Promise<void> {
  const r = await fx.call('POST', CONFIGMAPS('root'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const configMapWith = (name: string, field: string): string => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"x":${field}}`;

const ALIAS_BOMB = `apiVersion: v1
kind: ConfigMap
metadata: {name: bomb}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;

describe('body size', () => {
  it('refuses a chunked body over 3 MiB with 413 once the limit is passed, and closes the connection', async () => {
    const agent = new http.Agent({ keepAlive: true });
    afterAll(() => agent.destroy());
    const body = configMapWith('huge', JSON.stringify('x'.repeat(4 * 1024 * 1024)));
    const r = await postChunked(`${fx.base}${CONFIGMAPS('root')}`, agent, body, { ...fx.headers, 'content-type': 'application/json' });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'request entity too large: limit is 3145728' });
    expect(r.headers.connection).toBe('close');
    await r.closed;
    await expectHealthy('after-huge');
  });
});

describe('YAML alias bombs', () => {
  it('are refused with 400 BadRequest, as a create body and as an apply patch', async () => {
    const created = await send('POST', CONFIGMAPS('root'), ALIAS_BOMB, 'application/yaml');
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    expect(created.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(created.body.message).toMatch(/alias/i);
    const applied = await send('PATCH', `${CONFIGMAPS('root')}/bomb?fieldManager=t`, ALIAS_BOMB, 'application/apply-patch+yaml');
    expect(applied.status).toBe(400);
    expect(applied.body.message).toMatch(/alias/i);
    await expectHealthy('after-bomb');
  });
});

describe('nesting', () => {
  it('refuses a 100,000-deep JSON array or object with 400 BadRequest', async () => {
    for (const [name, field] of [['arr', deepArray(100_000)], ['obj', deepObject(100_000)]] as const) {
      const r = await send('POST', CONFIGMAPS('root'), configMapWith(name, field), 'application/json');
      expect(r.status, name).toBe(400);
      expect(r.body.reason).toBe('BadRequest');
      expect(r.body.message).toBe(`the request body is nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`);
    }
    await expectHealthy('after-deep-json');
  });

  it('refuses over-deep YAML (flow and block) before parsing it, and keeps serving YAML', async () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flow}\nx: ${deepArray(100_000)}\n`;
    const block = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: block}\nx:\n${Array.from({ length: MAX_NESTING_DEPTH + 1 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}1\n`;
    for (const yaml of [flow, block, flow]) {
      const r = await send('POST', CONFIGMAPS('root'), yaml, 'application/yaml');
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    const fine = await send('POST', CONFIGMAPS('root'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yaml-ok}\ndata: {a: "b c"}\n', 'application/yaml');
    expect(fine.status).toBe(201);
  });

  it('refuses an over-deep protobuf body (managedFields carry raw JSON)', async () => {
    const body = encodeBody('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', {
      metadata: { name: 'pb', managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from(deepObject(10_000)) } }] },
    });
    const r = await send('POST', CONFIGMAPS('root'), body, 'application/vnd.kubernetes.protobuf');
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch('nested deeper than');
  });

  it('counts levels exactly: a body nested MAX_NESTING_DEPTH deep is taken, one level more is not', async () => {
    // The object is one level, so its field x holds one level less.
    const ok = await send('POST', CONFIGMAPS('root'), configMapWith('at-limit', deepArray(MAX_NESTING_DEPTH - 1)), 'application/json');
    expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(201);
    const over = await send('POST', CONFIGMAPS('root'), configMapWith('over-limit', deepArray(MAX_NESTING_DEPTH)), 'application/json');
    expect(over.status).toBe(400);
  });

  it('refuses a JSON patch whose operations together nest the object too deep', async () => {
    await establish(fx, 'root', widgetCrd());
    const created = await fx.call('POST', WIDGETS('root'), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'deep' }, spec: { extra: {} } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // Each operation alone is shallow enough; each one replaces the innermost value of the last.
    const levels = Math.floor(MAX_NESTING_DEPTH / 2);
    const value = JSON.parse(deepObject(levels)) as unknown;
    const ops = [0, 1, 2].map((i) => ({ op: 'replace', path: `/spec/extra${'/a'.repeat(i * levels)}`, value }));
    const r = await send('PATCH', `${WIDGETS('root')}/deep`, JSON.stringify(ops), 'application/json-patch+json');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(`the patched object is nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`);
    expect((await fx.call('GET', `${WIDGETS('root')}/deep`)).body.spec).toMatchObject({ extra: {} });
  });
});

describe('Content-Type', () => {
  it('answers a malformed or unsupported media type with 415, as the apiserver does', async () => {
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ct' } });
    for (const type of [';;;==', 'application/json;;;==', 'application/json; charset', 'application/json; a=1; a=2', '/json', 'application/', 'text/plain']) {
      const r = await send('POST', CONFIGMAPS('root'), cm, type);
      expect(r.status, type).toBe(415);
      expect(r.body.reason, type).toBe('UnsupportedMediaType');
    }
    // DeleteOptions bodies are negotiated the same way.
    expect((await send('DELETE', `${CONFIGMAPS('root')}/after-bomb`, '{}', ';;;==')).status).toBe(415);
    // Parameters, case and a trailing semicolon are fine, as they are for Go's mime.ParseMediaType.
    for (const [i, type] of ['application/json; charset=utf-8', 'Application/JSON;charset="utf-8"', 'application/json;'].entries()) {
      const r = await send('POST', CONFIGMAPS('root'), cm.replace('"ct"', `"ct${i}"`), type);
      expect(r.status, type).toBe(201);
    }
  });
});
