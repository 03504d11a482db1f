/**
 * Validation of `metadata.managedFields` as ObjectMeta validation does it. In Kubernetes, entries
 * a client sends that cannot even be decoded (unknown operation, empty apiVersion, bad FieldsV1)
 * are not an error: the field manager silently keeps the stored object's managedFields instead
 * (trackUpdate does the same). What reaches validation decodes fine, and is refused (422) only
 * for these rules: operation Apply or Update, fieldsType FieldsV1 when set, a valid manager name
 * and a subresource of at most 256 bytes.
 */
import { isPlainObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { validateFieldManager } from './field-manager.js';

const MAX_SUBRESOURCE_LENGTH = 256;

export function validateManagedFields(value: unknown, field = 'metadata.managedFields'): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ type: 'FieldValueTypeInvalid', field, detail: 'must be a list of managed fields entries' }];
  const errs: FieldError[] = [];
  value.forEach((e: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(e)) {
      errs.push({ type: 'FieldValueTypeInvalid', field: at, detail: 'must be an object' });
      return;
    }
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push({ type: 'FieldValueInvalid', field: `${at}.operation`, value: e.operation ?? '', detail: 'must be `Apply` or `Update`' });
    }
    if (e.fieldsType !== undefined && e.fieldsType !== null && e.fieldsType !== '' && e.fieldsType !== 'FieldsV1') {
      errs.push({ type: 'FieldValueInvalid', field: `${at}.fieldsType`, value: e.fieldsType, detail: 'must be `FieldsV1`' });
    }
    errs.push(...validateFieldManager(typeof e.manager === 'string' ? e.manager : '', `${at}.manager`));
    if (typeof e.subresource === 'string' && Buffer.byteLength(e.subresource) > MAX_SUBRESOURCE_LENGTH) {
      errs.push({ type: 'FieldValueTooLong', field: `${at}.subresource`, detail: `may not be more than ${MAX_SUBRESOURCE_LENGTH} bytes` });
    }
  });
  return errs;
}
