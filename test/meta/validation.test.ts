import { describe, it, expect } from 'vitest';
import {
  DNS1123_LABEL_MAX,
  DNS1123_SUBDOMAIN_MAX,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateLabelValue,
  validatePathSegmentName,
  validateQualifiedName,
} from '../../src/meta/index.js';

const long = (n: number, c = 'a'): string => c.repeat(n);
/** A valid DNS subdomain of exactly `n` characters (n >= 1), made of labels of at most 64 characters. */
function subdomainOf(n: number): string {
  const labels: string[] = [];
  let left = n;
  while (left > 0) {
    const len = Math.min(63, left);
    labels.push(long(len));
    left -= len + 1;
  }
  const s = labels.join('.');
  // When n is one past a separator, the loop stops one short: lengthen the last label instead.
  return s.length === n ? s : `${s}a`;
}

const LABEL_MSG = 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters';
const SUBDOMAIN_MSG = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters';
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.'";
const LABEL_VALUE_MSG = 'a valid label must be an empty string or consist of alphanumeric characters';

describe('constants', () => {
  it('match apimachinery', () => {
    expect(DNS1123_LABEL_MAX).toBe(63);
    expect(DNS1123_SUBDOMAIN_MAX).toBe(253);
  });
});

describe('validateDNS1123Label', () => {
  it.each(['a', '0', 'abc', 'my-name', '123-abc', 'a-b-c', 'a--b', '1a', 'a1', long(63), `a${long(61, '-')}z`])(
    '%j is valid',
    (v) => {
      expect(validateDNS1123Label(v)).toEqual([]);
    },
  );

  it.each([
    '',
    'A',
    'My-name',
    'myName',
    '-a',
    'a-',
    '-',
    'a.b',
    'example.com',
    'a_b',
    'a b',
    ' a',
    'a\n',
    'a/b',
    'ä',
    'a:b',
  ])('%j is invalid', (v) => {
    const errs = validateDNS1123Label(v);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain(LABEL_MSG);
    expect(errs[0]).toContain("(e.g. 'my-name'");
  });

  it('is at most 63 characters', () => {
    expect(validateDNS1123Label(long(64))).toEqual(['must be no more than 63 characters']);
  });

  it('reports both the length and the syntax', () => {
    const errs = validateDNS1123Label(long(64, 'A'));
    expect(errs).toHaveLength(2);
    expect(errs[0]).toBe('must be no more than 63 characters');
    expect(errs[1]).toContain(LABEL_MSG);
  });
});

describe('validateDNS1123Subdomain', () => {
  it('builds test subdomains of the requested length', () => {
    for (const n of [1, 63, 64, 65, 127, 128, 252, 253, 254]) {
      const s = subdomainOf(n);
      expect(s).toHaveLength(n);
      expect(s.endsWith('.')).toBe(false);
    }
  });

  it.each([
    'a',
    '0',
    'example.com',
    'my-name.example-1.com',
    'a.b.c.d',
    '1.2.3.4',
    'kube-system',
    `${long(63)}.${long(63)}`,
    subdomainOf(253),
  ])('%j is valid', (v) => {
    expect(validateDNS1123Subdomain(v)).toEqual([]);
  });

  it.each([
    '',
    'Example.com',
    'example.COM',
    '.a',
    'a.',
    '.',
    'a..b',
    '-a.b',
    'a-.b',
    'a.-b',
    'a.b-',
    'a_b.com',
    'a b.com',
    'a/b',
    'a.b\n',
    'exämple.com',
  ])('%j is invalid', (v) => {
    const errs = validateDNS1123Subdomain(v);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain(SUBDOMAIN_MSG);
    expect(errs[0]).toContain("'example.com'");
  });

  it('is at most 253 characters', () => {
    expect(validateDNS1123Subdomain(subdomainOf(254))).toEqual(['must be no more than 253 characters']);
  });

  it('allows a label longer than 63 characters inside a subdomain (only the total is limited)', () => {
    // apimachinery's subdomain regex does not cap the length of each label.
    expect(validateDNS1123Subdomain(`${long(100)}.com`)).toEqual([]);
  });

  it('reports both the length and the syntax', () => {
    const errs = validateDNS1123Subdomain(`${subdomainOf(253)}-`);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toBe('must be no more than 253 characters');
    expect(errs[1]).toContain(SUBDOMAIN_MSG);
  });
});

describe('validatePathSegmentName', () => {
  it.each(['a', 'my-name', 'My_Name', '...', '.a', 'a.', 'a..b', '..a', 'a b', 'ä', 'a:b', ''])('%j is valid', (v) => {
    expect(validatePathSegmentName(v)).toEqual([]);
  });

  it.each([
    ['.', ["may not be '.'"]],
    ['..', ["may not be '..'"]],
    ['a/b', ["may not contain '/'"]],
    ['/', ["may not contain '/'"]],
    ['../a', ["may not contain '/'"]],
    ['a%b', ["may not contain '%'"]],
    ['%2F', ["may not contain '%'"]],
    ['a/%', ["may not contain '/'", "may not contain '%'"]],
    ['%/', ["may not contain '/'", "may not contain '%'"]],
  ] as [string, string[]][])('%j gives %j', (v, errs) => {
    expect(validatePathSegmentName(v)).toEqual(errs);
  });
});

