/** RFC 6902 JSON patch as the apiserver applies it, and the errors it answers with. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { ApiError } from '../../src/registry/errors.js';
import { applyPatch, GENERIC_INVALID, MAX_JSON_PATCH_OPERATIONS } from '../../src/registry/patch/index.js';
import { refusedSync } from '../support/registry-fixture.js';

/** Freezes a value deeply, so any write to it throws (test modules run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const base = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', labels: { app: 'web', 'example.com/tier': 'front', 'a~b': 'tilde' }, finalizers: ['f1', 'f2'] },
  data: { k1: 'v1', k2: 'v2' },
  list: [1, 2, 3],
});

type Edit = (o: KubeObject & { data: Record<string, unknown>; list: unknown[] }) => void;

/** Each case: the ops, and how the expected object differs from base(). */
const applies: [string, unknown[], Edit][] = [
  ['adds a member', [{ op: 'add', path: '/data/k3', value: 'v3' }], (o) => (o.data.k3 = 'v3')],
  ['add on an existing member replaces it', [{ op: 'add', path: '/data/k1', value: 'x' }], (o) => (o.data.k1 = 'x')],
  ['adds into an array at an index', [{ op: 'add', path: '/list/0', value: 0 }], (o) => o.list.unshift(0)],
  ['adds at the end with -', [{ op: 'add', path: '/list/-', value: 4 }], (o) => o.list.push(4)],
  ['adds at index == length', [{ op: 'add', path: '/list/3', value: 4 }], (o) => o.list.push(4)],
  ['removes a member', [{ op: 'remove', path: '/data/k1' }], (o) => delete o.data.k1],
  ['removes an array element', [{ op: 'remove', path: '/list/1' }], (o) => o.list.splice(1, 1)],
  ['replaces a member', [{ op: 'replace', path: '/data/k2', value: { nested: true } }], (o) => (o.data.k2 = { nested: true })],
  ['replaces an array element', [{ op: 'replace', path: '/list/2', value: 30 }], (o) => (o.list[2] = 30)],
  [
    'moves a member',
    [{ op: 'move', from: '/data/k1', path: '/data/moved' }],
    (o) => {
      o.data.moved = o.data.k1;
      delete o.data.k1;
    },
  ],
  ['moves an array element', [{ op: 'move', from: '/list/0', path: '/list/-' }], (o) => o.list.push(o.list.shift())],
  ['copies a value', [{ op: 'copy', from: '/metadata/finalizers', path: '/data/f' }], (o) => (o.data.f = ['f1', 'f2'])],
  [
    'runs ops in order after a passing test',
    [
      { op: 'test', path: '/data/k1', value: 'v1' },
      { op: 'replace', path: '/data/k1', value: 'v1b' },
      { op: 'test', path: '/data/k1', value: 'v1b' },
    ],
    (o) => (o.data.k1 = 'v1b'),
  ],
  ['tests deep values structurally', [{ op: 'test', path: '/metadata/finalizers', value: ['f1', 'f2'] }], () => {}],
  ['tests an absent member against null (evanphx)', [{ op: 'test', path: '/data/nope', value: null }], () => {}],
  [
    'unescapes ~1 in a path',
    [{ op: 'replace', path: '/metadata/labels/example.com~1tier', value: 'back' }],
    (o) => (o.metadata.labels = { ...o.metadata.labels, 'example.com/tier': 'back' }),
  ],
  [
    'unescapes ~0 in a path',
    [{ op: 'remove', path: '/metadata/labels/a~0b' }],
    (o) => (o.metadata.labels = { app: 'web', 'example.com/tier': 'front' }),
  ],
  [
    'treats constructor and prototype as ordinary keys',
    [
      { op: 'add', path: '/metadata/labels/constructor', value: 'c' },
      { op: 'add', path: '/metadata/labels/prototype', value: 'p' },
    ],
    (o) => (o.metadata.labels = { ...o.metadata.labels, constructor: 'c', prototype: 'p' }),
  ],
  ['an empty list changes nothing', [], () => {}],
];

