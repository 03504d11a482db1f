/**
 * Strategic merge patch, driven by a small inline kind schema with the same patch extensions
 * Kubernetes puts on Pods and ObjectMeta. Expected results follow the apiserver: the kubectl patch
 * task page, the strategic merge patch design document, and apimachinery's strategicpatch tests.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject, OpenApiComponents, OpenApiSchema } from '../../src/meta/index.js';
import type { KindSchema } from '../../src/registry/resource-type.js';
import { applyPatch, GENERIC_INVALID } from '../../src/registry/patch/index.js';
import { builtinComponents, builtinSchemaName } from '../../src/registry/builtins/openapi/index.js';
import { refusedSync } from '../support/registry-fixture.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const ref = (name: string): OpenApiSchema => ({ $ref: `#/components/schemas/test.v1.${name}` });
const str: OpenApiSchema = { type: 'string' };
const strMap: OpenApiSchema = { type: 'object', additionalProperties: str };
const merge = (key?: string): Partial<OpenApiSchema> =>
  key ? { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': key } : { 'x-kubernetes-patch-strategy': 'merge' };

const components: OpenApiComponents = {
  'test.v1.Pod': {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { allOf: [ref('ObjectMeta')], default: {} },
      spec: { allOf: [ref('PodSpec')], description: 'wrapped like OpenAPI v3 does' },
      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
  'test.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: str,
      labels: strMap,
      annotations: strMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', ...merge() },
      ownerReferences: { type: 'array', items: { allOf: [ref('OwnerReference')] }, ...merge('uid') },
    },
  },
  'test.v1.OwnerReference': {
    type: 'object',
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } },
  },
  'test.v1.PodSpec': {
    type: 'object',
    properties: {
      containers: { type: 'array', items: { allOf: [ref('Container')] }, ...merge('name') },
      tolerations: { type: 'array', items: ref('Toleration'), 'x-kubernetes-list-type': 'atomic' },
      volumes: {
        type: 'array',
        items: ref('Volume'),
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
        'x-kubernetes-patch-merge-key': 'name',
      },
      nodeSelector: { ...strMap, 'x-kubernetes-map-type': 'atomic' },
      strategy: { allOf: [ref('Strategy')], 'x-kubernetes-patch-strategy': 'retainKeys' },
      selector: { allOf: [ref('Selector')], 'x-kubernetes-patch-strategy': 'replace' },
      ports: { type: 'array', items: { type: 'integer' }, ...merge() },
      matrix: { type: 'array', items: { type: 'array', items: { type: 'integer' } }, ...merge() },
      keyless: { type: 'array', items: { type: 'object' }, ...merge() },
    },
  },
  'test.v1.Container': {
    type: 'object',
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str },
      env: { type: 'array', items: ref('EnvVar'), ...merge('name') },
      resources: { type: 'object', properties: { limits: strMap, requests: strMap } },
    },
  },
  'test.v1.EnvVar': { type: 'object', properties: { name: str, value: str } },
  'test.v1.Toleration': { type: 'object', properties: { key: str, effect: str, value: str } },
  'test.v1.Volume': {
    type: 'object',
    properties: { name: str, configMap: { type: 'object', properties: { name: str } }, emptyDir: { type: 'object' } },
  },
  'test.v1.Strategy': {
    type: 'object',
    properties: { type: str, rollingUpdate: { type: 'object', properties: { maxSurge: str, maxUnavailable: str } } },
  },
  'test.v1.Selector': {
    type: 'object',
    properties: { matchLabels: strMap, matchExpressions: { type: 'array', items: { type: 'object' } } },
  },
};

const schema: KindSchema = { name: 'test.v1.Pod', components };

/** A Pod-like object with the given spec (and metadata beyond the name). */
const pod = (spec?: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'test/v1',
  kind: 'Pod',
  metadata: { name: 'p', ...metadata },
  ...(spec === undefined ? {} : { spec }),
});
const meta = (metadata: Record<string, unknown>): KubeObject => pod(undefined, metadata);
const smp = (original: KubeObject, patch: unknown): KubeObject => applyPatch('strategic', deepFreeze(original), deepFreeze(patch), schema);

type Case = [name: string, original: KubeObject, patch: unknown, expected: KubeObject];

