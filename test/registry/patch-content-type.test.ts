/** PATCH media types: what each Content-Type asks for, and the 415 for the rest. */
import { describe, expect, it } from 'vitest';
import { acceptedPatchMediaTypes, patchTypeOf, unsupportedPatchMediaType } from '../../src/registry/patch/index.js';

describe('patchTypeOf', () => {
  it.each([
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/apply-patch+yaml', 'apply'],
    ['application/merge-patch+json; charset=utf-8', 'merge'],
    ['Application/JSON-Patch+JSON', 'json'],
    ['application/apply-patch+cbor', undefined],
    ['application/json', undefined],
    ['', undefined],
  ])('%s → %s', (contentType, type) => {
    expect(patchTypeOf(contentType)).toBe(type);
  });
});

describe('unsupported media types', () => {
  it('lists the types in the apiserver order, without strategic for custom resources', () => {
    expect(acceptedPatchMediaTypes(true)).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(acceptedPatchMediaTypes(false)).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
  });

  it('answers 415 with the accepted list, as negotiation.NewUnsupportedMediaTypeError', () => {
    expect(unsupportedPatchMediaType(acceptedPatchMediaTypes(true)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, ' +
        'application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });
});