describe('json patch: applies', () => {
  it.each(applies)('%s', (_name, ops, edit) => {
    const original = deepFreeze(base());
    const expected = base() as Parameters<Edit>[0];
    edit(expected);
    expect(applyPatch('json', original, deepFreeze(ops))).toEqual(expected);
  });

  it('replaces the whole document with path ""', () => {
    const next = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } };
    expect(applyPatch('json', deepFreeze(base()), [{ op: 'replace', path: '', value: next }])).toEqual(next);
  });

  it('stores __proto__ as data, never as a prototype', () => {
    const out = applyPatch('json', base(), [{ op: 'add', path: '/data/__proto__', value: { polluted: true } }]);
    const data = out.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toContain('__proto__');
    expect(JSON.parse(JSON.stringify(out)).data.__proto__).toEqual({ polluted: true });
  });

  it('a null body is a no-op, as Go decodes it to no operations', () => {
    expect(applyPatch('json', base(), null)).toEqual(base());
  });

  it('returns a new object and leaves the original alone', () => {
    const original = base();
    const out = applyPatch('json', original, [{ op: 'add', path: '/list/-', value: 9 }]);
    expect(out).not.toBe(original);
    expect(original).toEqual(base());
  });
});

/** Every op that does not apply is the apiserver's generic 422, with empty details. */
const failing: [string, unknown[]][] = [
  ['a failed test', [{ op: 'test', path: '/data/k1', value: 'other' }]],
  ['a test on a missing container', [{ op: 'test', path: '/nope/deeper', value: null }]],
  ['a later failure after passing ops', [{ op: 'add', path: '/data/k9', value: 'x' }, { op: 'test', path: '/data/k9', value: 'y' }]],
  ['removing a missing member', [{ op: 'remove', path: '/data/missing' }]],
  ['replacing a missing member', [{ op: 'replace', path: '/data/missing', value: 1 }]],
  ['adding under a missing parent', [{ op: 'add', path: '/spec/template/x', value: 1 }]],
  ['an array index past the end', [{ op: 'add', path: '/list/5', value: 1 }]],
  ['a non-index token on an array', [{ op: 'replace', path: '/list/first', value: 1 }]],
  ['an index with a leading zero', [{ op: 'remove', path: '/list/01' }]],
  ['an inherited property', [{ op: 'test', path: '/metadata/name/length', value: 2 }]],
  ['an unknown op', [{ op: 'increment', path: '/list/0' }]],
  ['add without a value', [{ op: 'add', path: '/data/k3' }]],
  ['a path without a leading slash', [{ op: 'add', path: 'data/k3', value: 'x' }]],
  ['a missing path', [{ op: 'remove' }]],
  ['move without from', [{ op: 'move', path: '/data/x' }]],
  ['moving a value into its own child', [{ op: 'move', from: '/data', path: '/data/inner' }]],
  ['copying from a missing member', [{ op: 'copy', from: '/data/none', path: '/data/x' }]],
  ['removing the whole document', [{ op: 'remove', path: '' }]],
];

describe('json patch: refuses', () => {
  it.each(failing)('%s with 422 Invalid and the generic message', (_name, ops) => {
    const original = deepFreeze(base());
    const err = refusedSync(() => applyPatch('json', original, ops));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: GENERIC_INVALID,
      reason: 'Invalid',
      details: {},
      code: 422,
    });
    expect(err.cause).toBeTypeOf('string');
  });

  it.each([
    ['an object', {}, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['a string', 'add', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    ['a number', 1, 'json: cannot unmarshal number into Go value of type jsonpatch.Patch'],
    ['an operation that is not an object', [1], 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
    ['a nested list', [[]], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
  ])('a body that is %s with 400 BadRequest', (_name, body, message) => {
    const err = refusedSync(() => applyPatch('json', base(), body));
    expect(err).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it(`more than ${MAX_JSON_PATCH_OPERATIONS} operations with 413`, () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }));
    const err = refusedSync(() => applyPatch('json', base(), ops));
    expect(err).toMatchObject({
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${MAX_JSON_PATCH_OPERATIONS + 1}`,
    });
  });

  it('a result that is not an object with 422 on field patch', () => {
    const err = refusedSync(() => applyPatch('json', base(), [{ op: 'replace', path: '', value: [1] }]));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(422);
    expect(err.message).toMatch(/^ "" is invalid: patch: Invalid value: "\[1\]": /);
    expect(err.details?.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'patch' })]);
  });

  it('removing metadata leaves an empty ObjectMeta, as decoding into the Go type does', () => {
    const out = applyPatch('json', base(), [{ op: 'remove', path: '/metadata' }]);
    expect(out.metadata).toEqual({});
  });
});
