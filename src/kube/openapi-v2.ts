/**
 * OpenAPI v2 (`/openapi/v2`) for an API set, derived from its OpenAPI v3 documents (one source of
 * schemas): kubectl 1.27 and 1.28 read it before apply, edit, create -f, replace, diff and explain —
 * definitions keyed as Kubernetes keys them (`io.k8s.api.core.v1.ConfigMap`) with their
 * `x-kubernetes-group-version-kind` for explain and strategic merge patch, and the PATCH operations'
 * query parameters, from which kubectl learns that the server validates fields (`fieldValidation`).
 *
 * Built once per API set fingerprint, like v3; the JSON text and the protobuf bytes are each
 * encoded on their first request and kept, so later requests only write bytes.
 */
import { createHash } from 'node:crypto';
import { DerivedCache, type ApiSet } from '../apis/index.js';
import { REF_PREFIX } from '../meta/index.js';
import { openApiDocuments } from './openapi.js';
import { encodeOpenApiV2 } from './openapi-v2-encode.js';
import { V2_SCHEMA_KEYWORDS } from './openapi-v2-proto.js';
import { KUBE_VERSION } from './version.js';

type Obj = Record<string, unknown>;

export const V2_DEFINITIONS = '#/definitions/';

type KeywordType = (typeof V2_SCHEMA_KEYWORDS)[keyof typeof V2_SCHEMA_KEYWORDS];

