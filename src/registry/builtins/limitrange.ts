/**
 * core/v1 LimitRange: per-namespace minimums, maximums and defaults for Pods, Containers and
 * PersistentVolumeClaims. The rules that relate the numbers to each other (min ≤ default request ≤
 * default ≤ max, ratios) are core validation's ValidateLimitRange; quantities are stored canonical.
 */
import { z } from 'zod';
import { validateQualifiedName, type KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { checkSchema } from '../schema-check.js';
import { defaultTable } from './columns.js';
import { builtin, kindSchema } from './common.js';
import { compareQuantities, formatQuantity, quantityMilliValue, quantityValue, type Quantity } from './quantity.js';
import {
  canonicalizeResourceList,
  isOvercommitAllowed,
  readQuantity,
  validateContainerResourceName,
  validateResourceName,
} from './resource-names.js';

const quantity = z.union([z.string(), z.number()]);
const resourceList = z.record(z.string(), quantity).nullable().optional();

const LIST_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
type ListField = (typeof LIST_FIELDS)[number];

const limitItem = z.strictObject({
  type: z.string(),
  max: resourceList,
  min: resourceList,
  default: resourceList,
  defaultRequest: resourceList,
  maxLimitRequestRatio: resourceList,
});

const schema = kindSchema({
  spec: z.strictObject({ limits: z.array(limitItem).nullable().optional() }).nullable().optional(),
});

type LimitItem = z.infer<typeof limitItem>;

const STANDARD_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

/** apimachinery caps milli-precision arithmetic below this, falling back to whole units. */
const MAX_MILLI_VALUE = 9223372036854775807n / 1000n;

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

function validateType(type: string, field: string): FieldError[] {
  const errs = validateQualifiedName(type).map((m) => invalid(field, type, m));
  if (errs.length === 0 && !type.includes('/') && !STANDARD_TYPES.has(type)) {
    errs.push(invalid(field, type, 'must be a standard limit type or fully qualified'));
  }
  return errs;
}

function validateItem(item: LimitItem, at: string, errs: FieldError[]): void {
  const isPod = item.type === 'Pod';
  const checkName = item.type === 'Pod' || item.type === 'Container' ? validateContainerResourceName : validateResourceName;
  const values: Record<ListField, Map<string, Quantity>> = {
    max: new Map(),
    min: new Map(),
    default: new Map(),
    defaultRequest: new Map(),
    maxLimitRequestRatio: new Map(),
  };
  for (const f of LIST_FIELDS) {
    const list = item[f] ?? {};
    if (isPod && (f === 'default' || f === 'defaultRequest')) {
      if (Object.keys(list).length > 0) errs.push({ type: 'FieldValueForbidden', field: `${at}.${f}`, detail: "may not be specified when `type` is 'Pod'" });
      continue;
    }
    for (const [name, raw] of Object.entries(list)) {
      const field = `${at}.${f}[${name}]`;
      errs.push(...checkName(name, field));
      const read = readQuantity(raw, field);
      errs.push(...read.errors);
      if (read.quantity) values[f].set(name, read.quantity);
    }
  }
  if (item.type === 'PersistentVolumeClaim' && item.min?.storage === undefined && item.max?.storage === undefined) {
    errs.push({ type: 'FieldValueRequired', field: `${at}.limits`, detail: 'either minimum or maximum storage value is required, but neither was provided' });
  }
  const names = new Set(LIST_FIELDS.flatMap((f) => [...values[f].keys()]));
  for (const name of names) errs.push(...relations(name, values, at));
}

/** How one resource's min, max, defaults and ratio must relate. */
function relations(name: string, v: Record<ListField, Map<string, Quantity>>, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const min = v.min.get(name);
  const max = v.max.get(name);
  const def = v.default.get(name);
  const req = v.defaultRequest.get(name);
  const ratio = v.maxLimitRequestRatio.get(name);
  const s = formatQuantity;
  const gt = (a: Quantity | undefined, b: Quantity | undefined): boolean => !!a && !!b && compareQuantities(a, b) > 0;
  if (min && max && gt(min, max)) errs.push(invalid(`${at}.min[${name}]`, s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
  if (req && min && gt(min, req)) errs.push(invalid(`${at}.defaultRequest[${name}]`, s(req), `min value ${s(min)} is greater than default request value ${s(req)}`));
  if (req && max && gt(req, max)) errs.push(invalid(`${at}.defaultRequest[${name}]`, s(req), `default request value ${s(req)} is greater than max value ${s(max)}`));
  if (req && def && gt(req, def)) errs.push(invalid(`${at}.defaultRequest[${name}]`, s(req), `default request value ${s(req)} is greater than default limit value ${s(def)}`));
  if (def && min && gt(min, def)) errs.push(invalid(`${at}.default[${name}]`, s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
  if (def && max && gt(def, max)) errs.push(invalid(`${at}.default[${name}]`, s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
  if (ratio) {
    const field = `${at}.maxLimitRequestRatio[${name}]`;
    if (ratio.nanos < 1_000_000_000n) errs.push(invalid(field, s(ratio), `ratio ${s(ratio)} is less than 1`));
    if (min && max) {
      const milli = quantityValue(ratio) < MAX_MILLI_VALUE && quantityValue(min) < MAX_MILLI_VALUE && quantityValue(max) < MAX_MILLI_VALUE;
      const ratioValue = milli ? Number(quantityMilliValue(ratio)) / 1000 : Number(quantityValue(ratio));
      const limit = milli ? Number(quantityMilliValue(max)) / Number(quantityMilliValue(min)) : Number(quantityValue(max)) / Number(quantityValue(min));
      if (ratioValue > limit) errs.push(invalid(field, s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
    }
  }
  if (!isOvercommitAllowed(name) && def && req && compareQuantities(def, req) !== 0) {
    errs.push(invalid(`${at}.defaultRequest[${name}]`, s(req), `default value ${s(def)} must equal to defaultRequest value ${s(req)} in ${name}`));
  }
  return errs;
}

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  const limits = (o.spec as { limits?: LimitItem[] | null } | null | undefined)?.limits ?? [];
  const seen = new Set<string>();
  limits.forEach((item, i) => {
    const at = `spec.limits[${i}]`;
    check.errors.push(...validateType(item.type, `${at}.type`));
    if (seen.has(item.type)) check.errors.push({ type: 'FieldValueDuplicate', field: `${at}.type`, value: item.type, detail: '' });
    seen.add(item.type);
    validateItem(item, at, check.errors);
  });
  return check;
}

/** The apiserver stores quantities in canonical form ("1000m" comes back as "1"). */
function canonicalize(o: KubeObject): void {
  const limits = (o.spec as { limits?: unknown } | null | undefined)?.limits;
  if (!Array.isArray(limits)) return;
  for (const item of limits) {
    if (typeof item !== 'object' || item === null) continue;
    for (const f of LIST_FIELDS) canonicalizeResourceList((item as Record<string, unknown>)[f]);
  }
}

export const limitRanges = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'limitranges',
    kind: 'LimitRange',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    generation: false,
    shortNames: ['limits'],
    columns: defaultTable,
  },
  { validate, prepareForCreate: canonicalize, prepareForUpdate: canonicalize },
);

