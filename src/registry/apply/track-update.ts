/**
 * Managed fields for ordinary writes (create, update, non-apply patch, and their subresources):
 * the fields a write adds or modifies become the writer's, under an Update entry for its
 * manager, apiVersion and subresource, and leave every other manager silently; removed fields
 * leave everyone. As in Kubernetes, a client may send managedFields to replace them (`[]` or
 * `[{}]` clears them); entries that do not decode, or a write to a subresource, keep the stored
 * ones.
 */
import type { KubeObject } from '../../meta/index.js';
import type { KindSchema } from '../resource-type.js';
import { capUpdateManagers } from './cap-managers.js';
import { compareObjects, excluding } from './compare.js';
import type { Problems } from './field-set-of.js';
import { kindShape } from './kind-shape.js';
import { encodeManagedFields, managerId, tryDecodeManagedFields, type ManagedFieldsEntry, type ManagerRecord, type Managers } from './managers.js';
import { releaseChanged, withoutManagedFields } from './ownership.js';
import { pathsAsSet, withoutUntracked } from './untracked-fields.js';

export interface TrackUpdateArgs {
  /** The stored object; undefined on create. */
  old: KubeObject | undefined;
  /** The object about to be stored, with the managedFields the client sent (if any). */
  updated: KubeObject;
  manager: string;
  apiVersion: string;
  now: string;
  subresource?: string;
  schema?: KindSchema;
  /** Fields the endpoint's strategy resets; see ApplyArgs.resetFields. */
  resetFields?: readonly (readonly string[])[];
}

/** The managedFields to store with `updated` (empty: store none). */
export function trackUpdate(args: TrackUpdateArgs): ManagedFieldsEntry[] {
  const stored = (): Managers => tryDecodeManagedFields(args.old?.metadata.managedFields) ?? new Map();
  const managers = startingPoint(args, stored);
  const shape = kindShape(args.schema);
  const reset = pathsAsSet(args.resetFields);

  const problems: Problems = [];
  const before = args.old ? withoutManagedFields(args.old) : {};
  const changes = excluding(compareObjects(before, withoutManagedFields(args.updated), shape, problems), reset);
  // Kubernetes never fails a write over managed fields: it keeps the stored ones instead.
  if (problems.length > 0) return encodeManagedFields(stored());

  releaseChanged(managers, undefined, changes);
  const taken = withoutUntracked(changes.modified.union(changes.added));
  if (!taken.isEmpty) {
    const subresource = args.subresource ?? '';
    const record: ManagerRecord = { manager: args.manager, operation: 'Update', apiVersion: args.apiVersion, subresource, set: taken, time: args.now };
    const id = managerId(record);
    const previous = managers.get(id);
    if (previous) record.set = taken.union(previous.set);
    managers.set(id, record);
  }
  capUpdateManagers(managers);
  return encodeManagedFields(managers);
}

/** `[]` or a single empty entry: the client asks to clear managedFields. */
function isReset(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return true;
  const [only] = value as unknown[];
  return value.length === 1 && typeof only === 'object' && only !== null && Object.values(only).every((v) => v === undefined || v === null || v === '');
}

/** The managers before this write: the client's if it sent decodable ones, else the stored ones. */
function startingPoint(args: TrackUpdateArgs, stored: () => Managers): Managers {
  if (args.subresource) return stored();
  const sent = args.updated.metadata.managedFields;
  if (isReset(sent)) return new Map();
  const mine = tryDecodeManagedFields(sent);
  return mine && mine.size > 0 ? mine : stored();
}
