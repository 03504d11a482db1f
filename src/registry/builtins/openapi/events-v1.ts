/**
 * OpenAPI v3 schemas of events.k8s.io/v1 Event (and EventList, EventSeries), named as in
 * Kubernetes. These are the core/v1 Events seen through the newer API, so they reuse core's
 * ObjectReference and EventSource schemas by name. Descriptions are Atoll's own.
 */
import type { OpenApiSchema } from '../../../meta/index.js';
import { int32, kindSchema, listSchema, microTime, ref, refObject, str, time } from './schema-builders.js';

const GROUP = 'events.k8s.io';
const EVENT = 'io.k8s.api.events.v1.Event';
const EVENT_SERIES = 'io.k8s.api.events.v1.EventSeries';
const OBJECT_REFERENCE = 'io.k8s.api.core.v1.ObjectReference';
const EVENT_SOURCE = 'io.k8s.api.core.v1.EventSource';

export const eventsV1Schemas: Record<string, OpenApiSchema> = {
  [EVENT]: kindSchema({
    group: GROUP,
    version: 'v1',
    kind: 'Event',
    description:
      'A report that something happened to an object, usually a state change. Events are kept only for a short time and are ' +
      'informative, best-effort data: do not rely on their timing or on a reason always meaning the same trigger.',
    properties: {
      eventTime: microTime('When the event was first observed. Required.'),
      series: ref(EVENT_SERIES, 'Information about the series this event belongs to; unset for a one-off event.'),
      reportingController: str('Name of the controller that emitted the event, such as kubernetes.io/kubelet. Required for new events.'),
      reportingInstance: str('ID of the controller instance, such as kubelet-xyzf. Required for new events; at most 128 characters.'),
      action: str('Machine-readable action taken, or failed, regarding the regarding object. Required for new events; at most 128 characters.'),
      reason: str('Machine-readable reason for the action. Required for new events; at most 128 characters.'),
      regarding: refObject(OBJECT_REFERENCE, 'The object the event is about, typically one the reporting controller manages.'),
      related: ref(OBJECT_REFERENCE, 'A second object involved, for example one the regarding object created or deleted.'),
      note: str('Human-readable description of what happened; at most 1 kB.'),
      type: str('Severity: Normal or Warning; more types may be added. Required for new events.'),
      deprecatedSource: refObject(EVENT_SOURCE, 'The reporting component, kept for compatibility with core/v1 Events.'),
      deprecatedFirstTimestamp: time('When the event was first recorded, kept for compatibility with core/v1 Events.'),
      deprecatedLastTimestamp: time('When the event was last recorded, kept for compatibility with core/v1 Events.'),
      deprecatedCount: int32('How many times the event occurred, kept for compatibility with core/v1 Events.'),
    },
    required: ['eventTime'],
  }),
  [`${EVENT}List`]: listSchema(GROUP, 'v1', 'Event', EVENT, 'The events.'),
  [EVENT_SERIES]: {
    type: 'object',
    description:
      'Aggregation of an event that keeps recurring. Reporters update it on a heartbeat rather than on every occurrence.',
    properties: {
      count: int32('Occurrences in the series up to the last heartbeat.', { default: 0 }),
      lastObservedTime: microTime('When the last occurrence before the last heartbeat was seen.'),
    },
    required: ['count', 'lastObservedTime'],
  },
};
