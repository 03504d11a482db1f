/**
 * OpenAPI v2 over real HTTP: the JSON document (what kubectl needs of it: definitions keyed and
 * tagged as Kubernetes does, PATCH parameters, no v3-only shapes, no dangling references), the
 * protobuf form decoded with protobufjs and compared with the JSON, ETags and 304s, and a nested
 * workspace's CRD. kubectl itself reads it in kubectl-openapi-v2.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { v2Schema } from '../../src/kube/openapi-v2.js';
import { OPENAPI_V2_PROTO } from '../../src/kube/openapi-v2-proto.js';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Obj = Record<string, unknown>;
interface V2Doc {
  swagger: string;
  info: Obj;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; 'x-kubernetes-group-version-kind'?: Obj; consumes?: string[] }>>;
  definitions: Record<string, Obj>;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-openapi-v2-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'reader-token,reader,2001\nstranger-token,stranger,2002\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return fx.fetch(`${fx.base}${path}`, { method, headers: { ...fx.headers, ...headers } });
}

async function jsonDoc(path: string): Promise<V2Doc> {
  const r = await get(path);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/json');
  return (await r.json()) as V2Doc;
}

/** Every `$ref` below `node`. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

/** Every key used below `node`, so a v3-only keyword anywhere shows. */
function keys(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keys(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      // Property names and extension values are data, not keywords.
      if (k === 'properties' && v && typeof v === 'object') Object.values(v).forEach((p) => keys(p, out));
      else if (!k.startsWith('x-')) keys(v, out);
    }
  }
  return out;
}

// The decoded protobuf message back as OpenAPI v2 JSON, written independently of the encoder:
// gnostic's messages as the OpenAPI v2 specification maps them.
const value = (any: Obj | undefined): unknown => parseYaml(String(any?.yaml ?? ''));
const named = <T>(list: unknown, f: (v: Obj) => T): Record<string, T> =>
  Object.fromEntries(((list as { name: string; value: Obj }[] | undefined) ?? []).map((n) => [n.name, f(n.value)]));
const withExtensions = (out: Obj, m: Obj): Obj => ({ ...out, ...named(m.vendor_extension, value) });
const SCALAR_KEYWORDS: [string, string][] = [
  ['format', 'format'], ['title', 'title'], ['description', 'description'], ['multiple_of', 'multipleOf'], ['maximum', 'maximum'],
  ['exclusive_maximum', 'exclusiveMaximum'], ['minimum', 'minimum'], ['exclusive_minimum', 'exclusiveMinimum'], ['max_length', 'maxLength'],
  ['min_length', 'minLength'], ['pattern', 'pattern'], ['max_items', 'maxItems'], ['min_items', 'minItems'], ['unique_items', 'uniqueItems'],
  ['max_properties', 'maxProperties'], ['min_properties', 'minProperties'], ['required', 'required'], ['discriminator', 'discriminator'], ['read_only', 'readOnly'],
];

function schemaJson(m: Obj): Obj {
  const out: Obj = {};
  if (m._ref !== undefined) out.$ref = m._ref;
  for (const [field, key] of SCALAR_KEYWORDS) if (m[field] !== undefined) out[key] = m[field];
  const type = (m.type as { value?: string[] } | undefined)?.value;
  if (type?.length) out.type = type[0];
  const items = (m.items as { schema?: Obj[] } | undefined)?.schema;
  if (items?.[0]) out.items = schemaJson(items[0]);
  if (m.properties) out.properties = named((m.properties as Obj).additional_properties, schemaJson);
  const ap = m.additional_properties as { schema?: Obj; boolean?: boolean } | undefined;
  if (ap) out.additionalProperties = ap.schema ? schemaJson(ap.schema) : ap.boolean === true;
  if (m.all_of) out.allOf = (m.all_of as Obj[]).map(schemaJson);
  if (m.default) out.default = value(m.default as Obj);
  if (m.example) out.example = value(m.example as Obj);
  if (m.enum) out.enum = (m.enum as Obj[]).map(value);
  if (m.external_docs) out.externalDocs = m.external_docs;
  return withExtensions(out, m);
}

