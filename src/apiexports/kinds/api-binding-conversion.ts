/**
 * APIBinding v1alpha1 ↔ v1alpha2, as kcp converts (sdk/apis/apis/v1alpha2/types_apibinding_conversion.go).
 * v1alpha2 is stored. A v1alpha1 claim's `all` is a v1alpha2 `selector.matchAll`; verbs and
 * label selectors written in v1alpha2 ride on the v1alpha1 object in annotations, and
 * `resourceSelector`s written in v1alpha1 ride on the stored object, spec and status alike.
 */
import { cloneObject, type KubeObject } from '../../meta/index.js';
import {
  APIS_GROUP,
  bindingStatusOf,
  type AcceptablePermissionClaim,
  type APIBindingSpec,
  type APIBindingStatus,
  type PermissionClaim,
  type PermissionClaimSelector,
} from '../types.js';
import { allVerbs } from './api-export-conversion.js';
import {
  acceptableClaimV1Json,
  acceptableClaimV2Json,
  claimV1Json,
  claimV2Json,
  decodeList,
  encode,
  restoreV1Claims,
  scopedClaimV2Json,
  V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION,
  withAnnotations,
  type ScopedClaim,
  type V1AcceptableClaim,
} from './claims-json.js';
import { sameClaim, type V1Claim } from './shared.js';

/** On v1alpha1 objects: spec claims that are not exactly verbs ["*"] with matchAll. */
export const ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/acceptable-permission-claims';
/** On v1alpha1 objects: status.exportPermissionClaims whose verbs are not exactly ["*"]. */
export const STATUS_EXPORT_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/status-export-permission-claims';
/** On v1alpha1 objects: status.appliedPermissionClaims that are not exactly verbs ["*"] with matchAll. */
export const STATUS_APPLIED_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/status-applied-permission-claims';
/** On stored objects: every status.exportPermissionClaims entry written in v1alpha1. */
export const V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/v1alpha1-status-export-permission-claims';
/** On stored objects: status.appliedPermissionClaims written in v1alpha1 with a resourceSelector. */
export const V1ALPHA1_STATUS_APPLIED_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/v1alpha1-status-applied-permission-claims';

export interface V1BindingSpec {
  reference?: APIBindingSpec['reference'];
  permissionClaims?: V1AcceptableClaim[];
}

export interface V1BindingStatus extends Omit<APIBindingStatus, 'appliedPermissionClaims' | 'exportPermissionClaims'> {
  appliedPermissionClaims?: V1Claim[];
  exportPermissionClaims?: V1Claim[];
}

const V1ALPHA1 = `${APIS_GROUP}/v1alpha1`;
const V1ALPHA2 = `${APIS_GROUP}/v1alpha2`;

const everything = (c: { verbs?: string[]; selector?: PermissionClaimSelector }): boolean => allVerbs(c.verbs) && c.selector?.matchAll === true;

/** The CRD defaults of v1alpha2 APIBindings: claims' group and identityHash "", in spec and status. */
export function bindingDefaultsV2(o: KubeObject): void {
  const spec = o.spec as APIBindingSpec | undefined;
  const status = o.status as APIBindingStatus | undefined;
  const lists = [spec?.permissionClaims, status?.appliedPermissionClaims, status?.exportPermissionClaims];
  for (const claims of lists) {
    for (const c of Array.isArray(claims) ? claims : []) {
      if (c && typeof c === 'object') {
        c.group ??= '';
        c.identityHash ??= '';
      }
    }
  }
}

/** What the status fields other than claims hold, in both versions. */
function statusRest(s: APIBindingStatus | V1BindingStatus): Omit<APIBindingStatus, 'appliedPermissionClaims' | 'exportPermissionClaims'> {
  const { appliedPermissionClaims: _applied, exportPermissionClaims: _exported, ...rest } = s;
  return rest;
}

/** The stored (v1alpha2) object as v1alpha1. Pure: the stored object is not changed. */
export function bindingToV1alpha1(stored: KubeObject): KubeObject {
  const o = cloneObject(stored);
  const spec = (o.spec ?? {}) as APIBindingSpec;
  const annotations = { ...(o.metadata.annotations ?? {}) };

  const claims = spec.permissionClaims ?? [];
  const scoped = claims.filter((c) => !everything(c));
  if (scoped.length > 0) annotations[ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION] = encode(scoped, acceptableClaimV2Json);
  const v1: V1BindingSpec = {};
  if (spec.reference !== undefined) v1.reference = spec.reference;
  if (claims.length > 0) {
    v1.permissionClaims = claims.map((c) => ({ ...claimV1Json({ ...c, all: c.selector?.matchAll }), state: c.state }));
    restoreV1Claims(v1.permissionClaims, decodeList(annotations[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION]));
  }
  delete annotations[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION];

  const out: KubeObject = { ...o, apiVersion: V1ALPHA1, spec: v1 };
  if (o.status !== undefined) {
    const status = bindingStatusOf(o);
    const exported = status.exportPermissionClaims ?? [];
    const applied = (status.appliedPermissionClaims ?? []) as ScopedClaim[];
    const partial = exported.filter((c) => !allVerbs(c.verbs));
    if (partial.length > 0) annotations[STATUS_EXPORT_CLAIMS_ANNOTATION] = encode(partial, claimV2Json);
    const narrow = applied.filter((c) => !everything(c));
    if (narrow.length > 0) annotations[STATUS_APPLIED_CLAIMS_ANNOTATION] = encode(narrow, scopedClaimV2Json);
    const v1Status: V1BindingStatus = statusRest(status);
    if (status.appliedPermissionClaims) {
      v1Status.appliedPermissionClaims = applied.map((c) => claimV1Json({ ...c, all: c.selector?.matchAll }));
      restoreV1Claims(v1Status.appliedPermissionClaims, decodeList(annotations[V1ALPHA1_STATUS_APPLIED_CLAIMS_ANNOTATION]));
    }
    if (status.exportPermissionClaims) {
      v1Status.exportPermissionClaims = exported.map((c) => claimV1Json({ group: c.group, resource: c.resource, identityHash: c.identityHash }));
      restoreV1Claims(v1Status.exportPermissionClaims, decodeList(annotations[V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION]));
    }
    out.status = v1Status;
  }
  delete annotations[V1ALPHA1_STATUS_APPLIED_CLAIMS_ANNOTATION];
  delete annotations[V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION];
  out.metadata = withAnnotations(o.metadata, annotations);
  return out;
}

