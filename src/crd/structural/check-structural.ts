/**
 * The structural-schema invariants (apiextensions-apiserver's schema.ValidateStructural): every
 * specified node has a type (unless int-or-string or preserve-unknown-fields), value validations
 * under allOf/anyOf/oneOf/not set no type, default, description, nullable, additionalProperties
 * or x-kubernetes-* (except the two int-or-string anyOf spellings), properties they constrain
 * exist in the structural part, the root is an object without additionalProperties, root
 * metadata restricts at most name and generateName, embedded resources are objects.
 * Errors are sorted by their text, as Kubernetes sorts them.
 */
import { formatFieldError, type FieldError } from '../../registry/errors.js';
import type { JSONSchemaProps } from '../schema-types.js';
import { isObject } from './json.js';
import { isIntOrStringAllOf, isIntOrStringAnyOf } from './node.js';
import { patternError } from './pattern.js';

type Level = 'root' | 'item' | 'field';

const required = (field: string, detail: string): FieldError => ({ type: 'FieldValueRequired', field, detail });
const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

export const propPath = (p: string, k: string): string => `${p}.properties[${k}]`;

export function isSchema(v: unknown): v is JSONSchemaProps {
  return isObject(v);
}

export function entries(props: unknown): [string, JSONSchemaProps][] {
  return isObject(props) ? Object.entries(props).filter((e): e is [string, JSONSchemaProps] => isObject(e[1])) : [];
}

const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '' && v !== false);

