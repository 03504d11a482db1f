/**
 * Field manager names: the default the apiserver derives from the User-Agent when a request names
 * none, and the rules a name must follow (at most 128 bytes, printable characters only), shared by
 * the `fieldManager` query parameter and `metadata.managedFields[].manager`.
 */
import type { FieldError } from '../errors.js';

export const FIELD_MANAGER_MAX_LENGTH = 128;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const isPrint = (ch: string): boolean => /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);

/**
 * The manager name for a request without `fieldManager`: the User-Agent up to its first `/`
 * (`kubectl/v1.31.0 (linux/amd64) kubernetes/abc` gives `kubectl`), without unprintable
 * characters, cut to 128 bytes. An absent User-Agent gives "", as in Kubernetes.
 */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!isPrint(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** `U+0009`, as Go's `%#U` prints a non-printable rune. */
const codePoint = (ch: string): string => `U+${(ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;

/** apimachinery's ValidateFieldManager. `field` is where the name came from (`fieldManager`, `metadata.managedFields[0].manager`). */
export function validateFieldManager(name: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(name) > FIELD_MANAGER_MAX_LENGTH) {
    errs.push({ type: 'FieldValueTooLong', field, detail: `may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes` });
  }
  let at = 0;
  for (const ch of name) {
    if (!isPrint(ch)) errs.push({ type: 'FieldValueInvalid', field, value: name, detail: `invalid character ${codePoint(ch)} (at position ${at})` });
    at += Buffer.byteLength(ch);
  }
  return errs;
}
