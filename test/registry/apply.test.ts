/**
 * Server-side apply: field sets and their FieldsV1 form, then applyConfiguration's merge,
 * pruning, sharing, conflicts and forcing, checked against the behaviour (and the exact wording)
 * of Kubernetes' apiserver.
 */
import { describe, expect, it } from 'vitest';
import { cloneObject, type KubeObject, type OpenApiComponents } from '../../src/meta/index.js';
import {
  applyConfiguration,
  fieldSetFromFieldsV1,
  fieldSetToFieldsV1,
  formatPath,
  objectFieldSet,
  trackUpdate,
  type ManagedFieldsEntry,
} from '../../src/registry/apply/index.js';
import type { KindSchema } from '../../src/registry/resource-type.js';
import { refusedSync } from '../support/registry-fixture.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const components: OpenApiComponents = {
  'io.test.v1.Widget': {
    type: 'object',
    // metadata is deliberately undeclared: apply falls back to ObjectMeta's semantics.
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      data: { type: 'object', additionalProperties: { type: 'string' } },
      spec: { allOf: [ref('io.test.v1.WidgetSpec')], description: 'wrapped as OpenAPI 3.0 wraps described refs' },
      status: { type: 'object', properties: { phase: { type: 'string' } } },
    },
  },
  'io.test.v1.WidgetSpec': {
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      containers: { type: 'array', items: ref('io.test.v1.Container'), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
      // Only the older strategic-merge markers, as many built-in Kubernetes lists have.
      ports: { type: 'array', items: ref('io.test.v1.Port'), 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'containerPort' },
      // Two keys, declared out of order, one with a default.
      endpoints: {
        type: 'array',
        items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' }, host: { type: 'string' } } },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['protocol', 'port'],
      },
      tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      args: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
      plain: { type: 'array', items: { type: 'string' } },
      selector: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
      template: { type: 'object', properties: { image: { type: 'string' }, pullPolicy: { type: 'string' } } },
      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
  'io.test.v1.Container': {
    type: 'object',
    properties: { name: { type: 'string' }, image: { type: 'string' }, args: { type: 'array', items: { type: 'string' } } },
  },
  'io.test.v1.Port': { type: 'object', properties: { containerPort: { type: 'integer' }, protocol: { type: 'string' } } },
};

const schema: KindSchema = { name: 'io.test.v1.Widget', components };
const API = 'test.io/v1';
const [T0, T1, T2, T3] = ['2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z', '2026-01-01T00:03:00Z'];

const widget = (fields: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: API,
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'default', ...metadata },
  ...fields,
});

interface Opts {
  force?: boolean;
  now?: string;
  resetFields?: string[][];
}

const apply = (live: KubeObject | undefined, config: KubeObject, manager: string, o: Opts = {}): KubeObject =>
  applyConfiguration({ live, config, manager, force: o.force ?? false, schema, apiVersion: API, now: o.now ?? T1, ...(o.resetFields ? { resetFields: o.resetFields } : {}) });

/** An ordinary update (PUT/patch) by `manager` that changes `o` with `edit`. */
function update(o: KubeObject, manager: string, edit: (next: KubeObject) => void, now = T2): KubeObject {
  const next = cloneObject(o);
  edit(next);
  next.metadata.managedFields = trackUpdate({ old: o, updated: next, manager, apiVersion: API, now, schema });
  return next;
}

const entries = (o: KubeObject): ManagedFieldsEntry[] => (o.metadata.managedFields ?? []) as ManagedFieldsEntry[];
const fieldsOf = (o: KubeObject, manager: string): Record<string, unknown> | undefined => entries(o).find((e) => e.manager === manager)?.fieldsV1;
const managersOf = (o: KubeObject): string[] => entries(o).map((e) => `${e.manager}/${e.operation}`);

const k = (key: Record<string, unknown>) => `k:${JSON.stringify(key)}`;

