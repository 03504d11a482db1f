/**
 * The per-node schema rules of apiextensions-apiserver's ValidateCustomResourceDefinitionOpenAPISchema
 * (apiextensions.k8s.io/v1): unsupported keywords ($ref, uniqueItems, patternProperties, ...),
 * properties vs additionalProperties, where defaults may appear (not in top-level metadata,
 * apiVersion or kind), x-kubernetes-list-type/-list-map-keys/-map-type consistency, and the
 * x-kubernetes-validations rules, compiled by the CEL module once everything else about the
 * node and its subtree is valid (and the whole schema is structural with valid defaults).
 */
import type { FieldError } from '../../registry/errors.js';
import { compileValidationRules } from '../cel/index.js';
import type { JSONSchemaProps } from '../schema-types.js';
import { entries, isSchema, propPath } from './check-structural.js';
import { isObject } from './json.js';

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

const required = (field: string, detail: string): FieldError => ({ type: 'FieldValueRequired', field, detail });
const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
const notSupported = (field: string, value: unknown, values: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`,
});

interface Context {
  readonly isRoot: boolean;
  readonly insideMeta: boolean;
  /** Why defaults are not allowed here, when they are not. */
  readonly noDefaults?: string;
  /** The first ancestor below which old values cannot be correlated (transition rules forbidden). */
  readonly uncorrelatable?: string;
  /** CEL rules are compiled (the schema is structural with valid defaults, and this is not under a junctor). */
  readonly cel: boolean;
}

interface Errors {
  schema: FieldError[];
  cel: FieldError[];
}

function add(into: Errors, from: Errors): void {
  into.schema.push(...from.schema);
  into.cel.push(...from.cel);
}

const raw = (s: JSONSchemaProps): Record<string, unknown> => s as Record<string, unknown>;

function keywordErrors(s: JSONSchemaProps, p: string, ctx: Context, out: FieldError[]): void {
  const r = raw(s);
  if (s.type !== undefined && (s.type as string) !== '' && !OPENAPI_TYPES.includes(s.type)) out.push(notSupported(`${p}.type`, s.type, OPENAPI_TYPES));
  if (s.default !== undefined && ctx.noDefaults !== undefined) out.push(forbidden(`${p}.default`, `must not be set ${ctx.noDefaults}`));
  if (r.id !== undefined && r.id !== '') out.push(forbidden(`${p}.id`, 'id is not supported'));
  for (const k of ['additionalItems', 'patternProperties', 'definitions', 'dependencies'] as const) {
    if (r[k] !== undefined && !(isObject(r[k]) && Object.keys(r[k]).length === 0)) out.push(forbidden(`${p}.${k}`, `${k} is not supported`));
  }
  if (r.$ref !== undefined) out.push(forbidden(`${p}.$ref`, '$ref is not supported'));
  if ((s.type as string) === 'null') out.push(forbidden(`${p}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(r.items)) out.push(forbidden(`${p}.items`, 'items must be a schema object and not an array'));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource'] === true) {
    out.push(forbidden(`${p}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  }
  if (s.uniqueItems === true) out.push(forbidden(`${p}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties !== undefined) {
    if (entries(s.properties).length > 0 && s.additionalProperties !== true) {
      out.push(forbidden(`${p}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    } else if (s.additionalProperties === false) {
      out.push(forbidden(`${p}.additionalProperties`, 'additionalProperties cannot be set to false'));
    }
  }
}

function extensionErrors(s: JSONSchemaProps, p: string, out: FieldError[]): void {
  const type = s.type ?? '';
  if (raw(s)['x-kubernetes-preserve-unknown-fields'] === false) out.push(invalid(`${p}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined && type !== 'object') {
    if (type === '') out.push(required(`${p}.type`, 'must be object if x-kubernetes-map-type is specified'));
    else out.push(invalid(`${p}.type`, type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') out.push(notSupported(`${p}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));

  const listType = s['x-kubernetes-list-type'];
  const items = isSchema(s.items) ? s.items : undefined;
  if (listType !== undefined && type !== 'array') {
    if (type === '') out.push(required(`${p}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else out.push(invalid(`${p}.type`, type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      out.push(invalid(`${p}.items.x-kubernetes-list-type`, items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      out.push(invalid(`${p}.items.x-kubernetes-map-type`, items['x-kubernetes-map-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    out.push(notSupported(`${p}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (keys.length > 0) {
    if (listType === undefined) out.push(required(`${p}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') out.push(invalid(`${p}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (keys.length === 0) out.push(required(`${p}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined) out.push(required(`${p}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    else if (!items) out.push(invalid(`${p}.items`, s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    else if (items.type !== 'object') out.push(invalid(`${p}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    else {
      const itemProps = isObject(items.properties) ? items.properties : {};
      const seen = new Set<string>();
      for (const k of keys) {
        const prop = itemProps[k];
        if (!isSchema(prop)) out.push(invalid(`${p}.x-kubernetes-list-map-keys`, keys, 'entries must all be names of item properties'));
        else if (prop.type === 'array' || prop.type === 'object') {
          out.push(invalid(`${propPath(`${p}.items`, k)}.type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
        if (seen.has(k)) out.push(invalid(`${p}.x-kubernetes-list-map-keys`, keys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable === true) out.push(forbidden(`${p}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const req = new Set(items.required ?? []);
      const itemProps = isObject(items.properties) ? items.properties : {};
      for (const k of keys) {
        const prop = itemProps[k];
        if (!isSchema(prop)) continue;
        if (!req.has(k) && prop.default === undefined) {
          out.push(required(`${propPath(`${p}.items`, k)}.default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (prop.nullable === true) out.push(forbidden(`${propPath(`${p}.items`, k)}.nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
}

const NEWLINE = /[\n\r]+/;
const OLD_SELF = /\boldSelf\b/;

function ruleErrors(s: JSONSchemaProps, p: string, ctx: Context, errs: Errors): void {
  const rules = s['x-kubernetes-validations'];
  if (!Array.isArray(rules) || rules.length === 0) return;
  rules.forEach((rule, i) => {
    const at = `${p}.x-kubernetes-validations[${i}]`;
    const text = typeof rule.rule === 'string' ? rule.rule.trim() : '';
    const message = typeof rule.message === 'string' ? rule.message : '';
    if (text === '') errs.schema.push(required(`${at}.rule`, 'rule is not specified'));
    else if (message.length > 0 && message.trim() === '') errs.schema.push(invalid(`${at}.message`, message, 'message must be non-empty if specified'));
    else if (NEWLINE.test(message.trim())) errs.schema.push(invalid(`${at}.message`, message, 'message must not contain line breaks'));
    else if (NEWLINE.test(text) && message.trim() === '') errs.schema.push(required(`${at}.message`, 'message must be specified if rule contains line breaks'));
  });
  if (!ctx.cel || errs.schema.length > 0) return;
  const resourceRoot = ctx.isRoot || s['x-kubernetes-embedded-resource'] === true;
  errs.cel.push(...compileValidationRules(s, p, { resourceRoot }).errors);
  if (ctx.uncorrelatable === undefined) return;
  rules.forEach((rule, i) => {
    if (typeof rule.rule === 'string' && OLD_SELF.test(rule.rule)) {
      errs.cel.push(
        invalid(`${p}.x-kubernetes-validations[${i}].rule`, rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${ctx.uncorrelatable}`),
      );
    }
  });
}

export function openAPIErrors(s: JSONSchemaProps, p: string, ctx: Context): Errors {
  const errs: Errors = { schema: [], cel: [] };
  if (!isSchema(s)) return errs;
  keywordErrors(s, p, ctx, errs.schema);
  const nested: Context = { isRoot: false, insideMeta: ctx.insideMeta, noDefaults: ctx.noDefaults, uncorrelatable: ctx.uncorrelatable, cel: false };
  if (isSchema(s.additionalProperties)) {
    const sub = ctx.insideMeta ? { ...ctx, noDefaults: 'inside additionalProperties applying to object metadata' } : ctx;
    add(errs, openAPIErrors(s.additionalProperties, `${p}.additionalProperties`, { ...sub, isRoot: false }));
  }
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const [k, sub] of entries(s.properties)) {
    let c: Context = { ...ctx, isRoot: false };
    if (s['x-kubernetes-map-type'] === 'atomic' && c.uncorrelatable === undefined) c = { ...c, uncorrelatable: p };
    if ((ctx.isRoot || embedded) && META_FIELDS.has(k)) {
      c = { ...c, insideMeta: true };
      if (ctx.isRoot) c = { ...c, noDefaults: `in top-level ${k}` };
    }
    add(errs, openAPIErrors(sub, propPath(p, k), c));
  }
  if (isSchema(s.not)) add(errs, openAPIErrors(s.not, `${p}.not`, nested));
  (['allOf', 'oneOf', 'anyOf'] as const).forEach((j) => (s[j] ?? []).forEach((x, i) => add(errs, openAPIErrors(x, `${p}.${j}[${i}]`, nested))));
  if (isSchema(s.items)) {
    const c = s['x-kubernetes-list-type'] !== 'map' && ctx.uncorrelatable === undefined ? { ...ctx, uncorrelatable: p } : ctx;
    add(errs, openAPIErrors(s.items, `${p}.items`, { ...c, isRoot: false }));
  } else if (Array.isArray(raw(s).items)) {
    (raw(s).items as JSONSchemaProps[]).forEach((x, i) => add(errs, openAPIErrors(x, `${p}.items[${i}]`, { ...ctx, isRoot: false, cel: false })));
  }
  extensionErrors(s, p, errs.schema);
  ruleErrors(s, p, ctx, errs);
  return errs;
}
