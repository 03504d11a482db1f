/**
 * JSON value helpers for the patch engines. Patches arrive from the network, so keys like
 * `__proto__` are ordinary data here: every read and write goes through own-property helpers,
 * never through `obj[key]`, which would reach (or replace) the prototype.
 */
import { isPlainObject } from '../../meta/index.js';

export type JsonObject = Record<string, unknown>;

export { isPlainObject };

export function hasOwn(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function getOwn(obj: JsonObject, key: string): unknown {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Defines an own, enumerable property, so even `__proto__` is stored as data. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Deep copy of a JSON value; `undefined` members vanish as they would on the wire. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * The JSON kind of a value as Go's encoding/json names it in errors ("cannot unmarshal array
 * into ..."), so messages read like the apiserver's.
 */
export function goKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Compact JSON for error messages, never throwing. */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
