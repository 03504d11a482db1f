/**
 * Pieces the apis.kcp.io kinds share: the wire shapes of permission claims (both versions),
 * selectors, export references and conditions, as kcp's CRDs declare them, and the rules kcp
 * checks on them beyond their shape.
 */
import { z } from 'zod';
import { deepEqual } from '../../meta/index.js';
import { labelSelectorSchema, validateLabelSelector, type FieldError } from '../../registry/index.js';
import type { PermissionClaimSelector } from '../types.js';

export const GROUP_PATTERN = /^(|[a-z0-9]([-a-z0-9]*[a-z0-9](\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?)$/;
export const RESOURCE_PATTERN = /^[a-z][-a-z0-9]*[a-z0-9]$/;
/** A logical cluster path (`root:org:ws`). */
export const PATH_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SELECTOR_NAME_PATTERN = /^([a-z0-9][-a-z0-9_.]*)?[a-z0-9]$/;

/** A string an OpenAPI `pattern` constrains, with the apiserver's wording. */
export const matching = (re: RegExp) => z.string().regex(re, `should match '${re.source}'`);

export const condition = z.strictObject({
  type: z.string(),
  status: z.string(),
  severity: z.string().optional(),
  lastTransitionTime: z.string().nullable().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export const conditions = z.array(condition).nullable().optional();

/** An APIExport named by the path of its workspace (empty: the referrer's own) and its name. */
export const exportReference = z.strictObject({
  path: z
    .string()
    .refine((p) => p === '' || PATH_PATTERN.test(p), `should match '${PATH_PATTERN.source}'`)
    .optional(),
  name: z.string(),
});

export const claimState = z.enum(['Accepted', 'Rejected']);

/** A label selector, or `matchAll`. */
export const claimSelector = labelSelectorSchema.extend({ matchAll: z.boolean().optional() });

const verbs = z.array(z.string()).min(1, 'should have at least 1 items');

/** v1alpha2 PermissionClaim. */
const claimV2Fields = {
  group: matching(GROUP_PATTERN).optional(),
  resource: matching(RESOURCE_PATTERN),
  verbs,
  identityHash: z.string().optional(),
  defaultSelector: claimSelector.optional(),
};
export const permissionClaimV2 = z.strictObject(claimV2Fields);
export const scopedClaimV2 = z.strictObject({ ...claimV2Fields, selector: claimSelector });
export const acceptableClaimV2 = z.strictObject({ ...claimV2Fields, selector: claimSelector, state: claimState });

/** v1alpha1 PermissionClaim: `all` or object names instead of verbs and selectors. */
const claimV1Fields = {
  group: matching(GROUP_PATTERN).optional(),
  resource: matching(RESOURCE_PATTERN),
  all: z.boolean().optional(),
  resourceSelector: z
    .array(
      z.strictObject({
        name: z.string().min(1, 'should be at least 1 chars long').max(253).regex(SELECTOR_NAME_PATTERN, `should match '${SELECTOR_NAME_PATTERN.source}'`).optional(),
        namespace: z.string().min(1, 'should be at least 1 chars long').optional(),
      }),
    )
    .nullable()
    .optional(),
  identityHash: z.string().optional(),
};
export const permissionClaimV1 = z.strictObject(claimV1Fields);
export const acceptableClaimV1 = z.strictObject({ ...claimV1Fields, state: claimState });

interface ClaimKey {
  group?: string;
  resource: string;
  identityHash?: string;
}

/** kcp's EqualGRI: the same group, resource and identity (absent and empty are the same). */
export const sameClaim = (a: ClaimKey, b: ClaimKey): boolean =>
  (a.group ?? '') === (b.group ?? '') && a.resource === b.resource && (a.identityHash ?? '') === (b.identityHash ?? '');

/**
 * Items of a `listType: map` list that repeat an earlier item's keys. Absent keys count as their
 * default, the empty string.
 */
export function duplicateKeys<T extends object>(items: readonly T[] | null | undefined, keys: readonly (keyof T & string)[], at: string): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    const value = Object.fromEntries(keys.map((k) => [k, item[k] ?? '']));
    const id = JSON.stringify(value);
    if (seen.has(id)) errs.push({ type: 'FieldValueDuplicate', field: `${at}[${i}]`, value, detail: '' });
    seen.add(id);
  });
  return errs;
}

/** A `listType: set` of strings must not repeat an item. */
export function duplicateItems(items: readonly string[] | null | undefined, at: string): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    if (seen.has(item)) errs.push({ type: 'FieldValueDuplicate', field: `${at}[${i}]`, value: item, detail: '' });
    seen.add(item);
  });
  return errs;
}