describe('validateQualifiedName', () => {
  it.each([
    'a',
    'A',
    'MyName',
    'my.name',
    '123-abc',
    'a_b',
    'A-Z.9_x',
    'a..b',
    'a__b',
    'example.com/MyName',
    'kubernetes.io/hostname',
    'app.kubernetes.io/name',
    'node-role.kubernetes.io/control-plane',
    'a/b',
    long(63),
    `example.com/${long(63)}`,
    `${subdomainOf(253)}/${long(63)}`,
  ])('%j is valid', (v) => {
    expect(validateQualifiedName(v)).toEqual([]);
  });

  it.each(['-a', 'a-', '_a', 'a_', '.a', 'a.', 'a b', 'a@b', 'a:b', 'a*', 'ä', 'a\n'])('name %j is invalid', (v) => {
    const errs = validateQualifiedName(v);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain(NAME_PART_MSG);
    expect(validateQualifiedName(`example.com/${v}`)).toEqual(errs);
  });

  it('the name part is at most 63 characters', () => {
    expect(validateQualifiedName(long(64))).toEqual(['name part must be no more than 63 characters']);
    expect(validateQualifiedName(`example.com/${long(64)}`)).toEqual(['name part must be no more than 63 characters']);
  });

  it('reports both the length and the syntax of the name part', () => {
    const errs = validateQualifiedName(`-${long(63)}`);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toBe('name part must be no more than 63 characters');
    expect(errs[1]).toContain(NAME_PART_MSG);
  });

  it('an empty name part is reported as empty and as not matching the syntax, like apimachinery', () => {
    for (const v of ['', 'example.com/']) {
      const errs = validateQualifiedName(v);
      expect(errs).toHaveLength(2);
      expect(errs[0]).toBe('name part must be non-empty');
      expect(errs[1]).toContain(NAME_PART_MSG);
    }
  });

  it('the prefix must be non-empty when there is a "/"', () => {
    expect(validateQualifiedName('/a')).toEqual(['prefix part must be non-empty']);
    const both = validateQualifiedName('/');
    expect(both[0]).toBe('prefix part must be non-empty');
    expect(both).toContain('name part must be non-empty');
  });

  it.each(['Example.com/a', 'exa_mple.com/a', '-example.com/a', 'example..com/a', 'example.com./a', 'a b/c'])(
    'prefix of %j must be a lowercase DNS subdomain',
    (v) => {
      const errs = validateQualifiedName(v);
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain must consist/);
    },
  );

  it('the prefix is at most 253 characters', () => {
    expect(validateQualifiedName(`${subdomainOf(254)}/a`)).toEqual(['prefix part must be no more than 253 characters']);
  });

  it('reports prefix and name problems together', () => {
    const errs = validateQualifiedName('Bad/-name');
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatch(/^prefix part /);
    expect(errs[1]).toContain(NAME_PART_MSG);
  });

  it.each(['a/b/c', 'example.com/a/b', '//', 'a//b', '/a/'])('%j has too many "/" separators', (v) => {
    const errs = validateQualifiedName(v);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^a qualified name must consist of alphanumeric characters/);
    expect(errs[0]).toContain("with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
  });
});

describe('validateLabelValue', () => {
  it.each(['', 'a', 'A', '0', 'MyValue', 'my_value', '12345', 'a.b-c_d', 'v1.2.3', 'a..b', 'a--b', long(63), long(63, 'Z')])(
    '%j is valid',
    (v) => {
      expect(validateLabelValue(v)).toEqual([]);
    },
  );

  it.each(['-a', 'a-', '.a', 'a.', '_a', 'a_', 'a b', ' a', 'a/b', 'a:b', 'a=b', 'a,b', 'a@b', 'ä', 'a\n', '-'])(
    '%j is invalid',
    (v) => {
      const errs = validateLabelValue(v);
      expect(errs).toHaveLength(1);
      expect(errs[0]).toContain(LABEL_VALUE_MSG);
      expect(errs[0]).toContain("(e.g. 'MyValue'");
    },
  );

  it('is at most 63 characters', () => {
    expect(validateLabelValue(long(64))).toEqual(['must be no more than 63 characters']);
  });

  it('reports both the length and the syntax', () => {
    const errs = validateLabelValue(`${long(64)}-`);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toBe('must be no more than 63 characters');
    expect(errs[1]).toContain(LABEL_VALUE_MSG);
  });
});
