/**
 * Kubernetes resource quantities ("500m", "1Gi", "2", "1e3"), as apimachinery's resource.Quantity
 * parses, compares and prints them. Written by hand: no npm library follows these exact rules.
 *
 * Every quantity is kept exactly, as a whole number of nano-units in a bigint, because Kubernetes
 * rounds anything finer than 1n up to it. The suffix family a value was written in (decimal SI,
 * binary SI, or a decimal exponent) is remembered, since the canonical form depends on it: "1.5Gi"
 * prints as "1536Mi", "1.5" as "1500m", "1000" as "1k".
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 10^9, rounded away from zero. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** The messages apimachinery uses, which kubectl users may search for. */
export const QUANTITY_ERRORS = {
  format: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
} as const;

export type QuantityResult = { ok: true; quantity: Quantity } | { ok: false; error: string };

const NANO = 1_000_000_000n;
/** Binary-SI values are capped at the largest int64, like apimachinery's maxAllowed. */
const MAX_BINARY = (2n ** 63n - 1n) * NANO;
/**
 * Decimal exponents beyond this are refused rather than expanded into enormous integers. Kubernetes
 * keeps them symbolically; no real quantity comes anywhere near.
 */
const MAX_EXPONENT = 1000;

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';

interface Scanned {
  negative: boolean;
  whole: string;
  fraction: string;
  suffix: string;
}

/** Splits sign, digits and suffix the way apimachinery's scanner does (stricter on bare signs). */
function scan(s: string): Scanned | undefined {
  let i = 0;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    i++;
  }
  const digitsFrom = (start: number): number => {
    let j = start;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    return j;
  };
  const wholeEnd = digitsFrom(i);
  const whole = s.slice(i, wholeEnd);
  i = wholeEnd;
  let fraction = '';
  if (s[i] === '.') {
    const fracEnd = digitsFrom(i + 1);
    fraction = s.slice(i + 1, fracEnd);
    i = fracEnd;
  }
  // Kubernetes reads "+", "-" and "." as zero; a number needs a digit here.
  if (whole === '' && fraction === '') return undefined;
  const suffixStart = i;
  while (i < s.length && SUFFIX_CHARS.includes(s[i] as string)) i++;
  if (s[i] === '-' || s[i] === '+') i++;
  i = digitsFrom(i);
  if (i !== s.length) return undefined;
  return { negative, whole, fraction, suffix: s.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } | undefined {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Divides rounding away from zero, as apimachinery rounds sub-nano values up. */
function divideUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : q + 1n;
}

export function parseQuantity(input: string): QuantityResult {
  if (input === '') return { ok: false, error: QUANTITY_ERRORS.format };
  const s = scan(input);
  if (!s) return { ok: false, error: QUANTITY_ERRORS.format };
  const suffix = interpretSuffix(s.suffix);
  if (!suffix) return { ok: false, error: QUANTITY_ERRORS.suffix };
  if (Math.abs(suffix.exponent) > MAX_EXPONENT) return { ok: false, error: QUANTITY_ERRORS.numeric };
  const digits = BigInt((s.whole || '0') + s.fraction);
  // The value is digits × 10^-fraction.length × base^exponent; scale it to nano-units.
  let numerator = digits * NANO;
  let denominator = 10n ** BigInt(s.fraction.length);
  if (suffix.base === 2) numerator *= 2n ** BigInt(suffix.exponent);
  else if (suffix.exponent >= 0) numerator *= 10n ** BigInt(suffix.exponent);
  else denominator *= 10n ** BigInt(-suffix.exponent);
  let nanos = divideUp(numerator, denominator);
  if (suffix.format === 'BinarySI' && nanos > MAX_BINARY) nanos = MAX_BINARY;
  return { ok: true, quantity: { nanos: s.negative ? -nanos : nanos, format: suffix.format } };
}

/**
 * A quantity as JSON carries it: a string (surrounding spaces ignored, as the Go decoder does) or
 * a bare number, which YAML manifests produce for `cpu: 2` or `pods: 10`.
 */
export function quantityFrom(value: unknown): QuantityResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, error: QUANTITY_ERRORS.format };
    return parseQuantity(String(value).replace('e+', 'e'));
  }
  if (typeof value === 'string') return parseQuantity(value.trim());
  return { ok: false, error: QUANTITY_ERRORS.format };
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function decimalForm(nanos: bigint, format: 'DecimalSI' | 'DecimalExponent'): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  // Only multiples of three have suffixes; spend digits to get down to one.
  while (((exponent % 3) + 3) % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  // Above exa there is no suffix; apimachinery then drops the exponent, which changes the value.
  // Stay at E instead, which reads back as the same number.
  while (exponent > 18) {
    mantissa *= 1000n;
    exponent -= 3;
  }
  const suffix = Object.keys(DECIMAL_SUFFIXES).find((k) => DECIMAL_SUFFIXES[k] === exponent) ?? '';
  return `${mantissa}${suffix}`;
}

/** The canonical string, which the apiserver stores and prints (`Quantity.String()`). */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  if (q.format === 'BinarySI') {
    // Small or fractional binary values read better, and exactly, in decimal.
    if (abs(q.nanos) < 1024n * NANO || q.nanos % NANO !== 0n) return decimalForm(q.nanos, 'DecimalSI');
    let units = q.nanos / NANO;
    let power = 0;
    while (units % 1024n === 0n && power < 6) {
      units /= 1024n;
      power++;
    }
    const suffix = Object.keys(BINARY_SUFFIXES).find((k) => BINARY_SUFFIXES[k] === power * 10) ?? '';
    return `${units}${suffix}`;
  }
  return decimalForm(q.nanos, q.format);
}

/** The canonical form of a JSON quantity value, or undefined when it does not parse. */
export function canonicalQuantity(value: unknown): string | undefined {
  const r = quantityFrom(value);
  return r.ok ? formatQuantity(r.quantity) : undefined;
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** The value in whole units, rounded away from zero (`Quantity.Value()`). */
export function quantityValue(q: Quantity): bigint {
  const units = divideUp(abs(q.nanos), NANO);
  return q.nanos < 0n ? -units : units;
}

/** The value in thousandths, rounded away from zero (`Quantity.MilliValue()`). */
export function quantityMilliValue(q: Quantity): bigint {
  const millis = divideUp(abs(q.nanos), 1_000_000n);
  return q.nanos < 0n ? -millis : millis;
}

export function isWholeNumber(q: Quantity): boolean {
  return q.nanos % NANO === 0n;
}
