/**
 * What a patch may produce. The apiserver decodes the patched JSON into the kind's Go struct: a
 * value that is not an object fails that decode (422 Invalid on field `patch`), and an object
 * without metadata decodes to an empty ObjectMeta. Atoll keeps objects as JSON, so this does the
 * same two things by hand and leaves the rest to validation; like every decoded body, the result
 * may not nest deeper than MAX_NESTING_DEPTH.
 */
import type { KubeObject } from '../../meta/index.js';
import { ApiError, formatFieldError, type FieldError } from '../errors.js';
import { checkNesting } from '../input.js';
import { isPlainObject, show } from './json.js';

function undecodable(value: unknown, detail: string): ApiError {
  const cause: FieldError = { type: 'FieldValueInvalid', field: 'patch', value: show(value), detail };
  const message = formatFieldError(cause);
  // NewInvalid with an empty GroupKind and name, as patch.go builds it: ` "" is invalid: ...`.
  return new ApiError('Invalid', ` "" is invalid: ${message}`, {
    causes: [{ reason: cause.type, message, field: cause.field }],
  });
}

export function toKubeObject(value: unknown): KubeObject {
  if (!isPlainObject(value)) throw undecodable(value, 'the patched document must be a JSON object');
  // Each operation of a JSON patch may nest the document deeper than its body did.
  checkNesting(value, 'the patched object');
  const metadata = value.metadata;
  if (metadata === undefined || metadata === null) return { ...value, metadata: {} };
  if (!isPlainObject(metadata)) throw undecodable(value, 'metadata must be a JSON object');
  return value as KubeObject;
}
