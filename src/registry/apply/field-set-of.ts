/**
 * The field set an object (or an apply configuration) spells out: every leaf, every set or
 * map-list item, every free-form map key, every atomic list or map as a whole, and never the
 * containers that are a struct's declared fields (owning `.spec.replicas` does not mean owning
 * `.spec`). This is what an applier comes to own.
 */
import { isPlainObject } from '../../meta/index.js';
import { FieldSet } from './field-set.js';
import { indexItems } from './list-items.js';
import { fieldElement, formatPath, type PathElement } from './path-element.js';
import { concrete, UNTYPED, type Shape } from './shape.js';

/** Collects `path: message` for values that cannot be named (missing keys, duplicates). */
export type Problems = string[];

export function fieldSetOf(value: unknown, shape: Shape, problems?: Problems): FieldSet {
  const set = new FieldSet();
  collect(value, shape, [], set, problems);
  return set;
}

function collect(value: unknown, shape: Shape, path: PathElement[], set: FieldSet, problems: Problems | undefined): void {
  const s = concrete(shape, value);
  if (s.kind === 'scalar' || s.kind === 'untyped') {
    set.insert(path);
  } else if (s.kind === 'list') {
    if (s.listType === 'atomic') return set.insert(path);
    if (!Array.isArray(value)) return;
    const report = problems && ((m: string) => void problems.push(`${formatPath(path)}: ${m}`));
    for (const { element, item } of indexItems(s, value, report)) {
      path.push(element);
      collect(item, s.items(), path, set, problems);
      set.insert(path);
      path.pop();
    }
  } else {
    if (s.atomic) return set.insert(path);
    if (!isPlainObject(value)) return;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const named = s.field(k);
      path.push(fieldElement(k));
      collect(v, named ?? s.elements(), path, set, problems);
      // A free-form key is a member itself; a declared field only through what it holds.
      if (!named) set.insert(path);
      path.pop();
    }
  }
}

/**
 * Adds, for every path in `set`, the declared fields on the way to it as members: pruning works
 * on these so that a struct the applier alone held (`.spec`) can be removed as a whole.
 */
export function withNamedFields(set: FieldSet, shape: Shape): FieldSet {
  const out = new FieldSet();
  for (const pe of set.sortedMembers()) out.addMember(pe);
  for (const { element, set: below } of set.sortedChildren()) {
    let next: Shape = UNTYPED;
    if (shape.kind === 'map' && element.type === 'field') {
      const named = shape.field(element.name);
      if (named) out.addMember(element);
      next = named ?? shape.elements();
    } else if (shape.kind === 'list') {
      next = shape.items();
    }
    out.addChild(element, withNamedFields(below, next));
  }
  return out;
}
