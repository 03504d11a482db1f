/**
 * Kubernetes CEL libraries over plain values: lists (`isSorted`, `sum`, `min`, `max`, `indexOf`,
 * `lastIndexOf`), regex (`find`, `findAll`, and `matches` itself, re-implemented on RE2), sets
 * (`sets.contains`, `sets.equivalent`, `sets.intersects`) and the extended-strings functions the
 * CEL library lacks (`charAt`, `replace`, `reverse`, `format`, ASCII-only `lowerAscii`/`upperAscii`).
 *
 * Regular expressions use re2js, a linear-time port of RE2: Kubernetes uses RE2 syntax, and a
 * backtracking engine (JS RegExp) would let a hostile pattern hang the server.
 */
import { Duration } from '@marcbachmann/cel-js/evaluator';
import { EvaluationError, type Environment } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { QuantityValue } from './lib-quantity.js';
import { compareQuantities } from '../../registry/builtins/quantity.js';

function fail(message: string): never {
  throw new EvaluationError(message);
}

// ---------------------------------------------------------------------------------------------
// Values

/** CEL equality over converted values (heterogeneous numeric equality, deep lists and maps). */
export function celEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a == b;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!celEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size || a.constructor !== b.constructor) return false;
    for (const [k, v] of a) if (!b.has(k) || !celEqual(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Duration) return b instanceof Duration && a.seconds === b.seconds && a.nanos === b.nanos;
  if (a instanceof QuantityValue) return b instanceof QuantityValue && compareQuantities(a.q, b.q) === 0;
  if (a.constructor === b.constructor) return String(a) === String(b);
  return false;
}

/** Ordering of comparable values (numbers, strings, bytes, timestamps, durations, quantities). */
export function celCompare(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Duration && b instanceof Duration) {
    return a.seconds !== b.seconds ? (a.seconds < b.seconds ? -1 : 1) : Math.sign(a.nanos - b.nanos);
  }
  if (a instanceof QuantityValue && b instanceof QuantityValue) return compareQuantities(a.q, b.q);
  return fail(`no such overload: cannot compare ${typeName(a)} and ${typeName(b)}`);
}

function typeName(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'map';
  if (v === null) return 'null';
  return typeof v === 'object' ? v.constructor.name : typeof v;
}

// ---------------------------------------------------------------------------------------------
// Lists

const MAX_INT64 = 9_223_372_036_854_775_807n;
const MIN_INT64 = -9_223_372_036_854_775_808n;

function sumList(list: readonly unknown[]): unknown {
  if (list.length === 0) return 0n;
  let acc: unknown = list[0];
  for (let i = 1; i < list.length; i++) {
    const v = list[i];
    if (typeof acc === 'bigint' && typeof v === 'bigint') {
      acc = acc + v;
      if ((acc as bigint) > MAX_INT64 || (acc as bigint) < MIN_INT64) fail('integer overflow');
    } else if (typeof acc === 'number' && typeof v === 'number') acc = acc + v;
    else if (acc instanceof Duration && v instanceof Duration) acc = acc.addDuration(v);
    else fail(`no such overload: sum of ${typeName(acc)} and ${typeName(v)}`);
  }
  return acc;
}

function extreme(list: readonly unknown[], sign: 1 | -1, name: string): unknown {
  if (list.length === 0) fail(`${name} called on empty list`);
  let best: unknown = list[0];
  for (let i = 1; i < list.length; i++) if (celCompare(list[i], best) * sign > 0) best = list[i];
  return best;
}

// ---------------------------------------------------------------------------------------------
// Regex

const REGEX_CACHE_MAX = 512;
const regexCache = new Map<string, RE2JS>();

/** Compiles (and caches) an RE2 pattern; a string is the syntax error. */
export function compileRegex(pattern: string): RE2JS | string {
  const hit = regexCache.get(pattern);
  if (hit) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.delete(regexCache.keys().next().value as string);
  regexCache.set(pattern, re);
  return re;
}

