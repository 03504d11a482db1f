/**
 * The table kubectl shows for Events (the apiserver's event printer), over the stored core/v1
 * shape. It has no leading NAME (the name is a wide column at the end) and no AGE; LAST SEEN and
 * FIRST SEEN fall back to eventTime and series for Events written through events.k8s.io/v1.
 */
import type { KubeObject } from '../../meta/index.js';
import type { PrinterColumn } from '../resource-type.js';
import { since } from './columns.js';
import { hasTime } from './timestamps.js';

interface EventView {
  involvedObject?: { kind?: string | null; name?: string | null; fieldPath?: string | null } | null;
  source?: { component?: string | null; host?: string | null } | null;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number | null; lastObservedTime?: string | null } | null;
  count?: number | null;
  type?: string | null;
  reason?: string | null;
  message?: string | null;
  reportingComponent?: string | null;
  reportingInstance?: string | null;
}

const view = (o: KubeObject): EventView => o as EventView;

function firstSeen(e: EventView): string {
  return hasTime(e.firstTimestamp) ? since(e.firstTimestamp) : since(e.eventTime);
}

function lastSeen(e: EventView): string {
  if (e.series) return since(e.series.lastObservedTime);
  return hasTime(e.lastTimestamp) ? since(e.lastTimestamp) : firstSeen(e);
}

/** How often it happened; singleton events of the new API carry no count, which means once. */
export function eventCount(e: EventView): number {
  if (e.series) return e.series.count ?? 0;
  return e.count || 1;
}

/** `pod/web-1`: the kind in lower case, then the name when there is one. */
export function eventTarget(e: EventView): string {
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  const name = e.involvedObject?.name ?? '';
  return name ? `${kind}/${name}` : kind;
}

/** The reporter, `component, host`, preferring the legacy source over reportingController/Instance. */
export function eventSource(e: EventView): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const eventColumns: PrinterColumn[] = [
  { name: 'Last Seen', type: 'string', description: 'How long ago the event last happened.', priority: 0, cell: (o) => lastSeen(view(o)) },
  { name: 'Type', type: 'string', description: 'Normal or Warning.', priority: 0, cell: (o) => view(o).type ?? '' },
  { name: 'Reason', type: 'string', description: 'Why the event happened, in CamelCase.', priority: 0, cell: (o) => view(o).reason ?? '' },
  { name: 'Object', type: 'string', description: 'The object the event is about.', priority: 0, cell: (o) => eventTarget(view(o)) },
  {
    name: 'Subobject',
    type: 'string',
    description: 'The part of the object the event is about, e.g. a container.',
    priority: 1,
    cell: (o) => view(o).involvedObject?.fieldPath ?? '',
  },
  { name: 'Source', type: 'string', description: 'Who reported the event.', priority: 1, cell: (o) => eventSource(view(o)) },
  { name: 'Message', type: 'string', description: 'What happened, for humans.', priority: 0, cell: (o) => (view(o).message ?? '').trim() },
  { name: 'First Seen', type: 'string', description: 'How long ago the event first happened.', priority: 1, cell: (o) => firstSeen(view(o)) },
  { name: 'Count', type: 'string', description: 'How many times the event happened.', priority: 1, cell: (o) => eventCount(view(o)) },
  { name: 'Name', type: 'string', format: 'name', description: 'The event’s name.', priority: 1, cell: (o) => o.metadata.name ?? '' },
];