function fits(type: KeywordType, v: unknown): boolean {
  switch (type) {
    case 'any':
      return v !== undefined;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return Number.isSafeInteger(v);
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'list':
      return Array.isArray(v);
    default:
      return typeof v === type;
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One v3 schema as v2 has it, by the rules apiextensions-apiserver publishes CRDs' v2 schemas with
 * (kubectl's OpenAPI reader cannot cope otherwise): junctors dropped; a nullable value loses its
 * type, items and properties and is not required; a value preserving unknown fields loses its
 * items and properties; an array left without items loses its type. A `$ref` wrapped in a
 * one-element `allOf` (3.0's way to describe a reference) is a plain `$ref` with siblings again.
 */
export function v2Schema(input: unknown): Obj {
  if (!isObj(input)) return {};
  let s = input;
  const [only] = Array.isArray(s.allOf) && s.allOf.length === 1 ? s.allOf : [];
  if (isObj(only) && typeof only.$ref === 'string' && s.properties === undefined && s.$ref === undefined) {
    const { allOf: _allOf, ...rest } = s;
    s = { ...rest, $ref: only.$ref };
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') {
      if (typeof v === 'string') out.$ref = v.startsWith(REF_PREFIX) ? V2_DEFINITIONS + v.slice(REF_PREFIX.length) : v;
    } else if (k === 'type') {
      if (typeof v === 'string') out.type = v;
    } else if (k === 'properties') {
      if (isObj(v)) out.properties = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, v2Schema(p)]));
    } else if (k === 'items') {
      if (isObj(v)) out.items = v2Schema(v);
    } else if (k === 'additionalProperties') {
      if (typeof v === 'boolean') out.additionalProperties = v;
      else if (isObj(v)) out.additionalProperties = v2Schema(v);
    } else if (k === 'allOf') {
      if (Array.isArray(v)) out.allOf = v.map(v2Schema);
    } else if (k === 'externalDocs') {
      if (isObj(v)) out.externalDocs = v;
    } else if (k.startsWith('x-')) {
      out[k] = v;
    } else if (k in V2_SCHEMA_KEYWORDS && fits(V2_SCHEMA_KEYWORDS[k as keyof typeof V2_SCHEMA_KEYWORDS], v)) {
      out[k] = v;
    }
  }
  // v2 has no oneOf; where each alternative is a plain type (Quantity: a string or a number), it
  // states the first, as Kubernetes' own v2 document does.
  if (out.type === undefined && out.$ref === undefined && Array.isArray(s.oneOf) && s.oneOf.every((a) => isObj(a) && typeof a.type === 'string' && Object.keys(a).length === 1)) {
    const [first] = s.oneOf as Obj[];
    if (first) out.type = first.type;
  }
  if (s.nullable === true) {
    delete out.type;
    delete out.items;
    delete out.properties;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
  }
  if (out.type === 'array' && out.items === undefined) delete out.type;
  if (Array.isArray(out.required) && isObj(s.properties)) {
    const props = s.properties;
    out.required = (out.required as string[]).filter((f) => !(isObj(props[f]) && props[f].nullable === true));
  }
  if (isObj(s.additionalProperties) && s.additionalProperties.nullable === true) delete out.required;
  // v2 wants at least one entry in each, and protobuf cannot tell an empty list from none.
  for (const k of ['required', 'enum'] as const) if (Array.isArray(out[k]) && (out[k] as unknown[]).length === 0) delete out[k];
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** A v3 parameter (`schema` holds its type) as a v2 non-body parameter (the type inline). */
function v2Parameter(p: unknown): Obj {
  if (!isObj(p)) return {};
  const schema = isObj(p.schema) ? p.schema : {};
  const out: Obj = {};
  for (const k of ['description', 'in', 'name', 'required'] as const) if (p[k] !== undefined) out[k] = p[k];
  for (const k of ['type', 'format', 'uniqueItems'] as const) if (schema[k] !== undefined) out[k] = schema[k];
  return out;
}

/** The first schema of a v3 `content` map, and the media types it lists. */
function contentOf(content: unknown): { types: string[]; schema: Obj | undefined } {
  if (!isObj(content)) return { types: [], schema: undefined };
  const first = Object.values(content).find(isObj);
  return { types: Object.keys(content), schema: first && isObj(first.schema) ? v2Schema(first.schema) : undefined };
}

function v2Operation(op: Obj): Obj {
  const out: Obj = {};
  if (op.description !== undefined) out.description = op.description;
  const body = isObj(op.requestBody) ? contentOf(op.requestBody.content) : undefined;
  out.consumes = body && body.types.length > 0 ? body.types : ['*/*'];
  const responses: Obj = {};
  const produced = new Set<string>();
  for (const [code, r] of Object.entries(isObj(op.responses) ? op.responses : {})) {
    if (!isObj(r)) continue;
    const { types, schema } = contentOf(r.content);
    types.forEach((t) => produced.add(t));
    responses[code] = { description: typeof r.description === 'string' ? r.description : '', ...(schema ? { schema } : {}) };
  }
  out.produces = [...produced];
  out.schemes = ['https'];
  if (op.tags !== undefined) out.tags = op.tags;
  if (op.operationId !== undefined) out.operationId = op.operationId;
  const params = (Array.isArray(op.parameters) ? op.parameters : []).map(v2Parameter);
  if (body?.schema && isObj(op.requestBody)) {
    params.unshift({ in: 'body', name: 'body', ...(op.requestBody.required === true ? { required: true } : {}), schema: body.schema });
  }
  if (params.length > 0) out.parameters = params;
  out.responses = responses;
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

function v2PathItem(item: unknown): Obj {
  if (!isObj(item)) return {};
  const out: Obj = {};
  for (const m of METHODS) if (isObj(item[m])) out[m] = v2Operation(item[m]);
  if (Array.isArray(item.parameters)) out.parameters = item.parameters.map(v2Parameter);
  return out;
}

/** Schemas are shared between API sets (every set has the built-ins): each is converted once. */
const converted = new WeakMap<object, Obj>();
const convertedOnce = (schema: object): Obj => {
  let out = converted.get(schema);
  if (!out) converted.set(schema, (out = v2Schema(schema)));
  return out;
};

/** The v2 document of an API set: every group-version's paths and schemas in one. */
export function buildOpenApiV2(set: ApiSet): Obj {
  const paths: Obj = {};
  const definitions: Obj = {};
  for (const doc of openApiDocuments(set).values()) {
    for (const [p, item] of Object.entries(doc.body.paths)) paths[p] = v2PathItem(item);
    for (const [name, schema] of Object.entries(doc.body.components.schemas)) definitions[name] ??= convertedOnce(schema);
  }
  const sorted = (o: Obj): Obj => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}` },
    paths: sorted(paths),
    definitions: sorted(definitions),
  };
}

/** A format of the document, encoded when first asked for. */
export interface Encoded {
  bytes: Buffer;
  etag: string;
}

export class OpenApiV2 {
  private jsonForm: Encoded | undefined;
  private protoForm: Encoded | undefined;

  constructor(readonly document: Obj) {}

  get json(): Encoded {
    return (this.jsonForm ??= encoded(Buffer.from(JSON.stringify(this.document))));
  }

  get protobuf(): Encoded {
    return (this.protoForm ??= encoded(Buffer.from(encodeOpenApiV2(this.document))));
  }
}

const encoded = (bytes: Buffer): Encoded => ({ bytes, etag: createHash('sha512').update(bytes).digest('hex').slice(0, 64).toUpperCase() });

/**
 * Fewer documents are kept than v3 keeps (1,000), as many as kcp keeps OpenAPI services: each
 * holds its encodings (about 0.85 MB for the built-in set), and kubectl 1.29+ never asks for v2.
 */
export const OPENAPI_V2_CACHED_SETS = 100;

const cache = new DerivedCache((set) => new OpenApiV2(buildOpenApiV2(set)), OPENAPI_V2_CACHED_SETS, 'openapi_v2');

/** The API set's v2 document (built on first use, then shared by every workspace with the same set). */
export function openApiV2(set: ApiSet): OpenApiV2 {
  return cache.get(set);
}