const maps: Case[] = [
  ['adds a label and keeps the others', meta({ labels: { a: '1' } }), { metadata: { labels: { b: '2' } } }, meta({ labels: { a: '1', b: '2' } })],
  ['null deletes a label', meta({ labels: { a: '1', b: '2' } }), { metadata: { labels: { a: null } } }, meta({ labels: { b: '2' } })],
  ['null on an absent key changes nothing', meta({ labels: { a: '1' } }), { metadata: { labels: { z: null } } }, meta({ labels: { a: '1' } })],
  [
    'merges nested maps inside a merged list element',
    pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1' } } }] }),
    { spec: { containers: [{ name: 'c', resources: { limits: { memory: '1Gi' }, requests: { cpu: '100m' } } }] } },
    pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m' } } }] }),
  ],
  [
    '$patch: replace on a map takes the patch map as is',
    meta({ labels: { a: '1', b: '2' } }),
    { metadata: { labels: { $patch: 'replace', c: '3' } } },
    meta({ labels: { c: '3' } }),
  ],
  [
    '$patch: delete on a map removes it (same as null)',
    pod({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } }),
    { spec: { strategy: { rollingUpdate: { $patch: 'delete' } } } },
    pod({ strategy: { type: 'RollingUpdate' } }),
  ],
  [
    '$patch: merge on a map asks for the default merge',
    meta({ labels: { a: '1' } }),
    { metadata: { labels: { $patch: 'merge', b: '2' } } },
    meta({ labels: { a: '1', b: '2' } }),
  ],
  [
    'a field with patch strategy replace is replaced whole',
    pod({ selector: { matchLabels: { a: '1' }, matchExpressions: [{ key: 'k' }] } }),
    { spec: { selector: { matchLabels: { b: '2' } } } },
    pod({ selector: { matchLabels: { b: '2' } } }),
  ],
  [
    'x-kubernetes-map-type does not matter to strategic merge (only the patch strategy does)',
    pod({ nodeSelector: { zone: 'a' } }),
    { spec: { nodeSelector: { disk: 'ssd' } } },
    pod({ nodeSelector: { zone: 'a', disk: 'ssd' } }),
  ],
  [
    'a top-level $patch: replace replaces the whole object',
    pod({ containers: [{ name: 'a' }] }, { labels: { a: '1' } }),
    { $patch: 'replace', apiVersion: 'test/v1', kind: 'Pod', metadata: { name: 'p' } },
    pod(),
  ],
  ['a map replaces a scalar', pod({ strategy: 'old' }), { spec: { strategy: { type: 'Recreate' } } }, pod({ strategy: { type: 'Recreate' } })],
  ['a scalar replaces a map', pod({ strategy: { type: 'Recreate' } }), { spec: { strategy: 'flat' } }, pod({ strategy: 'flat' })],
  [
    'nulls inside a new map are dropped',
    pod({}),
    { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } },
    pod({ strategy: { type: 'Recreate' } }),
  ],
  ['an empty patch changes nothing', meta({ labels: { a: '1' } }), {}, meta({ labels: { a: '1' } })],
];

