/**
 * Maps under strategic merge patch, with the directives that live in maps: `$patch`
 * (replace/delete/merge), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>`. Steps follow apimachinery's mergeMap: map directive, then
 * retainKeys, then fields (null deletes), then list order, then deletions from primitive lists.
 *
 * One deliberate difference: where the original has nothing to merge into (field absent, or of
 * another type), apimachinery copies the patch value verbatim, directives and nulls included, and
 * relies on decoding into Go structs to drop them. Atoll stores JSON, so the value is merged into
 * nothing instead: directives apply (a `$patch: delete` element simply finds nothing to delete)
 * and nulls vanish, which is what the typed round trip ends up with.
 */
import { cloneJson, getOwn, hasOwn, isPlainObject, setOwn, type JsonObject } from './json.js';
import type { ApiError } from '../errors.js';
import { smpErrors } from './errors.js';
import { mergeList, type MergeElement } from './strategic-list.js';
import { byMergeKey, checkOrder, identity, normalizeOrder, partition } from './strategic-order.js';
import type { SchemaCursor } from './strategic-schema.js';

const SET_ORDER = '$setElementOrder';
const DELETE_FROM = '$deleteFromPrimitiveList';

/**
 * Merges `patch` into `original` (mutated; a caller-owned copy) and returns the result, or
 * undefined when the patch says `$patch: delete`: the map goes away, as the strategic merge patch
 * design document describes (`rollingUpdate: {$patch: delete}` is `rollingUpdate: null`).
 */
export function mergeObject(original: JsonObject | undefined, patch: JsonObject, at: SchemaCursor): JsonObject | undefined {
  let body = patch;
  if (hasOwn(body, '$patch')) {
    const directive = body.$patch;
    body = without(body, '$patch');
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return mergeObject(undefined, body, at);
    if (directive !== 'merge') throw smpErrors.unknownDirective(directive, patch);
  }
  const target = original ?? {};
  body = retainKeys(target, body);

  const orders: [string, unknown][] = [];
  const deletions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith(SET_ORDER)) orders.push([listName(key, SET_ORDER, smpErrors.badSetElementOrder), value]);
    else if (key.startsWith(DELETE_FROM)) deletions.push([listName(key, DELETE_FROM, smpErrors.badPrimitiveList), value]);
  }
  // The server's order of each list `$setElementOrder` names, before the patch changes it.
  const serverLists = new Map(orders.map(([name]) => [name, getOwn(target, name)]));

  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM)) continue;
    mergeField(target, key, value, at.field(key));
  }
  for (const [name, order] of orders) reorder(target, name, order, serverLists.get(name), body, at.field(name));
  for (const [name, values] of deletions) deleteFromList(target, name, values);
  return target;
}

const mergeElement: MergeElement = (original, patch, at) => mergeObject(original, patch, at) ?? {};

function mergeField(target: JsonObject, key: string, value: unknown, at: SchemaCursor): void {
  if (value === null) {
    delete target[key];
    return;
  }
  const current = getOwn(target, key);
  let merged: unknown;
  if (isPlainObject(value)) {
    const into = at.meta().strategy !== 'replace' && isPlainObject(current) ? current : undefined;
    merged = mergeObject(into, value, at);
  } else if (Array.isArray(value)) {
    merged = mergeList(Array.isArray(current) ? current : undefined, value, at, mergeElement);
  } else {
    merged = cloneJson(value);
  }
  if (merged === undefined) delete target[key];
  else setOwn(target, key, merged);
}

function without(obj: JsonObject, key: string): JsonObject {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));
}

/** `$setElementOrder/containers` names `containers`; anything else after the prefix is malformed. */
function listName(key: string, prefix: string, malformed: () => ApiError): string {
  if (!key.startsWith(`${prefix}/`)) throw malformed();
  return key.slice(prefix.length + 1);
}

/**
 * `$retainKeys: [...]` clears every field of the original not listed; every field the patch sets
 * must be listed (apimachinery applyRetainKeysDirective).
 */
function retainKeys(target: JsonObject, patch: JsonObject): JsonObject {
  if (!hasOwn(patch, '$retainKeys')) return patch;
  const list = patch.$retainKeys;
  if (!Array.isArray(list)) throw smpErrors.badRetainKeys();
  const keep = new Set(list.filter((k): k is string => typeof k === 'string'));
  const rest = without(patch, '$retainKeys');
  for (const [key, value] of Object.entries(rest)) {
    if (value === null || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM)) continue;
    if (!keep.has(key)) throw smpErrors.badRetainKeys();
  }
  for (const key of Object.keys(target)) if (!keep.has(key)) delete target[key];
  return rest;
}

/**
 * `$setElementOrder/<list>`: the relative order of the items it names. Only lists merged by the
 * strategy have an order to set; for a list the patch replaces, the patch's own order stands.
 */
function reorder(target: JsonObject, name: string, order: unknown, server: unknown, patch: JsonObject, at: SchemaCursor): void {
  if (!Array.isArray(order)) throw smpErrors.badSetElementOrder();
  const listPatch = getOwn(patch, name);
  if (server !== undefined && !Array.isArray(server)) throw smpErrors.notAList(at.path, server);
  if (listPatch !== undefined && listPatch !== null && !Array.isArray(listPatch)) throw smpErrors.notAList(at.path, listPatch);
  const meta = at.meta();
  if (meta.strategy !== 'merge') return;
  if (Array.isArray(listPatch)) checkOrder(listPatch, order, meta.mergeKey);
  const merged = getOwn(target, name);
  if (!Array.isArray(merged)) return;
  const keyOf = meta.mergeKey ? byMergeKey(meta.mergeKey) : identity;
  const { named, rest } = partition(merged, order, keyOf);
  setOwn(target, name, normalizeOrder(named, rest, order, Array.isArray(server) ? server : [], keyOf));
}

/** `$deleteFromPrimitiveList/<list>: [...]` removes those values wherever they occur in the list. */
function deleteFromList(target: JsonObject, name: string, values: unknown): void {
  if (!Array.isArray(values)) throw smpErrors.badPrimitiveList();
  const list = getOwn(target, name);
  if (!Array.isArray(list)) return;
  const drop = new Set(values);
  setOwn(
    target,
    name,
    list.filter((item) => !drop.has(item)),
  );
}
