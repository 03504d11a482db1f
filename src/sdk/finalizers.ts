/**
 * Finalizer helpers: a controller that must clean up outside the object (in another system, in the
 * provider's workspace) adds its finalizer before doing anything, and removes it once the object
 * has a deletionTimestamp and the cleanup is done; the server deletes the object when the last
 * finalizer goes.
 */
import type { MutateOptions, ResourceClient } from './client.js';
import type { KubeObject, ObjectKey } from './types.js';

export const hasFinalizer = (o: KubeObject, finalizer: string): boolean => o.metadata.finalizers?.includes(finalizer) ?? false;

/** Whether the object is being deleted (it waits for its finalizers). */
export const isDeleting = (o: KubeObject): boolean => o.metadata.deletionTimestamp !== undefined && o.metadata.deletionTimestamp !== null;

/** Adds the finalizer (conflict-retried); a no-op when present or when the object is already being deleted. */
export function addFinalizer<T extends KubeObject>(client: ResourceClient<T>, key: ObjectKey, finalizer: string, options: MutateOptions<T> = {}): Promise<T | undefined> {
  return client.mutate(
    key,
    (o) => {
      // The server takes no new finalizers on an object being deleted.
      if (hasFinalizer(o, finalizer) || isDeleting(o)) return undefined;
      o.metadata.finalizers = [...(o.metadata.finalizers ?? []), finalizer];
      return o;
    },
    options,
  );
}

/** Removes the finalizer (conflict-retried); a no-op when absent. */
export function removeFinalizer<T extends KubeObject>(client: ResourceClient<T>, key: ObjectKey, finalizer: string, options: MutateOptions<T> = {}): Promise<T | undefined> {
  return client.mutate(
    key,
    (o) => {
      if (!hasFinalizer(o, finalizer)) return undefined;
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      return o;
    },
    options,
  );
}