/** A selector that selects nothing in particular means everything: v1alpha1 claims had no narrower scope. */
function orMatchAll(sel: PermissionClaimSelector): PermissionClaimSelector {
  const narrowed = sel.matchAll || Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0;
  return narrowed ? sel : { ...sel, matchAll: true };
}

/** Verbs and selectors saved in an annotation, put back on the claims they belong to. */
function restoreV2<T extends PermissionClaim & { selector?: PermissionClaimSelector }>(claims: T[], saved: ReturnType<typeof decodeList>, selector: boolean): void {
  for (const raw of saved ?? []) {
    const s = scopedClaimV2Json(raw);
    for (const c of claims) {
      if (!sameClaim(c, s)) continue;
      if (s.verbs) c.verbs = s.verbs;
      if (selector) c.selector = s.selector;
    }
  }
}

const withoutResourceSelector = (c: V1Claim): boolean => (c.resourceSelector ?? []).length === 0;

/** The v1alpha1 object as stored. */
export function bindingToV1alpha2(input: KubeObject): KubeObject {
  const o = cloneObject(input);
  const spec = (o.spec ?? {}) as V1BindingSpec;
  const annotations = { ...(o.metadata.annotations ?? {}) };

  const v1Claims = spec.permissionClaims ?? [];
  const claims: AcceptablePermissionClaim[] = v1Claims.map((c) => ({
    ...claimV2Json({ group: c.group, resource: c.resource, identityHash: c.identityHash }),
    selector: c.all ? { matchAll: true } : {},
    state: c.state as AcceptablePermissionClaim['state'],
  }));
  const selecting = v1Claims.filter((c) => !withoutResourceSelector(c));
  if (selecting.length > 0) annotations[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION] = encode(selecting, acceptableClaimV1Json);
  restoreV2(claims, decodeList(annotations[ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION]), true);
  delete annotations[ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION];
  for (const c of claims) {
    if (!c.verbs || c.verbs.length === 0) c.verbs = ['*'];
    c.selector = orMatchAll(c.selector);
  }
  const v2: APIBindingSpec = { reference: spec.reference ?? {} };
  if (claims.length > 0) v2.permissionClaims = claims;

  const out: KubeObject = { ...o, apiVersion: V1ALPHA2, spec: v2 };
  if (o.status !== undefined) {
    const status = (o.status ?? {}) as V1BindingStatus;
    const v1Exported = status.exportPermissionClaims ?? [];
    const v1Applied = status.appliedPermissionClaims ?? [];
    const exported = v1Exported.map((c) => claimV2Json({ group: c.group, resource: c.resource, identityHash: c.identityHash }));
    const applied: ScopedClaim[] = v1Applied.map((c) => ({
      ...claimV2Json({ group: c.group, resource: c.resource, identityHash: c.identityHash }),
      selector: c.all ? { matchAll: true } : {},
    }));
    if (v1Exported.length > 0) annotations[V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION] = encode(v1Exported, claimV1Json);
    const selectingApplied = v1Applied.filter((c) => !withoutResourceSelector(c));
    if (selectingApplied.length > 0) annotations[V1ALPHA1_STATUS_APPLIED_CLAIMS_ANNOTATION] = encode(selectingApplied, claimV1Json);
    restoreV2(exported, decodeList(annotations[STATUS_EXPORT_CLAIMS_ANNOTATION]), false);
    restoreV2(applied, decodeList(annotations[STATUS_APPLIED_CLAIMS_ANNOTATION]), true);
    delete annotations[STATUS_EXPORT_CLAIMS_ANNOTATION];
    delete annotations[STATUS_APPLIED_CLAIMS_ANNOTATION];
    for (const c of exported) if (!c.verbs || c.verbs.length === 0) c.verbs = ['*'];
    for (const c of applied) {
      if (!c.verbs || c.verbs.length === 0) c.verbs = ['*'];
      c.selector = orMatchAll(c.selector);
    }
    const v2Status: APIBindingStatus = statusRest(status);
    if (status.appliedPermissionClaims) v2Status.appliedPermissionClaims = applied;
    if (status.exportPermissionClaims) v2Status.exportPermissionClaims = exported;
    out.status = v2Status;
  }
  out.metadata = withAnnotations(o.metadata, annotations);
  bindingDefaultsV2(out);
  return out;
}
