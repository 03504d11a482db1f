/**
 * Label selectors: the string form of `?labelSelector=` (apimachinery `labels.Parse`) and the
 * structured `LabelSelector` of API objects, both compiled to one list of requirements.
 */
import { validateLabelValue, validateQualifiedName } from './validation.js';

export type LabelOperator = 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** True when the selector has no requirements (selects everything). */
  readonly empty: boolean;
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  toString(): string;
}

function compile(requirements: LabelRequirement[]): LabelSelector {
  // Values form a set and requirements are kept in key order, as apimachinery does, so that
  // equivalent selectors print the same.
  const frozen = requirements
    .map((r) => ({ ...r, values: [...new Set(r.values)].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: frozen,
    empty: frozen.length === 0,
    matches: (labels) => frozen.every((r) => matchRequirement(r, labels ?? {})),
    toString: () => frozen.map(formatRequirement).join(','),
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

function matchRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const left = parseInt64(value);
      const right = parseInt64(r.values[0] as string);
      if (left === undefined || right === undefined) return false;
      return r.operator === 'gt' ? left > right : left < right;
    }
  }
}

function formatRequirement(r: LabelRequirement): string {
  switch (r.operator) {
    case 'in':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
    case 'notin':
      return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
  }
}

export const everything: LabelSelector = compile([]);

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' };

/** The lexer's whitespace: space, tab, CR and LF only (anything else is part of an identifier). */
const WHITESPACE = /[ \t\r\n]/;
const SPECIAL = '=!><(),';

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (WHITESPACE.test(c)) {
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
    } else if (SPECIAL.includes(c)) {
      tokens.push({ kind: 'op', text: c as '=' | '!' | '>' | '<' | '(' | ')' | ',' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !WHITESPACE.test(input[j] as string) && !SPECIAL.includes(input[j] as string)) j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function isOp(t: Token | undefined, text: string): boolean {
  return t?.kind === 'op' && t.text === text;
}

/**
 * Parses `a=b,c!=d,e in (f,g),!h,i,j>1` into a selector; throws SelectorParseError with a clear
 * message. As in Kubernetes, the empty string is a valid value: `a=`, `a in ()` and `a in (b,)`
 * all select an empty value.
 */
export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  const reqs: LabelRequirement[] = [];
  let pos = 0;
  function fail(msg: string): never {
    throw new SelectorParseError(`unable to parse requirement: ${msg} in label selector "${input}"`);
  }
  function expectId(what: string): string {
    const t = tokens[pos++];
    if (t?.kind !== 'id') return fail(`expected ${what}`);
    return t.text;
  }
  function checkKey(key: string): void {
    const errs = validateQualifiedName(key);
    if (errs.length) fail(`invalid label key "${key}": ${errs.join('; ')}`);
  }
  function checkValue(key: string, value: string): void {
    const errs = validateLabelValue(value);
    if (errs.length) fail(`invalid label value: "${value}": at key: "${key}": ${errs.join('; ')}`);
  }
  /** `( v1, v2, ... )`, where empty entries (`()`, `(a,)`, `(a,,b)`) stand for the empty value. */
  function parseValueList(key: string, op: string): string[] {
    if (!isOp(tokens[pos++], '(')) fail(`expected "(" after "${op}"`);
    if (isOp(tokens[pos], ')')) {
      pos++;
      return [''];
    }
    const values: string[] = [];
    const first = tokens[pos];
    if (first?.kind !== 'id' && !isOp(first, ',')) fail(`expected a value, "," or ")" after "${op} ("`);
    while (true) {
      const t = tokens[pos++];
      if (t?.kind === 'id') {
        checkValue(key, t.text);
        values.push(t.text);
        const next = tokens[pos];
        if (isOp(next, ',')) continue;
        if (!isOp(next, ')')) fail(next ? `expected "," or ")" but found "${next.text}"` : 'missing ")"');
        pos++;
        return values;
      }
      if (!isOp(t, ',')) fail(t ? `unexpected "${t.text}" in value list` : 'missing ")"');
      if (values.length === 0) values.push('');
      if (isOp(tokens[pos], ')')) {
        pos++;
        values.push('');
        return values;
      }
      if (isOp(tokens[pos], ',')) {
        pos++;
        values.push('');
      }
    }
  }

  while (pos < tokens.length) {
    if (isOp(tokens[pos], '!')) {
      pos++;
      const key = expectId('a key after "!"');
      checkKey(key);
      reqs.push({ key, operator: '!', values: [] });
    } else {
      const key = expectId('a key');
      checkKey(key);
      const next = tokens[pos];
      if (!next || isOp(next, ',')) {
        reqs.push({ key, operator: 'exists', values: [] });
      } else if (next.kind === 'op' && (next.text === '=' || next.text === '==' || next.text === '!=')) {
        pos++;
        const v = tokens[pos];
        let value = '';
        if (v?.kind === 'id') {
          value = v.text;
          pos++;
        }
        checkValue(key, value);
        reqs.push({ key, operator: next.text === '!=' ? 'notin' : 'in', values: [value] });
      } else if (next.kind === 'op' && (next.text === '>' || next.text === '<')) {
        pos++;
        const value = expectId('an integer value');
        if (parseInt64(value) === undefined) {
          fail(`for 'Gt', 'Lt' operators, the value must be an integer, got "${value}"`);
        }
        checkValue(key, value);
        reqs.push({ key, operator: next.text === '>' ? 'gt' : 'lt', values: [value] });
      } else if (next.kind === 'id' && (next.text === 'in' || next.text === 'notin')) {
        pos++;
        reqs.push({ key, operator: next.text, values: parseValueList(key, next.text) });
      } else {
        fail(`unexpected "${next.text}" after key "${key}"`);
      }
    }
    const sep = tokens[pos];
    if (sep) {
      if (!isOp(sep, ',')) fail(`expected "," but found "${sep.text}"`);
      pos++;
      if (pos >= tokens.length) fail('trailing ","');
    }
  }
  return reqs.length === 0 ? everything : compile(reqs);
}

/** The structured form used inside API objects (matchLabels + matchExpressions). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const SELECTOR_OPERATORS: ReadonlyMap<string, LabelOperator> = new Map([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
]);

/** The checks of apimachinery's `NewRequirement`, for requirements that do not come from the parser. */
function checkRequirement(r: LabelRequirement): LabelRequirement {
  const errs = validateQualifiedName(r.key).map((m) => `invalid label key "${r.key}": ${m}`);
  if ((r.operator === 'in' || r.operator === 'notin') && r.values.length === 0) {
    errs.push(`key "${r.key}": for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((r.operator === 'exists' || r.operator === '!') && r.values.length !== 0) {
    errs.push(`key "${r.key}": values set must be empty for exists and does not exist`);
  }
  for (const v of r.values) {
    const msgs = validateLabelValue(v);
    if (msgs.length) errs.push(`invalid label value: "${v}": at key: "${r.key}": ${msgs.join('; ')}`);
  }
  if (errs.length) throw new SelectorParseError(`invalid label selector: ${errs.join('; ')}`);
  return r;
}

/** apimachinery's `LabelSelectorAsSelector`: an empty selector selects everything. */
export function labelSelectorFromObject(sel: LabelSelectorObject): LabelSelector {
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    reqs.push(checkRequirement({ key, operator: 'in', values: [value] }));
  }
  for (const e of sel.matchExpressions ?? []) {
    const operator = SELECTOR_OPERATORS.get(e.operator);
    if (!operator) throw new SelectorParseError(`"${e.operator}" is not a valid label selector operator`);
    reqs.push(checkRequirement({ key: e.key, operator, values: [...(e.values ?? [])] }));
  }
  return reqs.length === 0 ? everything : compile(reqs);
}
