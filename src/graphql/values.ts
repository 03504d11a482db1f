/**
 * Checks on stored values where a field promises structure (an object, a list): data written
 * before a schema change, or by a CRD without a structural schema, may not match. A mismatch is a
 * field error at that spot rather than a crash or a silently wrong shape.
 */
import { GraphQLError } from 'graphql';
import { isPlainObject } from '../meta/index.js';
import type { Obj } from './builder.js';

const mismatch = (expected: string, value: unknown): never => {
  throw new GraphQLError(`stored value is not ${expected}: ${JSON.stringify(value)?.slice(0, 80) ?? typeof value}`);
};

export function asObject(value: unknown): Obj | null {
  if (value === undefined || value === null) return null;
  return isPlainObject(value) ? value : mismatch('an object', value);
}

export function asList(value: unknown): readonly unknown[] | null {
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value : mismatch('a list', value);
}

export function asObjectList(value: unknown): readonly (Obj | null)[] | null {
  const list = asList(value);
  return list === null ? null : list.map(asObject);
}
