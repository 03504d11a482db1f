import { describe, expect, it } from 'vitest';
import { compilePattern, patternError } from '../../../src/crd/structural/pattern.js';

// Patterns are RE2 (Go's regexp, what Kubernetes compiles), including what ECMAScript spells differently or rejects.
const cases: [pattern: string, input: string, matches: boolean][] = [
  ['(?i)^abc$', 'ABC', true],
  ['^\\w+\\:\\d+$', 'a:1', true],
  ['^[[:alpha:]]+$', 'abZ', true],
  ['^[[:alpha:]]+$', 'a1', false],
  ['\\Aab\\z', 'ab', true],
  ['^[]a]+$', ']a', true],
  ['^(?P<x>a)b$', 'ab', true],
  ['^\\pL+$', 'éa', true],
  ['^.$', '😀', true],
  ['^\\s$', '\u00a0', false],
  ['b+', 'abbc', true],
];

describe('RE2 patterns', () => {
  it.each(cases)('%s on %s', (pattern, input, matches) => {
    expect(compilePattern(pattern).test(input)).toBe(matches);
  });

  it('reports patterns that do not compile as Go does', () => {
    expect(patternError('(a')).toBe('error parsing regexp: missing closing ): `(a`');
    expect(patternError('^a+$')).toBeUndefined();
  });

  it('matches in linear time (no catastrophic backtracking)', () => {
    const started = performance.now();
    expect(compilePattern('^(a+)+$').test(`${'a'.repeat(40)}b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
