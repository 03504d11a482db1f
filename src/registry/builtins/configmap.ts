/** core/v1 ConfigMap: string and binary data under one size limit, optionally immutable. */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { checkSchema } from '../schema-check.js';
import { builtin, DATA_MAX_BYTES, decodedLength, isBase64, kindSchema, stringMap, unchanged, validateDataKey } from './common.js';

const schema = kindSchema({
  data: stringMap.nullable().optional(),
  binaryData: stringMap.nullable().optional(),
  immutable: z.boolean().nullable().optional(),
});

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  const data = (o.data ?? {}) as Record<string, string>;
  const binary = (o.binaryData ?? {}) as Record<string, string>;
  let bytes = 0;
  for (const [k, v] of Object.entries(data)) {
    check.errors.push(...validateDataKey(k, `data[${k}]`));
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  for (const [k, v] of Object.entries(binary)) {
    check.errors.push(...validateDataKey(k, `binaryData[${k}]`));
    if (k in data) check.errors.push({ type: 'FieldValueInvalid', field: `binaryData[${k}]`, value: k, detail: 'duplicate of key present in data' });
    if (!isBase64(v)) check.errors.push({ type: 'FieldValueInvalid', field: `binaryData[${k}]`, value: '<binary>', detail: 'must be base64-encoded' });
    bytes += Buffer.byteLength(k) + decodedLength(v);
  }
  if (bytes > DATA_MAX_BYTES) {
    check.errors.push({ type: 'FieldValueTooLong', field: '', detail: `must have at most ${DATA_MAX_BYTES} bytes` });
  }
  return check;
}

function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true) errs.push({ type: 'FieldValueForbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' });
  if (!unchanged(o.data, old.data)) errs.push({ type: 'FieldValueForbidden', field: 'data', detail: 'field is immutable when `immutable` is set' });
  if (!unchanged(o.binaryData, old.binaryData)) errs.push({ type: 'FieldValueForbidden', field: 'binaryData', detail: 'field is immutable when `immutable` is set' });
  return errs;
}

const keys = (v: unknown): number => (typeof v === 'object' && v !== null ? Object.keys(v).length : 0);

export const configMaps = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    generation: false,
    shortNames: ['cm'],
    // Declared "string" like the apiserver's printer, though the cell is a number.
    columns: [{ name: 'Data', type: 'string', description: 'How many keys data and binaryData hold.', priority: 0, cell: (o) => keys(o.data) + keys(o.binaryData) }],
  },
  { validate, validateUpdate },
);
