/**
 * RFC 6902 JSON patch (`application/json-patch+json`), applied the way the apiserver does: ops run
 * in order, the first one that does not apply fails the whole patch with the generic 422, and a
 * body that is not a list of operation objects is a 400. Pointers are parsed by rfc6902 and
 * resolved strictly (json-pointer.ts).
 */
import { errors } from '../errors.js';
import { badRequest, rejected } from './errors.js';
import { cloneJson, goKind, isPlainObject, hasOwn, setOwn, type JsonObject } from './json.js';
import { insertionIndex, locate, parsePointer, PointerError, valueAt, member } from './json-pointer.js';
import { deepEqual } from '../../meta/index.js';

/** apiserver maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Applies `patch` to a copy of `doc`; the result may be any JSON value (checked by the caller). */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  // Go decodes `null` into an empty operation list, so the apiserver treats it as a no-op.
  if (patch === null) return cloneJson(doc);
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw errors.tooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  for (const op of patch) {
    if (!isPlainObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  let result: unknown = cloneJson(doc);
  (patch as JsonObject[]).forEach((op, i) => {
    try {
      result = applyOperation(result, op);
    } catch (err) {
      throw rejected(`operation ${i}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return result;
}

function requireValue(op: JsonObject): unknown {
  if (!hasOwn(op, 'value')) throw new PointerError(`${String(op.op)} operation is missing a value`);
  return cloneJson(op.value);
}

/** Runs one operation and returns the (possibly replaced) document. */
function applyOperation(doc: unknown, op: JsonObject): unknown {
  const path = String(op.path);
  const tokens = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(doc, tokens, path, requireValue(op));
    case 'remove':
      return remove(doc, tokens, path).doc;
    case 'replace':
      return replace(doc, tokens, path, requireValue(op));
    case 'move': {
      const fromTokens = parsePointer(op.from);
      const from = String(op.from);
      const into = fromTokens.length < tokens.length && fromTokens.every((t, i) => t === tokens[i]);
      if (into) throw new PointerError(`cannot move ${from} into its own child ${path}`);
      const taken = remove(doc, fromTokens, from);
      return add(taken.doc, tokens, path, taken.value);
    }
    case 'copy': {
      const fromTokens = parsePointer(op.from);
      return add(doc, tokens, path, cloneJson(valueAt(doc, fromTokens, String(op.from))));
    }
    case 'test':
      test(doc, tokens, path, requireValue(op));
      return doc;
    default:
      throw new PointerError(`Unexpected kind: ${String(op.op)}`);
  }
}

function add(doc: unknown, tokens: string[], path: string, value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { container, key } = locate(doc, tokens, path);
  if (Array.isArray(container)) container.splice(insertionIndex(container, key, path), 0, value);
  else setOwn(container, key, value);
  return doc;
}

/** Replaces in place, so the member keeps its position among its siblings. */
function replace(doc: unknown, tokens: string[], path: string, value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { container, key } = locate(doc, tokens, path);
  if (!member(container, key)) throw new PointerError(`replace operation does not apply: doc is missing key: ${path}`);
  if (Array.isArray(container)) container[Number(key)] = value;
  else setOwn(container, key, value);
  return doc;
}

function remove(doc: unknown, tokens: string[], path: string): { doc: unknown; value: unknown } {
  if (tokens.length === 0) throw new PointerError('cannot remove the whole document');
  const { container, key } = locate(doc, tokens, path);
  const found = member(container, key);
  if (!found) throw new PointerError(`unable to remove nonexistent key: ${path}`);
  if (Array.isArray(container)) container.splice(Number(key), 1);
  else delete container[key];
  return { doc, value: found.value };
}

/**
 * Like evanphx/json-patch (which the apiserver uses), testing a member that is absent from an
 * existing container against `null` succeeds: that is how clients assert "not set".
 */
function test(doc: unknown, tokens: string[], path: string, expected: unknown): void {
  let actual: unknown = doc;
  if (tokens.length > 0) {
    const { container, key } = locate(doc, tokens, path);
    actual = member(container, key)?.value ?? null;
  }
  if (!deepEqual(actual, expected)) throw new PointerError(`testing value ${path} failed: test failed`);
}
