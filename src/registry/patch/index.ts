/**
 * PATCH for both surfaces: pure functions from (stored object, patch body, kind schema) to the
 * object to store. REST picks the kind from Content-Type, GraphQL from the mutation; validation,
 * admission and storage stay with the registry. Server-side apply is separate (field ownership).
 */
import type { KubeObject } from '../../meta/index.js';
import type { KindSchema } from '../resource-type.js';
import type { PatchType } from './content-type.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { toKubeObject } from './result.js';
import { applyStrategicPatch } from './strategic.js';

export {
  patchTypeOf,
  acceptedPatchMediaTypes,
  unsupportedPatchMediaType,
  MEDIA_TYPES,
  type PatchType,
} from './content-type.js';
export { GENERIC_INVALID } from './errors.js';
export { MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';

/**
 * Applies a patch body (already parsed JSON) and returns a new object; `original` is never
 * touched. Refusals are ApiErrors shaped as the apiserver's. Strategic merge patch needs the kind's
 * schema; without one (custom resources) it is refused with 415, as the apiserver does.
 */
export function applyPatch(type: PatchType, original: KubeObject, patch: unknown, schema?: KindSchema): KubeObject {
  switch (type) {
    case 'json':
      return toKubeObject(applyJsonPatch(original, patch));
    case 'merge':
      return toKubeObject(applyMergePatch(original, patch));
    case 'strategic':
      return toKubeObject(applyStrategicPatch(original, patch, schema));
  }
}
