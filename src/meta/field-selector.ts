/**
 * Field selectors (`?fieldSelector=metadata.name=foo,status.phase!=Active`), as apimachinery's
 * `fields.ParseSelector`: `=`, `==` and `!=`, with `\,` `\=` `\\` escapes in values. Which fields
 * a kind supports is the registry's decision; this module only parses and evaluates.
 */
import { SelectorParseError } from './label-selector.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;
  matches(object: unknown): boolean;
  toString(): string;
}

function fieldValue(object: unknown, path: string): string {
  let cur: unknown = object;
  for (const part of path.split('.')) {
    // Own properties only: `metadata.constructor` is a missing field, not Object's constructor.
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, part)) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

function compile(requirements: FieldRequirement[]): FieldSelector {
  const reqs = [...requirements];
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    matches: (object) =>
      reqs.every((r) => (fieldValue(object, r.field) === r.value) === (r.operator === '=')),
    toString: () => reqs.map((r) => `${r.field}${r.operator}${escape(r.value)}`).join(','),
  };
}

function escape(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Splits on unescaped `sep`, keeping escapes for the next stage. */
function splitUnescaped(input: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (c === '\\' && i + 1 < input.length) {
      cur += c + input[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function unescape(value: string, input: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const n = value[i + 1];
      if (n === undefined || !'\\,='.includes(n)) {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence in "${input}"`);
      }
      out += n;
      i++;
    } else if (c === '=' || c === ',') {
      throw new SelectorParseError(`invalid field selector: unescaped "${c}" in value of "${input}"`);
    } else {
      out += c;
    }
  }
  return out;
}

export const everyField: FieldSelector = compile([]);

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at the first operator; the field part has no escapes (apimachinery's splitTerm). */
function splitTerm(term: string): { field: string; operator: FieldRequirement['operator']; rest: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) {
        return { field: term.slice(0, i), operator: op === '!=' ? '!=' : '=', rest: term.slice(i + op.length) };
      }
    }
  }
  return undefined;
}

/** Empty terms (`a=b,`, `a=b,,c=d`) are skipped, as `fields.ParseSelector` does. */
export function parseFieldSelector(input: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const part of splitUnescaped(input, ',')) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw new SelectorParseError(`invalid selector: '${input}'; can't understand '${part}'`);
    if (!/^[A-Za-z0-9_.-]+$/.test(term.field)) {
      throw new SelectorParseError(`invalid field selector: invalid field name "${term.field}" in "${input}"`);
    }
    reqs.push({ field: term.field, operator: term.operator, value: unescape(term.rest, input) });
  }
  return reqs.length === 0 ? everyField : compile(reqs);
}

/** Builds a selector from requirements (e.g. the registry adding `metadata.namespace`). */
export function fieldSelectorOf(requirements: FieldRequirement[]): FieldSelector {
  return compile(requirements);
}
