/**
 * events.k8s.io/v1 Event (what client-go's event recorder sends). Field numbers are facts
 * from k8s.io/api events/v1/generated.proto; it reuses core/v1 ObjectReference/EventSource.
 */
import { msg, type GroupDef } from './schema.js';

export const eventsV1: GroupDef = {
  package: 'k8s.io.api.events.v1',
  apiVersion: 'events.k8s.io/v1',
  kinds: ['Event'],
  messages: {
    Event: msg({
      metadata: '1 meta.ObjectMeta',
      eventTime: '2 meta.MicroTime',
      series: '3 *EventSeries',
      reportingController: '4 string',
      reportingInstance: '5 string',
      action: '6 string',
      reason: '7 string',
      regarding: '8 core.ObjectReference',
      related: '9 *core.ObjectReference',
      note: '10 string',
      type: '11 string',
      deprecatedSource: '12 core.EventSource',
      deprecatedFirstTimestamp: '13 meta.Time',
      deprecatedLastTimestamp: '14 meta.Time',
      deprecatedCount: '15 int32',
    }),
    EventSeries: msg({ count: '1 int32 keep', lastObservedTime: '2 meta.MicroTime' }),
  },
};
