/**
 * Generic metadata rules every kind shares (apimachinery's ValidateObjectMeta and
 * ValidateObjectMetaUpdate): name syntax per kind, generateName, labels, annotations,
 * finalizers, owner references, and which fields a client may never change.
 */
import { z } from 'zod';
import {
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateLabelValue,
  validatePathSegmentName,
  validateQualifiedName,
  type ObjectMeta,
} from '../meta/index.js';
import type { FieldError } from './errors.js';
import type { NameRule } from './resource-type.js';
import { checkSchema, type SchemaCheck } from './schema-check.js';

/** Kubernetes caps the sum of annotation keys and values at 256 KiB. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const stringMap = z.record(z.string(), z.string());

const ownerReference = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

const objectMetaSchema = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().nullable().optional(),
  deletionTimestamp: z.string().nullable().optional(),
  deletionGracePeriodSeconds: z.number().int().nullable().optional(),
  labels: stringMap.nullable().optional(),
  annotations: stringMap.nullable().optional(),
  ownerReferences: z.array(ownerReference).nullable().optional(),
  finalizers: z.array(z.string()).nullable().optional(),
  managedFields: z.array(z.unknown()).nullable().optional(),
});

const NAME_CHECKS: Record<NameRule, (v: string) => string[]> = {
  subdomain: validateDNS1123Subdomain,
  label: validateDNS1123Label,
  'path-segment': (v) => validatePathSegmentName(v),
};

/** Suffix length appended to generateName (apiserver's SimpleNameGenerator). */
export const GENERATED_SUFFIX_LENGTH = 5;

function nameErrors(rule: NameRule, value: string, field: string, prefix: boolean): FieldError[] {
  // A generateName prefix is checked as if a suffix followed it, so "web-" is a fine prefix.
  const candidate = prefix ? `${value}x`.slice(0, 253) : value;
  const msgs = NAME_CHECKS[rule](candidate);
  if (rule !== 'path-segment') msgs.push(...validatePathSegmentName(candidate));
  return msgs.map((detail) => ({ type: 'FieldValueInvalid', field, value, detail }));
}

export interface MetaRules {
  nameRule: NameRule;
  namespaced: boolean;
}

/**
 * The types of metadata's fields, not their syntax: what strategies and mutating admission may
 * rely on when they add a finalizer or an annotation before validation runs.
 */
export function objectMetaTypeErrors(meta: unknown): FieldError[] {
  return checkSchema(objectMetaSchema, meta, ['metadata']).errors;
}

/** Shape and syntax of metadata on create and update. `metadata.name` must be set by now. */
export function validateObjectMeta(meta: unknown, rules: MetaRules): SchemaCheck {
  const check = checkSchema(objectMetaSchema, meta, ['metadata']);
  if (check.errors.length > 0 || typeof meta !== 'object' || meta === null) return check;
  const m = meta as ObjectMeta;
  const errs = check.errors;
  if (!m.name) {
    errs.push({ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' });
  } else {
    errs.push(...nameErrors(rules.nameRule, m.name, 'metadata.name', false));
  }
  if (m.generateName) errs.push(...nameErrors(rules.nameRule, m.generateName, 'metadata.generateName', true));
  if (rules.namespaced) {
    if (!m.namespace) errs.push({ type: 'FieldValueRequired', field: 'metadata.namespace', detail: '' });
    else errs.push(...validateDNS1123Label(m.namespace).map((detail) => ({ type: 'FieldValueInvalid' as const, field: 'metadata.namespace', value: m.namespace, detail })));
  } else if (m.namespace) {
    errs.push({ type: 'FieldValueForbidden', field: 'metadata.namespace', detail: 'not allowed on this type' });
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    for (const detail of validateQualifiedName(k)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.labels', value: k, detail });
    for (const detail of validateLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: `metadata.labels`, value: v, detail });
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    for (const detail of validateQualifiedName(k.toLowerCase())) {
      errs.push({ type: 'FieldValueInvalid', field: 'metadata.annotations', value: k, detail });
    }
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (annotationBytes > ANNOTATIONS_MAX_BYTES) {
    errs.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', detail: `may not be more than ${ANNOTATIONS_MAX_BYTES} bytes` });
  }
  (m.finalizers ?? []).forEach((f, i) => {
    for (const detail of validateQualifiedName(f)) errs.push({ type: 'FieldValueInvalid', field: `metadata.finalizers[${i}]`, value: f, detail });
  });
  let controllers = 0;
  (m.ownerReferences ?? []).forEach((ref, i) => {
    if (ref.controller) controllers++;
    if (ref.apiVersion.split('/').length > 2) {
      errs.push({ type: 'FieldValueInvalid', field: `metadata.ownerReferences[${i}].apiVersion`, value: ref.apiVersion, detail: 'must be a valid apiVersion' });
    }
  });
  if (controllers > 1) {
    errs.push({ type: 'FieldValueInvalid', field: 'metadata.ownerReferences', detail: 'Only one reference can have Controller set to true' });
  }
  return check;
}

/** Fields of metadata a client may not change once the object exists. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;
  for (const f of immutable) {
    if (meta[f] !== old[f]) errs.push({ type: 'FieldValueInvalid', field: `metadata.${f}`, value: meta[f], detail: 'field is immutable' });
  }
  if (old.deletionTimestamp) {
    const had = new Set(old.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !had.has(f));
    if (added.length > 0) {
      errs.push({ type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` });
    }
  }
  return errs;
}
