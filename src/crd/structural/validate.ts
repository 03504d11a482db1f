/**
 * The validation walk: one object against a compiled node tree, collecting every failing field.
 *
 * Per node, as kube-openapi and apiextensions-apiserver do it: null passes only where nullable
 * (then only enum applies); a wrong type is the node's only error; then enum, the keyword
 * checks, required, children, list-type uniqueness, embedded-resource metadata, allOf/anyOf/
 * oneOf/not. CEL rules run after the walk, and only when it found no type, required, enum or
 * size error (Kubernetes' hasBlockingErr): otherwise one error says they were not checked.
 *
 * Old values are correlated for transition rules the way Kubernetes does it: through object
 * properties and map keys (unless x-kubernetes-map-type is atomic) and through list-type=map
 * items by their keys; never through atomic or set lists.
 */
import type { FieldError } from '../../registry/errors.js';
import { validateEmbedded } from './embedded.js';
import { isObject, jsonTypeOf, stableStringify, type JsonObject } from './json.js';
import type { CompiledNode } from './node.js';
import { bodyName, fail, fieldOf, newState, type ValidationState } from './state.js';

/** Kubernetes' error when schema errors keep CEL rules from running (printed at `<nil>`). */
const RULES_NOT_CHECKED: FieldError = {
  type: 'FieldValueInvalid',
  field: '<nil>',
  value: null,
  detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

function typeError(st: ValidationState, expected: string, actual: string): void {
  fail(
    st,
    { type: 'FieldValueTypeInvalid', field: fieldOf(st), value: actual, detail: `${bodyName(st)} must be of type ${expected}: ${JSON.stringify(actual)}` },
    true,
  );
}

export function validateNode(n: CompiledNode, v: unknown, old: unknown, st: ValidationState): void {
  if (v === null || v === undefined) {
    if (n.typeName !== undefined && !n.nullable) typeError(st, n.typeName, 'null');
    else n.enumCheck?.(null, st);
    return;
  }
  if (n.typeTest && !n.typeTest(v)) {
    typeError(st, n.typeName ?? '', jsonTypeOf(v));
    return;
  }
  n.enumCheck?.(v, st);
  for (const check of n.checks) check(v, st);
  if (isObject(v)) validateObject(n, v, old, st);
  else if (Array.isArray(v)) validateArray(n, v, old, st);
  if (n.allOf.length > 0 || n.anyOf.length > 0 || n.oneOf.length > 0 || n.not) validateJunctors(n, v, st);
  if (n.rules) {
    const rules = n.rules;
    const field = fieldOf(st);
    st.deferred.push(() => rules.check(v, old, field));
  }
}

function validateObject(n: CompiledNode, v: JsonObject, old: unknown, st: ValidationState): void {
  for (const r of n.required) {
    if (!Object.hasOwn(v, r)) {
      st.path.push(r);
      fail(st, { type: 'FieldValueRequired', field: fieldOf(st), detail: '' }, true);
      st.path.pop();
    }
  }
  const props = n.properties;
  if (props || n.additional) {
    const oldObj = n.needsOld && !n.mapAtomic && isObject(old) ? old : undefined;
    for (const k of Object.keys(v)) {
      const prop = props?.get(k);
      const child = prop ?? n.additional;
      if (!child) continue;
      st.path.push(k, prop === undefined);
      validateNode(child, v[k], child.needsOld && oldObj ? oldObj[k] : undefined, st);
      st.path.pop();
    }
  }
  if (n.embedded) validateEmbedded(v, st);
}

/** Identity of a list-type=map item: its key values (null when absent). */
export function mapListKey(item: JsonObject, keys: readonly string[]): string {
  return JSON.stringify(keys.map((k) => item[k] ?? null));
}

function validateArray(n: CompiledNode, v: unknown[], old: unknown, st: ValidationState): void {
  const items = n.items;
  if (items) {
    let oldItems: Map<string, unknown> | undefined;
    if (items.needsOld && n.listType === 'map' && Array.isArray(old)) {
      oldItems = new Map();
      for (const o of old) if (isObject(o)) oldItems.set(mapListKey(o, n.listMapKeys), o);
    }
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      st.path.push(i);
      validateNode(items, item, oldItems && isObject(item) ? oldItems.get(mapListKey(item, n.listMapKeys)) : undefined, st);
      st.path.pop();
    }
  }
  if (n.listType === 'set') checkSet(v, st);
  else if (n.listType === 'map') checkMapList(v, n.listMapKeys, st);
}

