import { describe, it, expect } from 'vitest';
import {
  everyField,
  fieldSelectorOf,
  parseFieldSelector,
  SelectorParseError,
  type FieldSelector,
} from '../../src/meta/index.js';

function rejected(input: string): SelectorParseError {
  let caught: unknown;
  try {
    parseFieldSelector(input);
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof SelectorParseError)) {
    throw new Error(`expected ${JSON.stringify(input)} to be rejected with a SelectorParseError, got ${String(caught)}`);
  }
  return caught;
}

const pod = (name: string, phase: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { name, namespace: 'default' },
  status: phase === undefined ? {} : { phase },
  ...extra,
});

const pods = {
  a: pod('a', 'Running'),
  b: pod('b', 'Pending'),
  c: pod('c', undefined),
  d: { metadata: { name: 'd', namespace: 'kube-system' }, status: { phase: 'Running' } },
};

function matching(sel: FieldSelector, objects: Record<string, unknown> = pods): string[] {
  return Object.entries(objects)
    .filter(([, o]) => sel.matches(o))
    .map(([name]) => name);
}

describe('parseFieldSelector: empty selector', () => {
  it('the empty string selects everything', () => {
    const sel = parseFieldSelector('');
    expect(sel.empty).toBe(true);
    expect(sel.requirements).toEqual([]);
    expect(sel.toString()).toBe('');
    expect(matching(sel)).toEqual(['a', 'b', 'c', 'd']);
    expect(sel.matches(undefined)).toBe(true);
    expect(sel.matches(null)).toBe(true);
  });

  it.each([',', ',,', ',,,'])('%j (only empty terms) selects everything', (input) => {
    expect(parseFieldSelector(input).empty).toBe(true);
  });

  it('the shared `everyField` selector is empty', () => {
    expect(everyField.empty).toBe(true);
    expect(everyField.matches({})).toBe(true);
    expect(everyField.toString()).toBe('');
  });
});

