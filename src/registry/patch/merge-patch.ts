/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge member by member,
 * `null` deletes, anything else (arrays included) replaces. Small enough that a library would not
 * pay for itself.
 */
import { badRequest } from './errors.js';
import { cloneJson, getOwn, isPlainObject, setOwn, type JsonObject } from './json.js';

/** Applies a merge patch body to a copy of `doc`. The body must be a JSON object. */
export function applyMergePatch(doc: JsonObject, patch: unknown): JsonObject {
  // evanphx/json-patch (used by the apiserver) answers every non-object body with this error.
  if (!isPlainObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeValue(cloneJson(doc), patch) as JsonObject;
}

/** RFC 7386 MergePatch(target, patch); `target` is owned by the caller and may be reused. */
function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: JsonObject = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergeValue(getOwn(result, key), value));
  }
  return result;
}
