/**
 * Turns a decoded protobuf message into the JSON object Go's encoding/json would print for
 * the same Kubernetes struct: JSON names, struct field order, `omitempty` rules (zero
 * scalars, empty slices and maps and nil pointers dropped; value structs always present;
 * tags without omitempty kept, nil slices as null), sorted map keys, base64 bytes.
 */
import type { FieldInfo } from './schema.js';
import type { Json, JsonObject } from './json.js';
import { messageInfo } from './registry.js';
import { specialToJson } from './special.js';

type Plain = Record<string, unknown>;

const asPlain = (v: unknown): Plain | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Plain) : undefined;

const ZERO: Record<string, Json> = { string: '', bool: false, int32: 0, int64: 0, bytes: '' };

function isZero(v: unknown): boolean {
  return v === undefined || v === '' || v === false || v === 0;
}

/** One element (slice item, map value, or the field's own value) of a field. */
function elementToJson(f: FieldInfo, v: unknown, path: string): Json {
  if (f.scalar) return (v ?? ZERO[f.type] ?? null) as Json;
  return messageToJson(f.type, asPlain(v), path);
}

function fieldToJson(f: FieldInfo, v: unknown, path: string): Json | undefined {
  switch (f.label) {
    case 'repeated': {
      if (Array.isArray(v) && v.length > 0) return v.map((el, i) => elementToJson(f, el, `${path}[${i}]`));
      return f.keep ? null : undefined;
    }
    case 'map': {
      const m = asPlain(v);
      const keys = m ? Object.keys(m).sort() : [];
      if (keys.length === 0) return f.keep ? null : undefined;
      const out: JsonObject = {};
      for (const k of keys) out[k] = elementToJson(f, m?.[k], `${path}[${k}]`);
      return out;
    }
    case 'pointer':
      if (v !== undefined && v !== null) return elementToJson(f, v, path);
      return f.keep ? null : undefined;
    case 'value':
      if (!f.scalar) return elementToJson(f, v, path); // value structs are never omitted
      return f.keep || !isZero(v) ? elementToJson(f, v, path) : undefined;
  }
}

/**
 * `value` is protobufjs' `toObject` output (longs as numbers, bytes as base64) or undefined
 * for an unset field; `path` (e.g. `metadata.ownerReferences[0]`) names it in errors.
 */
export function messageToJson(name: string, value: Plain | undefined, path: string): Json {
  const info = messageInfo(name);
  if (info.special) return specialToJson(info.special, value, path);
  const out: JsonObject = {};
  for (const f of info.fields) {
    const json = fieldToJson(f, value?.[f.json], path ? `${path}.${f.json}` : f.json);
    if (json !== undefined) out[f.json] = json;
  }
  return out;
}
