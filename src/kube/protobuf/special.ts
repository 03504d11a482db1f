/**
 * JSON forms of the wire types whose Go JSON marshallers are hand-written: Time, MicroTime,
 * Quantity, IntOrString, FieldsV1 and `[]string` wrappers such as ExtraValue. Each function
 * mirrors what Go's apiserver would print after decoding the same protobuf bytes.
 */
import { errors } from '../../registry/errors.js';
import type { SpecialJson } from './schema.js';
import type { Json } from './json.js';

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which marshals as null. */
const GO_ZERO_SECONDS = -62135596800;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function isEmpty(v: Record<string, unknown> | undefined): boolean {
  return v === undefined || Object.keys(v).length === 0;
}

/** Go's RFC 3339 in UTC; `micros` adds the fixed six fractional digits of RFC3339Micro. */
function formatTime(seconds: number, nanos: number, micros: boolean, path: string): string | null {
  const sec = seconds + Math.floor(nanos / 1e9);
  const ns = ((nanos % 1e9) + 1e9) % 1e9;
  if (sec === GO_ZERO_SECONDS && (!micros || ns === 0)) return null;
  const date = new Date(sec * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw errors.badRequest(`${path}: timestamp ${seconds}s is outside the years 0000-9999`);
  }
  const base = date.toISOString().slice(0, 19);
  return micros ? `${base}.${String(Math.floor(ns / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function fieldsV1(v: Record<string, unknown> | undefined, path: string): Json {
  const raw = typeof v?.Raw === 'string' ? Buffer.from(v.Raw, 'base64').toString('utf8') : '';
  try {
    return JSON.parse(raw) as Json;
  } catch {
    throw errors.badRequest(`${path}: fieldsV1 does not hold valid JSON`);
  }
}

/** `v` is the protobufjs plain object of the message, or undefined when the field is unset. */
export function specialToJson(kind: SpecialJson, v: Record<string, unknown> | undefined, path: string): Json {
  switch (kind) {
    case 'time':
      // Go's metav1.Time unmarshal keeps only seconds; an empty message is the zero time.
      return isEmpty(v) ? null : formatTime(num(v?.seconds), 0, false, path);
    case 'microTime':
      return isEmpty(v) ? null : formatTime(num(v?.seconds), num(v?.nanos), true, path);
    case 'quantity':
      // The canonical string the client serialized; an unset Quantity is Go's zero, "0".
      return typeof v?.string === 'string' ? v.string : '0';
    case 'intOrString': {
      const type = num(v?.type);
      if (type === 0) return num(v?.intVal);
      if (type === 1) return typeof v?.strVal === 'string' ? v.strVal : '';
      throw errors.badRequest(`${path}: IntOrString has unknown type ${type}`);
    }
    case 'fieldsV1':
      return fieldsV1(v, path);
    case 'stringList':
      // Go's generated unmarshal of a map value always yields a non-nil slice: [] not null.
      return Array.isArray(v?.items) ? (v.items as Json[]) : [];
  }
}
