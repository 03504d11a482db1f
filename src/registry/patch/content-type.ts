/**
 * PATCH media types and the 415 for the ones a resource does not take. Both surfaces name patch
 * kinds through these: REST from the Content-Type header, GraphQL from the mutation's type.
 */
import { ApiError } from '../errors.js';

export type PatchType = 'json' | 'merge' | 'strategic';

export const MEDIA_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const BY_MEDIA_TYPE = new Map<string, PatchType | 'apply'>(
  Object.entries(MEDIA_TYPES).map(([type, media]) => [media, type as PatchType | 'apply']),
);

/**
 * The patch kind a Content-Type asks for. Parameters (`; charset=utf-8`) are ignored, as the
 * apiserver does. `application/apply-patch+cbor` is not served (the apiserver only takes it behind
 * the CBOR feature gate), so it is unknown here.
 */
export function patchTypeOf(contentType: string): PatchType | 'apply' | undefined {
  const base = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return BY_MEDIA_TYPE.get(base);
}

/**
 * The media types PATCH accepts for a resource, in the apiserver's order. Resources without
 * strategic merge metadata (custom resources) do not take strategic merge patch.
 */
export function acceptedPatchMediaTypes(strategic: boolean): string[] {
  return strategic
    ? [MEDIA_TYPES.json, MEDIA_TYPES.merge, MEDIA_TYPES.strategic, MEDIA_TYPES.apply]
    : [MEDIA_TYPES.json, MEDIA_TYPES.merge, MEDIA_TYPES.apply];
}

/** apiserver negotiation.NewUnsupportedMediaTypeError: 415 with the accepted list, no details. */
export function unsupportedPatchMediaType(accepted: string[]): ApiError {
  return new ApiError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}
