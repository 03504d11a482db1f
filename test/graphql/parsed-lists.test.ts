/**
 * The objects parsed from a kept list (list-read.ts): the same array of stored JSON is kept
 * from its second read on, the objects frozen (shared between requests), and the bound counts
 * the JSON's characters, least recently used out first.
 */
import { describe, expect, it } from 'vitest';
import { ParsedLists } from '../../src/graphql/list-read.js';

const list = (...names: string[]): readonly string[] => names.map((name) => JSON.stringify({ metadata: { name, labels: { a: 'b' } }, data: { k: name } }));

describe('ParsedLists', () => {
  it('parses an array once and hands out frozen objects', () => {
    const parsed = new ParsedLists();
    const items = list('a', 'b');
    // Kept from the second read of the same array on.
    expect(parsed.objects(items).map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const first = parsed.objects(items);
    expect(first.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(parsed.objects(items)).toBe(first);
    // Another array (the list after a write) is parsed again, even with the same text.
    const again = list('a', 'b');
    expect(parsed.objects(again)).not.toBe(first);
    expect(parsed.objects(again)).not.toBe(first);
    const o = first[0] as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    expect(() => (o.data['k'] = 'changed')).toThrow(TypeError);
    expect(() => (o.metadata.labels['x'] = 'y')).toThrow(TypeError);
  });

  it('keeps at most its bound of JSON characters, least recently used out first', () => {
    const one = list('a');
    const chars = (one[0] as string).length;
    const parsed = new ParsedLists(2 * chars);
    const [a, b, c] = [list('a'), list('b'), list('c')];
    const twice = (items: readonly string[]) => (parsed.objects(items), parsed.objects(items));
    const keptA = twice(a);
    const keptB = twice(b);
    expect(parsed.objects(a)).toBe(keptA);
    twice(c);
    expect(parsed.objects(a)).toBe(keptA);
    expect(parsed.objects(b)).not.toBe(keptB);
    // A list larger than the bound is parsed and not kept.
    const big = list('x', 'y', 'z');
    expect(twice(big)).not.toBe(parsed.objects(big));
  });
});
