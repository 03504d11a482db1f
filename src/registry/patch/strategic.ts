/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), written here because no
 * JavaScript library implements it (DESIGN.md). Semantics follow apimachinery's
 * pkg/util/strategicpatch (StrategicMergeMapPatch, the server side) driven by the kind's OpenAPI
 * schema; the map and list rules live in strategic-map.ts and strategic-list.ts.
 */
import type { KindSchema } from '../resource-type.js';
import { unsupportedPatchMediaType, acceptedPatchMediaTypes } from './content-type.js';
import { badRequest } from './errors.js';
import { cloneJson, goKind, isPlainObject, type JsonObject } from './json.js';
import { mergeObject } from './strategic-map.js';
import { SchemaCursor } from './strategic-schema.js';

export function applyStrategicPatch(doc: JsonObject, patch: unknown, schema: KindSchema | undefined): JsonObject {
  // Kinds without a schema are custom resources: the apiserver does not offer strategic merge
  // patch for them, so the request fails content negotiation with its list of accepted types.
  if (!schema) throw unsupportedPatchMediaType(acceptedPatchMediaTypes(false));
  // Go decodes a `null` body into an empty patch map: nothing changes.
  if (patch === null) return cloneJson(doc);
  if (!isPlainObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type map[string]interface {}`);
  }
  const root = SchemaCursor.root(schema.components, schema.name);
  // A top-level `$patch: delete` leaves nothing, as in apimachinery.
  return mergeObject(cloneJson(doc), cloneJson(patch), root) ?? {};
}
