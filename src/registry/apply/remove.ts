/**
 * Removes the members of a field set from a value: a member map key or list item goes with
 * everything below it; paths below a kept node are removed inside it. A map or list emptied by the
 * removal disappears too (Kubernetes' typed objects omit it), so removing the last label removes
 * `labels`.
 */
import { isPlainObject } from '../../meta/index.js';
import type { FieldSet } from './field-set.js';
import { itemElement } from './list-items.js';
import { fieldElement } from './path-element.js';
import { childShape, concrete, type Shape } from './shape.js';

/** The value without `set`'s members; undefined if nothing is left of a non-empty container. */
export function removeFields(value: unknown, set: FieldSet, shape: Shape): unknown {
  if (set.isEmpty) return value;
  const s = concrete(shape, value);
  if (s.kind === 'map' && !s.atomic && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    let had = 0;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      had++;
      const pe = fieldElement(k);
      if (set.hasMember(pe)) continue;
      const below = set.child(pe);
      const kept = below ? removeFields(v, below, childShape(s, k)) : v;
      if (kept !== undefined) out[k] = kept;
    }
    return had > 0 && Object.keys(out).length === 0 ? undefined : out;
  }
  if (s.kind === 'list' && s.listType !== 'atomic' && Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const pe = itemElement(s, item);
      if (typeof pe === 'string') {
        out.push(item);
        continue;
      }
      if (set.hasMember(pe)) continue;
      const below = set.child(pe);
      const kept = below ? removeFields(item, below, s.items()) : item;
      if (kept !== undefined) out.push(kept);
    }
    return value.length > 0 && out.length === 0 ? undefined : out;
  }
  return value;
}
