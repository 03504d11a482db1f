/** RFC 7386 JSON merge patch, and what the apiserver answers for bodies that are not objects. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { applyPatch } from '../../src/registry/patch/index.js';
import { refusedSync } from '../support/registry-fixture.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const obj = (fields: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'x' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata,
  ...fields,
});

/** [name, original, patch, expected] */
const cases: [string, KubeObject, unknown, KubeObject][] = [
  ['adds a member', obj({ data: { a: '1' } }), { data: { b: '2' } }, obj({ data: { a: '1', b: '2' } })],
  ['replaces a scalar', obj({ data: { a: '1' } }), { data: { a: '9' } }, obj({ data: { a: '9' } })],
  [
    'merges nested objects recursively',
    obj({ spec: { template: { metadata: { labels: { a: '1' } }, spec: { x: 1 } } } }),
    { spec: { template: { metadata: { labels: { b: '2' } } } } },
    obj({ spec: { template: { metadata: { labels: { a: '1', b: '2' } }, spec: { x: 1 } } } }),
  ],
  [
    'null deletes a member',
    obj({}, { name: 'x', labels: { a: '1', b: '2' } }),
    { metadata: { labels: { a: null } } },
    obj({}, { name: 'x', labels: { b: '2' } }),
  ],
  ['null on an absent member changes nothing', obj({ data: { a: '1' } }), { data: { zzz: null } }, obj({ data: { a: '1' } })],
  ['null deletes a whole subtree', obj({ data: { a: '1' }, spec: { deep: { x: 1 } } }), { spec: null }, obj({ data: { a: '1' } })],
  [
    'arrays replace, never merge',
    obj({}, { name: 'x', finalizers: ['a', 'b'] }),
    { metadata: { finalizers: ['c'] } },
    obj({}, { name: 'x', finalizers: ['c'] }),
  ],
  [
    'lists of maps replace too (no merge keys here)',
    obj({ spec: { containers: [{ name: 'a', image: '1' }] } }),
    { spec: { containers: [{ name: 'b', image: '2' }] } },
    obj({ spec: { containers: [{ name: 'b', image: '2' }] } }),
  ],
  [
    'an empty array clears a list',
    obj({}, { name: 'x', finalizers: ['a'] }),
    { metadata: { finalizers: [] } },
    obj({}, { name: 'x', finalizers: [] }),
  ],
  [
    'nulls inside a new object are dropped',
    obj({}),
    { spec: { a: { b: null, c: 1 }, d: null } },
    obj({ spec: { a: { c: 1 } } }),
  ],
  [
    'arrays are taken verbatim, nulls included',
    obj({}),
    { spec: { list: [null, { a: null }] } },
    obj({ spec: { list: [null, { a: null }] } }),
  ],
  ['an object replaces a scalar', obj({ spec: 'flat' }), { spec: { a: 1 } }, obj({ spec: { a: 1 } })],
  ['a scalar replaces an object', obj({ spec: { a: 1 } }), { spec: 'flat' }, obj({ spec: 'flat' })],
  ['an object replaces an array', obj({ spec: [1] }), { spec: { a: null, b: 1 } }, obj({ spec: { b: 1 } })],
  ['an empty patch changes nothing', obj({ data: { a: '1' } }), {}, obj({ data: { a: '1' } })],
  [
    'keys with dots and slashes are plain keys',
    obj({}, { name: 'x', annotations: { 'example.com/a': '1' } }),
    { metadata: { annotations: { 'example.com/a': null, 'example.com/b': '2' } } },
    obj({}, { name: 'x', annotations: { 'example.com/b': '2' } }),
  ],
];

describe('merge patch: applies', () => {
  it.each(cases)('%s', (_name, original, patch, expected) => {
    expect(applyPatch('merge', deepFreeze(original), deepFreeze(patch))).toEqual(expected);
  });

  it('deleting metadata leaves an empty ObjectMeta, as decoding into the Go type does', () => {
    expect(applyPatch('merge', obj({ data: {} }), { metadata: null })).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: {} });
  });

  it('stores __proto__ as data, never as a prototype', () => {
    const patch = JSON.parse('{"data": {"__proto__": {"polluted": true}}}') as unknown;
    const out = applyPatch('merge', obj({ data: { a: '1' } }), patch);
    const data = out.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(data)).toBe('{"a":"1","__proto__":{"polluted":true}}');
  });

  it('returns a new object that shares nothing with the original or the patch', () => {
    const original = obj({ spec: { a: { b: 1 } } });
    const patch = { spec: { c: { d: 2 } } };
    const out = applyPatch('merge', original, patch);
    (out.spec as { a: { b: number }; c: { d: number } }).a.b = 5;
    (out.spec as { a: { b: number }; c: { d: number } }).c.d = 5;
    expect(original).toEqual(obj({ spec: { a: { b: 1 } } }));
    expect(patch).toEqual({ spec: { c: { d: 2 } } });
  });
});

describe('merge patch: refuses', () => {
  // evanphx/json-patch answers every body that is not a JSON object with ErrBadJSONPatch.
  it.each([
    ['an array', [{ op: 'add' }]],
    ['a string', 'x'],
    ['a number', 3],
    ['a boolean', true],
    ['null', null],
  ])('a body that is %s with 400 "Invalid JSON Patch"', (_name, body) => {
    expect(refusedSync(() => applyPatch('merge', obj({}), body)).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Invalid JSON Patch',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('a metadata that is not an object with 422 on field patch', () => {
    expect(() => applyPatch('merge', obj({}), { metadata: 'x' })).toThrow(/^ "" is invalid: patch: Invalid value: /);
  });
});
