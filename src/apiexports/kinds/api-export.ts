/**
 * apis.kcp.io APIExport: the resources a provider offers (each from an APIResourceSchema), its
 * identity, and the claims it makes on other resources of its consumers. Stored in v1alpha2;
 * v1alpha1 is the same objects seen through kcp's conversion (api-export-conversion.ts) and
 * validated as kcp does: first as v1alpha1, then converted, as v1alpha2.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { ageColumn, builtin, checkSchema, kindSchema, nameColumn, type FieldError, type PrinterColumn, type ResourceType } from '../../registry/index.js';
import { APIS_GROUP, conditionOf, EXPORT_RESOURCE, exportSpecOf, exportStatusOf } from '../types.js';
import { claimableWithoutIdentity } from './builtin-apis.js';
import { convertExportToV1alpha2, exportDefaultsV1, exportDefaultsV2, exportToV1alpha1, exportToV1alpha2, type V1ExportSpec } from './api-export-conversion.js';
import { apisComponents, APIS_V1ALPHA1, APIS_V1ALPHA2 } from './openapi.js';
import { conditions, duplicateItems, duplicateKeys, permissionClaimV1, permissionClaimV2, selectorSyntaxErrors, v1ClaimErrors } from './shared.js';

const identity = z.strictObject({ secretRef: z.strictObject({ name: z.string().optional(), namespace: z.string().optional() }).optional() });
const maximalPermissionPolicy = z.strictObject({ local: z.strictObject({}).optional() });

const status = z.strictObject({
  identityHash: z.string().optional(),
  conditions,
  virtualWorkspaces: z.array(z.strictObject({ url: z.string().min(1, 'should be at least 1 chars long') })).nullable().optional(),
});

const resourceSchema = z.strictObject({
  name: z.string(),
  group: z.string(),
  schema: z.string(),
  storage: z
    .strictObject({
      crd: z.strictObject({}).optional(),
      virtual: z
        .strictObject({
          reference: z.strictObject({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() }),
          identityHash: z.string(),
        })
        .optional(),
    })
    .optional(),
});

const schemaV2 = kindSchema({
  spec: z
    .strictObject({
      resources: z.array(resourceSchema).nullable().optional(),
      identity: identity.optional(),
      maximalPermissionPolicy: maximalPermissionPolicy.optional(),
      permissionClaims: z.array(permissionClaimV2).nullable().optional(),
    })
    .optional(),
  status: status.optional(),
});

const schemaV1 = kindSchema({
  spec: z
    .strictObject({
      latestResourceSchemas: z.array(z.string()).nullable().optional(),
      identity: identity.optional(),
      maximalPermissionPolicy: maximalPermissionPolicy.optional(),
      permissionClaims: z.array(permissionClaimV1).nullable().optional(),
    })
    .optional(),
  status: status.optional(),
});

/** kcp's APIExport admission and the CRD's rules between fields, on a v1alpha2 object of valid shape. */
function exportErrors(o: KubeObject): FieldError[] {
  const spec = exportSpecOf(o);
  const errs: FieldError[] = [];
  (spec.resources ?? []).forEach((r, i) => {
    const at = `spec.resources[${i}]`;
    const suffix = `.${r.name}.${r.group || 'core'}`;
    if (!r.schema.endsWith(suffix)) errs.push({ type: 'FieldValueInvalid', field: `${at}.schema`, value: r.schema, detail: `must end in ${suffix}` });
    if ((r.storage?.crd === undefined) === (r.storage?.virtual === undefined)) {
      errs.push({ type: 'FieldValueInvalid', field: `${at}.storage`, value: 'object', detail: 'Exactly one of crd or virtual must be set' });
    }
  });
  errs.push(...duplicateKeys(spec.resources, ['name', 'group'], 'spec.resources'));
  if (spec.maximalPermissionPolicy && !spec.maximalPermissionPolicy.local) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.maximalPermissionPolicy.local', detail: 'must be set when maximalPermissionPolicy is' });
  }
  const claims = spec.permissionClaims ?? [];
  claims.forEach((c, i) => {
    const at = `spec.permissionClaims[${i}]`;
    errs.push(...duplicateItems(c.verbs, `${at}.verbs`), ...selectorSyntaxErrors(c.defaultSelector, `${at}.defaultSelector`));
    if (!c.identityHash && !claimableWithoutIdentity({ group: c.group ?? '', resource: c.resource })) {
      errs.push({ type: 'FieldValueInvalid', field: `${at}.identityHash`, value: '', detail: 'identityHash is required for API types that are not built-in' });
    }
  });
  errs.push(...duplicateKeys(claims, ['group', 'resource'], 'spec.permissionClaims'));
  return errs;
}

