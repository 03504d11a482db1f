/**
 * Event validation (core validation's events.go), written once over the stored core/v1 shape and
 * reported in the field names of whichever API the client used: `involvedObject` / `message` for
 * core/v1, `regarding` / `note` for events.k8s.io/v1.
 *
 * Every Event passes the legacy rules. Events without `eventTime` are old-style: their
 * involvedObject must sit in the Event's namespace. Events with it must say who reported them and
 * what happened. events.k8s.io/v1 adds strict rules for new Events and makes most fields immutable.
 */
import { validateQualifiedName, type KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { immutable, isSet, sameValue } from './common.js';
import { hasTime } from './timestamps.js';

const REPORTING_INSTANCE_MAX = 128;
const ACTION_MAX = 128;
const REASON_MAX = 128;
const NOTE_MAX = 1024;

/** Maps a core/v1 field path to the name the client sees. */
export type FieldNamer = (corePath: string) => string;

const bytes = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
const tooLong = (field: string, max: number): FieldError => ({ type: 'FieldValueInvalid', field, value: '', detail: `can have at most ${max} characters` });
const required = (field: string): FieldError => ({ type: 'FieldValueRequired', field, detail: '' });

interface Ref {
  namespace?: string | null;
}

export function legacyEventErrors(e: KubeObject, name: FieldNamer): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata.namespace ?? '';
  const refNs = ((e.involvedObject ?? {}) as Ref).namespace ?? '';
  const mismatch = (): FieldError => ({ type: 'FieldValueInvalid', field: name('involvedObject.namespace'), value: refNs, detail: 'does not match event.namespace' });
  if (!hasTime(e.eventTime)) {
    // Old clients put events about cluster-scoped objects into "default".
    if (refNs === '' ? ns !== '' && ns !== 'default' : ns !== refNs) errs.push(mismatch());
    return errs;
  }
  if (refNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
  const controller = typeof e.reportingComponent === 'string' ? e.reportingComponent : '';
  const controllerField = name('reportingComponent');
  if (controller === '') errs.push(required(controllerField));
  for (const detail of validateQualifiedName(controller)) errs.push({ type: 'FieldValueInvalid', field: controllerField, value: controller, detail });
  if (!isSet(e.reportingInstance)) errs.push(required(name('reportingInstance')));
  if (bytes(e.reportingInstance) > REPORTING_INSTANCE_MAX) errs.push(tooLong(name('reportingInstance'), REPORTING_INSTANCE_MAX));
  if (!isSet(e.action)) errs.push(required(name('action')));
  if (bytes(e.action) > ACTION_MAX) errs.push(tooLong(name('action'), ACTION_MAX));
  if (!isSet(e.reason)) errs.push(required(name('reason')));
  if (bytes(e.reason) > REASON_MAX) errs.push(tooLong(name('reason'), REASON_MAX));
  if (bytes(e.message) > NOTE_MAX) errs.push(tooLong(name('message'), NOTE_MAX));
  return errs;
}

interface Series {
  count?: number | null;
  lastObservedTime?: string | null;
}

function seriesErrors(e: KubeObject, name: FieldNamer): FieldError[] {
  const series = e.series as Series | null | undefined;
  if (!series) return [];
  const errs: FieldError[] = [];
  if ((series.count ?? 0) < 2) errs.push({ type: 'FieldValueInvalid', field: name('series.count'), value: '', detail: 'should be at least 2' });
  if (!hasTime(series.lastObservedTime)) errs.push(required(name('series.lastObservedTime')));
  return errs;
}

/** events.k8s.io/v1 on create: a complete new-style Event, with none of the deprecated fields. */
export function strictCreateErrors(e: KubeObject, name: FieldNamer): FieldError[] {
  const errs = seriesErrors(e, name);
  if (!hasTime(e.eventTime)) errs.push(required(name('eventTime')));
  if (e.type !== 'Normal' && e.type !== 'Warning') {
    errs.push({ type: 'FieldValueInvalid', field: name('type'), value: '', detail: `has invalid value: ${typeof e.type === 'string' ? e.type : ''}` });
  }
  const unset = (field: string): FieldError => ({ type: 'FieldValueInvalid', field: name(field), value: '', detail: 'needs to be unset' });
  if (hasTime(e.firstTimestamp)) errs.push(unset('firstTimestamp'));
  if (hasTime(e.lastTimestamp)) errs.push(unset('lastTimestamp'));
  if (typeof e.count === 'number' && e.count !== 0) errs.push(unset('count'));
  const source = (e.source ?? {}) as { component?: string | null; host?: string | null };
  if (isSet(source.component) || isSet(source.host)) errs.push(unset('source'));
  return errs;
}

/** Fields an events.k8s.io/v1 update may not change (only series, metadata and the like may). */
const IMMUTABLE = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
] as const;

export function strictUpdateErrors(e: KubeObject, old: KubeObject, name: FieldNamer): FieldError[] {
  const errs = sameValue(e.series, old.series) ? [] : seriesErrors(e, name);
  for (const f of IMMUTABLE) errs.push(...immutable(name(f), e[f], old[f]));
  return errs;
}