function parameterJson(item: Obj): Obj {
  const p = item.parameter as { body_parameter?: Obj; non_body_parameter?: Record<string, Obj> };
  if (p.body_parameter) {
    const { schema, ...rest } = p.body_parameter;
    return { ...rest, schema: schemaJson(schema as Obj) };
  }
  const sub = Object.values(p.non_body_parameter ?? {})[0] ?? {};
  const { unique_items, ...rest } = sub;
  return { ...rest, ...(unique_items === undefined ? {} : { uniqueItems: unique_items }) };
}

function operationJson(m: Obj): Obj {
  const out: Obj = { description: m.description, consumes: m.consumes, produces: m.produces, schemes: m.schemes, tags: m.tags, operationId: m.operation_id };
  if (m.parameters) out.parameters = (m.parameters as Obj[]).map(parameterJson);
  out.responses = named((m.responses as Obj).response_code, (v) => {
    const r = v.response as { description: string; schema?: { schema: Obj } };
    return { description: r.description, ...(r.schema ? { schema: schemaJson(r.schema.schema) } : {}) };
  });
  return withExtensions(out, m);
}

function documentJson(m: Obj): Obj {
  return {
    swagger: m.swagger,
    info: m.info,
    paths: named((m.paths as Obj).path, (item) => {
      const out: Obj = {};
      for (const verb of ['get', 'put', 'post', 'delete', 'patch']) if (item[verb]) out[verb] = operationJson(item[verb] as Obj);
      if (item.parameters) out.parameters = (item.parameters as Obj[]).map(parameterJson);
      return out;
    }),
    definitions: named((m.definitions as Obj).additional_properties, schemaJson),
  };
}

const documentType = protobuf.parse(OPENAPI_V2_PROTO, { keepCase: true }).root.lookupType('openapi.v2.Document');

