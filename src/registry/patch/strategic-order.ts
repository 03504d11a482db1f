/**
 * Element order of merged lists, as apimachinery settles it since Kubernetes 1.7 (design proposal
 * "preserve order in strategic merge patch"): items named in the patch (or in `$setElementOrder`)
 * keep the patch's relative order, items only the server had keep theirs, and the two are
 * interleaved by the server's order. An item the server never had goes out as soon as it comes up,
 * so a container added by a patch lands before the existing ones (the kubectl patch task page
 * shows exactly that: `patch-demo-ctr-2` listed before `patch-demo-ctr`).
 */
import { smpErrors } from './errors.js';
import { getOwn, hasOwn, isPlainObject } from './json.js';

/** The identity of a list element: its merge key value for maps, the value itself for primitives. */
export type KeyOf = (item: unknown) => unknown;

export const identity: KeyOf = (item) => item;

export function byMergeKey(key: string): KeyOf {
  return (item) => (isPlainObject(item) ? getOwn(item, key) : undefined);
}

/** First position of each identity in `list`. */
function positions(list: unknown[], keyOf: KeyOf): Map<unknown, number> {
  const pos = new Map<unknown, number>();
  list.forEach((item, i) => {
    const k = keyOf(item);
    if (!pos.has(k)) pos.set(k, i);
  });
  return pos;
}

/** Splits `merged` into the items `by` names and the rest, keeping order within each. */
export function partition(merged: unknown[], by: unknown[], keyOf: KeyOf): { named: unknown[]; rest: unknown[] } {
  const names = new Set(by.map(keyOf));
  const named: unknown[] = [];
  const rest: unknown[] = [];
  for (const item of merged) (names.has(keyOf(item)) ? named : rest).push(item);
  return { named, rest };
}

function sortedBy(items: unknown[], order: unknown[], keyOf: KeyOf): unknown[] {
  const pos = positions(order, keyOf);
  // Array.prototype.sort is stable, so items the order does not know keep their place.
  return [...items].sort((a, b) => {
    const ia = pos.get(keyOf(a));
    const ib = pos.get(keyOf(b));
    return ia !== undefined && ib !== undefined ? ia - ib : 0;
  });
}

/**
 * Orders `named` by `namedOrder` and `rest` by `serverOrder`, then interleaves them: a server item
 * goes first only when both are known to the server and it came first there.
 */
export function normalizeOrder(
  named: unknown[],
  rest: unknown[],
  namedOrder: unknown[],
  serverOrder: unknown[],
  keyOf: KeyOf,
): unknown[] {
  const right = sortedBy(named, namedOrder, keyOf);
  const left = sortedBy(rest, serverOrder, keyOf);
  const pos = positions(serverOrder, keyOf);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = pos.get(keyOf(left[i]));
      const ri = pos.get(keyOf(right[j]));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/**
 * apimachinery validatePatchWithSetOrderList: every element of the patch list (but deletions and
 * directive elements) must appear in `$setElementOrder`, in the same relative order.
 */
export function checkOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): void {
  const keyOf = mergeKey ? byMergeKey(mergeKey) : identity;
  if (mergeKey) {
    for (const item of [...list, ...order]) {
      if (!isPlainObject(item)) throw smpErrors.noMergeKey(item, mergeKey);
      if (!hasOwn(item, mergeKey) && !hasOwn(item, '$patch')) throw smpErrors.noMergeKey(item, mergeKey);
    }
  }
  const items = list.filter((item) => !(isPlainObject(item) && hasOwn(item, '$patch')));
  let i = 0;
  for (const wanted of order) {
    if (i < items.length && keyOf(items[i]) === keyOf(wanted)) i++;
  }
  if (i < items.length) throw smpErrors.orderMismatch(list, order);
}
