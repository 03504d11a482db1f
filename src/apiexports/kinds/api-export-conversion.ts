/**
 * APIExport v1alpha1 ↔ v1alpha2, as kcp converts (sdk/apis/apis/v1alpha2/types_apiexport_conversion.go).
 * v1alpha2 is stored. What one version cannot hold travels in annotations, so both round trips
 * keep everything: non-CRD resources and verbs written in v1alpha2 ride on the v1alpha1 object;
 * `all` and `resourceSelector` written in v1alpha1 ride on the stored object.
 */
import { cloneObject, type KubeObject } from '../../meta/index.js';
import type { FieldError } from '../../registry/index.js';
import { APIS_GROUP, exportSpecOf, type APIExportSpec, type ExportedResource, type PermissionClaim } from '../types.js';
import {
  claimV1Json,
  claimV2Json,
  decodeList,
  encode,
  resourceSchemaJson,
  restoreV1Claims,
  V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION,
  withAnnotations,
} from './claims-json.js';
import { sameClaim, type V1Claim } from './shared.js';

/** On v1alpha1 objects: the v1alpha2 resources that are not CRD-backed. */
export const RESOURCE_SCHEMAS_ANNOTATION = 'apis.v1alpha2.kcp.io/resource-schemas';
/** On v1alpha1 objects: the v1alpha2 claims whose verbs are not exactly ["*"]. */
export const PERMISSION_CLAIMS_ANNOTATION = 'apis.v1alpha2.kcp.io/permission-claims';

export interface V1ExportSpec {
  latestResourceSchemas?: string[];
  identity?: APIExportSpec['identity'];
  maximalPermissionPolicy?: APIExportSpec['maximalPermissionPolicy'];
  permissionClaims?: V1Claim[];
}

const V1ALPHA1 = `${APIS_GROUP}/v1alpha1`;
const V1ALPHA2 = `${APIS_GROUP}/v1alpha2`;

export const allVerbs = (verbs: readonly string[] | undefined): boolean => verbs?.length === 1 && verbs[0] === '*';

/** The CRD defaults of v1alpha2 APIExports: claims' group and identityHash "", resources stored as CRDs. */
export function exportDefaultsV2(spec: APIExportSpec | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  for (const c of Array.isArray(spec.permissionClaims) ? spec.permissionClaims : []) {
    if (c && typeof c === 'object') {
      c.group ??= '';
      c.identityHash ??= '';
    }
  }
  for (const r of Array.isArray(spec.resources) ? spec.resources : []) if (r && typeof r === 'object') r.storage ??= { crd: {} };
}

/** The CRD default of v1alpha1 APIExports: claims' group "". */
export function exportDefaultsV1(spec: V1ExportSpec | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  for (const c of Array.isArray(spec.permissionClaims) ? spec.permissionClaims : []) if (c && typeof c === 'object') c.group ??= '';
}

/** The stored (v1alpha2) object as v1alpha1. Pure: the stored object is not changed. */
export function exportToV1alpha1(stored: KubeObject): KubeObject {
  const o = cloneObject(stored);
  const spec = exportSpecOf(o);
  const annotations = { ...(o.metadata.annotations ?? {}) };
  const resources = spec.resources ?? [];
  const crd = resources.filter((r) => r.storage?.crd !== undefined);
  const other = resources.filter((r) => r.storage?.crd === undefined);
  if (other.length > 0) annotations[RESOURCE_SCHEMAS_ANNOTATION] = encode(other, resourceSchemaJson);
  const claims = spec.permissionClaims ?? [];
  const scoped = claims.filter((c) => !allVerbs(c.verbs));
  if (scoped.length > 0) annotations[PERMISSION_CLAIMS_ANNOTATION] = encode(scoped, claimV2Json);

  const v1: V1ExportSpec = {};
  if (crd.length > 0) v1.latestResourceSchemas = crd.map((r) => r.schema);
  if (spec.identity) v1.identity = spec.identity;
  if (spec.maximalPermissionPolicy) v1.maximalPermissionPolicy = spec.maximalPermissionPolicy;
  if (claims.length > 0) {
    v1.permissionClaims = claims.map((c) => claimV1Json({ group: c.group, resource: c.resource, identityHash: c.identityHash }));
    restoreV1Claims(v1.permissionClaims, decodeList(annotations[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION]));
  }
  delete annotations[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION];
  exportDefaultsV1(v1);
  return { ...o, apiVersion: V1ALPHA1, metadata: withAnnotations(o.metadata, annotations), spec: v1 };
}

