/** Resource quantities: parsing, canonical form and comparison as apimachinery's resource.Quantity. */
import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  quantityFrom,
  quantityMilliValue,
  quantityValue,
  QUANTITY_ERRORS,
  type Quantity,
} from '../../src/registry/builtins/quantity.js';

function q(s: string): Quantity {
  const r = parseQuantity(s);
  if (!r.ok) throw new Error(`${s}: ${r.error}`);
  return r.quantity;
}

describe('canonical form', () => {
  it.each([
    ['0', '0'],
    ['1', '1'],
    ['100', '100'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['1.0', '1'],
    ['500m', '500m'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['0.1m', '100u'],
    ['100n', '100n'],
    ['0.1n', '1n'],
    ['1k', '1k'],
    ['12M', '12M'],
    ['1G', '1G'],
    ['1000G', '1T'],
    ['1E', '1E'],
    ['1000E', '1000E'],
    ['1Ki', '1Ki'],
    ['1024Ki', '1Mi'],
    ['1025Ki', '1025Ki'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1023', '1023'],
    ['1e3', '1e3'],
    ['1E3', '1e3'],
    ['1.5e3', '1500'],
    ['1e-3', '1e-3'],
    ['1e+3', '1e3'],
    ['-1', '-1'],
    ['-1.5Gi', '-1536Mi'],
    ['-500m', '-500m'],
    ['+2', '2'],
    ['007', '7'],
    ['.5', '500m'],
    ['5.', '5'],
    ['0Ki', '0'],
    ['0.000m', '0'],
  ])('%s → %s', (input, canonical) => {
    expect(formatQuantity(q(input))).toBe(canonical);
  });

  it('caps binary-SI values at the largest int64, as Kubernetes does', () => {
    expect(formatQuantity(q('8Ei'))).toBe('9223372036854775807');
    expect(formatQuantity(q('7Ei'))).toBe('7Ei');
  });

  it('keeps large decimal values exactly', () => {
    expect(formatQuantity(q('123456789012345678901234567890'))).toBe('123456789012345678901234567890');
    expect(formatQuantity(q('1e21'))).toBe('1e21');
  });
});

describe('errors', () => {
  it.each(['', ' ', 'abc', '1.5.5', 'Ki', '-', '+', '.', '1 Ki', '1Mi2', '--1', '1e', '1z'])('%j does not parse', (input) => {
    expect(parseQuantity(input).ok).toBe(false);
  });

  it('reports the apimachinery messages', () => {
    expect(parseQuantity('abc')).toEqual({ ok: false, error: QUANTITY_ERRORS.format });
    expect(parseQuantity('1ki')).toEqual({ ok: false, error: QUANTITY_ERRORS.suffix });
    expect(parseQuantity('1MM')).toEqual({ ok: false, error: QUANTITY_ERRORS.suffix });
    expect(parseQuantity('1e99999')).toEqual({ ok: false, error: QUANTITY_ERRORS.numeric });
  });
});

describe('JSON values', () => {
  it('accepts numbers, as YAML manifests produce them, and trims strings', () => {
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity(0.25)).toBe('250m');
    expect(canonicalQuantity(1e21)).toBe('1e21');
    expect(canonicalQuantity(' 1Gi ')).toBe('1Gi');
    expect(canonicalQuantity(Number.NaN)).toBeUndefined();
    expect(canonicalQuantity(true)).toBeUndefined();
    expect(canonicalQuantity(null)).toBeUndefined();
    expect(quantityFrom('1Gi').ok).toBe(true);
  });
});

describe('comparison and values', () => {
  it('compares across suffix families', () => {
    expect(compareQuantities(q('1Gi'), q('1G'))).toBe(1);
    expect(compareQuantities(q('1000m'), q('1'))).toBe(0);
    expect(compareQuantities(q('1k'), q('1Ki'))).toBe(-1);
    expect(compareQuantities(q('-1'), q('0'))).toBe(-1);
  });

  it('rounds values and milli-values away from zero', () => {
    expect(quantityValue(q('1500m'))).toBe(2n);
    expect(quantityValue(q('1'))).toBe(1n);
    expect(quantityValue(q('-1500m'))).toBe(-2n);
    expect(quantityMilliValue(q('1.0001'))).toBe(1001n);
    expect(quantityMilliValue(q('2'))).toBe(2000n);
  });
});
