/**
 * Pruning (apiextensions-apiserver's pruning.Prune): removes every field the structural schema
 * does not specify, in place, and returns the removed paths. Kept: whatever is below
 * x-kubernetes-preserve-unknown-fields (known fields inside it are still pruned), apiVersion,
 * kind and metadata of the resource root (the registry owns root metadata) and of embedded
 * resources (whose metadata keeps what ObjectMeta can hold). Values of `additionalProperties:
 * true` have no schema: their scalars stay, their object fields go, as in Kubernetes.
 */
import { META_FIELDS, pruneEmbeddedMetadata } from './embedded.js';
import { isObject } from './json.js';
import type { CompiledNode } from './node.js';

/**
 * `keepUnknown` is set below x-kubernetes-preserve-unknown-fields: unknown fields stay there,
 * known ones are pruned as usual.
 */
function prune(x: unknown, n: CompiledNode | null | undefined, path: string[], removed: string[][], root: boolean, keepUnknown = false): void {
  const keep = keepUnknown || n?.preserveUnknown === true;
  if (isObject(x)) {
    if (!n) {
      if (keep) return;
      for (const k of Object.keys(x)) {
        removed.push([...path, k]);
        delete x[k];
      }
      return;
    }
    const resource = root || n.embedded;
    if (resource && !root) pruneEmbeddedMetadata(x, path, removed);
    for (const k of Object.keys(x)) {
      if (resource && META_FIELDS.has(k)) continue;
      const prop = n.properties?.get(k);
      if (prop !== undefined || n.additional !== undefined) {
        path.push(k);
        prune(x[k], prop ?? n.additional, path, removed, false);
        path.pop();
      } else if (!keep) {
        removed.push([...path, k]);
        delete x[k];
      }
    }
  } else if (Array.isArray(x)) {
    if (!n && keep) return;
    const items = n ? n.items : null;
    for (let i = 0; i < x.length; i++) {
      path.push(String(i));
      prune(x[i], items, path, removed, false, keep);
      path.pop();
    }
  }
}

/**
 * Prunes `x` against `n`. With `resourceRoot`, `x` is a whole object whose apiVersion, kind and
 * metadata are left alone. Returns the removed fields' paths (array indices as strings).
 */
export function pruneValue(x: unknown, n: CompiledNode, resourceRoot: boolean): string[][] {
  const removed: string[][] = [];
  prune(x, n, [], removed, resourceRoot);
  return removed;
}
