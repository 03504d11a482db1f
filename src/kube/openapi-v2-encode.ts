/**
 * An OpenAPI v2 document (as openapi-v2.ts builds it) encoded as gnostic's `openapi.v2.Document`:
 * maps become ordered (name, value) lists, `type` and `items` their wrapper messages, parameters
 * and responses their oneof wrappers, and every free-form value (`default`, `enum`, `example`,
 * `x-*` extensions) an `Any` holding its text, which client-go reads as YAML (JSON is YAML).
 */
import { openApiV2Root, V2_SCHEMA_KEYWORDS } from './openapi-v2-proto.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Go rejects a proto string that is not UTF-8, and a lone surrogate (valid in a JSON string, so
 * possible in a CRD's description) would encode as such: it becomes U+FFFD, as in JSON text.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');
/** A string field, or nothing (left out of the message, which Go reads as "") for anything else. */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? wellFormed(v) : undefined);
const flag = (v: unknown): true | undefined => (v === true ? true : undefined);

const any = (v: unknown) => ({ yaml: wellFormed(JSON.stringify(v)) });

const extensions = (o: Obj) =>
  Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, v]) => ({ name, value: any(v) }));

/** camelCase JSON keyword → gnostic's snake_case field. */
const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function schema(s: Obj): Obj {
  const m: Obj = {};
  if (typeof s.$ref === 'string') m._ref = str(s.$ref);
  if (typeof s.type === 'string') m.type = { value: [s.type] };
  if (isObj(s.items)) m.items = { schema: [schema(s.items)] };
  if (isObj(s.properties)) m.properties = { additional_properties: named(s.properties, schema) };
  if (typeof s.additionalProperties === 'boolean') m.additional_properties = { boolean: s.additionalProperties };
  else if (isObj(s.additionalProperties)) m.additional_properties = { schema: schema(s.additionalProperties) };
  if (Array.isArray(s.allOf)) m.all_of = s.allOf.filter(isObj).map(schema);
  if (isObj(s.externalDocs)) m.external_docs = { description: str(s.externalDocs.description), url: str(s.externalDocs.url) };
  for (const [k, type] of Object.entries(V2_SCHEMA_KEYWORDS)) {
    const v = s[k];
    if (v === undefined) continue;
    if (type === 'any') m[snake(k)] = any(v);
    else if (type === 'list') m[snake(k)] = (v as unknown[]).map(any);
    else if (type === 'strings') m[snake(k)] = strings(v);
    else if (type === 'string') m[snake(k)] = wellFormed(v as string);
    else m[snake(k)] = v;
  }
  const ext = extensions(s);
  if (ext.length > 0) m.vendor_extension = ext;
  return m;
}

const named = <T>(o: Obj, value: (v: Obj) => T) =>
  Object.entries(o)
    .filter((e): e is [string, Obj] => isObj(e[1]))
    .map(([name, v]) => ({ name: wellFormed(name), value: value(v) }));

function parameter(p: Obj): Obj {
  if (p.in === 'body') {
    return { parameter: { body_parameter: { description: str(p.description), name: str(p.name), in: 'body', required: flag(p.required), ...(isObj(p.schema) ? { schema: schema(p.schema) } : {}) } } };
  }
  const sub = { required: flag(p.required), in: str(p.in), description: str(p.description), name: str(p.name), type: str(p.type), format: str(p.format), unique_items: flag(p.uniqueItems) };
  const which = p.in === 'path' ? 'path_parameter_sub_schema' : 'query_parameter_sub_schema';
  return { parameter: { non_body_parameter: { [which]: sub } } };
}

const parameters = (v: unknown) => (Array.isArray(v) ? v.filter(isObj).map(parameter) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map(wellFormed) : []);

function operation(op: Obj): Obj {
  return {
    tags: strings(op.tags),
    description: str(op.description),
    operation_id: str(op.operationId),
    produces: strings(op.produces),
    consumes: strings(op.consumes),
    parameters: parameters(op.parameters),
    responses: {
      response_code: named(isObj(op.responses) ? op.responses : {}, (r) => ({
        response: { description: str(r.description), ...(isObj(r.schema) ? { schema: { schema: schema(r.schema) } } : {}) },
      })),
    },
    schemes: strings(op.schemes),
    vendor_extension: extensions(op),
  };
}

function pathItem(item: Obj): Obj {
  const m: Obj = { parameters: parameters(item.parameters) };
  for (const method of ['get', 'put', 'post', 'delete', 'patch']) if (isObj(item[method])) m[method] = operation(item[method]);
  return m;
}

const documentType = openApiV2Root.lookupType('openapi.v2.Document');

/** The document's protobuf encoding. */
export function encodeOpenApiV2(doc: Obj): Uint8Array {
  const info = isObj(doc.info) ? doc.info : {};
  const message = {
    swagger: str(doc.swagger),
    info: { title: str(info.title), version: str(info.version) },
    paths: { path: named(isObj(doc.paths) ? doc.paths : {}, pathItem) },
    definitions: { additional_properties: named(isObj(doc.definitions) ? doc.definitions : {}, schema) },
  };
  return documentType.encode(message).finish();
}
