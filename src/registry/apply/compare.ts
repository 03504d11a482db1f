/**
 * What changed between two versions of an object, as three field sets: added, modified and
 * removed. Leaves (scalars, atomic lists and maps, and containers empty on both sides) are
 * compared by value; a granular map or list that appears or disappears is itself added or
 * removed besides its contents, which is why an Update that creates `.data` owns `.data` too.
 */
import { deepEqual, isPlainObject } from '../../meta/index.js';
import type { Problems } from './field-set-of.js';
import { FieldSet } from './field-set.js';
import { indexItems } from './list-items.js';
import { fieldElement, formatPath, type PathElement } from './path-element.js';
import { childShape, concrete, type ListShape, type MapShape, type Shape } from './shape.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

export function compareObjects(before: unknown, after: unknown, shape: Shape, problems?: Problems): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  diff(before, after, shape, [], out, problems);
  return out;
}

/** The comparison without `ignored` paths and anything below them. */
export function excluding(c: Comparison, ignored: FieldSet): Comparison {
  if (ignored.isEmpty) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isPlainObject(v) && Object.values(v).every((x) => x === undefined));

function isLeaf(s: Shape, l: unknown, r: unknown): boolean {
  if (s.kind === 'scalar' || s.kind === 'untyped') return true;
  const fits = s.kind === 'map' ? (v: unknown) => v == null || isPlainObject(v) : (v: unknown) => v == null || Array.isArray(v);
  const atomic = s.kind === 'map' ? s.atomic : s.listType === 'atomic';
  return atomic || !fits(l) || !fits(r) || (isEmpty(l) && isEmpty(r));
}

/** `l` or `r` is undefined when the field is absent on that side. */
function diff(l: unknown, r: unknown, shape: Shape, path: PathElement[], out: Comparison, problems: Problems | undefined): void {
  const s = concrete(shape, r ?? l);
  if (isLeaf(s, l, r)) {
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
    else if (!deepEqual(l, r)) out.modified.insert(path);
    return;
  }
  if (s.kind === 'map') diffMap(l, r, s as MapShape, path, out, problems);
  else diffList(l, r, s as ListShape, path, out, problems);
  if (l === undefined) out.added.insert(path);
  else if (r === undefined) out.removed.insert(path);
}

function diffMap(l: unknown, r: unknown, s: MapShape, path: PathElement[], out: Comparison, problems: Problems | undefined): void {
  const lm = isPlainObject(l) ? l : {};
  const rm = isPlainObject(r) ? r : {};
  const keys = new Set([...Object.keys(lm), ...Object.keys(rm)]);
  for (const k of keys) {
    if (lm[k] === undefined && rm[k] === undefined) continue;
    path.push(fieldElement(k));
    diff(lm[k], rm[k], childShape(s, k), path, out, problems);
    path.pop();
  }
}

function diffList(l: unknown, r: unknown, s: ListShape, path: PathElement[], out: Comparison, problems: Problems | undefined): void {
  const report = problems && ((m: string) => void problems.push(`${formatPath(path)}: ${m}`));
  const before = indexItems(s, Array.isArray(l) ? l : [], report, true);
  const after = indexItems(s, Array.isArray(r) ? r : [], report, true);
  const beforeById = new Map(before.map((i) => [i.element.id, i.item]));
  const afterIds = new Set(after.map((i) => i.element.id));
  for (const { element, item } of after) {
    path.push(element);
    diff(beforeById.get(element.id), item, s.items(), path, out, problems);
    path.pop();
  }
  for (const { element, item } of before) {
    if (afterIds.has(element.id)) continue;
    path.push(element);
    diff(item, undefined, s.items(), path, out, problems);
    path.pop();
  }
}
