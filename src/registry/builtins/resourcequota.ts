/**
 * core/v1 ResourceQuota: `spec.hard` limits per namespace, optionally narrowed by scopes, with a
 * server-owned `status` (hard and used) that the quota controller writes through `/status`.
 * Quantities must be valid, non-negative, whole for counted resources, and are stored canonical.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema } from './common.js';
import { formatQuantity, quantityFrom } from './quantity.js';
import { validateScopes, validateScopeSelector, type ScopeRequirement } from './quota-scopes.js';
import { canonicalizeResourceList, readQuantity, validateQuotaQuantity, validateQuotaResourceName } from './resource-names.js';

const resourceList = z.record(z.string(), z.union([z.string(), z.number()])).nullable().optional();

const schema = kindSchema({
  spec: z
    .strictObject({
      hard: resourceList,
      scopes: z.array(z.string()).nullable().optional(),
      scopeSelector: z
        .strictObject({
          matchExpressions: z
            .array(z.strictObject({ scopeName: z.string(), operator: z.string(), values: z.array(z.string()).nullable().optional() }))
            .nullable()
            .optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  status: z.strictObject({ hard: resourceList, used: resourceList }).nullable().optional(),
});

type ResourceList = Record<string, string | number>;
interface QuotaSpec {
  hard?: ResourceList | null;
  scopes?: string[] | null;
  scopeSelector?: { matchExpressions?: ScopeRequirement[] | null } | null;
}
interface QuotaStatus {
  hard?: ResourceList | null;
  used?: ResourceList | null;
}

function validateList(list: ResourceList | null | undefined, at: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, raw] of Object.entries(list ?? {})) {
    const field = `${at}[${name}]`;
    errs.push(...validateQuotaResourceName(name, field));
    const read = readQuantity(raw, field);
    errs.push(...read.errors);
    if (read.quantity) errs.push(...validateQuotaQuantity(name, read.quantity, field));
  }
  return errs;
}

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  const spec = (o.spec ?? {}) as QuotaSpec;
  const status = (o.status ?? {}) as QuotaStatus;
  const hard = Object.keys(spec.hard ?? {}).sort();
  check.errors.push(...validateList(spec.hard, 'spec.hard'));
  check.errors.push(...validateScopes(spec.scopes ?? [], hard));
  if (spec.scopeSelector) check.errors.push(...validateScopeSelector(spec.scopeSelector.matchExpressions ?? [], hard));
  check.errors.push(...validateList(status.hard, 'status.hard'));
  check.errors.push(...validateList(status.used, 'status.used'));
  return check;
}

/** Scopes decide which objects a quota counts, so they are fixed once it exists. */
function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const now = new Set(((o.spec ?? {}) as QuotaSpec).scopes ?? []);
  const before = new Set(((old.spec ?? {}) as QuotaSpec).scopes ?? []);
  if (now.size === before.size && [...now].every((s) => before.has(s))) return [];
  return [{ type: 'FieldValueInvalid', field: 'spec.scopes', value: ((o.spec ?? {}) as QuotaSpec).scopes ?? null, detail: 'field is immutable' }];
}

function canonicalize(o: KubeObject): void {
  if (typeof o.spec === 'object' && o.spec !== null) canonicalizeResourceList((o.spec as Record<string, unknown>).hard);
  if (typeof o.status === 'object' && o.status !== null) {
    canonicalizeResourceList((o.status as Record<string, unknown>).hard);
    canonicalizeResourceList((o.status as Record<string, unknown>).used);
  }
}

function show(value: unknown): string {
  const r = quantityFrom(value);
  return r.ok ? formatQuantity(r.quantity) : String(value);
}

/**
 * kubectl's REQUEST and LIMIT cells: `resource: used/hard` for every resource in `status.hard`,
 * sorted, with `limits.*` in LIMIT and everything else in REQUEST.
 */
export function quotaUsage(o: KubeObject, column: 'request' | 'limit'): string {
  const status = (o.status ?? {}) as QuotaStatus;
  const hard = status.hard ?? {};
  const parts: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const isLimit = name.split('.').length > 1 && name.split('.')[0] === 'limits';
    if (isLimit !== (column === 'limit')) continue;
    const used = status.used?.[name];
    parts.push(`${name}: ${used === undefined ? '0' : show(used)}/${show(hard[name])}`);
  }
  return parts.join(', ');
}

export const resourceQuotas = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: true,
    generation: false,
    shortNames: ['quota'],
    columns: [
      { name: 'Request', type: 'string', description: 'Used and hard amounts of everything but limits.*.', priority: 0, cell: (o) => quotaUsage(o, 'request') },
      { name: 'Limit', type: 'string', description: 'Used and hard amounts of limits.*.', priority: 0, cell: (o) => quotaUsage(o, 'limit') },
    ],
  },
  { validate, validateUpdate, prepareForCreate: canonicalize, prepareForUpdate: canonicalize },
);