function duplicate(st: ValidationState, index: number, value: unknown): void {
  st.path.push(index);
  fail(st, { type: 'FieldValueDuplicate', field: fieldOf(st), value, detail: '' }, false);
  st.path.pop();
}

/** Reports the second occurrence of each repeated value (Kubernetes' validateListSet). */
function checkSet(v: unknown[], st: ValidationState): void {
  if (v.length <= 1) return;
  const scalars = new Map<unknown, number>();
  const compounds = new Map<string, number>();
  v.forEach((x, i) => {
    const compound = typeof x === 'object' && x !== null;
    const key = compound ? stableStringify(x) : x;
    const seen = compound ? compounds : scalars;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) duplicate(st, i, x);
  });
}

function checkMapList(v: unknown[], keys: readonly string[], st: ValidationState): void {
  // Items that are not objects already failed their type check.
  if (v.length <= 1 || v.some((x) => x !== null && !isObject(x))) return;
  const seen = new Set<string>();
  v.forEach((x, i) => {
    const item = isObject(x) ? x : {};
    const key = mapListKey(item, keys);
    if (seen.has(key)) {
      const value = keys.length === 1 ? item[keys[0] as string] : Object.fromEntries(keys.map((k) => [k, item[k]]));
      duplicate(st, i, value);
    } else {
      seen.add(key);
    }
  });
}

/** Runs a junctor branch aside and returns its errors and blocking count. */
function trial(n: CompiledNode, v: unknown, st: ValidationState): ValidationState {
  const aside = newState(st.prefix, st.path);
  validateNode(n, v, undefined, aside);
  return aside;
}

function merge(st: ValidationState, from: ValidationState): void {
  st.errors.push(...from.errors);
  st.blocking += from.blocking;
}

function composite(st: ValidationState, detail: string): void {
  fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: '', detail: `${bodyName(st)} ${detail}` }, false);
}

function best(results: ValidationState[]): ValidationState | undefined {
  let out: ValidationState | undefined;
  for (const r of results) if (!out || r.errors.length < out.errors.length) out = r;
  return out;
}

function validateJunctors(n: CompiledNode, v: unknown, st: ValidationState): void {
  for (const sub of n.allOf) validateNode(sub, v, undefined, st);
  if (n.anyOf.length > 0) {
    const results: ValidationState[] = [];
    for (const sub of n.anyOf) {
      const r = trial(sub, v, st);
      if (r.errors.length === 0) {
        results.length = 0;
        break;
      }
      results.push(r);
    }
    if (results.length === n.anyOf.length) {
      composite(st, 'must validate at least one schema (anyOf)');
      const b = best(results);
      if (b) merge(st, b);
    }
  }
  if (n.oneOf.length > 0) {
    const results = n.oneOf.map((sub) => trial(sub, v, st));
    const passed = results.filter((r) => r.errors.length === 0).length;
    if (passed === 0) {
      composite(st, 'must validate one and only one schema (oneOf). Found none valid');
      const b = best(results);
      if (b) merge(st, b);
    } else if (passed > 1) {
      composite(st, `must validate one and only one schema (oneOf). Found ${passed} valid alternatives`);
    }
  }
  if (n.not && trial(n.not, v, st).errors.length === 0) composite(st, 'must not validate the schema (not)');
}

/** Validates a whole value; `prefix` is printed before every field (e.g. a default's schema path). */
export function validateValue(n: CompiledNode, value: unknown, old: unknown, prefix = ''): FieldError[] {
  const st = newState(prefix);
  validateNode(n, value, n.needsOld ? old : undefined, st);
  if (st.deferred.length > 0) {
    if (st.blocking > 0) st.errors.push(RULES_NOT_CHECKED);
    else for (const run of st.deferred) st.errors.push(...run());
  }
  return st.errors;
}
