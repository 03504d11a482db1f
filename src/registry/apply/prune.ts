/**
 * Removal of what an applier stopped specifying. A field (or list item, or map key) is removed
 * from the merged object when the applier owned it last time, does not now, and no manager —
 * appliers and updaters alike, the applier's new configuration included — owns it. Declared
 * struct fields count as owned by whoever owns something inside them, so a struct is removed
 * only when nobody holds anything in it; fields nobody ever owned survive unless they sit inside
 * something removed.
 *
 * Kubernetes computes this in three passes (remove the last applied set, add back what is owned,
 * add back what the applier never owned); this is the same set algebra, in that order.
 */
import { fieldSetOf, withNamedFields } from './field-set-of.js';
import { FieldSet } from './field-set.js';
import { removeFields } from './remove.js';
import type { Shape } from './shape.js';

/** `merged` without the fields `lastApplied` held that nobody in `owned` holds now. */
export function pruneDisowned(merged: unknown, lastApplied: FieldSet, owned: FieldSet, shape: Shape): unknown {
  if (lastApplied.isEmpty) return merged;
  const named = (s: FieldSet): FieldSet => withNamedFields(s, shape);
  const setOf = (v: unknown): FieldSet => named(fieldSetOf(v, shape));
  const last = named(lastApplied);
  const everything = setOf(merged);

  // Pass 1: everything the applier held last time goes.
  const withoutLast = removeFields(merged, last, shape) ?? {};
  // Pass 2: of that, put back whatever someone still owns.
  const unowned = everything.difference(setOf(withoutLast).union(named(owned)));
  const ownedKept = removeFields(merged, unowned, shape) ?? {};
  // Pass 3: of what is still missing, only what the applier held may really go.
  const gone = everything.difference(setOf(ownedKept)).intersection(last);
  return removeFields(merged, gone, shape) ?? {};
}

/** Everything any manager owns. */
export function unionOf(sets: Iterable<FieldSet>): FieldSet {
  let out = new FieldSet();
  for (const s of sets) out = out.union(s);
  return out;
}