const keyedLists: Case[] = [
  [
    'adds a container by name; the new one comes first (kubectl patch task page)',
    pod({ containers: [{ name: 'patch-demo-ctr', image: 'nginx' }] }),
    { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } },
    pod({ containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }, { name: 'patch-demo-ctr', image: 'nginx' }] }),
  ],
  [
    'merges into the element with the same key',
    pod({ containers: [{ name: 'a', image: '1', args: ['x'] }, { name: 'b', image: '2' }] }),
    { spec: { containers: [{ name: 'b', image: '3' }] } },
    pod({ containers: [{ name: 'a', image: '1', args: ['x'] }, { name: 'b', image: '3' }] }),
  ],
  [
    'keeps the patch order for the elements it names',
    pod({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] }),
    { spec: { containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }, { name: '2', args: ['x'] }] } },
    pod({ containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }, { name: '2', image: 'b', args: ['x'] }] }),
  ],
  [
    'interleaves server-only elements by the server order',
    pod({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] }),
    { spec: { containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }] } },
    pod({ containers: [{ name: '2', image: 'b' }, { name: '3', image: 'c' }, { name: '1', image: 'a' }] }),
  ],
  [
    '$patch: delete removes the element with that key',
    pod({ containers: [{ name: 'nginx', image: 'n' }, { name: 'log-tailer', image: 'l' }] }),
    { spec: { containers: [{ name: 'log-tailer', $patch: 'delete' }] } },
    pod({ containers: [{ name: 'nginx', image: 'n' }] }),
  ],
  [
    '$patch: delete removes every duplicate and ignores absent keys',
    pod({ containers: [{ name: '1' }, { name: '1' }, { name: '2', image: 'a' }, { name: '3' }] }),
    { spec: { containers: [{ name: '1', $patch: 'delete' }, { name: '3', $patch: 'delete' }, { name: '9', $patch: 'delete' }] } },
    pod({ containers: [{ name: '2', image: 'a' }] }),
  ],
  [
    '$patch: replace makes the patch elements the list, dropping other directives',
    pod({ containers: [{ name: 'a', image: '1' }, { name: 'b' }] }),
    { spec: { containers: [{ name: 'c', image: '3' }, { name: 'b', $patch: 'delete' }, { $patch: 'replace' }] } },
    pod({ containers: [{ name: 'c', image: '3' }] }),
  ],
  [
    'a lone $patch: replace empties the list',
    pod({ containers: [{ name: 'a' }, { name: 'b' }] }),
    { spec: { containers: [{ $patch: 'replace' }] } },
    pod({ containers: [] }),
  ],
  [
    '$patch: merge in a merge list is redundant',
    pod({ containers: [{ name: 'a', image: '1' }] }),
    { spec: { containers: [{ $patch: 'merge' }, { name: 'a', image: '2' }] } },
    pod({ containers: [{ name: 'a', image: '2' }] }),
  ],
  [
    'merges nested keyed lists (env by name)',
    pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }] }),
    { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }, { name: 'X', $patch: 'delete' }] }] } },
    pod({ containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }] }] }),
  ],
  [
    'a list absent from the original is merged into nothing (directives apply)',
    pod({}),
    { spec: { containers: [{ name: 'hello' }, { name: 'doesntexist', $patch: 'delete' }] } },
    pod({ containers: [{ name: 'hello' }] }),
  ],
  [
    'an empty patch list leaves a merge list alone',
    pod({ containers: [{ name: 'a' }] }),
    { spec: { containers: [] } },
    pod({ containers: [{ name: 'a' }] }),
  ],
  ['null deletes a merge list', pod({ containers: [{ name: 'a' }] }), { spec: { containers: null } }, pod({})],
  [
    'ownerReferences merge by uid',
    meta({ ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: 'u1' }] }),
    {
      metadata: {
        ownerReferences: [
          { uid: 'u1', controller: true },
          { apiVersion: 'v1', kind: 'B', name: 'b', uid: 'u2' },
        ],
      },
    },
    meta({
      ownerReferences: [
        { apiVersion: 'v1', kind: 'A', name: 'a', uid: 'u1', controller: true },
        { apiVersion: 'v1', kind: 'B', name: 'b', uid: 'u2' },
      ],
    }),
  ],
  [
    'the garbage collector patch removes an owner by uid',
    meta({ uid: 'self', ownerReferences: [{ name: 'a', uid: 'u1' }, { name: 'b', uid: 'u2' }] }),
    { metadata: { uid: 'self', ownerReferences: [{ $patch: 'delete', uid: 'u1' }] } },
    meta({ uid: 'self', ownerReferences: [{ name: 'b', uid: 'u2' }] }),
  ],
];