/** The rule of a CEL `self == oldSelf` validation: the value may not change once written. */
export function unchangeable(now: unknown, before: unknown, field: string, message: string): FieldError[] {
  return deepEqual(now ?? null, before ?? null) ? [] : [{ type: 'FieldValueInvalid', field, value: 'object', detail: message }];
}

/** Label syntax of a selector's matchLabels and matchExpressions. */
export function selectorSyntaxErrors(sel: PermissionClaimSelector | undefined, at: string): FieldError[] {
  return sel ? validateLabelSelector(sel, at) : [];
}

/** kcp's ValidateAPIBindingPermissionClaims on one claim's selector: matchAll or labels, never both, never neither. */
export function claimSelectorErrors(sel: PermissionClaimSelector, at: string): FieldError[] {
  const labels = Object.keys(sel.matchLabels ?? {}).length > 0;
  const expressions = (sel.matchExpressions ?? []).length > 0;
  const errs: FieldError[] = [];
  if (sel.matchAll) {
    if (labels) errs.push({ type: 'FieldValueInvalid', field: `${at}.matchLabels`, value: sel, detail: 'matchLabels cannot be used with matchAll' });
    if (expressions) errs.push({ type: 'FieldValueInvalid', field: `${at}.matchExpressions`, value: sel, detail: 'matchExpressions cannot be used with matchAll' });
  } else if (!labels && !expressions) {
    errs.push({ type: 'FieldValueRequired', field: at, detail: 'either one of matchAll, matchLabels, or matchExpressions must be set' });
  }
  return [...errs, ...selectorSyntaxErrors(sel, at)];
}

export interface V1Claim extends ClaimKey {
  all?: boolean;
  resourceSelector?: { name?: string; namespace?: string }[] | null;
}

/**
 * The CEL rules of a v1alpha1 claim (`all` xor a non-empty `resourceSelector`; each selector names
 * something). A claim found unchanged in the old object is not checked again, as the apiserver
 * ratchets unchanged values: a claim read from v1alpha2 (which has neither) can be written back.
 */
export function v1ClaimErrors(claims: readonly V1Claim[] | null | undefined, old: readonly V1Claim[] | null | undefined, at: string): FieldError[] {
  const errs: FieldError[] = [];
  (claims ?? []).forEach((c, i) => {
    if ((old ?? []).some((o) => deepEqual(o, c))) return;
    const selectors = c.resourceSelector ?? [];
    if ((c.all === true) === selectors.length > 0) {
      errs.push({ type: 'FieldValueInvalid', field: `${at}[${i}]`, value: 'object', detail: 'either "all" or "resourceSelector" must be set' });
    }
    selectors.forEach((s, j) => {
      if (s.name === undefined && s.namespace === undefined) {
        errs.push({ type: 'FieldValueInvalid', field: `${at}[${i}].resourceSelector[${j}]`, value: 'object', detail: 'at least one field must be set' });
      }
    });
  });
  return errs;
}

/** The finalizer kcp keeps on an APIBinding until the data of what it bound is gone. */
export const APIBINDING_FINALIZER = 'apis.kcp.io/apibinding-finalizer';
