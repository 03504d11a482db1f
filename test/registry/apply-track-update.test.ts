/**
 * Managed fields for ordinary writes (create, update, patch): ownership moves silently to whoever
 * changes a field, entries are per manager, operation, apiVersion and subresource, and clients
 * can replace or clear managedFields as in Kubernetes.
 */
import { describe, expect, it } from 'vitest';
import { cloneObject, type KubeObject, type OpenApiComponents } from '../../src/meta/index.js';
import { applyConfiguration, trackUpdate, type ManagedFieldsEntry } from '../../src/registry/apply/index.js';
import type { KindSchema } from '../../src/registry/resource-type.js';

const components: OpenApiComponents = {
  'io.test.v1.Thing': {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } } },
      data: { type: 'object', additionalProperties: { type: 'string' } },
      items: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
      status: { type: 'object', properties: { phase: { type: 'string' } } },
    },
  },
};
const schema: KindSchema = { name: 'io.test.v1.Thing', components };
const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}Z`;

const thing = (fields: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name: 't', ...(labels ? { labels } : {}) },
  ...fields,
});

interface Write {
  manager: string;
  now?: string;
  apiVersion?: string;
  subresource?: string;
  resetFields?: string[][];
}

const track = (old: KubeObject | undefined, updated: KubeObject, w: Write): ManagedFieldsEntry[] =>
  trackUpdate({
    old,
    updated,
    manager: w.manager,
    apiVersion: w.apiVersion ?? 'v1',
    now: w.now ?? at(1),
    schema,
    ...(w.subresource ? { subresource: w.subresource } : {}),
    ...(w.resetFields ? { resetFields: w.resetFields } : {}),
  });

/** Stores `object` as written by `w` over `old`, as the registry does. */
function write(old: KubeObject | undefined, object: KubeObject, w: Write): KubeObject {
  const next = cloneObject(object);
  if (old && next.metadata.managedFields === undefined && old.metadata.managedFields) next.metadata.managedFields = old.metadata.managedFields;
  const entries = track(old, next, w);
  if (entries.length > 0) next.metadata.managedFields = entries;
  else delete next.metadata.managedFields;
  return next;
}

const edit = (o: KubeObject, change: (n: KubeObject) => void): KubeObject => {
  const n = cloneObject(o);
  change(n);
  return n;
};
const data = (o: KubeObject) => o.data as Record<string, string>;
const entries = (o: KubeObject): ManagedFieldsEntry[] => (o.metadata.managedFields ?? []) as ManagedFieldsEntry[];
const summary = (o: KubeObject) => entries(o).map((e) => ({ who: `${e.manager}/${e.operation}/${e.apiVersion}${e.subresource ? `/${e.subresource}` : ''}`, fields: e.fieldsV1 }));

describe('trackUpdate', () => {
  it('gives every field of a created object to its creator, new maps and lists included as members', () => {
    const o = thing({ data: { a: '1' }, items: [{ name: 'x', value: 'v' }] }, { app: 'web' });
    expect(track(undefined, o, { manager: 'creator', now: at(0) })).toEqual([
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'v1',
        time: at(0),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { '.': {}, 'f:a': {} },
          'f:items': { '.': {}, 'k:{"name":"x"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        },
      },
    ]);
  });

  const created = write(undefined, thing({ data: { a: '1', b: '2' } }), { manager: 'creator', now: at(0) });

  const transfers: { name: string; change: (n: KubeObject) => void; expected: { who: string; fields: Record<string, unknown> }[] }[] = [
    {
      name: 'a modified field moves to the writer',
      change: (n) => void (data(n).a = 'x'),
      expected: [
        { who: 'creator/Update/v1', fields: { 'f:data': { '.': {}, 'f:b': {} } } },
        { who: 'editor/Update/v1', fields: { 'f:data': { 'f:a': {} } } },
      ],
    },
    {
      name: 'an added field goes to the writer',
      change: (n) => void (data(n).c = '3'),
      expected: [
        { who: 'creator/Update/v1', fields: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } } },
        { who: 'editor/Update/v1', fields: { 'f:data': { 'f:c': {} } } },
      ],
    },
    {
      name: 'a removed field leaves its owner and goes to nobody',
      change: (n) => void delete data(n).a,
      expected: [{ who: 'creator/Update/v1', fields: { 'f:data': { '.': {}, 'f:b': {} } } }],
    },
    {
      name: 'a manager whose fields all went away is dropped',
      change: (n) => void delete n.data,
      expected: [],
    },
  ];

  it.each(transfers)('$name', ({ change, expected }) => {
    const o = write(created, edit(created, change), { manager: 'editor', now: at(5) });
    expect(summary(o)).toEqual(expected);
  });

  it('takes fields from appliers silently', () => {
    const applied = applyConfiguration({ live: undefined, config: thing({ data: { a: '1' } }), manager: 'alice', force: false, schema, apiVersion: 'v1', now: at(0) });
    const o = write(applied, edit(applied, (n) => void (data(n).a = '2')), { manager: 'bob', now: at(5) });
    expect(summary(o)).toEqual([{ who: 'bob/Update/v1', fields: { 'f:data': { 'f:a': {} } } }]);
  });

  it('keeps one entry per manager, apiVersion and subresource; repeat writes accumulate and restamp', () => {
    let o = write(created, edit(created, (n) => void (data(n).c = '3')), { manager: 'editor', now: at(2) });
    o = write(o, edit(o, (n) => void (data(n).d = '4')), { manager: 'editor', now: at(3) });
    o = write(o, edit(o, (n) => void (data(n).e = '5')), { manager: 'editor', apiVersion: 'v2', now: at(4) });
    o = write(o, edit(o, (n) => void (n.status = { phase: 'Up' })), { manager: 'editor', subresource: 'status', now: at(5) });
    expect(entries(o).map((e) => [e.manager, e.apiVersion, e.subresource, e.time])).toEqual([
      ['creator', 'v1', undefined, at(0)],
      ['editor', 'v1', undefined, at(3)],
      ['editor', 'v2', undefined, at(4)],
      ['editor', 'v1', 'status', at(5)],
    ]);
    expect(entries(o)[1]?.fieldsV1).toEqual({ 'f:data': { 'f:c': {}, 'f:d': {} } });
    expect(entries(o)[3]?.fieldsV1).toEqual({ 'f:status': { '.': {}, 'f:phase': {} } });
  });

  it('changes nothing, not even times, for a write that changes nothing', () => {
    const o = write(created, cloneObject(created), { manager: 'editor', now: at(9) });
    expect(o.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  const sent: { name: string; managedFields: unknown; subresource?: string; expected: string[] }[] = [
    { name: '[] clears them', managedFields: [], expected: ['editor'] },
    { name: 'a single empty entry clears them', managedFields: [{}], expected: ['editor'] },
    {
      name: 'valid entries replace them',
      managedFields: [{ manager: 'someone', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } }],
      expected: ['someone', 'editor'],
    },
    { name: 'undecodable entries are ignored', managedFields: [{ manager: 'x', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1' }], expected: ['creator', 'editor'] },
    { name: 'entries without fieldsType are ignored', managedFields: [{ manager: 'x', operation: 'Update', apiVersion: 'v1' }], expected: ['creator', 'editor'] },
    {
      name: 'a subresource write ignores them',
      managedFields: [],
      subresource: 'status',
      expected: ['creator', 'editor'],
    },
  ];

  it.each(sent)('with managedFields sent by the client: $name', ({ managedFields, subresource, expected }) => {
    const next = edit(created, (n) => {
      data(n).c = '3';
      n.status = { phase: 'Up' };
      n.metadata.managedFields = managedFields as unknown[];
    });
    const out = track(created, next, { manager: 'editor', now: at(5), ...(subresource ? { subresource } : {}) });
    expect(out.map((e) => e.manager)).toEqual(expected);
  });

  it('folds the oldest of more than ten Update entries into ancient-changes', () => {
    let o = write(undefined, thing({ data: { k00: '0' } }), { manager: 'm00', now: at(0) });
    for (let i = 1; i <= 10; i++) {
      const key = `k${String(i).padStart(2, '0')}`;
      o = write(o, edit(o, (n) => void (data(n)[key] = String(i))), { manager: `m${key.slice(1)}`, now: at(i) });
    }
    expect(entries(o)).toHaveLength(10);
    expect(entries(o)[0]).toEqual({
      manager: 'ancient-changes',
      operation: 'Update',
      apiVersion: 'v1',
      time: at(1),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:k00': {}, 'f:k01': {} } },
    });
    expect(entries(o)[1]?.manager).toBe('m02');
  });

  it('keeps the stored entries when the object cannot be typed (a keyed item without its key)', () => {
    const bad = edit(created, (n) => void (n.items = [{ value: 'no name' }]));
    expect(track(created, bad, { manager: 'editor' })).toEqual(created.metadata.managedFields);
  });

  it('records nothing for reset fields', () => {
    const next = edit(created, (n) => {
      data(n).c = '3';
      n.status = { phase: 'Up' };
    });
    const out = track(created, next, { manager: 'editor', resetFields: [['status']] });
    expect(out.find((e) => e.manager === 'editor')?.fieldsV1).toEqual({ 'f:data': { 'f:c': {} } });
  });
});
