/**
 * Apply's merge of a configuration into the live object: the configuration's values win; granular
 * maps merge key by key; set and map lists merge item by item (matched by value or by key), with
 * live-only items kept where they were and the configuration's items in its own order; atomic
 * lists and maps are replaced whole. A `null` in the configuration sets a leaf to null (dropped
 * from the stored object afterwards) and adds nothing to a granular map or list. Removing what the
 * applier no longer specifies is pruning's job.
 */
import { cloneObject, isPlainObject } from '../../meta/index.js';
import { indexItems, itemElement, type IndexedItem } from './list-items.js';
import { childShape, concrete, type ListShape, type MapShape, type Shape } from './shape.js';

/** The merged value (undefined only if both are). Inputs are not modified. */
export function mergeConfig(live: unknown, config: unknown, shape: Shape): unknown {
  if (config === undefined) return live === undefined ? undefined : cloneObject(live);
  if (config === null) {
    const s = concrete(shape, live);
    const granular = s.kind === 'map' ? !s.atomic : s.kind === 'list' && s.listType !== 'atomic';
    // The null stays until ownership is settled (it is a change others may own); see applied-nulls.
    return granular && live !== undefined && live !== null ? cloneObject(live) : null;
  }
  const s = concrete(shape, config);
  if (s.kind === 'map' && !s.atomic && isPlainObject(config) && (live == null || isPlainObject(live))) {
    return mergeMap(isPlainObject(live) ? live : {}, config, s);
  }
  if (s.kind === 'list' && s.listType !== 'atomic' && Array.isArray(config) && (live == null || Array.isArray(live))) {
    return mergeList(Array.isArray(live) ? live : [], config, s);
  }
  return cloneObject(config);
}

function mergeMap(live: Record<string, unknown>, config: Record<string, unknown>, s: MapShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) {
    if (v === undefined) continue;
    const merged = config[k] !== undefined ? mergeConfig(v, config[k], childShape(s, k)) : cloneObject(v);
    if (merged !== undefined) out[k] = merged;
  }
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined || live[k] !== undefined) continue;
    const merged = mergeConfig(undefined, v, childShape(s, k));
    if (merged !== undefined) out[k] = merged;
  }
  return out;
}

/**
 * Walks both lists at once: live-only items stay in place, items the configuration names come in
 * the configuration's order, each shared item placed when the walk reaches it in the
 * configuration (a live item the configuration lists later waits for its turn).
 */
function mergeList(live: readonly unknown[], config: readonly unknown[], s: ListShape): unknown[] {
  const wanted = indexItems(s, config, undefined, true);
  const wantedById = new Map(wanted.map((w) => [w.element.id, w.item]));
  const firstLive = new Map<string, unknown>();
  const liveItems = live.map((item) => {
    const pe = itemElement(s, item);
    const id = typeof pe === 'string' ? undefined : pe.id;
    if (id !== undefined && !firstLive.has(id)) firstLive.set(id, item);
    return { id, item };
  });
  const shared = wanted.map((w) => w.element.id).filter((id) => firstLive.has(id));
  let nextShared = 0;
  const placed = new Set<string>();
  const out: unknown[] = [];
  const place = (id: string): void => {
    const merged = mergeConfig(firstLive.get(id), wantedById.get(id), s.items());
    if (merged !== undefined) out.push(merged);
    placed.add(id);
    if (shared[nextShared] === id) nextShared++;
  };

  let li = 0;
  let wi = 0;
  while (li < liveItems.length || wi < wanted.length) {
    const current = liveItems[li];
    if (current) {
      const { id, item } = current;
      if (id === undefined || !wantedById.has(id)) {
        out.push(cloneObject(item));
        li++;
        continue;
      }
      if (placed.has(id)) {
        li++;
        continue;
      }
      const nextWanted = wanted[wi]?.element.id;
      if (nextWanted === id || nextWanted === undefined) {
        place(id);
        li++;
        if (nextWanted === id) wi++;
        continue;
      }
      if (shared[nextShared] !== id) {
        li++;
        continue;
      }
    }
    place((wanted[wi] as IndexedItem).element.id);
    wi++;
  }
  return out;
}