/** What a v1alpha1 object's spec and annotations become in v1alpha2, or why they cannot. */
export interface ExportConversion {
  object: KubeObject;
  errors: FieldError[];
}

/**
 * Schemas named `<prefix>.<resource>.<group>` are the CRD-backed resources; `core` is the empty
 * group. A name of fewer than three segments names no resource (kcp fails the conversion).
 */
function resourcesOf(names: readonly string[], errors: FieldError[]): ExportedResource[] {
  const out: ExportedResource[] = [];
  names.forEach((schema, i) => {
    const parts = schema.split('.');
    if (parts.length < 3) {
      errors.push({ type: 'FieldValueInvalid', field: `spec.latestResourceSchemas[${i}]`, value: schema, detail: 'must have at least 3 dot-separated segments' });
      return;
    }
    const group = parts.slice(2).join('.');
    out.push({ name: parts[1] as string, group: group === 'core' ? '' : group, schema, storage: { crd: {} } });
  });
  return out;
}

/**
 * The v1alpha1 object in v1alpha2, with kcp's admission checks of the annotations it carries
 * (reported as errors, so validation can refuse the write before anything is stored).
 */
export function convertExportToV1alpha2(input: KubeObject): ExportConversion {
  const o = cloneObject(input);
  const spec = (o.spec ?? {}) as V1ExportSpec;
  const annotations = { ...(o.metadata.annotations ?? {}) };
  const errors: FieldError[] = [];
  const annotationError = (key: string, detail: string): void => {
    const field = `metadata.annotations[${key}]`;
    if (!errors.some((e) => e.field === field && e.detail === detail)) errors.push({ type: 'FieldValueInvalid', field, value: annotations[key], detail });
  };

  const resources = resourcesOf(spec.latestResourceSchemas ?? [], errors);
  if (RESOURCE_SCHEMAS_ANNOTATION in annotations) {
    const extra = decodeList(annotations[RESOURCE_SCHEMAS_ANNOTATION]);
    if (!extra) annotationError(RESOURCE_SCHEMAS_ANNOTATION, 'failed to decode overhanging resource schemas');
    else {
      const added = extra.map(resourceSchemaJson);
      const names = [...added, ...resources].map((r) => r.schema);
      if (new Set(names).size !== names.length) annotationError(RESOURCE_SCHEMAS_ANNOTATION, 'duplicate resource schema');
      resources.push(...added);
    }
    delete annotations[RESOURCE_SCHEMAS_ANNOTATION];
  }

  const v1Claims = spec.permissionClaims ?? [];
  const claims: PermissionClaim[] = v1Claims.map((c) => claimV2Json({ group: c.group, resource: c.resource, identityHash: c.identityHash }));
  if (v1Claims.length > 0) annotations[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION] = encode(v1Claims, claimV1Json);
  if (PERMISSION_CLAIMS_ANNOTATION in annotations) {
    const scoped = decodeList(annotations[PERMISSION_CLAIMS_ANNOTATION]);
    if (!scoped) annotationError(PERMISSION_CLAIMS_ANNOTATION, 'failed to decode overhanging permission claims');
    for (const raw of scoped ?? []) {
      const saved = claimV2Json(raw);
      const targets = claims.filter((c) => sameClaim(c, saved));
      if (targets.length === 0) {
        annotationError(PERMISSION_CLAIMS_ANNOTATION, 'permission claims defined in annotation do not match permission claims defined in spec');
      }
      for (const c of targets) {
        if (saved.verbs) c.verbs = saved.verbs;
        if (saved.defaultSelector) c.defaultSelector = saved.defaultSelector;
        else delete c.defaultSelector;
      }
    }
    delete annotations[PERMISSION_CLAIMS_ANNOTATION];
  }
  for (const c of claims) if (!c.verbs || c.verbs.length === 0) c.verbs = ['*'];

  const v2: APIExportSpec = {};
  if (resources.length > 0) v2.resources = resources;
  if (spec.identity) v2.identity = spec.identity;
  if (spec.maximalPermissionPolicy) v2.maximalPermissionPolicy = spec.maximalPermissionPolicy;
  if (claims.length > 0) v2.permissionClaims = claims;
  exportDefaultsV2(v2);
  return { object: { ...o, apiVersion: V1ALPHA2, metadata: withAnnotations(o.metadata, annotations), spec: v2 }, errors };
}

/** The v1alpha1 object as stored. Validation has refused what does not convert. */
export const exportToV1alpha2 = (o: KubeObject): KubeObject => convertExportToV1alpha2(o).object;
