/**
 * One step of a field path, as structured-merge-diff names them: a field of a map (`f:name`), a
 * list-map item by its key fields (`k:{"name":"web"}`), a set item by value (`v:"a"`) or a list
 * position (`i:0`, never produced here: atomic lists are owned whole). Each element carries its
 * FieldsV1 key as `id`, canonical (sorted keys, Go's JSON), so sets can index by it.
 */
import { isPlainObject } from '../../meta/index.js';
import { compareFieldLists, compareStrings, compareValues, formatValue, goJson, type FieldList } from './go-values.js';

export type PathElement =
  | { readonly type: 'field'; readonly name: string; readonly id: string }
  | { readonly type: 'key'; readonly fields: FieldList; readonly id: string }
  | { readonly type: 'value'; readonly value: unknown; readonly id: string }
  | { readonly type: 'index'; readonly index: number; readonly id: string };

export type Path = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ type: 'field', name, id: `f:${name}` });

/** `fields` must already be sorted by name (Kubernetes sorts key fields before naming an item). */
export const keyElement = (fields: FieldList): PathElement => ({
  type: 'key',
  fields,
  id: `k:{${fields.map(([n, v]) => `${goJson(n)}:${goJson(v)}`).join(',')}}`,
});

export const valueElement = (value: unknown): PathElement => ({ type: 'value', value, id: `v:${goJson(value)}` });

export const indexElement = (index: number): PathElement => ({ type: 'index', index, id: `i:${index}` });

const TYPE_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** Fields before keys before values before indexes, then by content. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.type !== b.type) return TYPE_ORDER[a.type] < TYPE_ORDER[b.type] ? -1 : 1;
  switch (a.type) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareFieldLists(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

/** Parses a FieldsV1 key (anything but `.`); throws on malformed keys, as the apiserver does. */
export function parseElement(key: string): PathElement {
  if (key.length < 2) throw new Error(`key must be 2 characters long: ${key}`);
  if (key[1] !== ':') throw new Error(`missing colon: ${key}`);
  const body = key.slice(2);
  switch (key[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(JSON.parse(body) as unknown);
    case 'k': {
      const parsed = JSON.parse(body) as unknown;
      if (!isPlainObject(parsed)) throw new Error(`key path element must be a JSON object: ${key}`);
      const fields = Object.keys(parsed)
        .sort(compareStrings)
        .map((k) => [k, parsed[k]] as const);
      return keyElement(fields);
    }
    case 'i':
      if (!/^[+-]?\d+$/.test(body)) throw new Error(`invalid index: ${key}`);
      return indexElement(Number(body));
    default:
      throw new Error('unknown path element type');
  }
}

/** A path as Kubernetes prints it in conflicts: `.spec.containers[name="web"].image`, `.metadata.finalizers[="a"]`. */
export function formatPath(path: Path): string {
  return path
    .map((pe) => {
      switch (pe.type) {
        case 'field':
          return `.${pe.name}`;
        case 'key':
          return `[${pe.fields.map(([n, v]) => `${n}=${formatValue(v)}`).join(',')}]`;
        case 'value':
          return `[=${formatValue(pe.value)}]`;
        case 'index':
          return `[${pe.index}]`;
      }
    })
    .join('');
}
