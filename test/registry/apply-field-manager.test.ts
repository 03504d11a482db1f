/**
 * Field manager names and managedFields validation: the default name the apiserver takes from the
 * User-Agent, and the 422 rules ObjectMeta validation applies to managedFields entries.
 */
import { describe, expect, it } from 'vitest';
import { defaultFieldManager, validateFieldManager, validateManagedFields } from '../../src/registry/apply/index.js';
import { formatFieldError } from '../../src/registry/errors.js';

describe('defaultFieldManager', () => {
  it.each([
    ['kubectl/v1.31.0 (linux/amd64) kubernetes/7ad1e1c', 'kubectl'],
    ['Go-http-client/1.1', 'Go-http-client'],
    ['node-fetch', 'node-fetch'],
    ['my\tagent\u0000/1.0', 'myagent'],
    ['', ''],
    [undefined, ''],
    ['x'.repeat(200), 'x'.repeat(128)],
    // Cut on whole characters: 42 three-byte characters fit in 128 bytes, a 43rd would not.
    ['€'.repeat(50), '€'.repeat(42)],
  ])('%j gives %j', (userAgent, expected) => {
    expect(defaultFieldManager(userAgent)).toBe(expected);
  });
});

describe('validateFieldManager', () => {
  it('accepts printable names up to 128 bytes', () => {
    expect(validateFieldManager('kubectl-client-side-apply', 'fieldManager')).toEqual([]);
    expect(validateFieldManager('ü'.repeat(64), 'fieldManager')).toEqual([]);
  });

  it('refuses longer names and unprintable characters, as apimachinery words it', () => {
    expect(validateFieldManager('x'.repeat(129), 'fieldManager').map(formatFieldError)).toEqual(['fieldManager: Too long: may not be more than 128 bytes']);
    expect(validateFieldManager('a\tb', 'fieldManager').map(formatFieldError)).toEqual([
      'fieldManager: Invalid value: "a\\tb": invalid character U+0009 (at position 1)',
    ]);
  });
});

describe('validateManagedFields', () => {
  const ok = { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} };

  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty', []],
    ['well-formed entries', [ok, { ...ok, operation: 'Update', subresource: 'status' }]],
    ['an entry without fieldsType (allowed by validation)', [{ manager: 'm', operation: 'Update' }]],
  ])('accepts %s', (_, value) => {
    expect(validateManagedFields(value)).toEqual([]);
  });

  it.each([
    ['not a list', { a: 1 }, ['metadata.managedFields: Invalid value: must be a list of managed fields entries']],
    ['an entry that is not an object', ['x'], ['metadata.managedFields[0]: Invalid value: must be an object']],
    ['an unknown operation', [{ ...ok, operation: 'Bogus' }], ['metadata.managedFields[0].operation: Invalid value: "Bogus": must be `Apply` or `Update`']],
    ['another fieldsType', [ok, { ...ok, fieldsType: 'FieldsV2' }], ['metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`']],
    ['a bad manager name', [{ ...ok, manager: 'm\n' }], ['metadata.managedFields[0].manager: Invalid value: "m\\n": invalid character U+000A (at position 1)']],
    ['a long subresource', [{ ...ok, subresource: 's'.repeat(257) }], ['metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes']],
  ])('refuses %s', (_, value, messages) => {
    expect(validateManagedFields(value).map(formatFieldError)).toEqual(messages);
  });
});
