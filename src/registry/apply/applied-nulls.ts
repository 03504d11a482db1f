/**
 * A `null` an apply configuration sets a field to means "unset": the applier owns the field, the
 * change counts (and can conflict) like any other, and then the field is not stored — Kubernetes'
 * typed objects cannot hold a null. This removes those nulls from the result once ownership has
 * been decided, and only where the configuration put them.
 */
import { isPlainObject } from '../../meta/index.js';
import { indexItems, itemElement } from './list-items.js';
import { childShape, concrete, type Shape } from './shape.js';

/** Deletes from `result` (in place) the null leaves that `config` wrote. */
export function dropAppliedNulls(result: unknown, config: unknown, shape: Shape): void {
  const s = concrete(shape, config);
  if (s.kind === 'map' && !s.atomic && isPlainObject(config) && isPlainObject(result)) {
    for (const [k, v] of Object.entries(config)) {
      if (v === null && result[k] === null) delete result[k];
      else if (v !== null && typeof v === 'object') dropAppliedNulls(result[k], v, childShape(s, k));
    }
  } else if (s.kind === 'list' && s.listType === 'map' && Array.isArray(config) && Array.isArray(result)) {
    const byId = new Map(indexItems(s, result, undefined, true).map((i) => [i.element.id, i.item]));
    for (const item of config) {
      const pe = itemElement(s, item);
      if (typeof pe !== 'string') dropAppliedNulls(byId.get(pe.id), item, s.items());
    }
  }
}