const primitiveLists: Case[] = [
  ['merges finalizers as a set', meta({ finalizers: ['a', 'b'] }), { metadata: { finalizers: ['b', 'c'] } }, meta({ finalizers: ['a', 'b', 'c'] })],
  ['an added finalizer comes before the untouched ones', meta({ finalizers: ['a', 'b'] }), { metadata: { finalizers: ['c'] } }, meta({ finalizers: ['c', 'a', 'b'] })],
  ['keeps the patch order of the values it names', pod({ ports: [1, 2, 3] }), { spec: { ports: [3, 1, 2] } }, pod({ ports: [3, 1, 2] })],
  ['interleaves the others by server order', pod({ ports: [1, 2, 3] }), { spec: { ports: [3, 1] } }, pod({ ports: [2, 3, 1] })],
  ['drops duplicates', meta({ finalizers: ['a', 'a'] }), { metadata: { finalizers: ['a'] } }, meta({ finalizers: ['a'] })],
  ['an empty patch list changes nothing', meta({ finalizers: ['a'] }), { metadata: { finalizers: [] } }, meta({ finalizers: ['a'] })],
  ['null deletes the list', meta({ finalizers: ['a'] }), { metadata: { finalizers: null } }, meta({})],
  [
    '$deleteFromPrimitiveList removes values (design document example)',
    meta({ finalizers: ['a', 'b', 'c'] }),
    { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'c'] } },
    meta({ finalizers: ['a'] }),
  ],
  [
    '$deleteFromPrimitiveList removes every duplicate and ignores absent values',
    pod({ ports: [1, 2, 3, 3, 4] }),
    { spec: { '$deleteFromPrimitiveList/ports': [3, 9] } },
    pod({ ports: [1, 2, 4] }),
  ],
  [
    '$deleteFromPrimitiveList does not create a missing list',
    meta({ labels: { a: '1' } }),
    { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
    meta({ labels: { a: '1' } }),
  ],
  [
    '$deleteFromPrimitiveList works on a list without merge strategy',
    pod({ containers: [{ name: 'c', args: ['1', '2', '3'] }] }),
    { spec: { containers: [{ name: 'c', '$deleteFromPrimitiveList/args': ['2'] }] } },
    pod({ containers: [{ name: 'c', args: ['1', '3'] }] }),
  ],
  [
    'adds and deletes together, ordered by $setElementOrder',
    pod({ ports: [1, 2, 3, 4] }),
    { spec: { '$setElementOrder/ports': [1, 2, 4], '$deleteFromPrimitiveList/ports': [3], ports: [4] } },
    pod({ ports: [1, 2, 4] }),
  ],
];

const ordering: Case[] = [
  [
    '$setElementOrder reorders a primitive list (design document example)',
    meta({ finalizers: ['a', 'b', 'c'] }),
    { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'] } },
    meta({ finalizers: ['b', 'c', 'a'] }),
  ],
  [
    '$setElementOrder reorders a keyed list',
    pod({ containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }, { name: 'c', image: '3' }] }),
    { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }] } },
    pod({ containers: [{ name: 'b', image: '2' }, { name: 'c', image: '3' }, { name: 'a', image: '1' }] }),
  ],
  [
    '$setElementOrder places new and existing elements together',
    pod({ containers: [{ name: '1', image: 'a' }, { name: '2', image: 'b' }] }),
    {
      spec: {
        '$setElementOrder/containers': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }],
        containers: [{ name: '4', image: 'd' }, { name: '3', image: 'c' }],
      },
    },
    pod({ containers: [{ name: '4', image: 'd' }, { name: '1', image: 'a' }, { name: '2', image: 'b' }, { name: '3', image: 'c' }] }),
  ],
  [
    '$setElementOrder ignores names the list does not have',
    pod({ containers: [{ name: '1' }, { name: '3' }] }),
    { spec: { '$setElementOrder/containers': [{ name: '3' }, { name: '2' }, { name: '1' }], containers: [{ name: '3', image: 'x' }] } },
    pod({ containers: [{ name: '3', image: 'x' }, { name: '1' }] }),
  ],
  [
    '$setElementOrder on a list the patch replaces is moot',
    pod({ tolerations: [{ key: 'a' }, { key: 'b' }] }),
    { spec: { '$setElementOrder/tolerations': [{ key: 'b' }, { key: 'a' }], tolerations: [{ key: 'c' }] } },
    pod({ tolerations: [{ key: 'c' }] }),
  ],
];

const retainKeys: Case[] = [
  [
    '$retainKeys clears the fields it does not list (union switch)',
    pod({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } } }),
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    pod({ strategy: { type: 'Recreate' } }),
  ],
  [
    '$retainKeys inside a merged list element',
    pod({ volumes: [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', emptyDir: {} }] }),
    { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'emptyDir'], emptyDir: {} }] } },
    pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }),
  ],
  [
    'without $retainKeys, fields of a retainKeys map merge as usual',
    pod({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } } }),
    { spec: { strategy: { rollingUpdate: { maxUnavailable: '0' } } } },
    pod({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } } }),
  ],
  [
    '$retainKeys allows nulls for fields it does not list',
    pod({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } } }),
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    pod({ strategy: { type: 'Recreate' } }),
  ],
];

