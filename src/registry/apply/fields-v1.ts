/**
 * FieldsV1, the JSON form of a field set in `metadata.managedFields[].fieldsV1`: a trie whose keys
 * are path elements (`f:`, `k:`, `v:`, `i:`), where `{}` marks a member leaf and a `".": {}` entry
 * marks a member that also has owned children. Keys are written in Kubernetes' element order with
 * `.` first, so the JSON matches the apiserver's byte for byte.
 */
import { isPlainObject } from '../../meta/index.js';
import { FieldSet } from './field-set.js';
import { compareElements, parseElement, type PathElement } from './path-element.js';

export type FieldsV1 = Record<string, unknown>;

export function fieldSetToFieldsV1(set: FieldSet): FieldsV1 {
  return encodeLevel(set, false);
}

function encodeLevel(set: FieldSet, selfIsMember: boolean): FieldsV1 {
  const out: FieldsV1 = {};
  if (selfIsMember) out['.'] = {};
  const members = set.sortedMembers();
  const children = new Map(set.sortedChildren().map((c) => [c.element.id, c]));
  const elements = new Map<string, PathElement>();
  for (const pe of members) elements.set(pe.id, pe);
  for (const c of children.values()) elements.set(c.element.id, c.element);
  for (const pe of [...elements.values()].sort(compareElements)) {
    const child = children.get(pe.id);
    const member = set.hasMember(pe);
    out[pe.id] = child ? encodeLevel(child.set, member) : {};
  }
  return out;
}

/** Parses FieldsV1 JSON; throws on anything the apiserver would fail to decode. */
export function fieldSetFromFieldsV1(json: unknown): FieldSet {
  if (!isPlainObject(json)) throw new Error('FieldsV1 must be a JSON object');
  const set = new FieldSet();
  decodeLevel(json, set);
  return set;
}

/** Fills `into` from one trie level; returns whether the level marks its own path as a member. */
function decodeLevel(json: Record<string, unknown>, into: FieldSet): boolean {
  let selfMember = false;
  let hasEntries = false;
  for (const [key, value] of Object.entries(json)) {
    if (key === '.') {
      selfMember = true;
      continue;
    }
    if (!isPlainObject(value)) throw new Error(`FieldsV1 entry ${key} must be an object`);
    hasEntries = true;
    const pe = parseElement(key);
    const below = new FieldSet();
    if (decodeLevel(value, below)) into.addMember(pe);
    into.addChild(pe, below);
  }
  // An empty object (or one holding only ".") is a leaf: the path itself is in the set.
  return selfMember || !hasEntries;
}
