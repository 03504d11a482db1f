/**
 * List and watch parameters as clients send them (strings, as in a query string or GraphQL
 * arguments), checked and turned into storage options in one place for both surfaces.
 */
import { fieldSelectorOf, parseFieldSelector, parseLabelSelector, SelectorParseError, type FieldSelector, type KubeObject } from '../meta/index.js';
import type { ListOptions } from '../storage/index.js';
import { errors } from './errors.js';
import type { ResourceType } from './resource-type.js';

export interface ListQuery {
  /** Restricts to one namespace; undefined lists all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Send the current objects first, then a bookmark marking their end (the watch-list protocol). */
  sendInitialEvents?: boolean;
}

function parseRevision(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw errors.badRequest(`invalid resource version "${value}": resource versions are opaque values this server issued`);
  }
  return Number(value);
}

export function parseListQuery(t: ResourceType, q: ListQuery): Omit<ListOptions, 'cluster' | 'resource'> {
  const out: Omit<ListOptions, 'cluster' | 'resource'> = {};
  if (q.namespace !== undefined && q.namespace !== '') {
    if (!t.namespaced) throw errors.badRequest(`${t.resource} is not namespaced`);
    out.namespace = q.namespace;
  }
  try {
    if (q.labelSelector) out.labelSelector = parseLabelSelector(q.labelSelector);
    if (q.fieldSelector) out.fieldSelector = parseFieldSelector(q.fieldSelector);
  } catch (e) {
    if (e instanceof SelectorParseError) throw errors.badRequest(e.message);
    throw e;
  }
  const allowed = new Set(['metadata.name', ...(t.namespaced ? ['metadata.namespace'] : []), ...t.selectableFields]);
  for (const r of out.fieldSelector?.requirements ?? []) {
    if (!allowed.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
  }
  if (out.fieldSelector && (t.fieldSet || t.fieldLabels)) out.fieldSelector = storedFieldSelector(t, out.fieldSelector);
  if (q.limit !== undefined) {
    if (!Number.isSafeInteger(q.limit) || q.limit < 0) throw errors.badRequest(`limit must be a non-negative integer, got ${q.limit}`);
    if (q.limit > 0) out.limit = q.limit;
  }
  const rv = q.resourceVersion;
  const match = q.resourceVersionMatch;
  if (match !== undefined && match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (q.continue) {
    if (rv !== undefined && rv !== '' && rv !== '0') {
      throw errors.badRequest('specifying resource version is not allowed when using continue');
    }
    out.continue = q.continue;
    return out;
  }
  if (match && (rv === undefined || rv === '')) {
    throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (rv !== undefined && rv !== '' && rv !== '0') {
    const revision = parseRevision(rv);
    // Exact reads that revision; NotOlderThan (the default) is served at the newest one, which is
    // never older. A revision from the future is refused by the store either way.
    out.revision = revision;
    if (match !== 'Exact') out.notOlderThan = true;
  } else if (match === 'Exact') {
    throw errors.badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
  }
  return out;
}

/** Watch start: undefined = list first ("" or "0"), else the revision to resume after. */
export function parseWatchStart(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  return parseRevision(rv);
}

/** A selector in stored terms: labels renamed, values taken from the kind's field set. */
function storedFieldSelector(t: ResourceType, served: FieldSelector): FieldSelector {
  const requirements = served.requirements.map((r) => ({ ...r, field: t.fieldLabels?.[r.field] ?? r.field }));
  const generic = fieldSelectorOf(requirements);
  const fieldSet = t.fieldSet;
  if (!fieldSet) return generic;
  return {
    ...generic,
    matches: (object: unknown) => {
      const fields = fieldSet(object as KubeObject);
      return requirements.every((r) => ((fields[r.field] ?? '') === r.value) === (r.operator === '='));
    },
  };
}
