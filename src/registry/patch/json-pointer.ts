/**
 * Strict RFC 6901 resolution for JSON patch. rfc6902 parses the pointer (and its `~0`/`~1`
 * escapes); resolution is done here because the library's evaluator is lenient in ways a server
 * must not be: it reads inherited properties (`/metadata/name/length` "exists"), lets any token
 * address an array, and skips `__proto__`, `constructor` and `prototype` tokens (which are valid
 * label keys). Here only own members and canonical array indices resolve.
 */
import { Pointer } from 'rfc6902';
import { hasOwn, isPlainObject, type JsonObject } from './json.js';

export type Container = JsonObject | unknown[];

/** Where a pointer lands: the container holding it and the (unescaped) last token. */
export interface Location {
  container: Container;
  key: string;
}

export class PointerError extends Error {}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** Tokens after the leading empty one; `""` (the whole document) gives `[]`. */
export function parsePointer(path: unknown): string[] {
  if (typeof path !== 'string') throw new PointerError(`invalid JSON pointer: ${String(path)}`);
  try {
    return Pointer.fromJSON(path).tokens.slice(1);
  } catch {
    throw new PointerError(`invalid JSON pointer: ${path}`);
  }
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isPlainObject(value);
}

/** The member `key` of `container`, or undefined when it is absent. */
export function member(container: Container, key: string): { value: unknown } | undefined {
  if (Array.isArray(container)) {
    if (!INDEX.test(key)) return undefined;
    const i = Number(key);
    return i < container.length ? { value: container[i] } : undefined;
  }
  return hasOwn(container, key) ? { value: container[key] } : undefined;
}

/** The container that must exist for `tokens` (every token but the last) plus the last token. */
export function locate(doc: unknown, tokens: string[], path: string): Location {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    const next = isContainer(current) ? member(current, token) : undefined;
    if (!next) throw new PointerError(`doc is missing path: ${path}`);
    current = next.value;
  }
  if (!isContainer(current)) throw new PointerError(`doc is missing path: ${path}`);
  return { container: current, key: tokens[tokens.length - 1] ?? '' };
}

/** The value at `tokens`, which must exist. */
export function valueAt(doc: unknown, tokens: string[], path: string): unknown {
  if (tokens.length === 0) return doc;
  const { container, key } = locate(doc, tokens, path);
  const found = member(container, key);
  if (!found) throw new PointerError(`doc is missing path: ${path}`);
  return found.value;
}

/** Array index for insertion: `-` or 0..length. */
export function insertionIndex(list: unknown[], key: string, path: string): number {
  if (key === '-') return list.length;
  if (!INDEX.test(key) || Number(key) > list.length) throw new PointerError(`index out of bounds: ${path}`);
  return Number(key);
}
