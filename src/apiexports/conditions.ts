/**
 * kcp's conditions (its copy of Cluster API's): `lastTransitionTime` in whole seconds, moved only
 * when status, reason, severity or message change; the list sorted with Ready first, then by type;
 * `severity` empty when True.
 */
import { rfc3339 } from '../meta/index.js';
import type { Condition } from './types.js';

export type ConditionUpdate = Omit<Condition, 'lastTransitionTime' | 'severity'> & { severity?: 'Error' | 'Warning' | 'Info' };

export function setCondition(conditions: Condition[] | undefined, c: ConditionUpdate, now = new Date()): Condition[] {
  const list = conditions ?? [];
  const old = list.find((x) => x.type === c.type);
  const next: Condition = {
    type: c.type,
    status: c.status,
    ...(c.status !== 'True' && c.severity ? { severity: c.severity } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  };
  const same = old && old.status === next.status && old.reason === next.reason && old.severity === next.severity && old.message === next.message;
  next.lastTransitionTime = same && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(new Date(Math.floor(now.getTime() / 1000) * 1000));
  return sortConditions([...list.filter((x) => x.type !== c.type), next]);
}

export function sortConditions(list: Condition[]): Condition[] {
  return list.sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : a.type.localeCompare(b.type)));
}

/** Ready mirrors one condition: True when it is, else its reason, message and severity. */
export function mirrorReady(conditions: Condition[], of: string): Condition[] {
  const c = conditions.find((x) => x.type === of);
  if (!c) return conditions;
  return setCondition(conditions, {
    type: 'Ready',
    status: c.status,
    ...(c.reason && c.status !== 'True' ? { reason: c.reason } : {}),
    ...(c.message && c.status !== 'True' ? { message: c.message } : {}),
    ...(c.severity ? { severity: c.severity as 'Error' | 'Warning' | 'Info' } : {}),
  });
}

export const isTrue = (conditions: readonly Condition[] | undefined, type: string): boolean =>
  conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
