/**
 * `sortBy` on list fields, spelled as kubernetes-graphql-gateway spells it (`sortBy:
 * "spec.replicas"`, a field path of the stored object) plus `sortOrder: DESC`. Kubernetes lists come
 * from the store in (namespace, name) order and are paged there, so a sort is only meaningful over
 * the whole list: `sortBy` is refused with `limit` or `continue` (sorting one page would put the
 * newest object of page 3 on page 3), and costs the list it sorts (read and held in memory, as any
 * unpaged list is) plus O(n log n) comparisons of values read once per item.
 *
 * The path is checked against the kind's schema before anything is read: each segment must be a
 * property of an object, an index of a list, or any key below a map (`data.key`,
 * `metadata.labels.app`) or a free-form (JSON) field; it must end at a value, not an object or a
 * list. A key containing a dot is written with `\.` (`metadata.labels.app\.kubernetes\.io/name`).
 *
 * The order is total and deterministic: values that are absent (or null) come last in either
 * order; the others are ordered by type — booleans, then numbers, then strings, then objects and
 * lists — and within a type by value (false before true, numbers numerically, strings by UTF-16
 * code units, not locale; objects by their JSON text). The sort is stable: equal values keep the
 * store's (namespace, name) order in either direction.
 */
import { isPlainObject, type KubeObject, type OpenApiSchema } from '../meta/index.js';
import { errors } from '../registry/index.js';
import type { Obj } from './builder.js';
import { shapeOf, type Shape } from './openapi-shape.js';
import type { ObjectPlan } from './type-plan.js';

/** Bounds what a path may ask for; a real field path is far shorter. */
const MAX_PATH_LENGTH = 512;
const MAX_SEGMENTS = 32;

export type SortOrder = 'ASC' | 'DESC';
export const SORT_ORDERS = ['ASC', 'DESC'] as const;

/** The path's segments (`a.b\.c` → `a`, `b.c`); a leading `.` (kubectl's JSONPath style) is allowed. */
export function pathSegments(path: string): string[] {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH) throw bad(path, `must be 1 to ${MAX_PATH_LENGTH} characters long`);
  const segments: string[] = [];
  let current = '';
  for (let i = path.startsWith('.') ? 1 : 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '.') {
      current += '.';
      i++;
    } else if (c === '.') {
      segments.push(current);
      current = '';
    } else current += c;
  }
  segments.push(current);
  if (segments.some((s) => s === '')) throw bad(path, 'has an empty segment');
  if (segments.length > MAX_SEGMENTS) throw bad(path, `has more than ${MAX_SEGMENTS} segments`);
  return segments;
}

/** Checks `segments` against the kind's schema: throws BAD_REQUEST naming what is wrong. */
export function checkSortPath(kind: ObjectPlan, path: string, segments: readonly string[]): void {
  let shape: Shape = kind.shape;
  for (const [i, segment] of segments.entries()) {
    const at = segments.slice(0, i).join('.') || 'the object';
    if (shape.kind === 'scalar') {
      // Maps and free-form fields have keys no schema lists; a map's values are strings.
      if (shape.name === 'JSON') return;
      if (shape.name === 'StringMap' && i === segments.length - 1) return;
      throw bad(path, `${at} is a ${shape.name} value: it has no field ${segment}`);
    }
    if (shape.kind === 'list') {
      if (!/^(0|[1-9][0-9]{0,8})$/.test(segment)) throw bad(path, `${at} is a list: index it with a number, not ${segment}`);
      shape = shape.of;
      continue;
    }
    const schema: OpenApiSchema | undefined = shape.properties[segment];
    if (schema === undefined && !(i === 0 && kind.overrides?.[segment])) throw bad(path, `${at} has no field ${segment}`);
    shape = (i === 0 ? kind.overrides?.[segment] : undefined) ?? shapeOf(schema, shape.components);
  }
  if (shape.kind === 'object') throw bad(path, 'names an object: name one of its fields');
  if (shape.kind === 'list') throw bad(path, 'names a list: name one of its items by index');
  if (shape.name === 'StringMap') throw bad(path, 'names a map: name one of its keys');
}

/** A copy of `items` ordered by the value at `segments`, as described above. */
export function sortItems(items: readonly KubeObject[], segments: readonly string[], order: SortOrder): KubeObject[] {
  const keyed = items.map((item) => ({ item, value: valueAt(item as unknown as Obj, segments) }));
  const sign = order === 'DESC' ? -1 : 1;
  keyed.sort((a, b) => {
    const am = a.value === undefined || a.value === null;
    const bm = b.value === undefined || b.value === null;
    if (am || bm) return am === bm ? 0 : am ? 1 : -1;
    return sign * compareValues(a.value, b.value);
  });
  return keyed.map((k) => k.item);
}

function valueAt(o: Obj, segments: readonly string[]): unknown {
  let value: unknown = o;
  for (const s of segments) {
    if (Array.isArray(value)) value = /^[0-9]+$/.test(s) ? value[Number(s)] : undefined;
    else if (isPlainObject(value)) value = Object.hasOwn(value, s) ? value[s] : undefined;
    else return undefined;
  }
  return value;
}

const rank = (v: unknown): number => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : 3);

function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return (a as number) - (b as number);
  const sa = ra === 3 ? JSON.stringify(a) : String(a);
  const sb = rb === 3 ? JSON.stringify(b) : String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const bad = (path: string, why: string) => errors.badRequest(`sortBy "${path}" ${why}`);
