/**
 * Kubernetes CEL quantity library (apiserver `library.Quantity`): `quantity(s)`, `isQuantity(s)`,
 * and on a Quantity `isInteger()`, `asInteger()`, `asApproximateFloat()`, `sign()`, `add(Quantity|int)`,
 * `sub(Quantity|int)`, `isLessThan(Quantity)`, `isGreaterThan(Quantity)`, `compareTo(Quantity)`,
 * plus `==` comparing values (`quantity('1') == quantity('1000m')`). Parsing is the registry's own
 * apimachinery-compatible parser.
 */
import { EvaluationError, type Environment } from '@marcbachmann/cel-js';
import { compareQuantities, formatQuantity, isWholeNumber, parseQuantity, type Quantity } from '../../registry/builtins/quantity.js';

const NANO = 1_000_000_000n;
const MAX_INT64 = 9_223_372_036_854_775_807n;
const MIN_INT64 = -9_223_372_036_854_775_808n;

export class QuantityValue {
  constructor(readonly q: Quantity) {}
  toString(): string {
    return formatQuantity(this.q);
  }
}

function parseOrFail(s: string): QuantityValue {
  const r = parseQuantity(s);
  if (!r.ok) throw new EvaluationError(r.error);
  return new QuantityValue(r.quantity);
}

function plus(a: QuantityValue, nanos: bigint): QuantityValue {
  return new QuantityValue({ nanos: a.q.nanos + nanos, format: a.q.format });
}

export function registerQuantityLibrary(env: Environment): void {
  env
    .registerType('Quantity', { ctor: QuantityValue, fields: {} })
    .registerFunction('quantity(string): Quantity', parseOrFail)
    .registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s).ok)
    .registerFunction('Quantity.isInteger(): bool', (a: QuantityValue) => isWholeNumber(a.q))
    .registerFunction('Quantity.asInteger(): int', (a: QuantityValue) => {
      if (!isWholeNumber(a.q)) throw new EvaluationError('cannot convert value to integer');
      const v = a.q.nanos / NANO;
      if (v > MAX_INT64 || v < MIN_INT64) throw new EvaluationError('cannot convert value to integer');
      return v;
    })
    .registerFunction('Quantity.asApproximateFloat(): double', (a: QuantityValue) => Number(a.q.nanos) / 1e9)
    .registerFunction('Quantity.sign(): int', (a: QuantityValue) => BigInt(compareQuantities(a.q, { nanos: 0n, format: a.q.format })))
    .registerFunction('Quantity.add(Quantity): Quantity', (a: QuantityValue, b: QuantityValue) => plus(a, b.q.nanos))
    .registerFunction('Quantity.add(int): Quantity', (a: QuantityValue, b: bigint) => plus(a, b * NANO))
    .registerFunction('Quantity.sub(Quantity): Quantity', (a: QuantityValue, b: QuantityValue) => plus(a, -b.q.nanos))
    .registerFunction('Quantity.sub(int): Quantity', (a: QuantityValue, b: bigint) => plus(a, -b * NANO))
    .registerFunction('Quantity.isLessThan(Quantity): bool', (a: QuantityValue, b: QuantityValue) => compareQuantities(a.q, b.q) < 0)
    .registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: QuantityValue, b: QuantityValue) => compareQuantities(a.q, b.q) > 0)
    .registerFunction('Quantity.compareTo(Quantity): int', (a: QuantityValue, b: QuantityValue) => BigInt(compareQuantities(a.q, b.q)))
    .registerFunction('string(Quantity): string', (a: QuantityValue) => a.toString())
    .registerOperator('Quantity == Quantity', (a: QuantityValue, b: QuantityValue) => compareQuantities(a.q, b.q) === 0);
}
