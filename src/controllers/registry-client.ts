/**
 * What controllers do with the registry as a client, in one place: recognise API errors, read a
 * namespace's content page by page, and read-modify-write an object with optimistic concurrency
 * (re-reading on conflict, so a controller never writes back a stale copy).
 */
import type { KubeObject } from '../meta/index.js';
import {
  isApiError,
  type ListQuery,
  type Registry,
  type RequestContext,
  type ResourceType,
  type StatusReason,
  type UpdateOptions,
} from '../registry/index.js';

/** Objects per page when a controller lists through the registry. */
const PAGE = 500;
/** Read-modify-write attempts before giving up (the work queue retries later). */
const ATTEMPTS = 8;

export function hasReason(err: unknown, reason: StatusReason): boolean {
  return isApiError(err) && err.reason === reason;
}

/** All objects matching `query`, one page at a time, consistent at the first page's revision. */
export async function* listPages(registry: Registry, ctx: RequestContext, t: ResourceType, query: ListQuery): AsyncGenerator<KubeObject[]> {
  let cont: string | undefined;
  do {
    const page = await registry.list(ctx, t, { ...query, limit: PAGE, ...(cont ? { continue: cont } : {}) });
    yield page.items;
    cont = page.continue;
  } while (cont);
}

export interface ObjectRef {
  namespace: string | undefined;
  name: string;
  /** Only this incarnation of the object: a namesake created since is left alone. */
  uid?: string;
}

/** This incarnation of a stored object: a namesake created since it was read is left alone. */
export const thisObject = (o: KubeObject): ObjectRef => ({
  namespace: o.metadata.namespace,
  name: o.metadata.name ?? '',
  ...(o.metadata.uid ? { uid: o.metadata.uid } : {}),
});

export interface RewriteOptions extends UpdateOptions {
  /**
   * The copy the caller just read: the first attempt writes on it instead of reading again (a
   * controller's pass already holds it); a conflict then reads the newest copy as usual.
   */
  read?: KubeObject;
}

/**
 * Applies `change` to the newest copy of an object and writes it back with that copy's
 * resourceVersion, retrying on conflict. `change` returns undefined when nothing needs writing.
 * Returns the written (or unchanged) object, or undefined when the object is gone.
 */
export async function rewrite(
  registry: Registry,
  ctx: RequestContext,
  t: ResourceType,
  ref: ObjectRef,
  change: (current: KubeObject) => KubeObject | undefined,
  { read, ...options }: RewriteOptions = {},
): Promise<KubeObject | undefined> {
  for (let attempt = 1; ; attempt++) {
    let current: KubeObject;
    try {
      current = attempt === 1 && read ? read : await registry.get(ctx, t, ref.namespace, ref.name);
    } catch (err) {
      if (hasReason(err, 'NotFound')) return undefined;
      throw err;
    }
    if (ref.uid !== undefined && current.metadata.uid !== ref.uid) return undefined;
    const next = change(structuredClone(current));
    if (!next) return current;
    try {
      return await registry.update(ctx, t, ref.namespace, ref.name, next, options);
    } catch (err) {
      if (hasReason(err, 'NotFound')) return undefined;
      if (hasReason(err, 'Conflict') && attempt < ATTEMPTS) continue;
      throw err;
    }
  }
}

/** Removes one finalizer (if present); the registry deletes the object when it was the last. */
export function withoutFinalizer(finalizer: string): (o: KubeObject) => KubeObject | undefined {
  return (o) => {
    const finalizers = o.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return undefined;
    o.metadata.finalizers = finalizers.filter((f) => f !== finalizer);
    return o;
  };
}

/** The object, or undefined when it does not exist (other errors are thrown). */
export async function getIfExists(registry: Registry, ctx: RequestContext, t: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  try {
    return await registry.get(ctx, t, namespace, name);
  } catch (err) {
    if (hasReason(err, 'NotFound')) return undefined;
    throw err;
  }
}

/**
 * Deletes every object of a type in the cluster (a CRD's or a binding's resource going away);
 * returns how many are still held by finalizers.
 */
export async function deleteEvery(registry: Registry, ctx: RequestContext, t: ResourceType): Promise<number> {
  let left = 0;
  for await (const page of listPages(registry, ctx, t, {})) {
    for (const o of page) {
      try {
        const r = await registry.delete(ctx, t, o.metadata.namespace, o.metadata.name ?? '');
        if (!r.deleted) left++;
      } catch (err) {
        if (!hasReason(err, 'NotFound')) throw err;
      }
    }
  }
  return left;
}
