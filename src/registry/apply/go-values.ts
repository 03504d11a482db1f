/**
 * JSON values as Kubernetes' Go code writes, orders and prints them. Field-set keys (`k:{...}`,
 * `v:...`), the order of managedFields entries and the paths in conflict messages all come from
 * Go's encoding/json, Go string comparison and structured-merge-diff's value ordering; matching
 * them byte for byte keeps FieldsV1 and error messages identical to a real apiserver's.
 */
import { isPlainObject } from '../../meta/index.js';

/**
 * Go compares strings byte-wise in UTF-8, which is code-point order; JavaScript's `<` compares
 * UTF-16 units and disagrees above U+FFFF, so compare code points.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** encoding/json escapes these even though JSON does not require it (HTML safety). */
const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** `json.Marshal` of a decoded JSON value: map keys sorted, HTML characters escaped. */
export function goJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] as string);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort(compareStrings);
    return `{${keys.map((k) => `${goJson(k)}:${goJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `%q` (strconv.Quote) for the strings Kubernetes puts in messages. */
export function goQuote(s: string): string {
  let body = '';
  for (const c of s) {
    const code = c.codePointAt(0) as number;
    const escaped = QUOTE_ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : undefined);
    body += escaped ?? c;
  }
  return `"${body}"`;
}

/** structured-merge-diff's `value.ToString`, used when printing a path (`[name="web"]`). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(',')}]`;
  if (isPlainObject(v)) return Object.keys(v).map((k) => `${k}=${formatValue(v[k])}`).join('');
  return String(v);
}

/** Rank of a value's type in structured-merge-diff's total order: numbers, strings, bools, lists, maps, null. */
function rank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isPlainObject(v)) return 4;
  return 5;
}

/** The total order structured-merge-diff sorts set items (`v:`) and key values (`k:`) by. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length - lb.length === 0 ? 0 : la.length < lb.length ? -1 : 1;
    }
    case 4:
      return compareFieldLists(sortedFields(a as Record<string, unknown>), sortedFields(b as Record<string, unknown>));
    default:
      return 0;
  }
}

export type FieldList = readonly (readonly [string, unknown])[];

export function sortedFields(m: Record<string, unknown>): FieldList {
  return Object.keys(m)
    .filter((k) => m[k] !== undefined)
    .sort(compareStrings)
    .map((k) => [k, m[k]] as const);
}

/** Lexicographic over (name, value) pairs, shorter first: how list-map keys order. */
export function compareFieldLists(a: FieldList, b: FieldList): number {
  for (let i = 0; ; i++) {
    if (i >= a.length || i >= b.length) return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
    const [an, av] = a[i] as readonly [string, unknown];
    const [bn, bv] = b[i] as readonly [string, unknown];
    const c = compareStrings(an, bn) || compareValues(av, bv);
    if (c !== 0) return c;
  }
}