const replaced: Case[] = [
  [
    'an atomic list is replaced (tolerations, kubectl patch task page)',
    pod({ tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }] }),
    { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } },
    pod({ tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] }),
  ],
  [
    'a list without strategy is replaced',
    pod({ containers: [{ name: 'c', args: ['a', 'b'] }] }),
    { spec: { containers: [{ name: 'c', args: ['z'] }] } },
    pod({ containers: [{ name: 'c', args: ['z'] }] }),
  ],
  [
    'a $patch: replace marker in a replaced list is redundant',
    pod({ tolerations: [{ key: 'a' }] }),
    { spec: { tolerations: [{ key: 'b' }, { $patch: 'replace' }] } },
    pod({ tolerations: [{ key: 'b' }] }),
  ],
  [
    'a preserve-unknown-fields subtree follows JSON merge patch: maps merge, lists replace',
    { ...pod(), extra: { a: { b: 1, c: 2 }, list: [{ name: 'x', v: 1 }] } },
    { extra: { a: { c: null, d: 3 }, list: [{ name: 'y' }] } },
    { ...pod(), extra: { a: { b: 1, d: 3 }, list: [{ name: 'y' }] } },
  ],
  [
    'a field the schema does not know is merged like JSON merge patch',
    pod({ unknown: { list: [1, 2], map: { a: 1 } } }),
    { spec: { unknown: { list: [3], map: { b: 2 } } } },
    pod({ unknown: { list: [3], map: { a: 1, b: 2 } } }),
  ],
];

describe('strategic merge patch', () => {
  describe.each([
    ['maps', maps],
    ['lists merged by key', keyedLists],
    ['primitive lists merged as sets', primitiveLists],
    ['$setElementOrder', ordering],
    ['$retainKeys', retainKeys],
    ['lists that replace', replaced],
  ])('%s', (_group, cases) => {
    it.each(cases)('%s', (_name, original, patch, expected) => {
      expect(smp(original, patch)).toEqual(expected);
    });
  });

  it('keeps order deterministic: the result lists exactly in the expected order', () => {
    const out = smp(meta({ finalizers: ['a', 'b'] }), { metadata: { finalizers: ['c'] } });
    expect(out.metadata.finalizers).toStrictEqual(['c', 'a', 'b']);
  });

  it('a null body changes nothing (Go decodes it to an empty patch)', () => {
    expect(smp(meta({ labels: { a: '1' } }), null)).toEqual(meta({ labels: { a: '1' } }));
  });

  it('a top-level $patch: delete leaves an empty object with empty metadata', () => {
    expect(smp(pod({ containers: [] }), { $patch: 'delete' })).toEqual({ metadata: {} });
  });

  it('returns a new object that shares nothing with its inputs', () => {
    const original = pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] });
    const patch = { spec: { containers: [{ name: 'b', env: [{ name: 'Y' }] }] } };
    const out = applyPatch('strategic', original, patch, schema);
    const containers = (out.spec as { containers: { env: { value?: string }[] }[] }).containers;
    for (const c of containers) for (const e of c.env) e.value = 'changed';
    expect(original).toEqual(pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] }));
    expect(patch).toEqual({ spec: { containers: [{ name: 'b', env: [{ name: 'Y' }] }] } });
  });
});

