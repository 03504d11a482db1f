/**
 * The CEL view of a structural schema node: which CEL type `self` has, with the size bounds the
 * cost estimate needs, and the conversion of a JSON value into the values the CEL library works on.
 *
 * Follows apiserver's `SchemaDeclType` and its unstructured-to-CEL adapter:
 * - `integer` → int (JS bigint), `number` → double, `boolean` → bool, `string` → string;
 * - `string` with `format: byte` → bytes, `date` / `date-time` → timestamp (a JS Date, so
 *   millisecond precision: sub-millisecond digits are dropped), `duration` → duration;
 * - `array` → list (list-type set/map equality is order-sensitive here; Kubernetes compares those
 *   as sets / maps — a documented deviation);
 * - `object` with `additionalProperties` → map<string, V>; with `properties` → an object (message)
 *   type whose fields are the escaped property names (unknown fields are not accessible);
 * - `x-kubernetes-int-or-string` → dyn (int or string at run time);
 * - `x-kubernetes-preserve-unknown-fields` with no declared properties (or no type) → dyn: the whole
 *   value is accessible. Kubernetes types such an object as an empty object, so `self.foo` on it is a
 *   compile error there; Atoll is more permissive on purpose.
 * - the root of a resource and `x-kubernetes-embedded-resource` objects always have apiVersion,
 *   kind and metadata (with only name and generateName), as in Kubernetes.
 */
import { Duration } from '@marcbachmann/cel-js/evaluator';
import type { JSONSchemaProps } from '../schema-types.js';

/** Upper bound on a request, used to bound unbounded lists/maps/strings (apiserver's 3 MiB). */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

export interface ObjectField {
  /** The property name in JSON. */
  readonly jsonName: string;
  readonly type: CelType;
  readonly required: boolean;
}

export type CelType =
  | { readonly kind: 'int' | 'double' | 'bool' | 'dyn' | 'timestamp' | 'duration'; readonly minSize: number }
  | { readonly kind: 'string' | 'bytes'; readonly maxLength: number; readonly minSize: number }
  | { readonly kind: 'list'; readonly elem: CelType; readonly maxItems: number; readonly minSize: number }
  | { readonly kind: 'map'; readonly value: CelType; readonly maxProperties: number; readonly minSize: number }
  | {
      readonly kind: 'object';
      /** Keyed by the escaped (CEL) name. */
      readonly fields: ReadonlyMap<string, ObjectField>;
      readonly minSize: number;
    };

export type ObjectType = Extract<CelType, { kind: 'object' }>;

const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/**
 * Kubernetes' property-name escaping (apiserver `cel.Escape`): `__` → `__underscores__`, `.` →
 * `__dot__`, `-` → `__dash__`, `/` → `__slash__`, a CEL reserved word → `__{word}__`. Names outside
 * `[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*` cannot be accessed from CEL: undefined is returned.
 */
export function escapeName(name: string): string | undefined {
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__|[./-]/g, (m) => {
    switch (m) {
      case '__':
        return '__underscores__';
      case '.':
        return '__dot__';
      case '-':
        return '__dash__';
      default:
        return '__slash__';
    }
  });
}

function estimateMaxItems(minElemSize: number): number {
  // Each element costs at least its minimal size plus a comma; minus the brackets.
  return Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minElemSize + 1));
}

const DYN: CelType = { kind: 'dyn', minSize: 1 };

/**
 * The CEL type of a schema node (never fails: what cannot be typed is dyn). `resourceRoot` is true
 * for the schema of a whole custom resource.
 */
export function celTypeOf(s: JSONSchemaProps, resourceRoot = false): CelType {
  return typeOf(s, resourceRoot || s['x-kubernetes-embedded-resource'] === true);
}

function typeOf(s: JSONSchemaProps, embedded: boolean): CelType {
  if (s['x-kubernetes-int-or-string']) return DYN;
  switch (s.type) {
    case 'integer':
      return { kind: 'int', minSize: 1 };
    case 'number':
      return { kind: 'double', minSize: 1 };
    case 'boolean':
      return { kind: 'bool', minSize: 4 };
    case 'string': {
      const maxLength = s.maxLength ?? MAX_REQUEST_SIZE_BYTES - 2;
      switch (s.format) {
        case 'byte':
          return { kind: 'bytes', maxLength, minSize: 2 };
        case 'date':
        case 'date-time':
          return { kind: 'timestamp', minSize: 4 };
        case 'duration':
          return { kind: 'duration', minSize: 4 };
        default:
          return { kind: 'string', maxLength, minSize: 2 };
      }
    }
    case 'array': {
      if (!s.items) return { kind: 'list', elem: DYN, maxItems: s.maxItems ?? estimateMaxItems(1), minSize: 2 };
      const elem = typeOf(s.items, s.items['x-kubernetes-embedded-resource'] === true);
      return { kind: 'list', elem, maxItems: s.maxItems ?? estimateMaxItems(elem.minSize), minSize: 2 };
    }
    case 'object':
    case undefined: {
      const ap = s.additionalProperties;
      if (ap && typeof ap === 'object') {
        const value = typeOf(ap, ap['x-kubernetes-embedded-resource'] === true);
        // "key": value, — a key is at least `"":`.
        const maxProperties = s.maxProperties ?? estimateMaxItems(value.minSize + 3);
        return { kind: 'map', value, maxProperties, minSize: 2 };
      }
      const props = { ...(s.properties ?? {}) };
      if (embedded) {
        // apiserver's WithTypeAndObjectMeta: these replace whatever the schema declares.
        props.apiVersion = { type: 'string' };
        props.kind = { type: 'string' };
        props.metadata = { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } };
      }
      const names = Object.keys(props);
      if (names.length === 0 && (s['x-kubernetes-preserve-unknown-fields'] || s.type === undefined)) return DYN;
      const required = new Set(s.required ?? []);
      const fields = new Map<string, ObjectField>();
      let minSize = 2;
      for (const name of names.sort()) {
        const prop = props[name] as JSONSchemaProps;
        const type = typeOf(prop, prop['x-kubernetes-embedded-resource'] === true);
        const celName = escapeName(name);
        if (celName !== undefined) fields.set(celName, { jsonName: name, type, required: required.has(name) });
        if (required.has(name) && prop.default === undefined) minSize += name.length + type.minSize + 4;
      }
      return { kind: 'object', fields, minSize };
    }
    default:
      return DYN;
  }
}

