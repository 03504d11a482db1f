/**
 * Continue tokens: opaque to clients, they carry the list's revision and the last key returned,
 * so every page of a paginated list is read at the first page's revision.
 */
import { StorageError } from './errors.js';
import type { Position } from './key-order.js';

export interface ContinuePosition {
  revision: number;
  resource: string;
  /** Position after which the next page starts: [cluster, namespace, name]. */
  after: Position;
}

export function encodeContinue(pos: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, r: pos.revision, g: pos.resource, k: pos.after })).toString('base64url');
}

export function decodeContinue(token: string, resource: string): ContinuePosition {
  const bad = (why: string): never => {
    throw new StorageError('InvalidContinue', `continue key is not valid: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return bad('not a continue token issued by this server');
  }
  // Any JSON decodes, null and numbers too: only an object can be a token.
  if (typeof raw !== 'object' || raw === null) bad('malformed token');
  const r = raw as { v?: unknown; r?: unknown; g?: unknown; k?: unknown };
  if (r.v !== 1 || typeof r.r !== 'number' || !Number.isSafeInteger(r.r) || r.r < 0) bad('malformed token');
  if (r.g !== resource) bad('the token belongs to a list of another resource');
  const k = r.k;
  if (!Array.isArray(k) || k.length !== 3 || !k.every((x) => typeof x === 'string')) bad('malformed position');
  return { revision: r.r as number, resource, after: k as unknown as Position };
}
