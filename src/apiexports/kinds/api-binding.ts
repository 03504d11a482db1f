/**
 * apis.kcp.io APIBinding: binds an APIExport (by workspace path and name) into the binding's
 * workspace and answers the export's permission claims. Stored in v1alpha2; v1alpha1 is served
 * through kcp's conversion (api-binding-conversion.ts). The reference never changes, nor does an
 * accepted claim's selector; the phase never returns to "". A finalizer holds a deleted binding
 * until the data of what it bound is gone.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { ageColumn, builtin, checkSchema, kindSchema, nameColumn, type FieldError, type PrinterColumn, type ResourceType } from '../../registry/index.js';
import { APIS_GROUP, BINDING_RESOURCE, bindingStatusOf, conditionOf, type APIBindingSpec, type ExportReference } from '../types.js';
import { bindingDefaultsV2, bindingToV1alpha1, bindingToV1alpha2, type V1BindingSpec } from './api-binding-conversion.js';
import { apisComponents, APIS_V1ALPHA1, APIS_V1ALPHA2 } from './openapi.js';
import {
  acceptableClaimV1,
  acceptableClaimV2,
  APIBINDING_FINALIZER,
  claimSelectorErrors,
  conditions,
  duplicateItems,
  duplicateKeys,
  exportReference,
  permissionClaimV1,
  permissionClaimV2,
  sameClaim,
  scopedClaimV2,
  selectorSyntaxErrors,
  unchangeable,
  v1ClaimErrors,
} from './shared.js';

const boundResource = z.strictObject({
  group: z.string(),
  resource: z.string(),
  schema: z.strictObject({
    name: z.string().min(1, 'should be at least 1 chars long'),
    UID: z.string().min(1, 'should be at least 1 chars long'),
    identityHash: z.string().min(1, 'should be at least 1 chars long'),
  }),
  storageVersions: z.array(z.string()).nullable().optional(),
});

const statusFields = {
  apiExportClusterName: z.string().optional(),
  boundResources: z.array(boundResource).nullable().optional(),
  phase: z.enum(['', 'Binding', 'Bound']).optional(),
  conditions,
};

const reference = z.strictObject({ export: exportReference.optional() });

const schemaV2 = kindSchema({
  spec: z.strictObject({ reference, permissionClaims: z.array(acceptableClaimV2).nullable().optional() }),
  status: z
    .strictObject({
      ...statusFields,
      appliedPermissionClaims: z.array(scopedClaimV2).nullable().optional(),
      exportPermissionClaims: z.array(permissionClaimV2).nullable().optional(),
    })
    .optional(),
});

const schemaV1 = kindSchema({
  spec: z.strictObject({ reference, permissionClaims: z.array(acceptableClaimV1).nullable().optional() }),
  status: z
    .strictObject({
      ...statusFields,
      appliedPermissionClaims: z.array(permissionClaimV1).nullable().optional(),
      exportPermissionClaims: z.array(permissionClaimV1).nullable().optional(),
    })
    .optional(),
});

const specOf = (o: KubeObject): APIBindingSpec => (o.spec ?? {}) as APIBindingSpec;

/** kcp's ValidateAPIBindingReference: an export, by name. */
function referenceErrors(ref: { export?: ExportReference } | undefined): FieldError[] {
  if (!ref?.export) return [{ type: 'FieldValueRequired', field: 'spec.reference.export', detail: '' }];
  if (!ref.export.name) return [{ type: 'FieldValueRequired', field: 'spec.reference.export.name', detail: '' }];
  return [];
}

/** The rules of a v1alpha2 binding of valid shape. */
function bindingErrors(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const claims = spec.permissionClaims ?? [];
  const errs = referenceErrors(spec.reference);
  claims.forEach((c, i) => {
    const at = `spec.permissionClaims[${i}]`;
    errs.push(...duplicateItems(c.verbs, `${at}.verbs`), ...claimSelectorErrors(c.selector, `${at}.selector`), ...selectorSyntaxErrors(c.defaultSelector, `${at}.defaultSelector`));
  });
  errs.push(...duplicateKeys(claims, ['group', 'resource', 'identityHash'], 'spec.permissionClaims'));
  errs.push(...duplicateKeys(bindingStatusOf(o).boundResources, ['group', 'resource'], 'status.boundResources'));
  return errs;
}

