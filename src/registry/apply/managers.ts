/**
 * `metadata.managedFields` in and out. Internally a manager is identified as the apiserver
 * identifies it: the JSON of its entry without fields, time and fieldsType — and, for appliers,
 * without apiVersion, so one applier keeps one entry across versions while an updater gets one
 * entry per apiVersion (and per subresource). Entries go out sorted as Kubernetes sorts them.
 */
import { isPlainObject, rfc3339 } from '../../meta/index.js';
import { FieldSet } from './field-set.js';
import { fieldSetFromFieldsV1, fieldSetToFieldsV1 } from './fields-v1.js';
import { compareStrings, goJson } from './go-values.js';

export type Operation = 'Apply' | 'Update';

/** One entry of `metadata.managedFields`, in the field order Kubernetes writes. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  /** When the manager last changed the object; Kubernetes leaves it unset when it never did. */
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerRecord {
  manager: string;
  operation: Operation;
  apiVersion: string;
  /** '' for the main resource. */
  subresource: string;
  time?: string;
  set: FieldSet;
}

/** Managers by identity, in no particular order. */
export type Managers = Map<string, ManagerRecord>;

export function managerId(r: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const parts = [`"manager":${goJson(r.manager)}`, `"operation":${goJson(r.operation)}`];
  if (r.operation === 'Update' && r.apiVersion) parts.push(`"apiVersion":${goJson(r.apiVersion)}`);
  if (r.subresource) parts.push(`"subresource":${goJson(r.subresource)}`);
  return `{${parts.join(',')}}`;
}

export function setManager(managers: Managers, r: ManagerRecord): void {
  managers.set(managerId(r), r);
}

const optionalString = (v: unknown, what: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${what} must be a string`);
  return v;
};

/**
 * Decodes managedFields as the apiserver does; throws on an entry it would not accept (unknown
 * operation, empty apiVersion, missing or foreign fieldsType, malformed FieldsV1 or time).
 */
export function decodeManagedFields(value: unknown): Managers {
  const managers: Managers = new Map();
  if (value === undefined || value === null) return managers;
  if (!Array.isArray(value)) throw new Error('managedFields must be a list');
  value.forEach((e: unknown, i) => {
    if (!isPlainObject(e)) throw new Error(`managed fields entry ${i} must be an object`);
    const operation = e.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    const apiVersion = optionalString(e.apiVersion, 'apiVersion') ?? '';
    if (!apiVersion) throw new Error('apiVersion must not be empty');
    const fieldsType = optionalString(e.fieldsType, 'fieldsType') ?? '';
    if (fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${fieldsType}" in managed fields entry ${i}`);
    const time = optionalString(e.time, 'time');
    if (time !== undefined && Number.isNaN(Date.parse(time))) throw new Error(`invalid time in managed fields entry ${i}`);
    const record: ManagerRecord = {
      manager: optionalString(e.manager, 'manager') ?? '',
      operation,
      apiVersion,
      subresource: optionalString(e.subresource, 'subresource') ?? '',
      set: e.fieldsV1 === undefined || e.fieldsV1 === null ? new FieldSet() : fieldSetFromFieldsV1(e.fieldsV1),
    };
    if (time !== undefined) record.time = rfc3339(new Date(time));
    setManager(managers, record);
  });
  return managers;
}

/** Like decodeManagedFields, but undefined where the apiserver would fail to decode. */
export function tryDecodeManagedFields(value: unknown): Managers | undefined {
  try {
    return decodeManagedFields(value);
  } catch {
    return undefined;
  }
}

const seconds = (time: string | undefined): number => (time === undefined ? 0 : Math.floor(Date.parse(time) / 1000));

/** Apply before Update, then oldest first, then by manager, apiVersion and subresource. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return compareStrings(p.operation, q.operation);
  const ps = seconds(p.time);
  const qs = seconds(q.time);
  if (ps !== qs) return ps < qs ? -1 : 1;
  return compareStrings(p.manager, q.manager) || compareStrings(p.apiVersion, q.apiVersion) || compareStrings(p.subresource ?? '', q.subresource ?? '');
}

export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const r of managers.values()) {
    entries.push({
      manager: r.manager,
      operation: r.operation,
      apiVersion: r.apiVersion,
      ...(r.time !== undefined ? { time: r.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: fieldSetToFieldsV1(r.set),
      ...(r.subresource ? { subresource: r.subresource } : {}),
    });
  }
  return entries.sort(compareEntries);
}
