/**
 * What every backend does the same way around a write: the key it accepts, the preconditions it
 * checks, the resourceVersion it stamps, and the event a stored change record turns into.
 */
import type { KubeObject } from '../meta/index.js';
import { StorageError } from './errors.js';
import { ALL_CLUSTERS, type ChangeType, type ObjectKey, type Preconditions, type StoreEvent } from './types.js';

/** Change types by their stored number (0, 1, 2): the change logs store the index. */
export const CHANGE_TYPES: readonly ChangeType[] = ['ADDED', 'MODIFIED', 'DELETED'];

export function stamp(object: KubeObject, revision: number): KubeObject {
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}

export function checkKey(key: ObjectKey): void {
  if (!key.cluster || key.cluster === ALL_CLUSTERS || !key.resource || !key.name) {
    throw new StorageError('Internal', `invalid storage key ${JSON.stringify(key)}`);
  }
}

export function checkPreconditions(key: ObjectKey, existing: KubeObject, pre: Preconditions | undefined): void {
  if (!pre) return;
  if (pre.uid !== undefined && pre.uid !== existing.metadata.uid) {
    throw new StorageError(
      'Conflict',
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`,
    );
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
    throw new StorageError(
      'Conflict',
      `Operation cannot be fulfilled on ${key.resource} "${key.name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  }
}

/** A change record (type number, stored text after and before the write) as the change feed carries it. */
export function changeEvent(type: number, revision: number, key: ObjectKey, value: string | null, prev: string | null): StoreEvent {
  const changeType = CHANGE_TYPES[type] as ChangeType;
  const prevObject = prev === null ? undefined : (JSON.parse(prev) as KubeObject);
  const object = changeType === 'DELETED' ? stamp(prevObject as KubeObject, revision) : (JSON.parse(value as string) as KubeObject);
  const bytes = Buffer.byteLength((changeType === 'DELETED' ? prev : value) ?? '');
  return prevObject ? { type: changeType, revision, key, object, prevObject, bytes } : { type: changeType, revision, key, object, bytes };
}
