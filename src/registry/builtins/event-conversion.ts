/**
 * events.k8s.io/v1 Events are the core/v1 Events seen in a newer shape (pkg/apis/events/v1
 * conversion): the same stored objects, with some fields renamed. Both directions are pure and
 * lossless, so any object survives a round trip either way; fields the mapping does not name
 * (eventTime, series, action, reason, related, reportingInstance, type, metadata) carry over as-is.
 */
import { cloneObject, type KubeObject } from '../../meta/index.js';

export const EVENTS_V1 = 'events.k8s.io/v1';

/** events.k8s.io/v1 field → core/v1 field. */
export const EVENT_RENAMES: Readonly<Record<string, string>> = {
  regarding: 'involvedObject',
  note: 'message',
  deprecatedSource: 'source',
  deprecatedFirstTimestamp: 'firstTimestamp',
  deprecatedLastTimestamp: 'lastTimestamp',
  deprecatedCount: 'count',
  reportingController: 'reportingComponent',
};

const TO_V1: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(EVENT_RENAMES).map(([v1, core]) => [core, v1]));

function rename(o: KubeObject, names: Readonly<Record<string, string>>, apiVersion: string): KubeObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cloneObject(o))) {
    if (k === 'apiVersion') out.apiVersion = apiVersion;
    else out[names[k] ?? k] = v;
  }
  return out as KubeObject;
}

/** events.k8s.io/v1 → the stored core/v1 shape. */
export function eventToStored(o: KubeObject): KubeObject {
  return rename(o, EVENT_RENAMES, 'v1');
}

/** The stored core/v1 shape → events.k8s.io/v1. */
export function eventFromStored(o: KubeObject): KubeObject {
  return rename(o, TO_V1, EVENTS_V1);
}

/**
 * Field selector labels of events.k8s.io/v1 and the core labels they stand for (the apiserver
 * converts them before matching stored objects).
 */
export const EVENTS_V1_FIELD_LABELS: Readonly<Record<string, string>> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
};