/** [name, original, patch, status code, reason, message (exact string or pattern)] */
const refusals: [string, KubeObject, unknown, number, string, string | RegExp][] = [
  ['a body that is a list', pod(), [{ op: 'add' }], 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['a body that is a string', pod(), 'x', 400, 'BadRequest', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  [
    'an element without its merge key',
    pod({ containers: [{ name: 'a' }] }),
    { spec: { containers: [{ image: 'x' }] } },
    400,
    'BadRequest',
    'map: {"image":"x"} does not contain declared merge key: name',
  ],
  [
    'a stored element without the merge key',
    pod({ containers: [{ image: 'old' }] }),
    { spec: { containers: [{ name: 'a' }] } },
    400,
    'BadRequest',
    'map: {"image":"old"} does not contain declared merge key: name',
  ],
  [
    'a $patch: delete element without its merge key',
    pod({ containers: [{ name: 'a' }] }),
    { spec: { containers: [{ $patch: 'delete' }] } },
    400,
    'BadRequest',
    /does not contain declared merge key: name$/,
  ],
  [
    'an unknown $patch value on a map',
    meta({ labels: { a: '1' } }),
    { metadata: { labels: { $patch: 'foo' } } },
    400,
    'BadRequest',
    'unknown patch type: "foo" in map: {"$patch":"foo"}',
  ],
  [
    'an unknown $patch value in a keyed list',
    pod({ containers: [{ name: 'a' }] }),
    { spec: { containers: [{ name: 'a', $patch: 'upsert' }] } },
    400,
    'BadRequest',
    /^unknown patch type: "upsert" in map: /,
  ],
  [
    '$patch: merge in a list that is not merged',
    pod({ tolerations: [{ key: 'a' }] }),
    { spec: { tolerations: [{ $patch: 'merge' }, { key: 'b' }] } },
    400,
    'BadRequest',
    'merging lists cannot yet be specified in the patch',
  ],
  [
    '$patch: delete in a list that is not merged by key',
    pod({ tolerations: [{ key: 'a' }] }),
    { spec: { tolerations: [{ key: 'a', $patch: 'delete' }] } },
    400,
    'BadRequest',
    '$patch: delete needs a list merged by key, but spec.tolerations is not merged by key',
  ],
  ['a list of lists in a merge list', pod({ matrix: [[1]] }), { spec: { matrix: [[2]] } }, 422, 'Invalid', GENERIC_INVALID],
  [
    'mixed element types in a merge list',
    meta({ finalizers: ['a'] }),
    { metadata: { finalizers: [{ $patch: 'replace' }, 'b'] } },
    400,
    'BadRequest',
    'list element types are not identical: metadata.finalizers',
  ],
  [
    'a merge list of maps without a merge key in the schema',
    pod({ keyless: [{ a: 1 }] }),
    { spec: { keyless: [{ a: 2 }] } },
    400,
    'BadRequest',
    'cannot merge lists without merge key for spec.keyless',
  ],
  [
    'a $retainKeys that is not a list',
    pod({ strategy: { type: 'x' } }),
    { spec: { strategy: { $retainKeys: 'type' } } },
    400,
    'BadRequest',
    'invalid patch format of retainKeys',
  ],
  [
    'a field the $retainKeys list does not name',
    pod({ strategy: { type: 'x' } }),
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: '1' } } } },
    400,
    'BadRequest',
    'invalid patch format of retainKeys',
  ],
  [
    'a $deleteFromPrimitiveList that is not a list',
    meta({ finalizers: ['a'] }),
    { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
    400,
    'BadRequest',
    'invalid patch format of primitive list',
  ],
  [
    'a $deleteFromPrimitiveList key without a list name',
    meta({ finalizers: ['a'] }),
    { metadata: { $deleteFromPrimitiveList: ['a'] } },
    400,
    'BadRequest',
    'invalid patch format of primitive list',
  ],
  [
    'a $setElementOrder that is not a list',
    meta({ finalizers: ['a'] }),
    { metadata: { '$setElementOrder/finalizers': 'a' } },
    400,
    'BadRequest',
    'invalid patch format of setElementOrder list',
  ],
  [
    'a $setElementOrder key without a list name',
    meta({ finalizers: ['a'] }),
    { metadata: { $setElementOrderfinalizers: ['a'] } },
    400,
    'BadRequest',
    'invalid patch format of setElementOrder list',
  ],
  [
    'a patch list out of $setElementOrder order',
    pod({ containers: [{ name: '1' }, { name: '3' }, { name: '2' }] }),
    { spec: { '$setElementOrder/containers': [{ name: '1' }, { name: '2' }, { name: '3' }], containers: [{ name: '3' }, { name: '1' }] } },
    400,
    'BadRequest',
    /doesn't match \$setElementOrder list/,
  ],
  [
    'a primitive patch list out of $setElementOrder order',
    pod({ ports: [1, 3, 2] }),
    { spec: { '$setElementOrder/ports': [1, 2, 3], ports: [3, 1] } },
    400,
    'BadRequest',
    /doesn't match \$setElementOrder list/,
  ],
  [
    'a $setElementOrder for a field that is not a list',
    pod({ containers: { name: 'a' } }),
    { spec: { '$setElementOrder/containers': [{ name: 'a' }] } },
    400,
    'BadRequest',
    /^expected a list for spec\.containers/,
  ],
  [
    'a result whose metadata is not an object',
    pod(),
    { metadata: 'gone' },
    422,
    'Invalid',
    /^ "" is invalid: patch: Invalid value: /,
  ],
];