function invariants(s: JSONSchemaProps, lvl: Level, p: string, out: FieldError[]): void {
  if (s.type === 'array' && !isSchema(s.items)) out.push(required(`${p}.items`, 'must be specified'));
  if (isSchema(s.items)) invariants(s.items, 'item', `${p}.items`, out);
  for (const [k, v] of entries(s.properties)) invariants(v, 'field', propPath(p, k), out);
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') out.push(forbidden(`${p}.additionalProperties`, 'must not be used at the root'));
    if (isSchema(s.additionalProperties)) invariants(s.additionalProperties, 'field', `${p}.additionalProperties`, out);
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) out.push(invalid(`${p}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) out.push(invalid(`${p}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));

  valueValidation(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), lvl, p, out);

  const type = s.type ?? '';
  if (embedded && type !== 'object') {
    if (type === '') out.push(required(`${p}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(invalid(`${p}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !intOrString && !preserve) {
    const detail = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[lvl];
    out.push(required(`${p}.type`, detail));
  }
  if (embedded && s.additionalProperties !== undefined) {
    out.push(forbidden(`${p}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && type !== '' && type !== 'object') out.push(invalid(`${p}.type`, type, 'must be object at the root'));

  const checkMetadata = lvl === 'root' || embedded;
  const props = isObject(s.properties) ? s.properties : {};
  for (const key of ['kind', 'apiVersion'] as const) {
    const sub = props[key];
    if (checkMetadata && isSchema(sub) && sub.type !== 'string') out.push(invalid(`${propPath(p, key)}.type`, sub.type ?? '', 'must be string'));
  }
  const metadata = props.metadata;
  if (isSchema(metadata)) {
    if (checkMetadata && metadata.type !== 'object') out.push(invalid(`${propPath(p, 'metadata')}.type`, metadata.type ?? '', 'must be object'));
    if (lvl === 'root' && !onlyNameRestrictions(metadata)) {
      out.push(forbidden(propPath(p, 'metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  if (embedded && !preserve && entries(s.properties).length === 0) {
    out.push(required(`${p}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

/** Keys of a schema node that are not part of its structural meaning (dropped by NewStructural). */
const NON_STRUCTURAL = new Set(['type', 'default', 'example', 'externalDocs', 'id', '$schema', 'properties']);

/** Root metadata may constrain name and generateName (and state its type); nothing else. */
function onlyNameRestrictions(m: JSONSchemaProps): boolean {
  const names = Object.keys(isObject(m.properties) ? m.properties : {});
  if (names.some((n) => n !== 'name' && n !== 'generateName')) return false;
  return Object.entries(m).every(([k, v]) => NON_STRUCTURAL.has(k) || !nonEmpty(v));
}

function valueValidation(v: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, p: string, out: FieldError[]): void {
  if (!skipAnyOf) (v.anyOf ?? []).forEach((x, i) => nested(x, false, false, lvl, `${p}.anyOf[${i}]`, out));
  (v.allOf ?? []).forEach((x, i) => nested(x, skipFirstAllOfAnyOf && i === 0, false, lvl, `${p}.allOf[${i}]`, out));
  (v.oneOf ?? []).forEach((x, i) => nested(x, false, false, lvl, `${p}.oneOf[${i}]`, out));
  if (isSchema(v.not)) nested(v.not, false, false, lvl, `${p}.not`, out);
  if (typeof v.pattern === 'string' && v.pattern !== '') {
    const why = patternError(v.pattern);
    if (why !== undefined) out.push(invalid(`${p}.pattern`, v.pattern, `must be a valid regular expression, but isn't: ${why}`));
  }
}

function nested(v: JSONSchemaProps, skipAnyOf: boolean, skipAllOfAnyOf: boolean, lvl: Level, p: string, out: FieldError[]): void {
  if (!isSchema(v)) return;
  valueValidation(v, skipAnyOf, skipAllOfAnyOf, lvl, p, out);
  if (isSchema(v.items)) nested(v.items, false, false, lvl, `${p}.items`, out);
  for (const [k, sub] of entries(v.properties)) nested(sub, false, false, 'field', propPath(p, k), out);
  if (nonEmpty(v.type)) out.push(forbidden(`${p}.type`, 'must be empty to be structural'));
  if (v.additionalProperties !== undefined) out.push(forbidden(`${p}.additionalProperties`, 'must be undefined to be structural'));
  if (v.default !== undefined && v.default !== null) out.push(forbidden(`${p}.default`, 'must be undefined to be structural'));
  if (nonEmpty(v.title)) out.push(forbidden(`${p}.title`, 'must be empty to be structural'));
  if (nonEmpty(v.description)) out.push(forbidden(`${p}.description`, 'must be empty to be structural'));
  if (v.nullable === true) out.push(forbidden(`${p}.nullable`, 'must be false to be structural'));
  if (v['x-kubernetes-preserve-unknown-fields'] === true) out.push(forbidden(`${p}.x-kubernetes-preserve-unknown-fields`, 'must be false to be structural'));
  if (v['x-kubernetes-embedded-resource'] === true) out.push(forbidden(`${p}.x-kubernetes-embedded-resource`, 'must be false to be structural'));
  if (v['x-kubernetes-int-or-string'] === true) out.push(forbidden(`${p}.x-kubernetes-int-or-string`, 'must be false to be structural'));
  if (nonEmpty(v['x-kubernetes-list-map-keys'])) out.push(forbidden(`${p}.x-kubernetes-list-map-keys`, 'must be empty to be structural'));
  if (v['x-kubernetes-list-type'] !== undefined) out.push(forbidden(`${p}.x-kubernetes-list-type`, 'must be undefined to be structural'));
  if (v['x-kubernetes-map-type'] !== undefined) out.push(forbidden(`${p}.x-kubernetes-map-type`, 'must be undefined to be structural'));
  if (nonEmpty(v['x-kubernetes-validations'])) out.push(forbidden(`${p}.x-kubernetes-validations`, 'must be empty to be structural'));
  if (isObject(v.properties) && isObject(v.properties.metadata)) {
    out.push(forbidden(propPath(p, 'metadata'), 'must not be specified in a nested context'));
  }
}

/** Properties and items constrained under the root's allOf/anyOf/oneOf/not must exist structurally. */
function junctorsComplete(v: JSONSchemaProps, s: JSONSchemaProps, sPath: string, vPath: string, out: FieldError[]): void {
  if (isSchema(v.not)) nestedComplete(v.not, s, sPath, `${vPath}.not`, out);
  (v.allOf ?? []).forEach((x, i) => nestedComplete(x, s, sPath, `${vPath}.allOf[${i}]`, out));
  (v.anyOf ?? []).forEach((x, i) => nestedComplete(x, s, sPath, `${vPath}.anyOf[${i}]`, out));
  (v.oneOf ?? []).forEach((x, i) => nestedComplete(x, s, sPath, `${vPath}.oneOf[${i}]`, out));
}

function nestedComplete(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string, out: FieldError[]): void {
  if (!isSchema(v)) return;
  if (!s) {
    out.push(required(sPath, `because it is defined in ${vPath}`));
    return;
  }
  junctorsComplete(v, s, sPath, vPath, out);
  if (isSchema(v.items)) nestedComplete(v.items, isSchema(s.items) ? s.items : undefined, `${sPath}.items`, `${vPath}.items`, out);
  const sProps = isObject(s.properties) ? s.properties : {};
  for (const [k, sub] of entries(v.properties)) {
    const sFld = sProps[k];
    if (isSchema(sFld)) nestedComplete(sub, sFld, propPath(sPath, k), propPath(vPath, k), out);
    else out.push(required(propPath(sPath, k), `because it is defined in ${propPath(vPath, k)}`));
  }
}

export function structuralErrors(schema: JSONSchemaProps, p: string): FieldError[] {
  const out: FieldError[] = [];
  invariants(schema, 'root', p, out);
  junctorsComplete(schema, schema, p, p, out);
  const text = new Map(out.map((e) => [e, formatFieldError(e)]));
  return out.sort((a, b) => ((text.get(a) ?? '') < (text.get(b) ?? '') ? -1 : 1));
}