/** A canonical string of the type (with bounds): the cache key of environments and programs. */
export function typeSignature(t: CelType): string {
  switch (t.kind) {
    case 'string':
    case 'bytes':
      return `${t.kind}(${t.maxLength})`;
    case 'list':
      return `list(${t.maxItems})<${typeSignature(t.elem)}>`;
    case 'map':
      return `map(${t.maxProperties})<${typeSignature(t.value)}>`;
    case 'object': {
      const parts: string[] = [];
      for (const [name, f] of t.fields) parts.push(`${JSON.stringify(name)}${f.required ? '!' : ''}:${typeSignature(f.type)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      return t.kind;
  }
}

/** Object values are instances of one class per registered object type. */
export type ObjectCtor = new (entries: Iterable<readonly [string, unknown]>) => Map<string, unknown>;

/** How object types map to the classes the CEL environment registered for them. */
export type CtorLookup = (t: ObjectType) => ObjectCtor;

/**
 * Converts a JSON value (as decoded from a request) into the CEL representation of type `t`:
 * integers become bigints, objects become instances of their registered class keyed by escaped
 * names, maps become Maps. Values of an unexpected JSON type are passed through (generically
 * converted), so that a rule touching them fails at run time with a type error, as Kubernetes does.
 */
export function toCel(t: CelType, v: unknown, ctorOf: CtorLookup): unknown {
  if (v === null || v === undefined) return v === null ? null : undefined;
  switch (t.kind) {
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      return dynToCel(v);
    case 'double':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      return dynToCel(v);
    case 'bool':
    case 'string':
      return dynToCel(v);
    case 'bytes':
      return typeof v === 'string' ? Buffer.from(v, 'base64') : dynToCel(v);
    case 'timestamp': {
      if (typeof v !== 'string') return dynToCel(v);
      const ms = Date.parse(v);
      return Number.isNaN(ms) ? v : new Date(ms);
    }
    case 'duration': {
      if (typeof v !== 'string') return dynToCel(v);
      return parseGoDuration(v) ?? v;
    }
    case 'dyn':
      return dynToCel(v);
    case 'list':
      return Array.isArray(v) ? v.map((e) => toCel(t.elem, e, ctorOf)) : dynToCel(v);
    case 'map': {
      if (!isPlainObject(v)) return dynToCel(v);
      const out = new Map<string, unknown>();
      for (const [k, e] of Object.entries(v)) out.set(k, toCel(t.value, e, ctorOf));
      return out;
    }
    case 'object': {
      if (!isPlainObject(v)) return dynToCel(v);
      const entries: [string, unknown][] = [];
      for (const [celName, f] of t.fields) {
        if (!Object.prototype.hasOwnProperty.call(v, f.jsonName)) continue;
        const raw = v[f.jsonName];
        // A null field is treated as absent (`has()` is false), as for nullable fields in Kubernetes.
        if (raw === null || raw === undefined) continue;
        entries.push([celName, toCel(f.type, raw, ctorOf)]);
      }
      const Ctor = ctorOf(t);
      return new Ctor(entries);
    }
  }
}

/** JSON without a schema: integral numbers are ints, objects are maps. */
export function dynToCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(dynToCel);
  if (isPlainObject(v)) {
    const out = new Map<string, unknown>();
    for (const [k, e] of Object.entries(v)) out.set(k, dynToCel(e));
    return out;
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration ("1h30m", "-1.5s", "300ms"), as a CEL duration; undefined when invalid. */
export function parseGoDuration(s: string): Duration | undefined {
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(s);
  if (!m) return undefined;
  const negative = m[1] === '-';
  let nanos = 0n;
  if (m[2] !== '0') {
    for (const part of (m[2] as string).matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
      const unit = DURATION_UNITS[part[3] as string] as bigint;
      const whole = BigInt(part[1] || '0');
      const frac = part[2] ?? '';
      nanos += whole * unit;
      if (frac) nanos += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
  }
  if (nanos > 9_223_372_036_854_775_807n) return undefined;
  if (negative) nanos = -nanos;
  const seconds = nanos / 1_000_000_000n;
  return new Duration(seconds, Number(nanos - seconds * 1_000_000_000n));
}