describe('strategic merge patch: refuses', () => {
  it.each(refusals)('%s', (_name, original, patch, code, reason, message) => {
    const err = refusedSync(() => smp(original, patch));
    expect(err.code).toBe(code);
    expect(err.reason).toBe(reason);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  it('a kind without a schema (a custom resource) with 415 and the accepted media types', () => {
    const err = refusedSync(() => applyPatch('strategic', pod(), { metadata: { labels: { a: '1' } } }));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: ' +
        'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });

  it('a list of lists answers exactly like the apiserver: generic 422, empty details', () => {
    const err = refusedSync(() => smp(pod({ matrix: [[1]] }), { spec: { matrix: [[2]] } }));
    expect(err.toStatus().details).toEqual({});
    expect(err.cause).toBe('lists of lists are not supported');
  });
});

/** The same rules through Atoll's real built-in schemas (ObjectMeta, ServiceAccount, RBAC). */
describe('strategic merge patch with the built-in schemas', () => {
  const kind = (group: string, k: string): KindSchema => ({ name: builtinSchemaName(group, 'v1', k), components: builtinComponents });
  const cm = (metadata: Record<string, unknown>, data?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default', ...metadata },
    ...(data ? { data } : {}),
  });
  const patchCm = (original: KubeObject, patch: unknown): KubeObject =>
    applyPatch('strategic', deepFreeze(original), deepFreeze(patch), kind('', 'ConfigMap'));

  it('merges ownerReferences by uid', () => {
    const owner = (uid: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Owner', name: uid, uid, ...extra });
    const out = patchCm(cm({ ownerReferences: [owner('u1')] }), {
      metadata: { ownerReferences: [{ uid: 'u1', controller: true }, owner('u2')] },
    });
    expect(out.metadata.ownerReferences).toEqual([owner('u1', { controller: true }), owner('u2')]);
  });

  it("removes an owner with the garbage collector's patch", () => {
    const out = patchCm(cm({ uid: 'self', ownerReferences: [{ uid: 'u1', name: 'a' }, { uid: 'u2', name: 'b' }] }), {
      metadata: { uid: 'self', ownerReferences: [{ $patch: 'delete', uid: 'u1' }], '$deleteFromPrimitiveList/finalizers': ['f1'] },
    });
    expect(out.metadata.ownerReferences).toEqual([{ uid: 'u2', name: 'b' }]);
  });

  it('merges finalizers as a set and deletes from them', () => {
    const added = patchCm(cm({ finalizers: ['a.io/x'] }), { metadata: { finalizers: ['a.io/y', 'a.io/x'] } });
    expect(added.metadata.finalizers).toEqual(['a.io/y', 'a.io/x']);
    const removed = patchCm(cm({ finalizers: ['a.io/x', 'a.io/y'] }), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } });
    expect(removed.metadata.finalizers).toEqual(['a.io/y']);
  });

  it('merges labels, annotations and data as maps', () => {
    const out = patchCm(cm({ labels: { a: '1', b: '2' } }, { k1: 'v1', k2: 'v2' }), {
      metadata: { labels: { b: null, c: '3' }, annotations: { note: 'x' } },
      data: { k1: null, k3: 'v3' },
    });
    expect(out).toEqual(cm({ labels: { a: '1', c: '3' }, annotations: { note: 'x' } }, { k2: 'v2', k3: 'v3' }));
  });

  it('merges ServiceAccount secrets by name', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 's1' }] };
    const out = applyPatch('strategic', sa, { secrets: [{ name: 's2' }] }, kind('', 'ServiceAccount'));
    expect(out.secrets).toEqual([{ name: 's2' }, { name: 's1' }]);
  });

  it('replaces Role rules wholesale, as Kubernetes does', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    };
    const rules = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }];
    const out = applyPatch('strategic', role, { rules }, kind('rbac.authorization.k8s.io', 'Role'));
    expect(out.rules).toEqual(rules);
  });
});