describe('field sets', () => {
  const cases: { name: string; object: Record<string, unknown>; fields: Record<string, unknown>; withoutSchema?: boolean }[] = [
    {
      name: 'leaves, free-form map keys and metadata; declared fields are not members',
      object: widget({ data: { b: '2', a: '1' }, spec: { template: { image: 'i' } } }, { labels: { app: 'x' } }),
      fields: {
        'f:apiVersion': {},
        'f:data': { 'f:a': {}, 'f:b': {} },
        'f:kind': {},
        'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {}, 'f:namespace': {} },
        'f:spec': { 'f:template': { 'f:image': {} } },
      },
    },
    {
      name: 'a map list: items by key, each a member besides its fields; a plain list inside is atomic',
      object: { spec: { containers: [{ name: 'web', image: 'nginx', args: ['a'] }, { name: 'log' }] } },
      fields: {
        'f:spec': { 'f:containers': { [k({ name: 'log' })]: { '.': {}, 'f:name': {} }, [k({ name: 'web' })]: { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {} } } },
      },
    },
    {
      name: 'a list with only x-kubernetes-patch-merge-key is keyed by it; numeric keys order numerically',
      object: { spec: { ports: [{ containerPort: 8080 }, { containerPort: 80, protocol: 'UDP' }] } },
      fields: {
        'f:spec': {
          'f:ports': {
            [k({ containerPort: 80 })]: { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
            [k({ containerPort: 8080 })]: { '.': {}, 'f:containerPort': {} },
          },
        },
      },
    },
    {
      name: 'several keys are sorted by name, and an omitted key takes its schema default',
      object: { spec: { endpoints: [{ port: 80, host: 'a' }] } },
      fields: { 'f:spec': { 'f:endpoints': { [k({ port: 80, protocol: 'TCP' })]: { '.': {}, 'f:host': {}, 'f:port': {} } } } },
    },
    {
      name: 'a set: items by value, sorted, with Go JSON escaping',
      object: { spec: { tags: ['b', 'a', '<x>'] } },
      fields: { 'f:spec': { 'f:tags': { 'v:"\\u003cx\\u003e"': {}, 'v:"a"': {}, 'v:"b"': {} } } },
    },
    {
      name: 'atomic lists, lists without a list type and atomic maps are owned whole',
      object: { spec: { args: ['x'], plain: ['y'], selector: { a: 'b' } } },
      fields: { 'f:spec': { 'f:args': {}, 'f:plain': {}, 'f:selector': {} } },
    },
    {
      name: 'preserved unknown fields: keys are members, nested maps granular, lists atomic',
      object: { spec: { extra: { a: { b: 1 }, c: [1] } } },
      fields: { 'f:spec': { 'f:extra': { 'f:a': { '.': {}, 'f:b': {} }, 'f:c': {} } } },
    },
    {
      name: 'null leaves are fields; empty structs are not',
      object: { spec: { replicas: null, template: {} } },
      fields: { 'f:spec': { 'f:replicas': {} } },
    },
    {
      name: 'without a schema: ObjectMeta is still known, everything else is deduced',
      object: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' }, finalizers: ['f'] }, spec: { x: 1, list: [1, 2] } },
      fields: {
        'f:apiVersion': {},
        'f:kind': {},
        'f:metadata': { 'f:finalizers': { 'v:"f"': {} }, 'f:labels': { 'f:a': {} }, 'f:name': {} },
        'f:spec': { '.': {}, 'f:list': {}, 'f:x': {} },
      },
      withoutSchema: true,
    },
  ];

  it.each(cases)('$name', ({ object, fields, withoutSchema }) => {
    const set = objectFieldSet(object, withoutSchema ? undefined : schema);
    const json = fieldSetToFieldsV1(set);
    // Key order is part of the format: compare the serialised JSON.
    expect(JSON.stringify(json)).toBe(JSON.stringify(fields));
    expect(JSON.stringify(fieldSetToFieldsV1(fieldSetFromFieldsV1(json)))).toBe(JSON.stringify(fields));
  });

  it('round-trips FieldsV1 written by Kubernetes, and canonicalises keys', () => {
    const fromKube =
      '{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:conditions":{".":{},' +
      '"k:{\\"type\\":\\"Available\\"}":{".":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:replicas":{}},"i:3":{}}';
    expect(JSON.stringify(fieldSetToFieldsV1(fieldSetFromFieldsV1(JSON.parse(fromKube))))).toBe(fromKube);
    const loose = { 'f:spec': { 'k:{ "port": 80, "name" : "a" }': {}, 'v:1.0': {} } };
    expect(fieldSetToFieldsV1(fieldSetFromFieldsV1(loose))).toEqual({ 'f:spec': { 'k:{"name":"a","port":80}': {}, 'v:1': {} } });
  });

  it.each([
    ['a non-object entry', { 'f:a': 1 }],
    ['an unknown element type', { 'x:a': {} }],
    ['a key that is not an object', { 'k:[1]': {} }],
    ['bad JSON in a value', { 'v:{': {} }],
    ['a key without a colon', { fa: {} }],
    ['a one-character key', { f: {} }],
  ])('refuses FieldsV1 with %s', (_, json) => {
    expect(() => fieldSetFromFieldsV1(json)).toThrow();
  });

  it('prints paths as Kubernetes does, in its order: members of a node, then each child in turn', () => {
    const set = objectFieldSet({ spec: { containers: [{ name: 'web', image: 'x' }], tags: ['a'], endpoints: [{ port: 80, host: 'h' }] } }, schema);
    expect(set.paths().map(formatPath)).toEqual([
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
      '.spec.containers[name="web"].name',
      '.spec.endpoints[port=80,protocol="TCP"]',
      '.spec.endpoints[port=80,protocol="TCP"].host',
      '.spec.endpoints[port=80,protocol="TCP"].port',
      '.spec.tags[="a"]',
    ]);
  });
});

describe('applyConfiguration', () => {
  it('creates an object, owning what the configuration spells out (name and type meta excepted)', () => {
    const o = apply(undefined, widget({ data: { a: '1' } }, { labels: { app: 'x' } }), 'alice');
    expect(o).toEqual({
      apiVersion: API,
      kind: 'Widget',
      metadata: {
        name: 'w',
        namespace: 'default',
        labels: { app: 'x' },
        managedFields: [
          {
            manager: 'alice',
            operation: 'Apply',
            apiVersion: API,
            time: T1,
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
          },
        ],
      },
      data: { a: '1' },
    });
  });

  it('removes what the applier stopped specifying, down to structs nobody holds anything in', () => {
    const first = apply(undefined, widget({ data: { a: '1', b: '2' }, spec: { replicas: 2, template: { image: 'i' } } }, { labels: { app: 'x' } }), 'alice');
    const second = apply(first, widget({ data: { a: '1' } }), 'alice', { now: T2 });
    expect(second.data).toEqual({ a: '1' });
    expect(second.spec).toBeUndefined();
    expect(second.metadata.labels).toBeUndefined();
    expect(entries(second)).toEqual([{ manager: 'alice', operation: 'Apply', apiVersion: API, time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }]);
  });

  it('keeps a dropped field another manager owns, and fields nobody owns', () => {
    let o = apply(undefined, widget({ data: { a: '1', b: '2' } }), 'alice');
    o = apply(o, widget({ data: { b: '2' } }), 'bob');
    o = { ...o, data: { ...(o.data as object), unowned: 'u' } };
    o = apply(o, widget({ data: { a: '1' } }), 'alice', { now: T2 });
    expect(o.data).toEqual({ a: '1', b: '2', unowned: 'u' });
    expect(fieldsOf(o, 'alice')).toEqual({ 'f:data': { 'f:a': {} } });
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:data': { 'f:b': {} } });
  });

  it('keeps a struct someone else still holds something in, removing only what the applier dropped', () => {
    let o = apply(undefined, widget({ data: { a: '1', b: '2' }, spec: { replicas: 2 } }), 'alice');
    o = update(o, 'bob', (n) => {
      (n.spec as Record<string, unknown>).template = { image: 'i' };
      (n.data as Record<string, string>).b = '3';
    });
    o = apply(o, widget({ data: { a: '1' } }), 'alice', { now: T3 });
    expect(o.spec).toEqual({ template: { image: 'i' } });
    expect(o.data).toEqual({ a: '1', b: '3' });
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:data': { 'f:b': {} }, 'f:spec': { 'f:template': { '.': {}, 'f:image': {} } } });
  });

  it('shares a field two appliers set to the same value; changing it then conflicts', () => {
    let o = apply(undefined, widget({ data: { a: '1' } }), 'alice');
    o = apply(o, widget({ data: { a: '1' } }), 'bob', { now: T2 });
    expect(fieldsOf(o, 'alice')).toEqual({ 'f:data': { 'f:a': {} } });
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:data': { 'f:a': {} } });
    const err = refusedSync(() => apply(o, widget({ data: { a: '2' } }), 'alice', { now: T3 }));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "bob": .data.a');
  });

  it('refuses to change a field another applier owns: 409 with the causes Kubernetes gives', () => {
    const o = apply(undefined, widget({ data: { a: '1' } }), 'alice');
    const err = refusedSync(() => apply(o, widget({ data: { a: '2' } }), 'bob'));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "alice": .data.a',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' }] },
      code: 409,
    });
  });

  it('refuses to change a field an Update manager owns, naming its apiVersion', () => {
    const created = widget({ data: { a: '1' } });
    created.metadata.managedFields = trackUpdate({ old: undefined, updated: created, manager: 'kubectl-client-side-apply', apiVersion: API, now: T0, schema });
    const err = refusedSync(() => apply(created, widget({ data: { a: '2' } }), 'kubectl'));
    expect(err.code).toBe(409);
    expect(err.message).toBe(`Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using ${API}: .data.a`);
    expect(err.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: `conflict with "kubectl-client-side-apply" using ${API}`, field: '.data.a' }]);
  });

  it('lists several conflicts per manager, managers sorted', () => {
    let o = apply(undefined, widget({ data: { a: '1', b: '2' } }), 'alice');
    o = update(o, 'bob', (n) => void ((n.data as Record<string, string>).c = '3'));
    const err = refusedSync(() => apply(o, widget({ data: { a: 'x', b: 'y', c: 'z' } }), 'carol'));
    expect(err.message).toBe(
      `Apply failed with 3 conflicts: conflicts with "alice":\n- .data.a\n- .data.b\nconflicts with "bob" using ${API}:\n- .data.c`,
    );
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['.data.a', '.data.b', '.data.c']);
  });

  it('with force, takes conflicting fields over; managers left with nothing disappear', () => {
    let o = apply(undefined, widget({ data: { a: '1', b: '2' } }), 'alice');
    o = update(o, 'bob', (n) => void ((n.data as Record<string, string>).c = '3'));
    o = apply(o, widget({ data: { a: 'x', c: 'z' } }), 'carol', { force: true, now: T3 });
    expect(o.data).toEqual({ a: 'x', b: '2', c: 'z' });
    expect(fieldsOf(o, 'alice')).toEqual({ 'f:data': { 'f:b': {} } });
    expect(fieldsOf(o, 'carol')).toEqual({ 'f:data': { 'f:a': {}, 'f:c': {} } });
    expect(managersOf(o)).toEqual(['alice/Apply', 'carol/Apply']);
  });

  it('sharing a value an Update manager set is not a conflict', () => {
    let o = apply(undefined, widget({ data: { a: '1' } }), 'alice');
    o = update(o, 'bob', (n) => void ((n.data as Record<string, string>).c = '3'));
    o = apply(o, widget({ data: { c: '3' } }), 'carol');
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:data': { 'f:c': {} } });
    expect(fieldsOf(o, 'carol')).toEqual({ 'f:data': { 'f:c': {} } });
  });

  it('merges a map list by key: items of other appliers stay, dropped items go', () => {
    let o = apply(undefined, widget({ spec: { containers: [{ name: 'web', image: 'nginx' }] } }), 'alice');
    o = apply(o, widget({ spec: { containers: [{ name: 'log', image: 'fluentd' }] } }), 'bob');
    expect((o.spec as { containers: unknown }).containers).toEqual([
      { name: 'web', image: 'nginx' },
      { name: 'log', image: 'fluentd' },
    ]);
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:spec': { 'f:containers': { [k({ name: 'log' })]: { '.': {}, 'f:image': {}, 'f:name': {} } } } });
    const err = refusedSync(() => apply(o, widget({ spec: { containers: [{ name: 'web', image: 'httpd' }] } }), 'bob'));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.containers[name="web"].image');
    o = apply(o, widget({ spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }), 'alice', { now: T2 });
    expect((o.spec as { containers: unknown }).containers).toEqual([
      { name: 'web', image: 'nginx:2' },
      { name: 'log', image: 'fluentd' },
    ]);
    o = apply(o, widget({ spec: { containers: [] } }), 'alice', { now: T3 });
    expect((o.spec as { containers: unknown }).containers).toEqual([{ name: 'log', image: 'fluentd' }]);
    expect(managersOf(o)).toEqual(['bob/Apply']);
  });

  it.each([
    ['a configuration keeps live-only items in place', ['a', 'b', 'c'], 'bob', ['c', 'x'], ['a', 'b', 'c', 'x']],
    ['the configuration orders the items it names', ['a', 'b', 'c'], 'bob', ['c', 'b'], ['a', 'c', 'b']],
    ['an applier can reorder its own items', ['a', 'b'], 'alice', ['b', 'a'], ['b', 'a']],
  ])('orders merged list items: %s', (_, live, manager, config, expected) => {
    const named = (names: string[]) => widget({ spec: { containers: names.map((name) => ({ name })) } });
    const o = apply(apply(undefined, named(live), 'alice'), named(config), manager, { now: T2 });
    expect((o.spec as { containers: { name: string }[] }).containers.map((c) => c.name)).toEqual(expected);
  });

  it('merges a list keyed only by its patch merge key', () => {
    let o = apply(undefined, widget({ spec: { ports: [{ containerPort: 80 }] } }), 'alice');
    o = apply(o, widget({ spec: { ports: [{ containerPort: 443 }] } }), 'bob');
    expect((o.spec as { ports: unknown }).ports).toEqual([{ containerPort: 80 }, { containerPort: 443 }]);
  });

  it('merges set items by value', () => {
    let o = apply(undefined, widget({ spec: { tags: ['a', 'b'] } }), 'alice');
    o = apply(o, widget({ spec: { tags: ['c'] } }), 'bob');
    expect((o.spec as { tags: unknown }).tags).toEqual(['a', 'b', 'c']);
    o = apply(o, widget({ spec: { tags: ['a'] } }), 'alice', { now: T2 });
    expect((o.spec as { tags: unknown }).tags).toEqual(['a', 'c']);
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:spec': { 'f:tags': { 'v:"c"': {} } } });
  });

  it('replaces an atomic list whole, sharing it only when equal', () => {
    let o = apply(undefined, widget({ spec: { args: ['x', 'y'] } }), 'alice');
    o = apply(o, widget({ spec: { args: ['x', 'y'] } }), 'bob');
    const err = refusedSync(() => apply(o, widget({ spec: { args: ['z'] } }), 'carol'));
    expect(err.message).toBe('Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.args\nconflicts with "bob":\n- .spec.args');
    o = apply(o, widget({ spec: { args: ['z'] } }), 'carol', { force: true, now: T2 });
    expect((o.spec as { args: unknown }).args).toEqual(['z']);
    expect(managersOf(o)).toEqual(['carol/Apply']);
  });

  it('replaces an atomic map whole', () => {
    let o = apply(undefined, widget({ spec: { selector: { a: '1', b: '2' } } }), 'alice');
    o = apply(o, widget({ spec: { selector: { c: '3' } } }), 'alice', { now: T2 });
    expect((o.spec as { selector: unknown }).selector).toEqual({ c: '3' });
    expect(fieldsOf(o, 'alice')).toEqual({ 'f:spec': { 'f:selector': {} } });
  });

  it('unsets a field set to null, owning it, and a null can conflict', () => {
    let o = apply(undefined, widget({ data: { a: '1', b: '2' } }), 'alice');
    expect(refusedSync(() => apply(o, widget({ data: { a: null } }), 'bob')).message).toBe('Apply failed with 1 conflict: conflict with "alice": .data.a');
    o = apply(o, widget({ data: { a: null } }), 'bob', { force: true });
    expect(o.data).toEqual({ b: '2' });
    expect(fieldsOf(o, 'bob')).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('keeps the time of an applier whose apply changed nothing', () => {
    const config = widget({ data: { a: '1' } });
    const first = apply(undefined, config, 'alice', { now: T1 });
    const again = apply(first, config, 'alice', { now: T2 });
    expect(again).toEqual(first);
  });

  it('sorts entries as Kubernetes does: Apply before Update, then oldest first, then by name', () => {
    let o = apply(undefined, widget({ data: { a: '1' } }), 'zed', { now: T2 });
    o = apply(o, widget({ data: { b: '1' } }), 'amy', { now: T3 });
    o = update(o, 'upd', (n) => void ((n.data as Record<string, string>).c = '1'), T0);
    o = apply(o, widget({ data: { d: '1' } }), 'bea', { now: T2 });
    expect(managersOf(o)).toEqual(['bea/Apply', 'zed/Apply', 'amy/Apply', 'upd/Update']);
  });

  it('does not own reset fields (status on the main resource)', () => {
    const o = apply(undefined, widget({ data: { a: '1' }, status: { phase: 'Up' } }), 'alice', { resetFields: [['status']] });
    expect(fieldsOf(o, 'alice')).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('drops an applier that owns nothing once name and type meta are set aside', () => {
    const o = apply(undefined, widget({}), 'alice');
    expect(o.metadata.managedFields).toBeUndefined();
  });

  it('does not modify its inputs', () => {
    const live = apply(undefined, widget({ data: { a: '1' }, spec: { containers: [{ name: 'web' }] } }), 'alice');
    const config = widget({ data: { b: null }, spec: { containers: [{ name: 'log' }] } });
    const [liveBefore, configBefore] = [cloneObject(live), cloneObject(config)];
    apply(live, config, 'bob');
    expect(live).toEqual(liveBefore);
    expect(config).toEqual(configBefore);
  });

  const invalid: [string, () => unknown, string][] = [
    ['another version', () => apply(undefined, { ...widget({}), apiVersion: 'test.io/v2' }, 'a'), 'invalid object type: test.io/v2, Kind=Widget'],
    [
      'another kind than the live object',
      () => apply(apply(undefined, widget({ data: { a: '1' } }), 'a'), { ...widget({}), kind: 'Gadget' }, 'a'),
      'invalid object type: test.io/v1, Kind=Gadget',
    ],
    ['managedFields in the configuration', () => apply(undefined, widget({}, { managedFields: [] }), 'a'), 'metadata.managedFields must be nil'],
    [
      'a map-list item without its key',
      () => apply(undefined, widget({ spec: { containers: [{ image: 'x' }] } }), 'a'),
      'failed to create typed patch object (default/w; test.io/v1, Kind=Widget): .spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    ],
    [
      'duplicate items',
      () => apply(undefined, widget({ spec: { containers: [{ name: 'x' }, { name: 'x' }], tags: [null] } }), 'a'),
      'failed to create typed patch object (default/w; test.io/v1, Kind=Widget): errors:\n  .spec.containers: duplicate entries for key [name="x"]\n' +
        "  .spec.tags: element 0: associative list without keys has an element that's an explicit null",
    ],
  ];

  it.each(invalid)('refuses %s with 400', (_, fn, message) => {
    const err = refusedSync(fn);
    expect(err.code).toBe(400);
    expect(err.message).toBe(message);
  });
});
