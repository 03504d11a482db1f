/**
 * One closure per value keyword of a schema node, built once when the schema is compiled. Each
 * applies only to values of its kind (string keywords to strings, ...), as kube-openapi's
 * validators do, and reports with kube-openapi's wording as apiextensions-apiserver converts it
 * to field errors (`spec.count in body should be less than or equal to 10`).
 *
 * Kubernetes reports maxItems/maxProperties as `Too many: 4: must have at most 3 items`; the
 * FieldError cause types have no FieldValueTooMany, so these are FieldValueInvalid here (still
 * counted as blocking CEL, as Kubernetes counts TooMany).
 */
import type { JSONSchemaProps } from '../schema-types.js';
import { formatCheck } from './formats.js';
import { isObject, deepEqual } from './json.js';
import { compilePattern, type Pattern } from './pattern.js';
import { bodyName, fail, fieldOf, type ValidationState } from './state.js';

export type ValueCheck = (value: unknown, st: ValidationState) => void;

/** Length in code points, as Go's utf8.RuneCountInString counts it. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const invalid = (st: ValidationState, value: unknown, detail: string, blocking = false): void =>
  fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value, detail: `${bodyName(st)} ${detail}` }, blocking);

/** JSON's `1e21` and Go's `%v` agree for the numbers schemas use. */
const num = (n: number): string => String(n);

function stringChecks(s: JSONSchemaProps, out: ValueCheck[]): void {
  const { minLength, maxLength, pattern, format } = s;
  if (typeof minLength === 'number') {
    out.push((v, st) => {
      if (typeof v !== 'string' || v.length >= 2 * minLength) return;
      if (v.length < minLength || codePoints(v) < minLength) invalid(st, v, `should be at least ${minLength} chars long`);
    });
  }
  if (typeof maxLength === 'number') {
    out.push((v, st) => {
      if (typeof v !== 'string' || v.length <= maxLength || codePoints(v) <= maxLength) return;
      fail(st, { type: 'FieldValueTooLong', field: fieldOf(st), detail: `may not be longer than ${maxLength}` }, true);
    });
  }
  if (typeof pattern === 'string' && pattern !== '') {
    let re: Pattern | undefined;
    try {
      re = compilePattern(pattern);
    } catch {
      re = undefined; // rejected when the CRD was validated; nothing to enforce
    }
    if (re) {
      const regex = re;
      out.push((v, st) => {
        if (typeof v === 'string' && !regex.test(v)) invalid(st, v, `should match '${pattern}'`);
      });
    }
  }
  if (typeof format === 'string' && format !== '') {
    const check = formatCheck(format);
    if (check) {
      out.push((v, st) => {
        if (typeof v === 'string' && !check(v)) {
          fail(st, { type: 'FieldValueTypeInvalid', field: fieldOf(st), value: v, detail: `${bodyName(st)} must be of type ${format}: ${JSON.stringify(v)}` }, true);
        }
      });
    }
  }
}

function isJsonInteger(f: number): boolean {
  if (!Number.isFinite(f)) return false;
  if (Number.isInteger(f)) return true;
  const g = Math.round(f);
  return Math.abs(f - g) / (Math.abs(f) + Math.abs(g)) < 1e-9;
}

function numberChecks(s: JSONSchemaProps, out: ValueCheck[]): void {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = s;
  if (typeof minimum === 'number') {
    out.push((v, st) => {
      if (typeof v !== 'number') return;
      if (exclusiveMinimum === true ? v <= minimum : v < minimum) {
        invalid(st, v, `should be greater than ${exclusiveMinimum === true ? '' : 'or equal to '}${num(minimum)}`);
      }
    });
  }
  if (typeof maximum === 'number') {
    out.push((v, st) => {
      if (typeof v !== 'number') return;
      if (exclusiveMaximum === true ? v >= maximum : v > maximum) {
        invalid(st, v, `should be less than ${exclusiveMaximum === true ? '' : 'or equal to '}${num(maximum)}`);
      }
    });
  }
  if (typeof multipleOf === 'number') {
    out.push((v, st) => {
      if (typeof v !== 'number') return;
      if (multipleOf <= 0) {
        fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: v, detail: `factor MultipleOf declared for ${st.path.toString()} must be positive: ${num(multipleOf)}` }, false);
        return;
      }
      const mult = multipleOf < 1 ? (1 / multipleOf) * v : v / multipleOf;
      if (!isJsonInteger(mult)) invalid(st, v, `should be a multiple of ${num(multipleOf)}`);
    });
  }
}

function sizeChecks(s: JSONSchemaProps, out: ValueCheck[]): void {
  const { minItems, maxItems, minProperties, maxProperties } = s;
  if (typeof minItems === 'number') {
    out.push((v, st) => {
      if (Array.isArray(v) && v.length < minItems) invalid(st, v.length, `should have at least ${minItems} items`);
    });
  }
  if (typeof maxItems === 'number') {
    out.push((v, st) => {
      if (Array.isArray(v) && v.length > maxItems) {
        fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: v.length, detail: `must have at most ${maxItems} items` }, true);
      }
    });
  }
  if (typeof minProperties === 'number') {
    out.push((v, st) => {
      if (!isObject(v)) return;
      const n = Object.keys(v).length;
      if (n < minProperties) invalid(st, n, `should have at least ${minProperties} properties`);
    });
  }
  if (typeof maxProperties === 'number') {
    out.push((v, st) => {
      if (!isObject(v)) return;
      const n = Object.keys(v).length;
      if (n > maxProperties) fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: n, detail: `must have at most ${maxProperties} items` }, true);
    });
  }
}

/** Checks for every value keyword of the node except type and enum, in kube-openapi's order. */
export function valueChecks(s: JSONSchemaProps): ValueCheck[] {
  const out: ValueCheck[] = [];
  stringChecks(s, out);
  numberChecks(s, out);
  sizeChecks(s, out);
  return out;
}

/** `supported values: "S", "M"`: strings quoted, other values as quoted JSON (Go's field.NotSupported). */
function supportedValues(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'))).join(', ');
}

export function enumCheck(values: readonly unknown[]): ValueCheck {
  const detail = `supported values: ${supportedValues(values)}`;
  const scalars = values.every((v) => v === null || typeof v !== 'object');
  const set = scalars ? new Set(values) : undefined;
  return (v, st) => {
    const ok = set ? set.has(v) : values.some((e) => deepEqual(e, v));
    if (!ok) fail(st, { type: 'FieldValueNotSupported', field: fieldOf(st), value: v, detail }, true);
  };
}
