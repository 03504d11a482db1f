/**
 * Defaulting (apiextensions-apiserver's structuraldefaulting): first nulls are dropped where
 * the schema does not allow null and has no default (PruneNonNullableNullsWithoutDefaults;
 * nulls inside lists stay), then missing fields with a `default` get a deep copy of it, as do
 * non-nullable nulls with a default (properties, map values and list items). Defaults are
 * applied top-down, so a defaulted object receives its own fields' defaults. `nullable: true`
 * nulls are kept and not defaulted. Run before pruning, as Kubernetes does.
 *
 * Both Kubernetes passes are done in one walk: a default value cannot contain a null that the
 * first pass would drop, since such a default fails validation when the CRD is written.
 */
import { deepCopy, isObject } from './json.js';
import type { CompiledNode } from './node.js';

function applyTo(x: unknown, n: CompiledNode | null | undefined): void {
  if (!n) return;
  if (isObject(x)) {
    const props = n.properties;
    const additional = n.additional;
    if (!props && !additional) return;
    for (const k of Object.keys(x)) {
      const child = props?.get(k) ?? additional;
      if (child && x[k] === null && !child.nullable && !child.default) delete x[k];
    }
    if (props) {
      for (const [k, child] of n.defaulted) {
        if (child.default && (!Object.hasOwn(x, k) || (x[k] === null && !child.nullable))) x[k] = deepCopy(child.default.value);
      }
    }
    for (const k of Object.keys(x)) {
      const prop = props?.get(k);
      if (prop) {
        applyTo(x[k], prop);
      } else if (additional) {
        if (x[k] === null && !additional.nullable && additional.default) x[k] = deepCopy(additional.default.value);
        applyTo(x[k], additional);
      }
    }
  } else if (Array.isArray(x)) {
    const items = n.items;
    if (!items) return;
    for (let i = 0; i < x.length; i++) {
      if (x[i] === null && !items.nullable && items.default) x[i] = deepCopy(items.default.value);
      applyTo(x[i], items);
    }
  }
}

export function applyDefaultsTo(x: unknown, n: CompiledNode): void {
  applyTo(x, n);
}