describe('OpenAPI v2', () => {
  it('serves the built-ins as Kubernetes names and tags them, with the PATCH parameters kubectl checks', async () => {
    const doc = await jsonDoc('/clusters/root/openapi/v2');
    expect(doc.swagger).toBe('2.0');
    const configMap = doc.definitions['io.k8s.api.core.v1.ConfigMap'];
    expect(configMap?.['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'ConfigMap' }]);
    expect(doc.definitions['io.k8s.api.rbac.v1.Role']).toBeDefined();
    const patch = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'ConfigMap' });
    expect(patch?.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']));
    expect(patch?.consumes).toContain('application/strategic-merge-patch+json');
    // A patch strategy, which client-side apply's strategic merge reads.
    const meta = doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] as { properties: Record<string, Obj> };
    expect(meta.properties.ownerReferences).toMatchObject({ 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge' });
    // Quantity: v2 has no oneOf, so a string as in Kubernetes' own v2 document.
    expect(doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
  });

  it('refers only to definitions it holds, and uses no OpenAPI v3 keyword', async () => {
    const doc = await jsonDoc('/clusters/root/openapi/v2');
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(100);
    for (const ref of all) {
      expect(ref.startsWith('#/definitions/'), ref).toBe(true);
      expect(doc.definitions[ref.slice('#/definitions/'.length)], ref).toBeDefined();
    }
    const used = keys(doc);
    for (const v3 of ['oneOf', 'anyOf', 'not', 'nullable', 'components', 'requestBody', 'content', 'openapi']) expect(used.has(v3), v3).toBe(false);
  });

  it('encodes the same document as protobuf (gnostic openapi.v2.Document), decoded here with protobufjs', async () => {
    const json = await jsonDoc('/clusters/root/openapi/v2');
    const r = await get('/clusters/root/openapi/v2', { accept: `${PROTOBUF},application/json` });
    expect(r.status).toBe(200);
    // Go's mime parser (client-go reads every Content-Type with it) refuses '@': the dotted spelling, as kube-openapi sends.
    expect(r.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const bytes = new Uint8Array(await r.arrayBuffer());
    const decoded = documentType.toObject(documentType.decode(bytes), { longs: Number }) as Obj;
    expect(documentJson(decoded)).toEqual(json);
  });

  it('answers If-None-Match with 304, each form with its own ETag, and HEAD without a body', async () => {
    const path = '/clusters/root/openapi/v2';
    const first = await get(path);
    const jsonTag = first.headers.get('etag');
    expect(jsonTag).toMatch(/^"[0-9A-F]{64}"$/);
    expect(first.headers.get('vary')).toBe('Accept');
    expect((await get(path, { 'if-none-match': jsonTag ?? '' })).status).toBe(304);
    const pb = await get(path, { accept: PROTOBUF });
    const pbTag = pb.headers.get('etag');
    expect(pbTag).not.toBe(jsonTag);
    expect((await get(path, { accept: PROTOBUF, 'if-none-match': pbTag ?? '' })).status).toBe(304);
    // The JSON tag does not stand for the protobuf bytes.
    expect((await get(path, { accept: PROTOBUF, 'if-none-match': jsonTag ?? '' })).status).toBe(200);
    const head = await get(path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses what it cannot produce and verbs other than GET', async () => {
    const r = await get('/clusters/root/openapi/v2', { accept: 'text/plain' });
    expect(r.status).toBe(406);
    expect(await r.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
    const post = await fx.fetch(`${fx.base}/clusters/root/openapi/v2`, { method: 'POST', headers: fx.headers, body: '{}' });
    expect(post.status).toBe(405);
  });

  it('is authorized as OpenAPI v3 is: anyone who may enter the workspace reads it, nobody else', async () => {
    await fx.workspace('root', 'v2auth');
    const binding = await fx.call('POST', '/clusters/root:v2auth/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'reader-access' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kcp:workspace:access' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'reader' }],
    });
    expect(binding.status).toBe(201);
    const as = (token: string | undefined, v: string) =>
      fx.fetch(`${fx.base}/clusters/root:v2auth/openapi/${v}`, { headers: { accept: PROTOBUF, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    await eventually(async () => expect((await as('reader-token', 'v3')).status).toBe(200));
    expect((await as('reader-token', 'v2')).status).toBe(200);
    for (const v of ['v2', 'v3']) {
      expect((await as('stranger-token', v)).status, v).toBe(403);
      expect((await as(undefined, v)).status, v).toBe(401);
    }
  });

  it('is not served outside a workspace, as kcp answers OpenAPI without a logical cluster', async () => {
    for (const path of ['/openapi/v2', '/openapi/v3']) expect((await get(path, { accept: PROTOBUF })).status, path).toBe(404);
  });

  it('serves a nested workspace its own CRDs, and only there', async () => {
    await fx.workspace('root', 'v2crd');
    const crd = await fx.call('POST', '/clusters/root:v2crd/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'gadgets', kind: 'Gadget' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    required: ['size', 'note'],
                    properties: {
                      size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                      note: { type: 'string', nullable: true },
                      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
                      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
    expect(crd.status, JSON.stringify(crd.body)).toBe(201);
    const name = 'com.example.v1.Gadget';
    let gadget: Obj | undefined;
    await eventually(async () => {
      gadget = (await jsonDoc('/clusters/root:v2crd/openapi/v2')).definitions[name];
      expect(gadget).toBeDefined();
    });
    expect(gadget?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', version: 'v1', kind: 'Gadget' }]);
    const spec = (gadget?.properties as Record<string, Obj>).spec as { required: string[]; properties: Record<string, Obj> };
    // As apiextensions publishes v2: no junctors, a nullable field untyped and not required,
    // unknown fields preserved without properties.
    expect(spec.properties.size).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(spec.properties.note).toEqual({});
    expect(spec.required).toEqual(['size']);
    expect(spec.properties.extra).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec.properties.tags).toEqual({ type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 });
    expect(Object.keys((await jsonDoc('/clusters/root/openapi/v2')).definitions)).not.toContain(name);
    // The protobuf form carries it too.
    const r = await get('/clusters/root:v2crd/openapi/v2', { accept: PROTOBUF });
    const decoded = documentJson(documentType.toObject(documentType.decode(new Uint8Array(await r.arrayBuffer())), { longs: Number }) as Obj) as unknown as V2Doc;
    expect(decoded.definitions[name]).toEqual(gadget);
  });
});

describe('v2Schema', () => {
  it('unwraps a described reference and rewrites it to #/definitions', () => {
    expect(v2Schema({ allOf: [{ $ref: '#/components/schemas/a.B' }], description: 'd', default: {} })).toEqual({ $ref: '#/definitions/a.B', description: 'd', default: {} });
  });

  it('drops an array type left without items, and keywords of the wrong type', () => {
    expect(v2Schema({ type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } })).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(v2Schema({ type: 'string', maxLength: 'ten', minLength: 1.5, pattern: 3 })).toEqual({ type: 'string' });
  });
});