function regexOrFail(pattern: string): RE2JS {
  const re = compileRegex(pattern);
  return typeof re === 'string' ? fail(re) : re;
}

function findAll(s: string, pattern: string, limit: bigint): string[] {
  const out: string[] = [];
  if (limit === 0n) return out;
  for (const m of regexOrFail(pattern).matchAll(s)) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strings

function charAt(s: string, i: bigint): string {
  const chars = Array.from(s);
  if (i < 0n || i > BigInt(chars.length)) fail(`index out of range: ${i}`);
  return chars[Number(i)] ?? '';
}

function replaceN(s: string, from: string, to: string, n: bigint): string {
  if (n === 0n) return s;
  if (n < 0n) return s.split(from).join(to);
  let out = '';
  let rest = s;
  for (let done = 0n; done < n; done++) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    if (from === '') {
      // Go inserts before each rune, then stops at the end.
      if (rest === '') return out;
      const first = Array.from(rest)[0] as string;
      out += first;
      rest = rest.slice(first.length);
    }
  }
  return out + rest;
}

function asciiCase(s: string, upper: boolean): string {
  return s.replace(upper ? /[a-z]+/g : /[A-Z]+/g, (m) => (upper ? m.toUpperCase() : m.toLowerCase()));
}

/** `%s` rendering of a value, as cel-go's string formatting prints it. */
function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : String(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].map(String).sort();
    return `{${keys.map((k) => `${k}: ${formatValue(v.get(k))}`).join(', ')}}`;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
  return String(v);
}

