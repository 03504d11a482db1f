/**
 * The REST surface over real HTTP: routing and isolation, discovery, OpenAPI, verbs, watch
 * streams, tables, and the bad-input cases every client eventually sends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAtoll, type AtollProcess } from '../support/atoll-process.js';

let atoll: AtollProcess;
let dataDir: string;
let base: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-rest-'));
  // Plain HTTP: this suite is about the REST surface's shapes, TLS has its own tests.
  atoll = await startAtoll(['--port', '0', '--data-dir', dataDir, '--plain-http']);
  base = `${atoll.url}/clusters/root`;
});
afterAll(async () => {
  await atoll?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Res {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const init: RequestInit = { method, headers: { ...atoll.headers, 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
  const r = await fetch(url.startsWith('http') ? url : `${base}${url}`, init);
  const text = await r.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (health text, streams)
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('routing and isolation', () => {
  it('serves /version at the root and in a workspace', async () => {
    const v = await call('GET', `${atoll.url}/version`);
    expect(v.body).toMatchObject({ major: '1', minor: '32' });
    expect((await call('GET', '/version')).body).toMatchObject({ minor: '32' });
  });

  it('refuses unknown workspaces with a Status and never falls through to another', async () => {
    for (const ws of ['nope', 'ROOT', 'root:nope', '..', 'root%2F..', 'root%3Aorg', '%E0%A4%A']) {
      const r = await call('GET', `${atoll.url}/clusters/${ws}/api/v1/namespaces`);
      expect([400, 404], ws).toContain(r.status);
      expect(r.body.kind, ws).toBe('Status');
    }
    // Trailing slashes and encoded names reach root itself, never something else.
    expect((await call('GET', `${atoll.url}/clusters/root/api/v1/namespaces/`)).status).toBe(200);
    expect((await call('GET', `${atoll.url}/clusters/%72oot/api/v1/namespaces`)).status).toBe(200);
  });

  it('answers unknown paths and methods with Status errors', async () => {
    expect((await call('GET', '/api/v1/nonsense')).status).toBe(404);
    expect((await call('GET', '/apis/nope.example.com/v1')).status).toBe(404);
    expect((await call('POST', '/api/v1/namespaces/default/configmaps/x', cm('x'))).status).toBe(404);
    const r = await call('POST', '/api', {});
    expect(r.status).toBe(405);
    expect(r.body.reason).toBe('MethodNotAllowed');
  });
});

describe('discovery', () => {
  it('serves legacy discovery documents', async () => {
    expect((await call('GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const core = await call('GET', '/api/v1');
    const resources = core.body.resources as { name: string; shortNames?: string[]; verbs: string[]; namespaced: boolean }[];
    expect(resources.find((r) => r.name === 'configmaps')).toMatchObject({ shortNames: ['cm'], namespaced: true, kind: 'ConfigMap' });
    expect(resources.find((r) => r.name === 'namespaces/status')).toBeDefined();
    expect(resources.find((r) => r.name === 'namespaces/finalize')).toBeDefined();
    const groups = (await call('GET', '/apis')).body.groups as { name: string }[];
    expect(groups.map((g) => g.name)).toContain('rbac.authorization.k8s.io');
    expect((await call('GET', '/apis/rbac.authorization.k8s.io')).body).toMatchObject({ kind: 'APIGroup', preferredVersion: { version: 'v1' } });
  });

  it('serves aggregated discovery with the exact content type kubectl recognises', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const r = await call('GET', '/apis', undefined, { accept });
    expect(r.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const items = r.body.items as { metadata: { name: string }; versions: { resources: { resource: string; scope: string }[] }[] }[];
    const rbac = items.find((i) => i.metadata.name === 'rbac.authorization.k8s.io');
    expect(rbac?.versions[0]?.resources.map((x) => x.resource)).toEqual(expect.arrayContaining(['roles', 'clusterroles']));
    const legacy = await call('GET', '/api', undefined, { accept });
    const core = (legacy.body.items as { versions: { resources: { resource: string; scope: string; subresources?: { subresource: string }[] }[] }[] }[])[0];
    expect(core?.versions[0]?.resources.find((x) => x.resource === 'namespaces')).toMatchObject({ scope: 'Cluster', subresources: [{ subresource: 'status' }, { subresource: 'finalize' }] });
  });
});

describe('OpenAPI v3', () => {
  it('indexes per-group documents under the workspace prefix, with PATCH fieldValidation', async () => {
    const index = (await call('GET', '/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    const entry = index.paths['api/v1'];
    expect(entry?.serverRelativeURL).toMatch(/^\/clusters\/root\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = await call('GET', `${atoll.url}${entry!.serverRelativeURL}`);
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<string, { patch?: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': object } }>;
    const patch = paths['/api/v1/namespaces/{namespace}/configmaps/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'ConfigMap' });
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    const schemas = (doc.body.components as { schemas: Record<string, object> }).schemas;
    expect(schemas['io.k8s.api.core.v1.ConfigMap']).toBeDefined();
    const again = await fetch(`${atoll.url}${entry!.serverRelativeURL}`, { headers: { ...atoll.headers, 'if-none-match': doc.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('links a nested workspace’s documents by its path as clients address it (colons unescaped, as kcp)', async () => {
    const ws = await call('POST', '/apis/tenancy.kcp.io/v1alpha1/workspaces', { metadata: { name: 'linked' } });
    expect(ws.status).toBe(201);
    const prefix = '/clusters/root:linked';
    let index: { paths: Record<string, { serverRelativeURL: string }> } = { paths: {} };
    for (let i = 0; i < 200 && !index.paths['api/v1']; i++) {
      const r = await call('GET', `${atoll.url}${prefix}/openapi/v3`);
      if (r.status === 200) index = r.body as typeof index;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
      // client-go strips the prefix of its own server URL (written with ':') from each link before
      // requesting it under that URL: a link must start with exactly that prefix.
      expect(serverRelativeURL.startsWith(`${prefix}/openapi/v3/${gv}?hash=`), serverRelativeURL).toBe(true);
      const followed = await call('GET', `${atoll.url}${prefix}${serverRelativeURL.slice(prefix.length)}`);
      expect(followed.status, gv).toBe(200);
    }
    expect(Object.keys(index.paths)).toContain('apis/tenancy.kcp.io/v1alpha1');
  });
});

describe('verbs', () => {
  it('creates, reads, lists, replaces, patches and deletes', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', cm('one', { a: '1' }));
    expect(created.status).toBe(201);
    const rv = (created.body.metadata as { resourceVersion: string }).resourceVersion;
    const got = await call('GET', '/api/v1/namespaces/default/configmaps/one');
    expect(got.body).toMatchObject({ kind: 'ConfigMap', data: { a: '1' } });
    const list = await call('GET', '/api/v1/namespaces/default/configmaps');
    expect(list.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    const put = await call('PUT', '/api/v1/namespaces/default/configmaps/one', { ...cm('one', { a: '2' }), metadata: { name: 'one', resourceVersion: rv } });
    expect(put.status).toBe(200);
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/one', { ...cm('one', { a: '3' }), metadata: { name: 'one', resourceVersion: rv } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const merge = await call('PATCH', '/api/v1/namespaces/default/configmaps/one', { data: { b: '2' } }, { 'content-type': 'application/merge-patch+json' });
    expect(merge.body.data).toEqual({ a: '2', b: '2' });
    const del = await call('DELETE', '/api/v1/namespaces/default/configmaps/one');
    expect(del.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'one', kind: 'configmaps' } });
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/one')).status).toBe(404);
  });

  it('accepts YAML bodies and supports dry run', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n';
    const r = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', yaml, { 'content-type': 'application/yaml' });
    expect(r.status).toBe(201);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/from-yaml')).status).toBe(404);
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', yaml, { 'content-type': 'application/yaml' })).status).toBe(201);
    expect((await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=Some', cm('x'))).status).toBe(400);
  });

  it('serves the status subresource separately', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'st' } });
    const ns = (await call('GET', '/api/v1/namespaces/st')).body;
    const r = await call('PUT', '/api/v1/namespaces/st/status', { ...ns, status: { phase: 'Terminating' }, metadata: { ...(ns.metadata as object), labels: { ignored: 'yes' } } });
    expect(r.body.status).toEqual({ phase: 'Terminating' });
    expect((r.body.metadata as { labels?: object }).labels).toBeUndefined();
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/x/status')).status).toBe(404);
  });

  it('deletes collections by selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await call('POST', '/api/v1/namespaces/default/configmaps', { ...cm(n), metadata: { name: n, labels: { dc: n === 'dc3' ? 'keep' : 'go' } } });
    const r = await call('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=dc%3Dgo');
    expect((r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['dc1', 'dc2']);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=dc')).body.items).toHaveLength(1);
  });

  it('returns server-side tables', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('tbl', { a: '1', b: '2' }));
    const r = await call('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dtbl', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(r.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const cols = (r.body.columnDefinitions as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['Name', 'Data', 'Age']);
    const row = (r.body.rows as { cells: unknown[]; object: { kind: string } }[])[0];
    expect(row?.cells.slice(0, 2)).toEqual(['tbl', 2]);
    expect(row?.object.kind).toBe('PartialObjectMetadata');
  });
});

describe('watch', () => {
  it('streams newline-delimited events from a resourceVersion', async () => {
    const list = await call('GET', '/api/v1/namespaces/default/configmaps');
    const rv = (list.body.metadata as { resourceVersion: string }).resourceVersion;
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, { headers: atoll.headers, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('watched'));
    let buf = '';
    while (!buf.includes('\n')) {
      const { value } = await reader.read();
      buf += new TextDecoder().decode(value);
    }
    const event = JSON.parse(buf.split('\n')[0] as string) as { type: string; object: { metadata: { name: string } } };
    expect(event.type).toBe('ADDED');
    expect(event.object.metadata.name).toBe('watched');
    controller.abort();
  });

});

describe('bad input', () => {
  it('rejects malformed JSON and YAML with 400 and writes nothing', async () => {
    const before = (await call('GET', '/api/v1/namespaces/default/configmaps')).body.items as unknown[];
    const badJson = await call('POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {"name": "x"', {});
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    const badYaml = await call('POST', '/api/v1/namespaces/default/configmaps', 'metadata:\n  name: [unclosed\n', { 'content-type': 'application/yaml' });
    expect(badYaml.status).toBe(400);
    const twoDocs = await call('POST', '/api/v1/namespaces/default/configmaps', 'a: 1\n---\nb: 2\n', { 'content-type': 'application/yaml' });
    expect(twoDocs.status).toBe(400);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps')).body.items).toHaveLength(before.length);
  });

  it('rejects a wrong kind, a name mismatch, unknown fields in Strict mode and unknown media types', async () => {
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'k' } })).status).toBe(400);
    expect((await call('PUT', '/api/v1/namespaces/default/configmaps/tbl', cm('other'))).status).toBe(400);
    const strict = await call('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { ...cm('strict'), extra: true });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain('unknown field "extra"');
    const warned = await call('POST', '/api/v1/namespaces/default/configmaps', { ...cm('warned'), extra: true });
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"extra\\""');
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('refuses bodies over 3 MiB with 413', async () => {
    const big = JSON.stringify(cm('big', { x: 'y'.repeat(3 * 1024 * 1024) }));
    const r = await call('POST', '/api/v1/namespaces/default/configmaps', big);
    expect(r.status).toBe(413);
    expect(r.body.reason).toBe('RequestEntityTooLarge');
  });

  it('refuses invalid objects with 422 and field causes', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/configmaps', cm('Bad!'));
    expect(r.status).toBe(422);
    expect((r.body.details as { causes: { field: string }[] }).causes[0]?.field).toBe('metadata.name');
  });

  it('refuses bad selectors, limits and resourceVersions with 400', async () => {
    for (const q of ['labelSelector=a%20in%20(', 'fieldSelector=data.x%3D1', 'limit=-3', 'resourceVersion=abc', 'continue=garbage', 'limit=abc']) {
      const r = await call('GET', `/api/v1/namespaces/default/configmaps?${q}`);
      expect(r.status, q).toBe(400);
    }
  });
});
