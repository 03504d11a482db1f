/**
 * What the garbage collector's steps (owner-deletion.ts, dependent-check.ts) share with the
 * controller that runs them: the registry to act through, the current owner index, the owners
 * waiting in the foreground, and a way to queue more work. Kept apart so each step file is only
 * about its decision.
 */
import type { KubeObject } from '../meta/index.js';
import type { Registry } from '../registry/index.js';
import type { ObjectKey } from '../storage/index.js';
import type { OwnerIndex } from './owner-index.js';
import type { ObjectRef } from './registry-client.js';

/** A queued object: checked as a dependent, or processed as an owner being deleted. */
export interface Item {
  role: 'dependent' | 'owner';
  key: ObjectKey;
  uid: string;
}

export interface CollectorState {
  registry: Registry;
  index: OwnerIndex;
  /** Whether the object is an owner being deleted in the foreground. */
  inForeground(cluster: string, uid: string): boolean;
  enqueue(item: Item): void;
}

/** Whether the object is being deleted and still carries `finalizer`. */
export const isDeleting = (o: KubeObject, finalizer: string): boolean =>
  !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(finalizer);

/** The registry address of an indexed or queued object, pinned to its uid. */
export const refOf = (item: { key: ObjectKey; uid: string }): ObjectRef => ({
  namespace: item.key.namespace || undefined,
  name: item.key.name,
  uid: item.uid,
});
