/**
 * Ordering of (cluster, namespace, name) positions exactly as the stores order them: by the
 * UTF-8 bytes of each part (SQLite's BINARY collation, MongoDB's simple collation), which differs
 * from JavaScript's UTF-16 `<` outside the Basic Multilingual Plane.
 */
export type Position = readonly [cluster: string, namespace: string, name: string];

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  // ASCII fast path: byte order and UTF-16 order agree.
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function comparePositions(a: Position, b: Position): number {
  return compareUtf8(a[0], b[0]) || compareUtf8(a[1], b[1]) || compareUtf8(a[2], b[2]);
}

export const positionKey = (p: Position): string => `${p[0]}\u0000${p[1]}\u0000${p[2]}`;
