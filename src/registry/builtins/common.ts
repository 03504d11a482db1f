/** Schema pieces the built-in kinds share. */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import type { ResourceType, Strategy } from '../resource-type.js';

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

/** Fills in the parts of a ResourceType every built-in shares. */
export function builtin(
  t: Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind' | 'namespaced' | 'nameRule' | 'hasStatus'> &
    Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'selectableFields'>>,
  strategy: Strategy,
): ResourceType {
  return {
    listKind: `${t.kind}List`,
    singular: t.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    selectableFields: [],
    ...t,
    strategy,
  };
}

export type { KubeObject };
