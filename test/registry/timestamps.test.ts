/** Time and MicroTime encodings: parsing RFC 3339 and re-encoding the way the apiserver stores them. */
import { describe, expect, it } from 'vitest';
import { formatMicroTime, formatTime, parseTimestamp } from '../../src/registry/builtins/timestamps.js';

const micro = (s: string): string | undefined => {
  const t = parseTimestamp(s);
  return t && formatMicroTime(t);
};

describe('timestamps', () => {
  it('re-encodes in UTC, truncating to seconds (Time) or microseconds (MicroTime)', () => {
    const t = parseTimestamp('2024-05-01T12:00:00.123456789+02:00');
    expect(t && formatTime(t)).toBe('2024-05-01T10:00:00Z');
    expect(micro('2024-05-01T12:00:00.123456789+02:00')).toBe('2024-05-01T10:00:00.123456Z');
    expect(micro('2024-05-01T00:00:00Z')).toBe('2024-05-01T00:00:00.000000Z');
    expect(micro('2024-05-01T00:30:00.5-01:30')).toBe('2024-05-01T02:00:00.500000Z');
    expect(micro('1969-12-31T23:59:59.999999Z')).toBe('1969-12-31T23:59:59.999999Z');
  });

  it.each(['2024-02-30T00:00:00Z', '2024-05-01 10:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:00:00', '2024-05-01T10:00:00+0200', 'now', ''])(
    '%j is not RFC 3339',
    (s) => {
      expect(parseTimestamp(s)).toBeUndefined();
    },
  );
});
