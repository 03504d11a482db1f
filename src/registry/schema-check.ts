/**
 * Runs a zod schema over an object and turns its issues into Kubernetes field errors. Schemas
 * are strict objects, so unknown fields come back separately: whether they are an error, a
 * warning or silently dropped is the request's field-validation mode, not the schema's.
 */
import type { z } from 'zod';
import type { FieldError } from './errors.js';

export type PathSegment = string | number;

/** `spec.containers[0].image`, `data[my.key]`, `metadata.labels[example.com/app]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

export interface SchemaCheck {
  errors: FieldError[];
  unknownFields: string[][];
}

export function checkSchema(schema: z.ZodType, value: unknown, at: readonly PathSegment[] = []): SchemaCheck {
  const result = schema.safeParse(value);
  const out: SchemaCheck = { errors: [], unknownFields: [] };
  if (result.success) return out;
  for (const issue of result.error.issues) {
    const path = [...at, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const field = formatPath(path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const k of issue.keys) out.unknownFields.push([...path.map(String), k]);
        break;
      case 'invalid_value':
        out.errors.push({
          type: 'FieldValueNotSupported',
          field,
          value: valueAt(value, issue.path),
          detail: `supported values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'too_big':
        out.errors.push({
          type: issue.origin === 'string' ? 'FieldValueTooLong' : 'FieldValueInvalid',
          field,
          detail: `must have at most ${issue.maximum} ${issue.origin === 'string' ? 'bytes' : 'items'}`,
        });
        break;
      case 'invalid_type':
        out.errors.push({
          type: valueAt(value, issue.path) === undefined ? 'FieldValueRequired' : 'FieldValueTypeInvalid',
          field,
          detail: valueAt(value, issue.path) === undefined ? '' : `must be of type ${issue.expected}`,
        });
        break;
      default:
        out.errors.push({ type: 'FieldValueInvalid', field, value: valueAt(value, issue.path), detail: issue.message });
    }
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** Removes the given unknown fields from an object in place (pruning in Warn/Ignore mode). */
export function dropFields(object: unknown, fields: readonly string[][]): void {
  for (const path of fields) {
    let cur = object;
    for (const p of path.slice(0, -1)) {
      if (typeof cur !== 'object' || cur === null) break;
      cur = (cur as Record<string, unknown>)[p];
    }
    if (typeof cur === 'object' && cur !== null) delete (cur as Record<string, unknown>)[path[path.length - 1] as string];
  }
}
