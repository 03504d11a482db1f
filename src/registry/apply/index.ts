/**
 * Server-side apply and managed-fields tracking, as pure functions over objects: the registry
 * calls applyConfiguration for apply requests and trackUpdate for every other write. Field sets
 * and their FieldsV1 form are exported for tests and for clients of the registry that inspect
 * ownership.
 */
import type { KindSchema } from '../resource-type.js';
import { fieldSetOf } from './field-set-of.js';
import type { FieldSet } from './field-set.js';
import { kindShape } from './kind-shape.js';

export { applyConfiguration, type ApplyArgs } from './apply.js';
export { trackUpdate, type TrackUpdateArgs } from './track-update.js';
export { defaultFieldManager, validateFieldManager, FIELD_MANAGER_MAX_LENGTH } from './field-manager.js';
export { validateManagedFields } from './validate-managed-fields.js';
export { decodeManagedFields, encodeManagedFields, type ManagedFieldsEntry, type Operation } from './managers.js';
export { FieldSet } from './field-set.js';
export { fieldSetFromFieldsV1, fieldSetToFieldsV1, type FieldsV1 } from './fields-v1.js';
export { fieldElement, formatPath, keyElement, parseElement, valueElement, type Path, type PathElement } from './path-element.js';

/** The fields an object (or apply configuration) of a kind spells out, as an applier would own them. */
export function objectFieldSet(object: unknown, schema: KindSchema | undefined): FieldSet {
  return fieldSetOf(object, kindShape(schema));
}
