/**
 * How the items of a set or map list are named in field paths: a map-list item by its key fields
 * (schema defaults fill omitted keys), a set item by its value. The refusals carry the messages
 * structured-merge-diff gives, since they reach clients in apply errors.
 */
import { isPlainObject } from '../../meta/index.js';
import { compareStrings } from './go-values.js';
import { formatPath, keyElement, valueElement, type PathElement } from './path-element.js';
import type { ListShape } from './shape.js';

/** The item's path element, or why it has none. */
export function itemElement(list: ListShape, item: unknown): PathElement | string {
  if (list.listType === 'map') {
    if (item === null || item === undefined) return 'associative list with keys may not have a null element';
    if (!isPlainObject(item)) return 'associative list with keys may not have non-map elements';
    const fields: [string, unknown][] = [];
    for (const key of list.keys) {
      const v = item[key] !== undefined ? item[key] : list.keyDefault(key);
      if (v === undefined) return `associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`;
      fields.push([key, v]);
    }
    return keyElement(fields.sort((a, b) => compareStrings(a[0], b[0])));
  }
  if (isPlainObject(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null || item === undefined) return "associative list without keys has an element that's an explicit null";
  return valueElement(item);
}

export interface IndexedItem {
  readonly element: PathElement;
  readonly item: unknown;
}

/**
 * The nameable items of a list, first occurrence of each name only (later duplicates are not
 * addressable, as in Kubernetes). `problem` hears about unnameable items, and about duplicates
 * unless `allowDuplicates` (stored objects may hold duplicates written by updates; only an apply
 * configuration must not).
 */
export function indexItems(
  list: ListShape,
  items: readonly unknown[],
  problem?: (message: string) => void,
  allowDuplicates = false,
): IndexedItem[] {
  const seen = new Set<string>();
  const out: IndexedItem[] = [];
  items.forEach((item, i) => {
    const pe = itemElement(list, item);
    if (typeof pe === 'string') {
      problem?.(`element ${i}: ${pe}`);
      return;
    }
    if (seen.has(pe.id)) {
      if (!allowDuplicates) problem?.(`duplicate entries for key ${formatPath([pe])}`);
      return;
    }
    seen.add(pe.id);
    out.push({ element: pe, item });
  });
  return out;
}