describe('parseFieldSelector: operators', () => {
  it.each(['metadata.name=a', 'metadata.name==a'])('%j is an equality requirement', (input) => {
    const sel = parseFieldSelector(input);
    expect(sel.empty).toBe(false);
    expect(sel.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a' }]);
    expect(matching(sel)).toEqual(['a']);
  });

  it('!= matches every other value', () => {
    const sel = parseFieldSelector('metadata.name!=a');
    expect(sel.requirements).toEqual([{ field: 'metadata.name', operator: '!=', value: 'a' }]);
    expect(matching(sel)).toEqual(['b', 'c', 'd']);
  });

  it('ANDs several requirements', () => {
    const sel = parseFieldSelector('metadata.namespace=default,status.phase!=Running');
    expect(sel.requirements).toEqual([
      { field: 'metadata.namespace', operator: '=', value: 'default' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    expect(matching(sel)).toEqual(['b', 'c']);
    expect(matching(parseFieldSelector('status.phase=Running,metadata.namespace=kube-system'))).toEqual(['d']);
    expect(matching(parseFieldSelector('metadata.name=a,metadata.name=b'))).toEqual([]);
    expect(matching(parseFieldSelector('metadata.name!=a,metadata.name!=b'))).toEqual(['c', 'd']);
  });

  it('splits at the first operator, so the value may start with "!"', () => {
    expect(parseFieldSelector('a=!b').requirements).toEqual([{ field: 'a', operator: '=', value: '!b' }]);
    expect(parseFieldSelector('a!=!b').requirements).toEqual([{ field: 'a', operator: '!=', value: '!b' }]);
  });

  it('keeps whitespace in values verbatim', () => {
    const sel = parseFieldSelector('metadata.name= a');
    expect(sel.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: ' a' }]);
    expect(sel.matches(pods.a)).toBe(false);
    expect(sel.matches(pod(' a', undefined))).toBe(true);
  });

  it('skips empty terms, as fields.ParseSelector does', () => {
    for (const input of ['metadata.name=a,', ',metadata.name=a', 'metadata.name=a,,', ',,metadata.name=a']) {
      expect(parseFieldSelector(input).requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a' }]);
    }
    expect(parseFieldSelector('a=1,,b=2').requirements).toEqual([
      { field: 'a', operator: '=', value: '1' },
      { field: 'b', operator: '=', value: '2' },
    ]);
  });

  it('accepts field names of letters, digits, ".", "-" and "_"', () => {
    expect(parseFieldSelector('spec.nodeName=n1').requirements[0]?.field).toBe('spec.nodeName');
    expect(parseFieldSelector('involvedObject.kind=Pod').requirements[0]?.field).toBe('involvedObject.kind');
    expect(parseFieldSelector('my_field-2.x=1').requirements[0]?.field).toBe('my_field-2.x');
  });
});

describe('parseFieldSelector: escaping', () => {
  it.each([
    ['metadata.name=a\\,b', 'a,b'],
    ['metadata.name=a\\=b', 'a=b'],
    ['metadata.name=a\\\\b', 'a\\b'],
    ['metadata.name=\\\\', '\\'],
    ['metadata.name=\\,\\=\\\\', ',=\\'],
    ['metadata.name=a\\\\\\,b', 'a\\,b'],
  ])('%j has the value %j', (input, value) => {
    const sel = parseFieldSelector(input);
    expect(sel.requirements).toEqual([{ field: 'metadata.name', operator: '=', value }]);
    expect(sel.matches({ metadata: { name: value } })).toBe(true);
  });

  it('an escaped comma does not split terms; an escaped backslash before a comma does', () => {
    expect(parseFieldSelector('k=\\,,k2=v2').requirements).toEqual([
      { field: 'k', operator: '=', value: ',' },
      { field: 'k2', operator: '=', value: 'v2' },
    ]);
    expect(parseFieldSelector('k=\\\\,k2=v2').requirements).toEqual([
      { field: 'k', operator: '=', value: '\\' },
      { field: 'k2', operator: '=', value: 'v2' },
    ]);
    expect(parseFieldSelector('k=\\\\\\,,k2=v2').requirements).toEqual([
      { field: 'k', operator: '=', value: '\\,' },
      { field: 'k2', operator: '=', value: 'v2' },
    ]);
  });

  it('toString escapes values, and the result parses back to the same selector', () => {
    const sel = fieldSelectorOf([
      { field: 'a', operator: '=', value: 'x,y=z\\' },
      { field: 'b', operator: '!=', value: '' },
    ]);
    expect(sel.toString()).toBe('a=x\\,y\\=z\\\\,b!=');
    expect(parseFieldSelector(sel.toString()).requirements).toEqual(sel.requirements);
  });

  it.each([
    ['metadata.name=a', 'metadata.name=a'],
    ['metadata.name==a', 'metadata.name=a'],
    ['a=1,b!=2', 'a=1,b!=2'],
    ['a=\\,', 'a=\\,'],
    ['a=', 'a='],
    ['a=1,', 'a=1'],
  ])('%j prints as %j', (input, printed) => {
    const sel = parseFieldSelector(input);
    expect(sel.toString()).toBe(printed);
    expect(parseFieldSelector(sel.toString()).requirements).toEqual(sel.requirements);
  });
});

describe('parseFieldSelector: matching', () => {
  it('an empty value matches a missing, null or empty field', () => {
    const sel = parseFieldSelector('spec.nodeName=');
    expect(sel.requirements).toEqual([{ field: 'spec.nodeName', operator: '=', value: '' }]);
    expect(sel.matches({ spec: {} })).toBe(true);
    expect(sel.matches({ spec: { nodeName: '' } })).toBe(true);
    expect(sel.matches({ spec: { nodeName: null } })).toBe(true);
    expect(sel.matches({})).toBe(true);
    expect(sel.matches({ spec: { nodeName: 'n1' } })).toBe(false);

    const scheduled = parseFieldSelector('spec.nodeName!=');
    expect(scheduled.matches({ spec: { nodeName: 'n1' } })).toBe(true);
    expect(scheduled.matches({ spec: {} })).toBe(false);
  });

  it('follows nested paths', () => {
    const obj = { spec: { template: { spec: { nodeName: 'n1' } } }, status: { phase: 'Running' } };
    expect(parseFieldSelector('spec.template.spec.nodeName=n1').matches(obj)).toBe(true);
    expect(parseFieldSelector('status.phase=Running').matches(obj)).toBe(true);
    expect(parseFieldSelector('status.phase=Pending').matches(obj)).toBe(false);
  });

  it('missing fields compare as the empty string', () => {
    expect(parseFieldSelector('status.phase=Running').matches({})).toBe(false);
    expect(parseFieldSelector('status.phase!=Running').matches({})).toBe(true);
    expect(parseFieldSelector('status.phase!=Running').matches({ status: null })).toBe(true);
    expect(parseFieldSelector('a.b.c=').matches({ a: { b: {} } })).toBe(true);
    // A path through a scalar is a missing field, not a property of the scalar.
    expect(parseFieldSelector('metadata.name.length=').matches({ metadata: { name: 'abc' } })).toBe(true);
    expect(parseFieldSelector('metadata.name.length=3').matches({ metadata: { name: 'abc' } })).toBe(false);
    expect(parseFieldSelector('metadata.name=').matches(undefined)).toBe(true);
    expect(parseFieldSelector('metadata.name=x').matches('a string')).toBe(false);
  });

  it('inherited properties are missing fields', () => {
    expect(parseFieldSelector('metadata.constructor=').matches({ metadata: {} })).toBe(true);
    expect(parseFieldSelector('toString=').matches({})).toBe(true);
    expect(parseFieldSelector('metadata.__proto__=').matches({ metadata: {} })).toBe(true);
    expect(parseFieldSelector('metadata.hasOwnProperty!=').matches({ metadata: {} })).toBe(false);
  });

  it('compares numbers and booleans as their string form', () => {
    expect(parseFieldSelector('spec.replicas=3').matches({ spec: { replicas: 3 } })).toBe(true);
    expect(parseFieldSelector('spec.replicas=03').matches({ spec: { replicas: 3 } })).toBe(false);
    expect(parseFieldSelector('spec.replicas!=3').matches({ spec: { replicas: 3 } })).toBe(false);
    expect(parseFieldSelector('spec.unschedulable=true').matches({ spec: { unschedulable: true } })).toBe(true);
    expect(parseFieldSelector('spec.unschedulable=false').matches({ spec: { unschedulable: false } })).toBe(true);
    expect(parseFieldSelector('spec.unschedulable=true').matches({ spec: { unschedulable: false } })).toBe(false);
    expect(parseFieldSelector('spec.unschedulable=').matches({ spec: { unschedulable: false } })).toBe(false);
  });

  it('compares exactly (case-sensitive, no trimming)', () => {
    expect(parseFieldSelector('status.phase=running').matches(pods.a)).toBe(false);
    expect(parseFieldSelector('status.phase=Running').matches({ status: { phase: 'Running ' } })).toBe(false);
  });
});

describe('fieldSelectorOf', () => {
  it('builds a selector from requirements without parsing', () => {
    const sel = fieldSelectorOf([{ field: 'metadata.namespace', operator: '=', value: 'default' }]);
    expect(sel.empty).toBe(false);
    expect(matching(sel)).toEqual(['a', 'b', 'c']);
    expect(fieldSelectorOf([]).empty).toBe(true);
  });

  it('is not affected by later changes to the array it was given', () => {
    const reqs = [{ field: 'metadata.name', operator: '=' as const, value: 'a' }];
    const sel = fieldSelectorOf(reqs);
    reqs.push({ field: 'metadata.name', operator: '=', value: 'b' });
    expect(matching(sel)).toEqual(['a']);
  });
});

describe('parseFieldSelector: errors', () => {
  it('throws SelectorParseError naming the selector', () => {
    const err = rejected('metadata.name');
    expect(err.name).toBe('SelectorParseError');
    expect(err.message).toBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  });

  it.each([
    ['metadata.name', "can't understand 'metadata.name'"],
    ['a=1,b', "can't understand 'b'"],
    ['a=1,b!c', "can't understand 'b!c'"],
    [' ', "can't understand ' '"],
    ['a<1', "can't understand 'a<1'"],
    ['a\\,b', "can't understand 'a\\,b'"],
  ])('%j has no operator (%s)', (input, message) => {
    expect(rejected(input).message).toContain(message);
  });

  it.each([
    ['a=b=c', 'unescaped "="'],
    ['a==b=c', 'unescaped "="'],
    ['a===b', 'unescaped "="'],
    ['a!==b', 'unescaped "="'],
    ['a=b\\\\=c', 'unescaped "="'],
  ])('%j has an unescaped "=" in its value', (input, message) => {
    expect(rejected(input).message).toContain(message);
  });

  it.each(['a=b\\', 'a=b\\n', 'a=\\a', 'a=\\ ', 'a=b\\\\\\', 'a=1,b=\\x'])('%j has an invalid escape sequence', (input) => {
    expect(rejected(input).message).toContain('invalid escape sequence');
  });

  it.each([
    ['=foo', ''],
    ['!=foo', ''],
    ['==foo', ''],
    [' metadata.name=a', ' metadata.name'],
    ['metadata.name =a', 'metadata.name '],
    ['meta data=x', 'meta data'],
    ['a!b=c', 'a!b'],
    ['a/b=c', 'a/b'],
    ['a\\=b', 'a\\'],
    ['ä=b', 'ä'],
  ])('%j has an invalid field name', (input, field) => {
    expect(rejected(input).message).toContain(`invalid field name "${field}"`);
  });
});
