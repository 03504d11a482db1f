/**
 * events.k8s.io/v1 Event: the core/v1 Events in their newer shape, served from the same storage
 * (`storedAs`). Its strategy sees objects in this API's shape; the registry converts with
 * `toStored`/`fromStored` around storage. New Events must be complete (eventTime, reporter,
 * action, reason, Normal/Warning type) and leave the deprecated fields unset; updates may change
 * little besides `series`.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema, objectReference } from './common.js';
import { eventColumns } from './event-columns.js';
import { eventFieldSet } from './event.js';
import { EVENT_RENAMES, EVENTS_V1_FIELD_LABELS, eventFromStored, eventToStored } from './event-conversion.js';
import { legacyEventErrors, strictCreateErrors, strictUpdateErrors, type FieldNamer } from './event-rules.js';
import { eventSeriesSchema, eventSourceSchema, eventTimestampErrors, normalizeEventTimes } from './event.js';

const str = z.string().nullable().optional();

const schema = kindSchema({
  eventTime: str,
  series: eventSeriesSchema.nullable().optional(),
  reportingController: str,
  reportingInstance: str,
  action: str,
  reason: str,
  regarding: objectReference.nullable().optional(),
  related: objectReference.nullable().optional(),
  note: str,
  type: str,
  deprecatedSource: eventSourceSchema.nullable().optional(),
  deprecatedFirstTimestamp: str,
  deprecatedLastTimestamp: str,
  deprecatedCount: z.number().int().nullable().optional(),
});

const CORE_TO_V1: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(EVENT_RENAMES).map(([v1, core]) => [core, v1]));

/** Reports core/v1 paths (`involvedObject.namespace`) in this API's names (`regarding.namespace`). */
const v1Name: FieldNamer = (path) => {
  const [head = '', ...rest] = path.split('.');
  return [CORE_TO_V1[head] ?? head, ...rest].join('.');
};

/**
 * Objects being updated. The registry runs `validate` for creates and updates alike, but only new
 * Events must pass the strict rules (an old-style Event may be updated here too), so
 * prepareForUpdate marks the object it hands to validation.
 */
const updating = new WeakSet<KubeObject>();

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  const stored = eventToStored(o);
  check.errors.push(...eventTimestampErrors(stored, v1Name), ...legacyEventErrors(stored, v1Name));
  if (!updating.has(o)) check.errors.push(...strictCreateErrors(stored, v1Name));
  return check;
}

function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return strictUpdateErrors(eventToStored(o), eventToStored(old), v1Name);
}

/** Timestamps are re-encoded in the stored shape, then handed back in this one. */
function normalize(o: KubeObject): void {
  const stored = eventToStored(o);
  normalizeEventTimes(stored);
  const back = eventFromStored(stored);
  for (const k of Object.keys(back)) o[k] = back[k];
}

function prepareForUpdate(o: KubeObject): void {
  updating.add(o);
  normalize(o);
}

export const eventsV1 = builtin(
  {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    generation: false,
    shortNames: ['ev'],
    selectableFields: Object.keys(EVENTS_V1_FIELD_LABELS),
    fieldLabels: EVENTS_V1_FIELD_LABELS,
    fieldSet: eventFieldSet,
    columns: eventColumns.map((c) => ({ ...c, cell: (o: KubeObject) => c.cell(eventToStored(o)) })),
    storedAs: { resource: 'events', toStored: eventToStored, fromStored: eventFromStored },
  },
  { validate, validateUpdate, prepareForCreate: normalize, prepareForUpdate },
);
