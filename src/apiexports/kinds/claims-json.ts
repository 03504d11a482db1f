/**
 * Claims and resource schemas as kcp's Go types encode them (field order, `omitempty`), for the
 * annotations in which the v1alpha1 ↔ v1alpha2 conversions keep what the other version cannot
 * hold. The same functions read annotation entries back: they take the fields of the Go type that
 * have the right JSON type and leave the rest out, as Go's decoder would leave them zero.
 */
import { isPlainObject } from '../../meta/index.js';
import type { AcceptablePermissionClaim, ExportedResource, PermissionClaim, PermissionClaimSelector } from '../types.js';
import { sameClaim, type V1Claim } from './shared.js';

/** The original v1alpha1 claims of an object written in v1alpha1, kept on the stored (v1alpha2) object. */
export const V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/v1alpha1-permission-claims';

type Json = Record<string, unknown>;

export interface V1AcceptableClaim extends V1Claim {
  state: string;
}

export type ScopedClaim = PermissionClaim & { selector: PermissionClaimSelector };

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
const nonEmpty = <T>(v: T[] | undefined): T[] | undefined => (v && v.length > 0 ? v : undefined);

/** Leaves out what is undefined, so the key order is the order the fields were written in. */
function compact<T>(o: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function selectorJson(x: unknown): PermissionClaimSelector {
  const s = isPlainObject(x) ? x : {};
  const labels = isPlainObject(s.matchLabels) ? Object.fromEntries(Object.entries(s.matchLabels).filter(([, v]) => typeof v === 'string')) : {};
  const expressions = Array.isArray(s.matchExpressions)
    ? s.matchExpressions.filter(isPlainObject).map((e) => compact<{ key: string; operator: string; values?: string[] }>({
        key: typeof e.key === 'string' ? e.key : '',
        operator: typeof e.operator === 'string' ? e.operator : '',
        values: nonEmpty(strings(e.values)),
      }))
    : [];
  return compact({
    matchLabels: Object.keys(labels).length > 0 ? labels : undefined,
    matchExpressions: nonEmpty(expressions),
    matchAll: s.matchAll === true ? true : undefined,
  });
}

/** v1alpha2 PermissionClaim: group, resource, verbs, identityHash, defaultSelector. */
export function claimV2Json(x: Json): PermissionClaim {
  return compact({
    group: text(x.group),
    resource: typeof x.resource === 'string' ? x.resource : '',
    verbs: strings(x.verbs),
    identityHash: text(x.identityHash),
    defaultSelector: isPlainObject(x.defaultSelector) ? selectorJson(x.defaultSelector) : undefined,
  });
}

export function scopedClaimV2Json(x: Json): ScopedClaim {
  return { ...claimV2Json(x), selector: selectorJson(x.selector) };
}

export function acceptableClaimV2Json(x: Json): AcceptablePermissionClaim {
  return { ...scopedClaimV2Json(x), state: x.state as AcceptablePermissionClaim['state'] };
}

/** v1alpha1 PermissionClaim: group, resource, all, resourceSelector, identityHash. */
export function claimV1Json(x: Json): V1Claim {
  const selectors = Array.isArray(x.resourceSelector)
    ? x.resourceSelector.filter(isPlainObject).map((s) => compact<{ name?: string; namespace?: string }>({ name: text(s.name), namespace: text(s.namespace) }))
    : undefined;
  return compact({
    group: text(x.group),
    resource: typeof x.resource === 'string' ? x.resource : '',
    all: x.all === true ? true : undefined,
    resourceSelector: nonEmpty(selectors),
    identityHash: text(x.identityHash),
  });
}

export function acceptableClaimV1Json(x: Json): V1AcceptableClaim {
  return { ...claimV1Json(x), state: typeof x.state === 'string' ? x.state : '' };
}

/** v1alpha2 ResourceSchema: name, group, schema, storage (always written). */
export function resourceSchemaJson(x: Json): ExportedResource {
  const storage = isPlainObject(x.storage) ? x.storage : {};
  const virtual = isPlainObject(storage.virtual) ? storage.virtual : undefined;
  const reference = virtual && isPlainObject(virtual.reference) ? virtual.reference : {};
  return {
    name: typeof x.name === 'string' ? x.name : '',
    group: typeof x.group === 'string' ? x.group : '',
    schema: typeof x.schema === 'string' ? x.schema : '',
    storage: compact({
      crd: isPlainObject(storage.crd) ? {} : undefined,
      virtual: virtual
        ? {
            reference: compact({ apiGroup: text(reference.apiGroup), kind: typeof reference.kind === 'string' ? reference.kind : '', name: typeof reference.name === 'string' ? reference.name : '' }),
            identityHash: typeof virtual.identityHash === 'string' ? virtual.identityHash : '',
          }
        : undefined,
    }),
  };
}

/**
 * The entries of an annotation holding a JSON list of objects, or undefined when it does not
 * parse as one (kcp fails such a conversion; a read here ignores the annotation instead).
 */
export function decodeList(value: string | undefined): Json[] | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null) return [];
    return Array.isArray(parsed) && parsed.every(isPlainObject) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A claim list as Go encodes it into an annotation. */
export const encode = <T>(items: readonly T[], as: (x: Json) => unknown): string => JSON.stringify(items.map((x) => as(x as Json)));

/** `all` and `resourceSelector` of the original v1alpha1 claims, put back on the converted ones. */
export function restoreV1Claims<T extends V1Claim>(claims: T[] | undefined, originals: Json[] | undefined): void {
  for (const raw of originals ?? []) {
    const original = claimV1Json(raw);
    for (const c of claims ?? []) {
      if (!sameClaim(original, c)) continue;
      if (original.all) c.all = true;
      else delete c.all;
      if (original.resourceSelector) c.resourceSelector = original.resourceSelector;
      else delete c.resourceSelector;
    }
  }
}

/** The annotations left, or none at all when nothing is left (Go's empty map becomes nil). */
export function withAnnotations<M extends { annotations?: Record<string, string> }>(meta: M, annotations: Record<string, string>): M {
  const out = { ...meta };
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  else delete out.annotations;
  return out;
}
