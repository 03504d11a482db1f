/**
 * core/v1 Event: a report that something happened to an object. The core API keeps the legacy
 * rules only (no immutability, free-form `type`), since old clients rewrite events in place to
 * bump `count`. Names only need to be path segments here; events.k8s.io/v1 asks for subdomains.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema, objectReference } from './common.js';
import { eventColumns } from './event-columns.js';
import { legacyEventErrors } from './event-rules.js';
import { normalizeTimestamp, timestampErrors } from './timestamps.js';

const str = z.string().nullable().optional();

export const eventSourceSchema = z.strictObject({ component: str, host: str });
export const eventSeriesSchema = z.strictObject({ count: z.number().int().nullable().optional(), lastObservedTime: str });

const schema = kindSchema({
  involvedObject: objectReference.nullable().optional(),
  reason: str,
  message: str,
  source: eventSourceSchema.nullable().optional(),
  firstTimestamp: str,
  lastTimestamp: str,
  count: z.number().int().nullable().optional(),
  type: str,
  eventTime: str,
  series: eventSeriesSchema.nullable().optional(),
  action: str,
  related: objectReference.nullable().optional(),
  reportingComponent: str,
  reportingInstance: str,
});

/** Time and MicroTime fields of the stored shape, which is also how the core API names them. */
export function eventTimestampErrors(e: KubeObject, name: (p: string) => string): FieldError[] {
  const series = (e.series ?? {}) as { lastObservedTime?: unknown };
  return [
    ...timestampErrors(e.firstTimestamp, name('firstTimestamp')),
    ...timestampErrors(e.lastTimestamp, name('lastTimestamp')),
    ...timestampErrors(e.eventTime, name('eventTime')),
    ...timestampErrors(series.lastObservedTime, name('series.lastObservedTime')),
  ];
}

/** Re-encodes the timestamps of a stored-shape Event as the apiserver would (UTC; seconds or micros). */
export function normalizeEventTimes(e: KubeObject): void {
  normalizeTimestamp(e, 'firstTimestamp', 'Time');
  normalizeTimestamp(e, 'lastTimestamp', 'Time');
  normalizeTimestamp(e, 'eventTime', 'MicroTime');
  normalizeTimestamp(e.series, 'lastObservedTime', 'MicroTime');
}

const asIs = (p: string): string => p;

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  check.errors.push(...eventTimestampErrors(o, asIs), ...legacyEventErrors(o, asIs));
  return check;
}

/**
 * The values field selectors match (the apiserver's EventToSelectableFields). `source` is not a
 * path: it is `source.component`, or `reportingComponent` for events that have no source.
 */
export function eventFieldSet(e: KubeObject): Record<string, string> {
  const ref = (e.involvedObject ?? {}) as Record<string, string | null | undefined>;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const source = (e.source ?? {}) as { component?: string | null };
  return {
    'metadata.name': e.metadata.name ?? '',
    'metadata.namespace': e.metadata.namespace ?? '',
    'involvedObject.kind': text(ref.kind),
    'involvedObject.namespace': text(ref.namespace),
    'involvedObject.name': text(ref.name),
    'involvedObject.uid': text(ref.uid),
    'involvedObject.apiVersion': text(ref.apiVersion),
    'involvedObject.resourceVersion': text(ref.resourceVersion),
    'involvedObject.fieldPath': text(ref.fieldPath),
    reason: text(e.reason),
    reportingComponent: text(e.reportingComponent),
    source: text(source.component) || text(e.reportingComponent),
    type: text(e.type),
  };
}

export const events = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    nameRule: 'path-segment',
    hasStatus: false,
    generation: false,
    shortNames: ['ev'],
    fieldSet: eventFieldSet,
    selectableFields: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    columns: eventColumns,
  },
  { validate, prepareForCreate: normalizeEventTimes, prepareForUpdate: normalizeEventTimes },
);

