/**
 * Lists under strategic merge patch. With `x-kubernetes-patch-strategy: merge` a list of maps
 * merges element by element on its merge key and a list of primitives merges as a set; every other
 * list (`replace`, atomic, or no strategy known) is replaced by the patch's list. List-level
 * directives ride in elements: `{$patch: replace}` (the patch's elements become the list),
 * `{$patch: delete, <key>: v}` (drop every element with that key). `{$patch: merge}` asks for what
 * a merge list does anyway, so it is accepted there; on other lists it would need semantics
 * Kubernetes never defined, so it gets apimachinery's refusal.
 */
import { cloneJson, hasOwn, isPlainObject, type JsonObject } from './json.js';
import { smpErrors } from './errors.js';
import { byMergeKey, identity, normalizeOrder, partition } from './strategic-order.js';
import type { SchemaCursor } from './strategic-schema.js';

/** Merges one map element (undefined original: a new element). Supplied by the map merger. */
export type MergeElement = (original: JsonObject | undefined, patch: JsonObject, at: SchemaCursor) => JsonObject;

export function mergeList(
  original: unknown[] | undefined,
  patch: unknown[],
  at: SchemaCursor,
  mergeElement: MergeElement,
): unknown[] {
  const meta = at.meta();
  if (meta.strategy !== 'merge') return replaceList(patch, at, mergeElement);
  const base = original ?? [];
  if (base.length === 0 && patch.length === 0) return [];
  if (elementKind([...base, ...patch], at.path) !== 'object') return mergeSet(base, patch);
  if (!meta.mergeKey) throw smpErrors.noMergeKeyDeclared(at.path);
  return mergeByKey(base as JsonObject[], patch as JsonObject[], meta.mergeKey, at, mergeElement);
}

/** A merge list holds one kind of element, and never lists (apimachinery sliceElementType). */
function elementKind(items: unknown[], path: string): string {
  let kind: string | undefined;
  for (const item of items) {
    if (Array.isArray(item)) throw smpErrors.listOfLists();
    const k = isPlainObject(item) ? 'object' : item === null ? 'null' : typeof item;
    if (kind !== undefined && k !== kind) throw smpErrors.mixedList(path);
    kind = k;
  }
  return kind ?? 'object';
}

/** The patch's list, minus `{$patch: replace}` markers, which ask for what happens anyway. */
function replaceList(patch: unknown[], at: SchemaCursor, mergeElement: MergeElement): unknown[] {
  const out: unknown[] = [];
  for (const item of patch) {
    if (!isPlainObject(item)) {
      out.push(cloneJson(item));
      continue;
    }
    if (hasOwn(item, '$patch')) {
      const directive = item.$patch;
      if (directive === 'replace') continue;
      if (directive === 'merge') throw smpErrors.mergeListDirective();
      if (directive === 'delete') throw smpErrors.deleteWithoutKey(at.path);
      throw smpErrors.unknownDirective(directive, item);
    }
    out.push(mergeElement(undefined, item, at.items()));
  }
  return out;
}

/** Primitive set: union without duplicates, ordered as strategic-order.ts describes. */
function mergeSet(base: unknown[], patch: unknown[]): unknown[] {
  const merged = [...new Set([...base, ...patch])];
  const { named, rest } = partition(merged, patch, identity);
  return normalizeOrder(named, rest, patch, base, identity);
}

function mergeByKey(
  base: JsonObject[],
  patch: JsonObject[],
  key: string,
  at: SchemaCursor,
  mergeElement: MergeElement,
): unknown[] {
  let server = [...base];
  const elements: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!hasOwn(item, '$patch')) {
      elements.push(item);
      continue;
    }
    const directive = item.$patch;
    if (directive === 'delete') {
      if (!hasOwn(item, key)) throw smpErrors.noMergeKey(item, key);
      server = server.filter((s) => !(hasOwn(s, key) && s[key] === item[key]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      if (hasOwn(item, key)) elements.push(Object.fromEntries(Object.entries(item).filter(([k]) => k !== '$patch')));
    } else {
      throw smpErrors.unknownDirective(directive, item);
    }
  }
  const items = at.items();
  // "any further $patch operations nested in this list will be ignored": deletions are moot.
  if (replace) return elements.map((e) => mergeElement(undefined, e, items));

  for (const item of [...server, ...elements]) if (!hasOwn(item, key)) throw smpErrors.noMergeKey(item, key);
  const serverOrder = [...server];
  for (const item of elements) {
    const i = server.findIndex((s) => s[key] === item[key]);
    if (i >= 0) server[i] = mergeElement(server[i], item, items);
    else server.push(mergeElement(undefined, item, items));
  }
  const keyOf = byMergeKey(key);
  const { named, rest } = partition(server, elements, keyOf);
  return normalizeOrder(named, rest, elements, serverOrder, keyOf);
}