function validateV2(o: KubeObject) {
  const shape = checkSchema(schemaV2, o);
  return shape.errors.length > 0 ? shape : { errors: bindingErrors(o), unknownFields: shape.unknownFields };
}

/** Rules against the stored object that hold in both versions. */
function commonUpdateErrors(o: KubeObject, old: KubeObject): FieldError[] {
  const errs = unchangeable(specOf(o).reference, specOf(old).reference, 'spec.reference', 'APIExport reference must not be changed');
  const was = bindingStatusOf(old).phase;
  const now = bindingStatusOf(o).phase ?? '';
  if (was && now === '') errs.push({ type: 'FieldValueForbidden', field: 'status.phase', detail: `cannot transition from "${was}" to ""` });
  return errs;
}

/** An accepted claim's selector is fixed: the claim is matched in the old object by group, resource and identity. */
function validateUpdateV2(o: KubeObject, old: KubeObject): FieldError[] {
  const errs = commonUpdateErrors(o, old);
  const before = specOf(old).permissionClaims ?? [];
  (specOf(o).permissionClaims ?? []).forEach((c, i) => {
    const prior = before.find((b) => sameClaim(b, c));
    if (prior) errs.push(...unchangeable(c.selector, prior.selector, `spec.permissionClaims[${i}].selector`, 'Permission claim selector is immutable'));
  });
  return errs;
}

const v1SpecOf = (o: KubeObject | undefined): V1BindingSpec => (o?.spec ?? {}) as V1BindingSpec;

/** A v1alpha1 write: its own rules, then the v1alpha2 rules on the object it converts to. */
function validateV1(o: KubeObject, old?: KubeObject) {
  const shape = checkSchema(schemaV1, o);
  if (shape.errors.length > 0) return shape;
  const spec = v1SpecOf(o);
  const errors = [...referenceErrors(spec.reference), ...v1ClaimErrors(spec.permissionClaims, old ? v1SpecOf(old).permissionClaims : undefined, 'spec.permissionClaims')];
  if (errors.length === 0) errors.push(...validateV2(bindingToV1alpha2(o)).errors);
  return { errors, unknownFields: shape.unknownFields };
}

/** The finalizer is kept on every write of a binding that is not being deleted. */
function keepFinalizer(o: KubeObject): void {
  if (o.metadata.deletionTimestamp) return;
  const finalizers = o.metadata.finalizers ?? [];
  if (!finalizers.includes(APIBINDING_FINALIZER)) o.metadata.finalizers = [...finalizers, APIBINDING_FINALIZER];
}

const readyColumn: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  description: 'Status of the Ready condition.',
  priority: 0,
  cell: (o) => conditionOf(bindingStatusOf(o).conditions, 'Ready')?.status ?? null,
};

const common: Pick<ResourceType, 'group' | 'resource' | 'kind' | 'namespaced' | 'nameRule' | 'hasStatus' | 'categories'> = {
  group: APIS_GROUP,
  resource: 'apibindings',
  kind: 'APIBinding',
  namespaced: false,
  nameRule: 'subdomain',
  hasStatus: true,
  categories: ['kcp'],
};

function prepareV2(o: KubeObject): void {
  bindingDefaultsV2(o);
  keepFinalizer(o);
}

/** Storage version. */
export const apiBindings = builtin(
  { ...common, columns: [nameColumn, ageColumn, readyColumn], version: 'v1alpha2', schema: { name: `${APIS_V1ALPHA2}APIBinding`, components: apisComponents } },
  { validate: validateV2, validateUpdate: validateUpdateV2, prepareForCreate: prepareV2, prepareForUpdate: prepareV2 },
);

export const apiBindingsV1alpha1 = builtin(
  {
    ...common,
    columns: [nameColumn, ageColumn, readyColumn],
    version: 'v1alpha1',
    schema: { name: `${APIS_V1ALPHA1}APIBinding`, components: apisComponents },
    storedAs: { resource: BINDING_RESOURCE, toStored: bindingToV1alpha2, fromStored: bindingToV1alpha1 },
  },
  { validate: validateV1, validateUpdate: commonUpdateErrors, prepareForCreate: keepFinalizer, prepareForUpdate: keepFinalizer },
);
