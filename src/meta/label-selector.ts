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
  const frozen = requirements.map((r) => ({ ...r, values: [...r.values].sort() }));
  return {
    requirements: frozen,
    empty: frozen.length === 0,
    matches: (labels) => frozen.every((r) => matchRequirement(r, labels ?? {})),
    toString: () => frozen.map(formatRequirement).join(','),
  };
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
      if (value === undefined || !/^-?\d+$/.test(value)) return false;
      const left = Number(value);
      const right = Number(r.values[0]);
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

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
    } else if ('=!><(),'.includes(c)) {
      tokens.push({ kind: 'op', text: c as '=' | '!' | '>' | '<' | '(' | ')' | ',' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !/[\s=!><(),]/.test(input[j] as string)) j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** Parses `a=b,c!=d,e in (f,g),!h,i` into a selector; throws SelectorParseError with a clear message. */
export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  const reqs: LabelRequirement[] = [];
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (msg: string): never => {
    throw new SelectorParseError(`unable to parse requirement: ${msg} in label selector "${input}"`);
  };
  const expectId = (what: string): string => {
    const t = tokens[pos++];
    if (!t || t.kind !== 'id') fail(`expected ${what}`);
    return (t as { text: string }).text;
  };
  const checkKey = (key: string): void => {
    const errs = validateQualifiedName(key);
    if (errs.length) fail(`invalid label key "${key}": ${errs.join('; ')}`);
  };
  const checkValue = (value: string): void => {
    const errs = validateLabelValue(value);
    if (errs.length) fail(`invalid label value: "${value}": ${errs.join('; ')}`);
  };

  if (tokens.length === 0) return everything;
  while (pos < tokens.length) {
    const first = peek();
    if (first?.kind === 'op' && first.text === '!') {
      pos++;
      const key = expectId('a key after "!"');
      checkKey(key);
      reqs.push({ key, operator: '!', values: [] });
    } else {
      const key = expectId('a key');
      checkKey(key);
      const next = peek();
      if (!next || (next.kind === 'op' && next.text === ',')) {
        reqs.push({ key, operator: 'exists', values: [] });
      } else if (next.kind === 'op' && (next.text === '=' || next.text === '==' || next.text === '!=')) {
        pos++;
        const v = peek();
        let value = '';
        if (v?.kind === 'id') {
          value = v.text;
          pos++;
        }
        checkValue(value);
        reqs.push({ key, operator: next.text === '!=' ? 'notin' : 'in', values: [value] });
      } else if (next.kind === 'op' && (next.text === '>' || next.text === '<')) {
        pos++;
        const value = expectId('an integer value');
        if (!/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer, got "${value}"`);
        reqs.push({ key, operator: next.text === '>' ? 'gt' : 'lt', values: [value] });
      } else if (next.kind === 'id' && (next.text === 'in' || next.text === 'notin')) {
        pos++;
        const open = tokens[pos++];
        if (!open || open.kind !== 'op' || open.text !== '(') fail(`expected "(" after "${next.text}"`);
        const values: string[] = [];
        while (true) {
          const t = tokens[pos];
          if (!t) fail('expected ")"');
          if (t?.kind === 'op' && t.text === ')') {
            pos++;
            break;
          }
          if (t?.kind === 'op' && t.text === ',') {
            pos++;
            continue;
          }
          if (t?.kind !== 'id') fail(`unexpected "${t?.text}" in value list`);
          checkValue(t!.text);
          values.push(t!.text);
          pos++;
        }
        if (values.length === 0) fail(`for '${next.text}' operator, values set can't be empty`);
        reqs.push({ key, operator: next.text, values });
      } else {
        fail(`unexpected "${next.text}" after key "${key}"`);
      }
    }
    const sep = tokens[pos];
    if (sep) {
      if (sep.kind !== 'op' || sep.text !== ',') fail(`expected "," but found "${sep.text}"`);
      pos++;
      if (pos >= tokens.length) fail('trailing ","');
    }
  }
  return compile(reqs);
}

/** The structured form used inside API objects (matchLabels + matchExpressions). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function labelSelectorFromObject(sel: LabelSelectorObject): LabelSelector {
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, operator: 'in', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const op = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }[e.operator] as LabelOperator | undefined;
    if (!op) throw new SelectorParseError(`"${e.operator}" is not a valid label selector operator`);
    reqs.push({ key: e.key, operator: op, values: e.values ?? [] });
  }
  return compile(reqs);
}
