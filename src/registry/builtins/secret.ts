/**
 * core/v1 Secret: base64 `data`, with `stringData` folded into it on write (it is never stored or
 * returned), a `type` that cannot change, the keys each well-known type requires, and `immutable`.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { checkSchema } from '../schema-check.js';
import { builtin, DATA_MAX_BYTES, decodedLength, isBase64, kindSchema, stringMap, unchanged, validateDataKey } from './common.js';

const schema = kindSchema({
  data: stringMap.nullable().optional(),
  stringData: stringMap.nullable().optional(),
  type: z.string().optional(),
  immutable: z.boolean().nullable().optional(),
});

/** Keys that must be present for each well-known Secret type (core validation's ValidateSecret). */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function fold(o: KubeObject): void {
  if (o.stringData && typeof o.stringData === 'object') {
    const data = { ...((o.data ?? {}) as Record<string, string>) };
    for (const [k, v] of Object.entries(o.stringData as Record<string, unknown>)) {
      if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
    o.data = data;
  }
  delete o.stringData;
  if (o.type === undefined || o.type === '') o.type = 'Opaque';
}

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  const errs = check.errors;
  const data = (o.data ?? {}) as Record<string, string>;
  let bytes = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...validateDataKey(k, `data[${k}]`));
    if (!isBase64(v)) errs.push({ type: 'FieldValueInvalid', field: `data[${k}]`, value: '<secret contents redacted>', detail: 'must be base64-encoded' });
    else bytes += decodedLength(v);
  }
  if (bytes > DATA_MAX_BYTES) errs.push({ type: 'FieldValueTooLong', field: 'data', detail: `must have at most ${DATA_MAX_BYTES} bytes` });
  const type = o.type as string;
  for (const k of REQUIRED_KEYS[type] ?? []) {
    if (!(k in data)) errs.push({ type: 'FieldValueRequired', field: `data[${k}]`, detail: '' });
  }
  if (type === 'kubernetes.io/service-account-token' && !o.metadata.annotations?.['kubernetes.io/service-account.name']) {
    errs.push({ type: 'FieldValueRequired', field: 'metadata.annotations[kubernetes.io/service-account.name]', detail: '' });
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errs.push({ type: 'FieldValueRequired', field: 'data[username]', detail: 'either username or password is required' });
  }
  return check;
}

function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (o.type !== old.type) errs.push({ type: 'FieldValueInvalid', field: 'type', value: o.type, detail: 'field is immutable' });
  if (old.immutable === true) {
    if (o.immutable !== true) errs.push({ type: 'FieldValueForbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' });
    if (!unchanged(o.data, old.data)) errs.push({ type: 'FieldValueForbidden', field: 'data', detail: 'field is immutable when `immutable` is set' });
  }
  return errs;
}

export const secrets = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    generation: false,
    selectableFields: ['type'],
    columns: [
      { name: 'Type', type: 'string', description: 'The secret’s type, which fixes the keys it must hold.', priority: 0, cell: (o) => (typeof o.type === 'string' ? o.type : '') },
      {
        name: 'Data',
        type: 'string',
        description: 'How many keys the secret holds.',
        priority: 0,
        cell: (o) => (typeof o.data === 'object' && o.data !== null ? Object.keys(o.data).length : 0),
      },
    ],
  },
  { validate, validateUpdate, prepareForCreate: fold, prepareForUpdate: fold },
);