function validateV2(o: KubeObject) {
  const shape = checkSchema(schemaV2, o);
  return shape.errors.length > 0 ? shape : { errors: exportErrors(o), unknownFields: shape.unknownFields };
}

/** The identity hash names the export's storage in every consumer: once set, it stays. */
function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const was = exportStatusOf(old).identityHash;
  const now = exportStatusOf(o).identityHash;
  return was && now !== was ? [{ type: 'FieldValueInvalid', field: 'status.identityHash', value: now ?? '', detail: 'field is immutable' }] : [];
}

const v1SpecOf = (o: KubeObject | undefined): V1ExportSpec => (o?.spec ?? {}) as V1ExportSpec;

/** A v1alpha1 write: its own rules, kcp's checks of the annotations, then the v1alpha2 rules on the converted object. */
function validateV1(o: KubeObject, old?: KubeObject) {
  const shape = checkSchema(schemaV1, o);
  if (shape.errors.length > 0) return shape;
  const spec = v1SpecOf(o);
  const errors: FieldError[] = [
    ...duplicateItems(spec.latestResourceSchemas, 'spec.latestResourceSchemas'),
    ...duplicateKeys(spec.permissionClaims, ['group', 'resource'], 'spec.permissionClaims'),
    ...v1ClaimErrors(spec.permissionClaims, old ? v1SpecOf(old).permissionClaims : undefined, 'spec.permissionClaims'),
  ];
  const converted = convertExportToV1alpha2(o);
  errors.push(...converted.errors);
  if (errors.length === 0) errors.push(...validateV2(converted.object).errors);
  return { errors, unknownFields: shape.unknownFields };
}

const common: Pick<ResourceType, 'group' | 'resource' | 'kind' | 'namespaced' | 'nameRule' | 'hasStatus' | 'categories'> = {
  group: APIS_GROUP,
  resource: 'apiexports',
  kind: 'APIExport',
  namespaced: false,
  nameRule: 'subdomain',
  hasStatus: true,
  categories: ['kcp'],
};

/** Storage version. */
export const apiExports = builtin(
  { ...common, version: 'v1alpha2', schema: { name: `${APIS_V1ALPHA2}APIExport`, components: apisComponents } },
  {
    validate: validateV2,
    validateUpdate,
    prepareForCreate: (o) => exportDefaultsV2(exportSpecOf(o)),
    prepareForUpdate: (o) => exportDefaultsV2(exportSpecOf(o)),
  },
);

/** v1alpha1's READY column shows the (feature-gated, usually absent) VirtualWorkspaceURLsReady condition. */
const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  description: 'Status of the VirtualWorkspaceURLsReady condition.',
  priority: 0,
  cell: (o) => conditionOf(exportStatusOf(o).conditions, 'VirtualWorkspaceURLsReady')?.status ?? null,
};

export const apiExportsV1alpha1 = builtin(
  {
    ...common,
    version: 'v1alpha1',
    schema: { name: `${APIS_V1ALPHA1}APIExport`, components: apisComponents },
    columns: [nameColumn, ageColumn, readyColumn],
    storedAs: { resource: EXPORT_RESOURCE, toStored: exportToV1alpha2, fromStored: exportToV1alpha1 },
  },
  {
    validate: validateV1,
    validateUpdate,
    prepareForCreate: (o) => exportDefaultsV1(v1SpecOf(o)),
    prepareForUpdate: (o) => exportDefaultsV1(v1SpecOf(o)),
  },
);
