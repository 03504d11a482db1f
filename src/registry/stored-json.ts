/**
 * Objects passed on as their stored JSON (REST lists): each must still be what a read of it
 * returns, which only differs from the stored text for objects stored before writes recorded
 * `kcp.io/cluster` (reads add it). Finding that out from the text costs a native search and a
 * walk over the tokens before the annotation (strings skipped natively), instead of a parse and a
 * re-serialization.
 */
import type { KubeObject } from '../meta/index.js';
import { annotated, CLUSTER_ANNOTATION } from './watch.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const METADATA = '"metadata":';
const ANNOTATIONS = '"annotations":';

/** Whether the key starting at `at` is `key` (with its colon: a longer key does not match). */
const isKey = (json: string, at: number | undefined, key: string): boolean => at !== undefined && at >= 0 && json.startsWith(key, at);

/** Index of the quote closing the JSON string opening at `start`, or -1. */
function stringEnd(json: string, start: number): number {
  let end = start;
  for (;;) {
    end = json.indexOf('"', end + 1);
    if (end < 0) return -1;
    let slashes = 0;
    while (json.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
  }
}

let lastNeedle = { cluster: '', needle: '' };

/** The annotation's key and value as JSON.stringify writes them (a list asks for one cluster's, object after object). */
function needleFor(cluster: string): string {
  if (lastNeedle.cluster !== cluster || lastNeedle.needle === '') lastNeedle = { cluster, needle: `${JSON.stringify(CLUSTER_ANNOTATION)}:${JSON.stringify(cluster)}` };
  return lastNeedle.needle;
}

/**
 * True when `json` (an object as JSON.stringify writes it) has `metadata.annotations` naming
 * `cluster` as its `kcp.io/cluster`; false when it does not (the caller then reads the object).
 */
export function namesCluster(json: string, cluster: string): boolean {
  const needle = needleFor(cluster);
  // Walk the structure from match to match (labels or data may hold the same text): the match
  // must be a key of the object at metadata.annotations.
  let depth = 0;
  let expectKey = false;
  const isObject: boolean[] = [];
  // Where the current key of the two outer levels starts: only those are ever compared.
  const keyAt = [-1, -1, -1];
  let i = 0;
  for (let at = json.indexOf(needle); at >= 0; at = json.indexOf(needle, Math.max(i, at + 1))) {
    while (i < at) {
      const c = json.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(json, i);
        if (end < 0) return false;
        if (expectKey) {
          if (depth <= 2) keyAt[depth] = i;
          expectKey = false;
        }
        i = end + 1;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth++;
        isObject[depth] = c === OPEN_OBJECT;
        expectKey = c === OPEN_OBJECT;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        expectKey = false;
      } else if (c === COMMA) {
        expectKey = isObject[depth] === true;
      }
      i++;
    }
    if (i === at && expectKey && depth === 3 && isObject[1] === true && isObject[2] === true && isKey(json, keyAt[1], METADATA) && isKey(json, keyAt[2], ANNOTATIONS)) return true;
  }
  return false;
}

/** A stored object's JSON as a read of it in `cluster` returns it: the same text, unless it lacks its annotation. */
export function servedJson(json: string, cluster: string): string {
  if (namesCluster(json, cluster)) return json;
  return JSON.stringify(annotated(JSON.parse(json) as KubeObject, cluster));
}

const servedLists = new WeakMap<readonly string[], readonly string[]>();

/**
 * A list's stored JSON as reads return it, item by item. Kept with the store's array: a store hands
 * out the same array again for a list that has not changed, and then nothing is checked again.
 */
export function servedList(items: readonly string[], clusters: readonly string[]): readonly string[] {
  let served = servedLists.get(items);
  if (!served) {
    served = items.map((json, i) => servedJson(json, clusters[i] as string));
    servedLists.set(items, served);
  }
  return served;
}
