/**
 * What GraphQL type an OpenAPI v3 schema becomes, decided once, without GraphQL: a scalar, a list,
 * or an object with typed fields. The type factory (openapi-types.ts) turns these shapes into
 * Pothos types for output and input alike, so both directions follow the same rules:
 *
 * - string (any format, date-time included: Kubernetes timestamps are RFC 3339 strings with
 *   second or microsecond precision, which a client can parse as it likes) → String;
 * - integer with format int32 → Int, any other integer → Int64 (CRD integers without a format are
 *   64-bit in Kubernetes, and a value beyond 2^31 would fail GraphQL's Int);
 * - number → Float, boolean → Boolean, array → a list of its item shape;
 * - object with properties → an object type; a map of strings (labels, ConfigMap data) →
 *   StringMap; any other map, untyped or free-form object, `oneOf`/`anyOf` other than
 *   int-or-string, a list of lists, a multi-member `allOf` or an unresolvable `$ref` → JSON;
 * - `x-kubernetes-int-or-string` → IntOrString; `x-kubernetes-preserve-unknown-fields` → JSON even
 *   when properties are listed, so that no stored field is hidden from a client.
 */
import { REF_PREFIX, type OpenApiComponents, type OpenApiSchema } from '../meta/index.js';

export type ScalarName = 'String' | 'Int' | 'Float' | 'Boolean' | 'Int64' | 'IntOrString' | 'StringMap' | 'JSON';

export interface ObjectShape {
  kind: 'object';
  /** The object schema itself (after following `$ref`s). */
  schema: OpenApiSchema;
  properties: Readonly<Record<string, OpenApiSchema>>;
  /** The components its own `$ref`s resolve in. */
  components: OpenApiComponents;
  /** The component key when reached through a `$ref`: one shared type per key. */
  ref?: string;
}

export type Shape =
  | { kind: 'scalar'; name: ScalarName }
  | { kind: 'list'; of: { kind: 'scalar'; name: ScalarName } | ObjectShape; nullableItems: boolean }
  | ObjectShape;

const scalar = (name: ScalarName): Shape => ({ kind: 'scalar', name });

/** Bounds chains of bare `$ref`s (a component that only refers to another). */
const MAX_REF_HOPS = 32;

export function shapeOf(schema: OpenApiSchema | undefined, components: OpenApiComponents, ref?: string, hops = 0): Shape {
  if (!schema || hops > MAX_REF_HOPS) return scalar('JSON');
  if (schema['x-kubernetes-int-or-string']) return scalar('IntOrString');
  if (schema['x-kubernetes-preserve-unknown-fields']) return scalar('JSON');
  if (schema.$ref !== undefined) {
    if (!schema.$ref.startsWith(REF_PREFIX)) return scalar('JSON');
    const key = schema.$ref.slice(REF_PREFIX.length);
    return shapeOf(components[key], components, key, hops + 1);
  }
  if (schema.allOf && !schema.properties) {
    return schema.allOf.length === 1 ? shapeOf(schema.allOf[0], components, undefined, hops + 1) : scalar('JSON');
  }
  const alternatives = schema.oneOf ?? (schema as { anyOf?: OpenApiSchema[] }).anyOf;
  if (alternatives) return isIntOrString(alternatives) ? scalar('IntOrString') : scalar('JSON');
  switch (schema.type) {
    case 'string':
      return scalar('String');
    case 'integer':
      return scalar(schema.format === 'int32' ? 'Int' : 'Int64');
    case 'number':
      return scalar('Float');
    case 'boolean':
      return scalar('Boolean');
    case 'array': {
      const of = shapeOf(schema.items, components, undefined, hops + 1);
      return { kind: 'list', of: of.kind === 'list' ? { kind: 'scalar', name: 'JSON' } : of, nullableItems: schema.items?.nullable === true };
    }
    case 'object':
    case undefined:
      return objectShape(schema, components, ref, hops);
  }
}

function objectShape(schema: OpenApiSchema, components: OpenApiComponents, ref: string | undefined, hops: number): Shape {
  if (schema.properties && Object.keys(schema.properties).length > 0) {
    return { kind: 'object', schema, properties: schema.properties, components, ...(ref !== undefined ? { ref } : {}) };
  }
  if (typeof schema.additionalProperties === 'object') {
    const value = shapeOf(schema.additionalProperties, components, undefined, hops + 1);
    return scalar(value.kind === 'scalar' && value.name === 'String' ? 'StringMap' : 'JSON');
  }
  return scalar('JSON');
}

function isIntOrString(alternatives: readonly OpenApiSchema[]): boolean {
  const types = new Set(alternatives.map((a) => a.type));
  return alternatives.length === 2 && types.has('integer') && types.has('string');
}