function formatString(template: string, args: readonly unknown[]): string {
  let argIndex = 0;
  const next = (): unknown => {
    if (argIndex >= args.length) fail(`index ${argIndex} out of range`);
    return args[argIndex++];
  };
  return template.replace(/%(?:\.(\d+))?([sdfeboxX%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const v = next();
    const prec = precision === undefined ? 6 : Number(precision);
    switch (verb) {
      case 's':
        return formatValue(v);
      case 'd':
        if (typeof v === 'bigint') return String(v);
        return fail(`error during formatting: decimal clause can only be used on integers, was given ${typeName(v)}`);
      case 'f':
      case 'e': {
        const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : fail(`error during formatting: fixed-point clause can only be used on doubles, was given ${typeName(v)}`);
        if (Number.isNaN(n)) return 'NaN';
        if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
        return verb === 'f' ? n.toFixed(prec) : n.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
      }
      case 'b':
      case 'o': {
        const base = verb === 'b' ? 2 : 8;
        if (typeof v === 'bigint') return v.toString(base);
        if (verb === 'b' && typeof v === 'boolean') return v ? '1' : '0';
        return fail(`error during formatting: only integers can be formatted with %${verb}, was given ${typeName(v)}`);
      }
      default: {
        let hex: string;
        if (typeof v === 'bigint') hex = v.toString(16);
        else if (typeof v === 'string') hex = Buffer.from(v, 'utf8').toString('hex');
        else if (v instanceof Uint8Array) hex = Buffer.from(v).toString('hex');
        else return fail(`error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given ${typeName(v)}`);
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------

class SetsNamespace {}

/** A hash key for scalar values (ints and equal doubles share one); undefined for the rest. */
function scalarKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'boolean':
      return `b${v}`;
    case 'bigint':
      return `n${v}`;
    case 'number':
      return Number.isInteger(v) ? `n${BigInt(v)}` : `d${v}`;
    default:
      return undefined;
  }
}

/** Above this many pairwise comparisons, set functions over non-scalar lists refuse to run. */
const MAX_PAIRWISE = 10_000_000;

/** Membership test of each of `needles` in `haystack`: hashed for scalars, pairwise (bounded) otherwise. */
function memberships(haystack: readonly unknown[], needles: readonly unknown[]): boolean[] {
  const keys = new Set<string>();
  let scalar = true;
  for (const h of haystack) {
    const k = scalarKey(h);
    if (k === undefined) {
      scalar = false;
      break;
    }
    keys.add(k);
  }
  if (scalar) {
    return needles.map((n) => {
      const k = scalarKey(n);
      return k !== undefined && keys.has(k);
    });
  }
  if (haystack.length * needles.length > MAX_PAIRWISE) fail('sets operation on lists too large to compare');
  return needles.map((n) => haystack.some((h) => celEqual(h, n)));
}

function containsAll(a: readonly unknown[], b: readonly unknown[]): boolean {
  return memberships(a, b).every(Boolean);
}

function intersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return memberships(a, b).some(Boolean);
}

/** Method names whose built-in implementation is replaced (see `renameBuiltins` in ast.ts). */
export const REPLACED_METHODS: Readonly<Record<string, string>> = {
  matches: 'atollMatches',
  lowerAscii: 'atollLowerAscii',
  upperAscii: 'atollUpperAscii',
};

export function registerExtLibrary(env: Environment): void {
  env
    .registerFunction('list<A>.isSorted(): bool', (l: unknown[]) => {
      for (let i = 1; i < l.length; i++) if (celCompare(l[i - 1], l[i]) > 0) return false;
      return true;
    })
    .registerFunction('list<int>.sum(): int', sumList)
    .registerFunction('list<double>.sum(): double', (l: unknown[]) => (l.length === 0 ? 0 : sumList(l)))
    .registerFunction('list<google.protobuf.Duration>.sum(): google.protobuf.Duration', (l: unknown[]) =>
      l.length === 0 ? new Duration(0n, 0) : sumList(l),
    )
    .registerFunction('list<dyn>.sum(): dyn', sumList)
    .registerFunction('list<A>.min(): A', (l: unknown[]) => extreme(l, -1, 'min'))
    .registerFunction('list<A>.max(): A', (l: unknown[]) => extreme(l, 1, 'max'))
    .registerFunction('list<A>.indexOf(A): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((e) => celEqual(e, x))))
    .registerFunction('list<A>.lastIndexOf(A): int', (l: unknown[], x: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (celEqual(l[i], x)) return BigInt(i);
      return -1n;
    });

  env
    .registerFunction('string.atollMatches(string): bool', (s: string, re: string) => regexOrFail(re).test(s))
    .registerFunction('matches(string, string): bool', (s: string, re: string) => regexOrFail(re).test(s))
    .registerFunction('string.find(string): string', (s: string, re: string) => {
      const m = regexOrFail(re).exec(s);
      return m ? String(m[0]) : '';
    })
    .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => findAll(s, re, -1n))
    .registerFunction('string.findAll(string, int): list<string>', findAll);

  env
    .registerFunction('string.atollLowerAscii(): string', (s: string) => asciiCase(s, false))
    .registerFunction('string.atollUpperAscii(): string', (s: string) => asciiCase(s, true))
    .registerFunction('string.charAt(int): string', charAt)
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replaceN(s, a, b, -1n))
    .registerFunction('string.replace(string, string, int): string', replaceN)
    .registerFunction('string.reverse(): string', (s: string) => Array.from(s).reverse().join(''))
    .registerFunction('string.format(list): string', formatString);

  env
    .registerType('SetsNamespace', { ctor: SetsNamespace, fields: {} })
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction('SetsNamespace.contains(list<A>, list<A>): bool', (_n: SetsNamespace, a: unknown[], b: unknown[]) => containsAll(a, b))
    .registerFunction('SetsNamespace.equivalent(list<A>, list<A>): bool', (_n: SetsNamespace, a: unknown[], b: unknown[]) => containsAll(a, b) && containsAll(b, a))
    .registerFunction('SetsNamespace.intersects(list<A>, list<A>): bool', (_n: SetsNamespace, a: unknown[], b: unknown[]) => intersects(a, b));
}
