/** Schema pieces the built-in kinds share. */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import type { ResourceType, Strategy } from '../resource-type.js';
import { builtinComponents, builtinSchemaName } from './openapi/index.js';

/** Top-level shape of a kind: type meta, metadata (validated generically) and its own fields. */
export function kindSchema<T extends z.ZodRawShape>(fields: T) {
  return z.strictObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: z.unknown(),
    ...fields,
  });
}

export const stringMap = z.record(z.string(), z.string());

/** core/v1 ObjectReference, as Events, ServiceAccounts and others point at objects. */
export const objectReference = z.strictObject({
  kind: z.string().nullable().optional(),
  namespace: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  uid: z.string().nullable().optional(),
  apiVersion: z.string().nullable().optional(),
  resourceVersion: z.string().nullable().optional(),
  fieldPath: z.string().nullable().optional(),
});

const KEY = /^[-._a-zA-Z0-9]+$/;

/** ConfigMap and Secret data keys (apimachinery IsConfigMapKey). */
export function validateDataKey(key: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (key.length > 253) errs.push({ type: 'FieldValueInvalid', field, value: key, detail: 'must be no more than 253 characters' });
  if (!KEY.test(key)) {
    errs.push({
      type: 'FieldValueInvalid',
      field,
      value: key,
      detail: "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name')",
    });
  }
  if (key === '.' || key === '..') errs.push({ type: 'FieldValueInvalid', field, value: key, detail: `must not be '${key}'` });
  else if (key.startsWith('..')) errs.push({ type: 'FieldValueInvalid', field, value: key, detail: "must not start with '..'" });
  return errs;
}

/** ConfigMaps and Secrets hold at most 1 MiB of data. */
export const DATA_MAX_BYTES = 1024 * 1024;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(value: string): boolean {
  return BASE64.test(value);
}

export function decodedLength(base64: string): number {
  const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - pad;
}

export function unchanged(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Drops what Go would decode to a zero value (null, "", 0, false, empty objects and lists), so two
 * JSON values compare the way the apiserver compares the typed structs they decode into.
 */
function withoutZeros(v: unknown): unknown {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => withoutZeros(x) ?? null);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = withoutZeros((v as Record<string, unknown>)[k]);
      if (x !== undefined) out[k] = x;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

/** Equality up to Go zero values: an absent field, null and "" are the same thing. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(withoutZeros(a) ?? null) === JSON.stringify(withoutZeros(b) ?? null);
}

/** A string field that is set (Go's `len(s) > 0`). */
export const isSet = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The `field is immutable` error of apimachinery's ValidateImmutableField. */
export function immutable(field: string, now: unknown, before: unknown): FieldError[] {
  return sameValue(now, before) ? [] : [{ type: 'FieldValueInvalid', field, value: now, detail: 'field is immutable' }];
}

/** Fills in the parts of a ResourceType every built-in shares. */
export function builtin(
  t: Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind' | 'namespaced' | 'nameRule' | 'hasStatus'> &
    Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'selectableFields' | 'columns' | 'storedAs' | 'schema' | 'fieldSet' | 'fieldLabels' | 'generation'>>,
  strategy: Strategy,
): ResourceType {
  return {
    listKind: `${t.kind}List`,
    singular: t.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    selectableFields: [],
    schema: { name: builtinSchemaName(t.group, t.version, t.kind), components: builtinComponents },
    ...t,
    strategy,
  };
}

export type { KubeObject };
