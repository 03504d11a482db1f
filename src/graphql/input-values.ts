/**
 * GraphQL input values → the JSON objects the registry takes. Input fields carry the JSON property
 * they stand for (`extensions.jsonKey`, set by openapi-types.ts), so a sanitized field name
 * (`x_kubernetes_foo`) goes back to its original key (`x-kubernetes-foo`); scalars (JSON,
 * StringMap) are passed through as they are.
 */
import { getNullableType, isInputObjectType, isListType, type GraphQLInputType } from 'graphql';
import { isPlainObject } from '../meta/index.js';
import { JSON_KEY } from './openapi-types.js';

export function decodeInput(type: GraphQLInputType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const inner = getNullableType(type);
  if (isListType(inner)) return Array.isArray(value) ? value.map((v) => decodeInput(inner.ofType, v)) : value;
  if (!isInputObjectType(inner) || !isPlainObject(value)) return value;
  const fields = inner.getFields();
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const field = fields[name];
    const key = field?.extensions[JSON_KEY];
    out[typeof key === 'string' ? key : name] = field ? decodeInput(field.type, v) : v;
  }
  return out;
}
