/**
 * How lists of a type with shared objects (ResourceType.shared) are put together from those
 * objects and the cluster's stored ones. Paging keeps `limit`: the shared objects a list's
 * selectors keep come first, in name order, merged into the first page that has room for them;
 * the stored ones follow with the store's own continue tokens. A page that holds only shared
 * objects continues with a token of its own (`shared.` + base64url JSON: the last name handed out
 * and the list's revision), which the store's tokens, plain base64url, can never look like. So
 * every object is listed exactly once and each page is in name order; only a list split over pages
 * may not be in name order as a whole.
 */
import { cloneObject, isPlainObject, type KubeObject } from '../meta/index.js';
import type { ObjectFilter, Watch } from '../storage/index.js';
import { errors } from './errors.js';
import type { ListQuery } from './query.js';
import type { ListResponse } from './registry.js';
import type { SharedObjects } from './resource-type.js';

const PREFIX = 'shared.';

export interface SharedPosition {
  /** The last shared object's name handed out. */
  after: string;
  /** The list's revision, at which its stored objects are read. */
  revision: number;
}

export function encodeSharedContinue(p: SharedPosition): string {
  return PREFIX + Buffer.from(JSON.stringify({ a: p.after, r: p.revision })).toString('base64url');
}

/** The position a shared-phase token carries; undefined for the store's tokens. */
export function decodeSharedContinue(token: string): SharedPosition | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  if (!isPlainObject(raw) || typeof raw.a !== 'string' || typeof raw.r !== 'number' || !Number.isSafeInteger(raw.r) || raw.r < 0) {
    throw errors.badRequest('continue key is not valid: not a continue token issued by this server');
  }
  return { after: raw.a, revision: raw.r };
}

/** The shared objects a list's selectors keep, in name order, as private copies. */
export function sharedMatching(shared: SharedObjects, filter: ObjectFilter): KubeObject[] {
  const labels = filter.labelSelector;
  const fields = filter.fieldSelector;
  return [...shared.objects.keys()]
    .sort()
    .map((name) => shared.objects.get(name) as KubeObject)
    .filter((o) => (!labels || labels.empty || labels.matches(o.metadata.labels)) && (!fields || fields.empty || fields.matches(o)))
    .map((o) => cloneObject(o));
}

/** Two lists in name order, as one. */
export function mergeByName(a: readonly KubeObject[], b: readonly KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && (x.metadata.name ?? '') < (y.metadata.name ?? ''))) {
      out.push(x as KubeObject);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/**
 * One page of a list of a type with shared objects. `filter` is the query's parsed selectors;
 * `listStored` lists the cluster's stored objects (the same type without its shared objects).
 */
export async function listWithShared(
  shared: SharedObjects,
  filter: ObjectFilter,
  query: ListQuery,
  listStored: (q: ListQuery) => Promise<ListResponse>,
): Promise<ListResponse> {
  const hideNamesakes = (r: ListResponse): ListResponse => ({ ...r, items: r.items.filter((o) => !shared.objects.has(o.metadata.name ?? '')) });
  const resume = query.continue ? decodeSharedContinue(query.continue) : undefined;
  if (query.continue && !resume) return hideNamesakes(await listStored(query));
  // A later page of shared objects reads the stored ones at the first page's revision.
  const at: ListQuery = resume ? { ...query, continue: undefined, resourceVersion: String(resume.revision), resourceVersionMatch: 'Exact' } : query;
  const pending = sharedMatching(shared, filter).filter((o) => !resume || (o.metadata.name ?? '') > resume.after);
  const limit = query.limit || undefined;
  if (limit !== undefined && pending.length >= limit) {
    // No room left for stored objects: one is read only for the revision and whether any follow.
    const probe = await listStored({ ...at, limit: 1 });
    const page = pending.slice(0, limit);
    const more = pending.length > limit || probe.items.length > 0;
    const after = page[page.length - 1]?.metadata.name ?? '';
    const revision = Number(probe.resourceVersion);
    return { items: page, resourceVersion: probe.resourceVersion, ...(more ? { continue: encodeSharedContinue({ after, revision }) } : {}) };
  }
  const stored = hideNamesakes(await listStored(limit === undefined ? at : { ...at, limit: limit - pending.length }));
  return { ...stored, items: mergeByName(pending, stored.items) };
}

/** A store watch without the events of stored namesakes of shared objects, which lists never show. */
export function withoutNamesakes(inner: Watch, shared: SharedObjects): Watch {
  const watch: Watch = {
    async next() {
      for (;;) {
        const r = await inner.next();
        if (r.done || !r.value.object || !shared.objects.has(r.value.object.metadata.name ?? '')) return r;
      }
    },
    async return() {
      inner.close();
      return { value: undefined, done: true };
    },
    close: () => inner.close(),
    [Symbol.asyncIterator]: () => watch,
  };
  return watch;
}
