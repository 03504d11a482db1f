/**
 * Kubernetes timestamps in JSON: `Time` (RFC 3339, whole seconds) and `MicroTime` (RFC 3339 with
 * exactly six fractional digits). The apiserver re-encodes both in UTC, so a stored object never
 * shows a client's offset or extra precision; we normalise the same way on write.
 *
 * Parsing is more lenient than apimachinery's for MicroTime, which insists on six digits: clients
 * such as @kubernetes/client-node send JavaScript's three, and refusing them helps nobody.
 */
import type { FieldError } from '../errors.js';

/** A parsed instant: milliseconds since the epoch plus the sub-millisecond nanoseconds. */
export interface Instant {
  epochMs: number;
  /** 0-999999: nanoseconds beyond `epochMs`. */
  subMsNanos: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;

export function parseTimestamp(value: string): Instant | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March; a real calendar date survives the round trip.
  const check = new Date(base);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  let offsetMs = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetMs = (oh * 60 + om) * 60_000 * (m[8]?.startsWith('-') ? -1 : 1);
  }
  const nanos = Number((m[7] ?? '').padEnd(9, '0'));
  return { epochMs: base - offsetMs + Math.floor(nanos / 1e6), subMsNanos: nanos % 1e6 };
}

function utcSeconds(t: Instant): string {
  return new Date(t.epochMs).toISOString().slice(0, 19);
}

/** metav1.Time's encoding: UTC, fractions truncated. */
export function formatTime(t: Instant): string {
  return `${utcSeconds(t)}Z`;
}

/** metav1.MicroTime's encoding: UTC, six fractional digits, the rest truncated. */
export function formatMicroTime(t: Instant): string {
  const ms = ((t.epochMs % 1000) + 1000) % 1000;
  const micros = ms * 1000 + Math.floor(t.subMsNanos / 1000);
  return `${utcSeconds(t)}.${String(micros).padStart(6, '0')}Z`;
}

export type TimeKind = 'Time' | 'MicroTime';

/** Rewrites a valid timestamp field in its canonical encoding; anything else is left for validation. */
export function normalizeTimestamp(holder: unknown, key: string, kind: TimeKind): void {
  if (typeof holder !== 'object' || holder === null) return;
  const rec = holder as Record<string, unknown>;
  const v = rec[key];
  if (typeof v !== 'string') return;
  const t = parseTimestamp(v);
  if (t) rec[key] = kind === 'Time' ? formatTime(t) : formatMicroTime(t);
}

/** Errors for a timestamp field that is present but not RFC 3339. */
export function timestampErrors(value: unknown, field: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string' && parseTimestamp(value)) return [];
  return [{ type: 'FieldValueInvalid', field, value, detail: 'must be an RFC 3339 timestamp (e.g. 2006-01-02T15:04:05Z)' }];
}

/** A timestamp field that holds a value (Go's `!t.IsZero()`). */
export const hasTime = (v: unknown): boolean => typeof v === 'string' && v !== '';
