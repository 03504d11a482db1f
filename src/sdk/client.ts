/**
 * Writes in one consumer through the provider's view (`…/clusters/<consumer>/…`), with the
 * read-modify-write loops controllers need: a status or object change is computed from the
 * current object and, when the server answers 409 Conflict, computed again from a fresh read and
 * reapplied — never written over a newer object blindly.
 */
import { isConflict } from './errors.js';
import type { HttpClient } from './http.js';
import { resourcePath, viewPath, type KubeObject, type ObjectKey, type ResourceRef, type ViewRef } from './types.js';

/** What a mutation returns: the object to write, or undefined when there is nothing to change. */
export type Mutation<T> = (current: T) => T | undefined;

export interface MutateOptions<T> {
  /** The object to start from (the informer's copy); read from the server when absent. */
  current?: T;
  /** Attempts before the last conflict is thrown (default 5). */
  attempts?: number;
  signal?: AbortSignal;
}

export class ResourceClient<T extends KubeObject> {
  constructor(
    private readonly http: HttpClient,
    private readonly view: ViewRef,
    private readonly resource: ResourceRef,
  ) {}

  private path(key: ObjectKey, subresource?: string): string {
    return `${viewPath(this.view, key.workspace)}${resourcePath(this.resource, key.namespace, key.name, subresource)}`;
  }

  get(key: ObjectKey, signal?: AbortSignal): Promise<T> {
    return this.http.json<T>('GET', this.path(key), signal ? { signal } : {});
  }

  /** PUT of the object (its resourceVersion, if set, must still be current). */
  update(key: ObjectKey, o: T, signal?: AbortSignal): Promise<T> {
    return this.http.json<T>('PUT', this.path(key), { body: o, ...(signal ? { signal } : {}) });
  }

  /** PUT of the status subresource: only `status` is written. */
  updateStatus(key: ObjectKey, o: T, signal?: AbortSignal): Promise<T> {
    return this.http.json<T>('PUT', this.path(key, 'status'), { body: o, ...(signal ? { signal } : {}) });
  }

  /** A JSON merge patch (RFC 7386), or another patch type by content type. */
  patch(key: ObjectKey, patch: unknown, contentType = 'application/merge-patch+json', subresource?: string): Promise<T> {
    return this.http.json<T>('PATCH', this.path(key, subresource), { body: patch, contentType });
  }

  /** Changes the object's status with conflict retry; returns what was written, or undefined when nothing changed. */
  mutateStatus(key: ObjectKey, mutate: Mutation<T>, options: MutateOptions<T> = {}): Promise<T | undefined> {
    return this.retrying(key, mutate, options, (o) => this.updateStatus(key, o, options.signal));
  }

  /** Changes the object (not its status) with conflict retry; returns what was written, or undefined when nothing changed. */
  mutate(key: ObjectKey, mutate: Mutation<T>, options: MutateOptions<T> = {}): Promise<T | undefined> {
    return this.retrying(key, mutate, options, (o) => this.update(key, o, options.signal));
  }

  private async retrying(key: ObjectKey, mutate: Mutation<T>, options: MutateOptions<T>, write: (o: T) => Promise<T>): Promise<T | undefined> {
    let current = options.current ?? (await this.get(key, options.signal));
    const attempts = options.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      // The mutation gets its own copy: a cached object must never change under the cache.
      const next = mutate(structuredClone(current));
      if (next === undefined) return undefined;
      // The write is conditional on the revision the change was computed from.
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      try {
        return await write(next);
      } catch (err) {
        if (!isConflict(err) || attempt >= attempts) throw err;
        current = await this.get(key, options.signal);
      }
    }
  }
}
