/** core/v1 and events.k8s.io/v1 Events: validation in both shapes, and the conversion between them. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { eventFieldSet, eventFromStored, events, eventsV1, eventToStored } from '../../src/registry/index.js';
import { ctx, fields, refused, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();

/** An old-style event, as kubelet and most controllers still write them. */
const legacy = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { name },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u-1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
  reason: 'Pulled',
  message: 'Container image "nginx" already present on machine',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:05:00Z',
  count: 3,
  type: 'Normal',
  ...extra,
});

/** A new-style event, as events.k8s.io/v1 clients write them. */
const modern = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { name },
  eventTime: '2024-05-01T10:00:00.123456Z',
  reportingController: 'example.com/scheduler',
  reportingInstance: 'scheduler-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-1' },
  note: 'Successfully assigned default/web-1 to node-1',
  type: 'Normal',
  ...extra,
});

describe('core/v1 Event', () => {
  it('accepts an old-style event and keeps its fields', async () => {
    const e = await fx.reg.create(ctx, events, 'default', legacy('web-1.abc'));
    expect(e).toMatchObject({ apiVersion: 'v1', kind: 'Event', reason: 'Pulled', count: 3, source: { component: 'kubelet' } });
  });

  it('needs the involved object in the event’s namespace (or a cluster-scoped one in default)', async () => {
    const err = await refused(() => fx.reg.create(ctx, events, 'other', legacy('x')));
    expect(err.code).toBe(422);
    expect(err.details?.causes?.[0]).toMatchObject({ field: 'involvedObject.namespace', reason: 'FieldValueInvalid' });
    expect(err.message).toContain('does not match event.namespace');
    await fx.reg.create(ctx, events, 'default', legacy('node', { involvedObject: { kind: 'Node', name: 'node-1' } }));
    const elsewhere = await refused(() => fx.reg.create(ctx, events, 'other', legacy('node', { involvedObject: { kind: 'Node', name: 'node-1' } })));
    expect(fields(elsewhere)).toEqual(['involvedObject.namespace']);
  });

  it('asks events with an eventTime for reporter, action and reason, in core/v1 names', async () => {
    const err = await refused(() =>
      fx.reg.create(ctx, events, 'default', { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' }, eventTime: '2024-05-01T10:00:00.000000Z' }),
    );
    expect(fields(err)).toEqual(expect.arrayContaining(['reportingComponent', 'reportingInstance', 'action', 'reason']));
    const long = await refused(() =>
      fx.reg.create(ctx, events, 'default', {
        ...modernAsCore('e'),
        reason: 'R'.repeat(129),
        message: 'm'.repeat(1025),
      }),
    );
    expect(fields(long)).toEqual(['reason', 'message']);
    expect(long.message).toContain('can have at most 128 characters');
  });

  it('leaves type free-form and names loose, as the legacy API does', async () => {
    await fx.reg.create(ctx, events, 'default', legacy('Web_1:event', { type: 'Custom' }));
  });

  it('re-encodes timestamps in UTC: seconds for Time, microseconds for MicroTime', async () => {
    const e = await fx.reg.create(ctx, events, 'default', {
      ...modernAsCore('t'),
      eventTime: '2024-05-01T12:00:00.5+02:00',
      firstTimestamp: '2024-05-01T12:00:00.999+02:00',
      series: { count: 2, lastObservedTime: '2024-05-01T10:00:01Z' },
    });
    expect(e.eventTime).toBe('2024-05-01T10:00:00.500000Z');
    expect(e.firstTimestamp).toBe('2024-05-01T10:00:00Z');
    expect((e.series as { lastObservedTime: string }).lastObservedTime).toBe('2024-05-01T10:00:01.000000Z');
    const bad = await refused(() => fx.reg.create(ctx, events, 'default', legacy('b', { lastTimestamp: 'yesterday' })));
    expect(fields(bad)).toEqual(['lastTimestamp']);
  });

  it('reports unknown fields and wrong types with their paths', async () => {
    const strict = await refused(() => fx.reg.create(ctx, events, 'default', legacy('u', { note: 'v1 field' }), { fieldValidation: 'Strict' }));
    expect(strict.message).toContain('unknown field "note"');
    const typed = await refused(() => fx.reg.create(ctx, events, 'default', legacy('u', { count: 'three' })));
    expect(fields(typed)).toEqual(['count']);
  });

  it('lets old clients rewrite an event in place (no immutable fields)', async () => {
    const e = await fx.reg.create(ctx, events, 'default', legacy('bump'));
    const next = await fx.reg.update(ctx, events, 'default', 'bump', { ...e, count: 4, lastTimestamp: '2024-05-01T10:06:00Z', message: 'again' });
    expect(next).toMatchObject({ count: 4, message: 'again' });
  });

  it('computes the selectable fields, with source falling back to reportingComponent', async () => {
    const old = eventFieldSet((await fx.reg.create(ctx, events, 'default', legacy('f'))) as KubeObject);
    expect(old).toMatchObject({ 'involvedObject.kind': 'Pod', 'involvedObject.fieldPath': 'spec.containers{web}', source: 'kubelet', type: 'Normal', reason: 'Pulled' });
    const fresh = eventFieldSet(eventToStored(modern('g') as KubeObject));
    expect(fresh).toMatchObject({ source: 'example.com/scheduler', reportingComponent: 'example.com/scheduler', 'involvedObject.name': 'web-1' });
    expect(events.selectableFields).toEqual(expect.arrayContaining(['involvedObject.uid', 'reportingComponent', 'source', 'type']));
  });
});

/** `modern()` in the core/v1 shape. */
function modernAsCore(name: string): Record<string, unknown> {
  return eventToStored({ ...modern(name), metadata: { name } } as KubeObject);
}

describe('events.k8s.io/v1 Event', () => {
  it('accepts a complete new-style event', async () => {
    const e = await fx.reg.create(ctx, eventsV1, 'default', modern('sched.1'));
    expect(e).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'Successfully assigned default/web-1 to node-1', reportingController: 'example.com/scheduler' });
  });

  it('requires eventTime, reporter, action, reason and a Normal or Warning type', async () => {
    const err = await refused(() => fx.reg.create(ctx, eventsV1, 'default', { metadata: { name: 'e' }, regarding: { kind: 'Pod', namespace: 'default', name: 'p' } }));
    expect(fields(err)).toEqual(expect.arrayContaining(['eventTime', 'type']));
    const partial = await refused(() => fx.reg.create(ctx, eventsV1, 'default', modern('p', { reportingController: undefined, action: '', type: 'Info' })));
    expect(fields(partial)).toEqual(expect.arrayContaining(['reportingController', 'action', 'type']));
    expect(partial.message).toContain('has invalid value: Info');
  });

  it('reports in this API’s field names', async () => {
    const err = await refused(() => fx.reg.create(ctx, eventsV1, 'kube-public', modern('n', { regarding: { kind: 'Node', name: 'node-1' }, note: 'x'.repeat(1025) })));
    expect(fields(err)).toEqual(expect.arrayContaining(['regarding.namespace', 'note']));
    await fx.reg.create(ctx, eventsV1, 'kube-system', modern('n', { regarding: { kind: 'Node', name: 'node-1' } }));
  });

  it('requires the deprecated fields to be unset and a sound series', async () => {
    const err = await refused(() =>
      fx.reg.create(
        ctx,
        eventsV1,
        'default',
        modern('d', {
          deprecatedCount: 2,
          deprecatedSource: { component: 'kubelet' },
          deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
          deprecatedLastTimestamp: '2024-05-01T10:00:00Z',
          series: { count: 1 },
        }),
      ),
    );
    expect(fields(err)).toEqual(
      expect.arrayContaining(['deprecatedCount', 'deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'series.count', 'series.lastObservedTime']),
    );
  });

  it('names must be DNS subdomains here', async () => {
    const err = await refused(() => fx.reg.create(ctx, eventsV1, 'default', modern('Web_1')));
    expect(fields(err)).toEqual(['metadata.name']);
  });

  it('lets an update change the series but not what the event says', async () => {
    const e = await fx.reg.create(ctx, eventsV1, 'default', modern('s'));
    const bumped = await fx.reg.update(ctx, eventsV1, 'default', 's', { ...e, series: { count: 2, lastObservedTime: '2024-05-01T10:01:00Z' } });
    expect(bumped.series).toEqual({ count: 2, lastObservedTime: '2024-05-01T10:01:00.000000Z' });
    const badSeries = await refused(() => fx.reg.update(ctx, eventsV1, 'default', 's', { ...bumped, series: { count: 1, lastObservedTime: '2024-05-01T10:01:00Z' } }));
    expect(fields(badSeries)).toEqual(['series.count']);
    const changed = await refused(() =>
      fx.reg.update(ctx, eventsV1, 'default', 's', { ...bumped, note: 'rewritten', reason: 'Other', regarding: { kind: 'Pod', namespace: 'default', name: 'web-2' } }),
    );
    expect(fields(changed)).toEqual(expect.arrayContaining(['note', 'reason', 'regarding']));
    expect(changed.message).toContain('field is immutable');
  });

  it('does not apply the create-only rules when an old-style event is updated through it', async () => {
    const stored = await fx.reg.create(ctx, eventsV1, 'default', modern('o'));
    // An event that has deprecated fields set, as a core/v1 client would have written it.
    const asV1 = eventFromStored({ ...eventToStored(stored), count: 5, eventTime: undefined, type: 'Custom' } as KubeObject);
    const old = { ...asV1, metadata: { ...stored.metadata } };
    const prepared = structuredClone(old) as KubeObject;
    eventsV1.strategy.prepareForUpdate?.(prepared, old as KubeObject);
    expect(eventsV1.strategy.validate(prepared).errors).toEqual([]);
    expect(eventsV1.strategy.validateUpdate?.(prepared, old as KubeObject)).toEqual([]);
  });
});

describe('conversion between the two shapes', () => {
  const core: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'default', uid: 'u', resourceVersion: '7', labels: { a: 'b' } },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'x' },
    reason: 'Started',
    message: 'Started container',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2024-05-01T10:00:00Z',
    lastTimestamp: '2024-05-01T10:01:00Z',
    count: 2,
    type: 'Normal',
    eventTime: null,
    series: { count: 3, lastObservedTime: '2024-05-01T10:02:00.000000Z' },
    action: 'Start',
    related: { kind: 'Node', name: 'n1' },
    reportingComponent: 'kubelet',
    reportingInstance: 'n1',
  };

  it('maps the renamed fields and keeps the rest', () => {
    const v1 = eventFromStored(core);
    expect(v1).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: core.metadata,
      regarding: core.involvedObject,
      reason: 'Started',
      note: 'Started container',
      deprecatedSource: core.source,
      deprecatedFirstTimestamp: core.firstTimestamp,
      deprecatedLastTimestamp: core.lastTimestamp,
      deprecatedCount: 2,
      type: 'Normal',
      eventTime: null,
      series: core.series,
      action: 'Start',
      related: core.related,
      reportingController: 'kubelet',
      reportingInstance: 'n1',
    });
  });

  it('round-trips both ways without loss, and never mutates its input', () => {
    const before = structuredClone(core);
    expect(eventToStored(eventFromStored(core))).toEqual(core);
    const v1 = eventFromStored(core);
    expect(eventFromStored(eventToStored(v1))).toEqual(v1);
    expect(core).toEqual(before);
    const sparse: KubeObject = { metadata: { name: 's' }, note: 'only a note' };
    expect(eventToStored(sparse)).toEqual({ metadata: { name: 's' }, message: 'only a note' });
    expect(eventFromStored(eventToStored(sparse))).toEqual(sparse);
  });

  it('is wired as the storage of events.k8s.io/v1', () => {
    expect(eventsV1.storedAs?.resource).toBe('events');
    expect(eventsV1.storedAs?.toStored).toBe(eventToStored);
    expect(eventsV1.storedAs?.fromStored).toBe(eventFromStored);
    expect(eventsV1.selectableFields).toEqual(expect.arrayContaining(['regarding.name', 'reportingController', 'source']));
  });

  it('reads events written through either API', async () => {
    const created = await fx.reg.create(ctx, events, 'default', legacy('both'));
    const viaV1 = await fx.reg.get(ctx, eventsV1, 'default', 'both');
    expect(viaV1).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: created.message, deprecatedCount: 3, regarding: created.involvedObject });
    await fx.reg.create(ctx, eventsV1, 'default', modern('new'));
    const viaCore = await fx.reg.get(ctx, events, 'default', 'new');
    expect(viaCore).toMatchObject({ apiVersion: 'v1', message: 'Successfully assigned default/web-1 to node-1', reportingComponent: 'example.com/scheduler' });
  });
});
