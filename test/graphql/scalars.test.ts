/** The custom scalars check what they carry, in both directions. */
import { describe, expect, it } from 'vitest';
import { Int64Scalar, IntOrStringScalar, JSONScalar, StringMapScalar } from '../../src/graphql/index.js';
import { parseValue } from 'graphql';

describe('scalars', () => {
  it('Int64 takes safe integers only', () => {
    expect(Int64Scalar.serialize(2 ** 40)).toBe(2 ** 40);
    expect(Int64Scalar.parseLiteral(parseValue('1099511627776'))).toBe(2 ** 40);
    expect(() => Int64Scalar.serialize(1.5)).toThrow(/Int64 cannot represent 1.5/);
    expect(() => Int64Scalar.parseValue(2 ** 60)).toThrow(/53 bits/);
    expect(() => Int64Scalar.parseLiteral(parseValue('"1"'))).toThrow(/integer literal/);
  });

  it('IntOrString keeps the JSON type it was given', () => {
    expect(IntOrStringScalar.serialize(8080)).toBe(8080);
    expect(IntOrStringScalar.serialize('25%')).toBe('25%');
    expect(IntOrStringScalar.parseLiteral(parseValue('"http"'))).toBe('http');
    expect(() => IntOrStringScalar.parseValue(true)).toThrow(/IntOrString/);
  });

  it('StringMap takes objects of strings only', () => {
    expect(StringMapScalar.parseLiteral(parseValue('{ app: "web", tier: "db" }'))).toEqual({ app: 'web', tier: 'db' });
    expect(StringMapScalar.parseValue({ 'app.kubernetes.io/name': 'web' })).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(() => StringMapScalar.parseValue({ replicas: 3 })).toThrow(/"replicas" is 3/);
    expect(() => StringMapScalar.parseValue(['a'])).toThrow(/object whose values are strings/);
    expect(() => StringMapScalar.serialize('x')).toThrow();
  });

  it('JSON passes any value, literals included', () => {
    expect(JSONScalar.parseLiteral(parseValue('{ a: [1, "b", null, { c: true }] }'))).toEqual({ a: [1, 'b', null, { c: true }] });
    expect(JSONScalar.serialize({ 'f:metadata': {} })).toEqual({ 'f:metadata': {} });
  });
});
