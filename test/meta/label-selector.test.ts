import { describe, it, expect } from 'vitest';
import {
  everything,
  labelSelectorFromObject,
  parseLabelSelector,
  SelectorParseError,
  type LabelSelector,
  type LabelSelectorObject,
} from '../../src/meta/index.js';

/** Parses `input` expecting a SelectorParseError, and returns it. */
function rejected(input: string): SelectorParseError {
  let caught: unknown;
  try {
    parseLabelSelector(input);
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof SelectorParseError)) {
    throw new Error(`expected ${JSON.stringify(input)} to be rejected with a SelectorParseError, got ${String(caught)}`);
  }
  return caught;
}

function rejectedObject(sel: LabelSelectorObject): SelectorParseError {
  let caught: unknown;
  try {
    labelSelectorFromObject(sel);
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof SelectorParseError)) {
    throw new Error(`expected ${JSON.stringify(sel)} to be rejected with a SelectorParseError, got ${String(caught)}`);
  }
  return caught;
}

/** Which of the named label sets the selector matches. */
function matching(sel: LabelSelector, sets: Record<string, Record<string, string> | undefined>): string[] {
  return Object.entries(sets)
    .filter(([, labels]) => sel.matches(labels))
    .map(([name]) => name);
}

const long = (n: number, c = 'a'): string => c.repeat(n);

describe('parseLabelSelector: empty selector', () => {
  it.each(['', ' ', '   ', '\t', ' \t\r\n '])('%j selects everything', (input) => {
    const sel = parseLabelSelector(input);
    expect(sel.empty).toBe(true);
    expect(sel.requirements).toEqual([]);
    expect(sel.toString()).toBe('');
    expect(sel.matches(undefined)).toBe(true);
    expect(sel.matches({})).toBe(true);
    expect(sel.matches({ app: 'web', tier: '' })).toBe(true);
  });

  it('the shared `everything` selector is empty and matches anything', () => {
    expect(everything.empty).toBe(true);
    expect(everything.matches(undefined)).toBe(true);
    expect(everything.matches({ a: 'b' })).toBe(true);
    expect(everything.toString()).toBe('');
  });

  it('a non-empty selector is not empty', () => {
    expect(parseLabelSelector('a').empty).toBe(false);
  });
});

describe('parseLabelSelector: operators', () => {
  const sets = {
    web: { app: 'web' },
    db: { app: 'db' },
    emptyApp: { app: '' },
    none: {},
    undef: undefined,
  };

  it.each(['app=web', 'app==web', 'app = web', 'app == web', ' app=web '])('%j is an equality requirement', (input) => {
    const sel = parseLabelSelector(input);
    expect(sel.requirements).toEqual([{ key: 'app', operator: 'in', values: ['web'] }]);
    expect(matching(sel, sets)).toEqual(['web']);
  });

  it('!= matches objects with another value and objects without the label', () => {
    const sel = parseLabelSelector('app!=web');
    expect(sel.requirements).toEqual([{ key: 'app', operator: 'notin', values: ['web'] }]);
    expect(matching(sel, sets)).toEqual(['db', 'emptyApp', 'none', 'undef']);
    expect(matching(parseLabelSelector('app != web'), sets)).toEqual(['db', 'emptyApp', 'none', 'undef']);
  });

  it('in matches only objects whose label is one of the values', () => {
    const sel = parseLabelSelector('app in (web, db)');
    expect(sel.requirements).toEqual([{ key: 'app', operator: 'in', values: ['db', 'web'] }]);
    expect(matching(sel, { ...sets, other: { app: 'cache' } })).toEqual(['web', 'db']);
  });

  it('notin matches objects with another value and objects without the label', () => {
    const sel = parseLabelSelector('app notin (web,db)');
    expect(sel.requirements).toEqual([{ key: 'app', operator: 'notin', values: ['db', 'web'] }]);
    expect(matching(sel, { ...sets, other: { app: 'cache' } })).toEqual(['emptyApp', 'none', 'undef', 'other']);
  });

  it('a bare key requires the label to exist, whatever its value (even empty)', () => {
    const sel = parseLabelSelector('app');
    expect(sel.requirements).toEqual([{ key: 'app', operator: 'exists', values: [] }]);
    expect(matching(sel, sets)).toEqual(['web', 'db', 'emptyApp']);
  });

  it.each(['!app', '! app', ' !  app '])('%j requires the label to be absent', (input) => {
    const sel = parseLabelSelector(input);
    expect(sel.requirements).toEqual([{ key: 'app', operator: '!', values: [] }]);
    expect(matching(sel, sets)).toEqual(['none', 'undef']);
  });

  it('only own properties count as labels', () => {
    expect(parseLabelSelector('constructor').matches({})).toBe(false);
    expect(parseLabelSelector('!toString').matches({})).toBe(true);
    expect(parseLabelSelector('hasOwnProperty!=x').matches({})).toBe(true);
  });

  describe('> and <', () => {
    it('compare integers numerically, not lexically', () => {
      const gt = parseLabelSelector('replicas>3');
      expect(gt.requirements).toEqual([{ key: 'replicas', operator: 'gt', values: ['3'] }]);
      expect(gt.matches({ replicas: '4' })).toBe(true);
      expect(gt.matches({ replicas: '10' })).toBe(true);
      expect(gt.matches({ replicas: '3' })).toBe(false);
      expect(gt.matches({ replicas: '2' })).toBe(false);

      const lt = parseLabelSelector('replicas < 10');
      expect(lt.requirements).toEqual([{ key: 'replicas', operator: 'lt', values: ['10'] }]);
      expect(lt.matches({ replicas: '9' })).toBe(true);
      expect(lt.matches({ replicas: '007' })).toBe(true);
      expect(lt.matches({ replicas: '10' })).toBe(false);
      expect(lt.matches({ replicas: '100' })).toBe(false);
    });

    it('never match a missing label or a value that is not an integer', () => {
      for (const sel of [parseLabelSelector('n>0'), parseLabelSelector('n<100')]) {
        expect(sel.matches({})).toBe(false);
        expect(sel.matches(undefined)).toBe(false);
        expect(sel.matches({ n: '' })).toBe(false);
        expect(sel.matches({ n: 'abc' })).toBe(false);
        expect(sel.matches({ n: '1.5' })).toBe(false);
        expect(sel.matches({ n: '1e1' })).toBe(false);
        expect(sel.matches({ n: ' 5' })).toBe(false);
      }
    });

    it('parse label values the way strconv.ParseInt does (sign allowed, int64 range)', () => {
      expect(parseLabelSelector('n<0').matches({ n: '-5' })).toBe(true);
      expect(parseLabelSelector('n>1').matches({ n: '+5' })).toBe(true);
      // Beyond int64 the label does not parse, so it never matches.
      expect(parseLabelSelector('n>1').matches({ n: '9223372036854775808' })).toBe(false);
      expect(parseLabelSelector('n>1').matches({ n: '99999999999999999999' })).toBe(false);
    });

    it('compare the full int64 range exactly (no floating-point rounding)', () => {
      const sel = parseLabelSelector('n>9223372036854775806');
      expect(sel.matches({ n: '9223372036854775807' })).toBe(true);
      expect(sel.matches({ n: '9223372036854775806' })).toBe(false);
      expect(parseLabelSelector('n<9007199254740993').matches({ n: '9007199254740992' })).toBe(true);
    });

    it.each([
      ['x>a', 'must be an integer'],
      ['x<1.5', 'must be an integer'],
      ['x>1e3', 'must be an integer'],
      ['x>9223372036854775808', 'must be an integer'],
      ['x>', 'expected an integer value'],
      ['x<,y', 'expected an integer value'],
      // The value must also be a valid label value, so negative and signed bounds are refused.
      ['x>-1', 'invalid label value: "-1"'],
      ['x<+1', 'invalid label value: "+1"'],
    ])('%j is rejected (%s)', (input, message) => {
      expect(rejected(input).message).toContain(message);
    });

    it('accept the int64 maximum and leading zeros', () => {
      expect(parseLabelSelector('x>9223372036854775807').requirements).toEqual([
        { key: 'x', operator: 'gt', values: ['9223372036854775807'] },
      ]);
      expect(parseLabelSelector('x>007').matches({ x: '8' })).toBe(true);
    });
  });
});

describe('parseLabelSelector: syntax', () => {
  it('tolerates whitespace around operators, keys, values and commas', () => {
    const forms = [
      'a=b,c!=d,e in (f,g),!h,i,j>1',
      '  a = b ,  c != d , e  in  ( f , g ) , ! h , i , j > 1  ',
      'a=b,\tc!=d,\ne in(f,g),\r\n!h,i,j>1',
    ];
    const printed = forms.map((f) => parseLabelSelector(f).toString());
    expect(new Set(printed).size).toBe(1);
    expect(printed[0]).toBe('a=b,c!=d,e in (f,g),!h,i,j>1');
  });

  it('does not need spaces around parentheses', () => {
    expect(parseLabelSelector('env in(prod)').requirements).toEqual([{ key: 'env', operator: 'in', values: ['prod'] }]);
    expect(parseLabelSelector('env notin(a,b)').requirements).toEqual([
      { key: 'env', operator: 'notin', values: ['a', 'b'] },
    ]);
  });

  it('ANDs several requirements', () => {
    const sel = parseLabelSelector('app=web,tier!=front,env in (prod,staging),!legacy,version>1,team');
    expect(sel.requirements).toHaveLength(6);
    const base = { app: 'web', tier: 'back', env: 'prod', version: '2', team: 'x' };
    expect(sel.matches(base)).toBe(true);
    expect(sel.matches({ ...base, app: 'db' })).toBe(false);
    expect(sel.matches({ ...base, tier: 'front' })).toBe(false);
    expect(sel.matches({ ...base, env: 'dev' })).toBe(false);
    expect(sel.matches({ ...base, legacy: 'true' })).toBe(false);
    expect(sel.matches({ ...base, version: '1' })).toBe(false);
    const { team: _team, ...withoutTeam } = base;
    expect(sel.matches(withoutTeam)).toBe(false);
    const { tier: _tier, ...withoutTier } = base;
    expect(sel.matches(withoutTier)).toBe(true);
  });

  it('keeps two requirements on the same key (both must hold)', () => {
    const sel = parseLabelSelector('a=x,a=y');
    expect(sel.requirements).toHaveLength(2);
    expect(sel.matches({ a: 'x' })).toBe(false);
    expect(sel.matches({ a: 'y' })).toBe(false);
    expect(parseLabelSelector('a,a!=x').matches({ a: 'y' })).toBe(true);
  });

  it('accepts keys with a DNS subdomain prefix', () => {
    const sel = parseLabelSelector('example.com/app=web,app.kubernetes.io/name in (api),!node-role.kubernetes.io/control-plane');
    expect(sel.requirements.map((r) => r.key)).toEqual([
      'app.kubernetes.io/name',
      'example.com/app',
      'node-role.kubernetes.io/control-plane',
    ]);
    expect(sel.matches({ 'example.com/app': 'web', 'app.kubernetes.io/name': 'api' })).toBe(true);
    expect(sel.matches({ app: 'web', 'app.kubernetes.io/name': 'api' })).toBe(false);
    expect(
      sel.matches({ 'example.com/app': 'web', 'app.kubernetes.io/name': 'api', 'node-role.kubernetes.io/control-plane': '' }),
    ).toBe(false);
  });

  it('accepts keys and values of every allowed character and at the maximum lengths', () => {
    const prefix = `${long(63)}.${long(63)}.${long(63)}.${long(61)}`;
    expect(prefix).toHaveLength(253);
    const key = `${prefix}/${long(63, 'K')}`;
    const sel = parseLabelSelector(`${key}=${long(63, 'V')},A_b-c.9=Z_1-2.x`);
    expect(sel.matches({ [key]: long(63, 'V'), 'A_b-c.9': 'Z_1-2.x' })).toBe(true);
  });

  it('treats "in" and "notin" as ordinary keys and values where an identifier is expected', () => {
    expect(parseLabelSelector('notin=in').requirements).toEqual([{ key: 'notin', operator: 'in', values: ['in'] }]);
    expect(parseLabelSelector('in in (in, notin)').requirements).toEqual([
      { key: 'in', operator: 'in', values: ['in', 'notin'] },
    ]);
    expect(parseLabelSelector('in').requirements).toEqual([{ key: 'in', operator: 'exists', values: [] }]);
    expect(parseLabelSelector('!notin').requirements).toEqual([{ key: 'notin', operator: '!', values: [] }]);
  });

  it('treats the empty string as a value', () => {
    const eq = parseLabelSelector('a=');
    expect(eq.requirements).toEqual([{ key: 'a', operator: 'in', values: [''] }]);
    expect(eq.matches({ a: '' })).toBe(true);
    expect(eq.matches({ a: 'x' })).toBe(false);
    expect(eq.matches({})).toBe(false);

    const ne = parseLabelSelector('a!=');
    expect(ne.matches({ a: '' })).toBe(false);
    expect(ne.matches({ a: 'x' })).toBe(true);
    expect(ne.matches({})).toBe(true);

    expect(parseLabelSelector('a==,b=c').requirements).toEqual([
      { key: 'a', operator: 'in', values: [''] },
      { key: 'b', operator: 'in', values: ['c'] },
    ]);
    expect(parseLabelSelector('a= ,b= ').requirements).toEqual([
      { key: 'a', operator: 'in', values: [''] },
      { key: 'b', operator: 'in', values: [''] },
    ]);
  });

  it.each([
    ['a in ()', ['']],
    ['a in ( )', ['']],
    ['a in (,)', ['']],
    ['a in (x,)', ['', 'x']],
    ['a in (,x)', ['', 'x']],
    ['a in (x,,y)', ['', 'x', 'y']],
  ] as [string, string[]][])('%j has empty entries standing for the empty value, as in Kubernetes', (input, values) => {
    const sel = parseLabelSelector(input);
    expect(sel.requirements).toEqual([{ key: 'a', operator: 'in', values }]);
    expect(sel.matches({ a: '' })).toBe(true);
    expect(sel.matches({})).toBe(false);
  });

  it('"notin ()" excludes only the empty value', () => {
    const sel = parseLabelSelector('a notin ()');
    expect(sel.requirements).toEqual([{ key: 'a', operator: 'notin', values: [''] }]);
    expect(sel.matches({ a: '' })).toBe(false);
    expect(sel.matches({ a: 'x' })).toBe(true);
    expect(sel.matches({})).toBe(true);
  });

  it('treats the value list as a set (sorted, duplicates removed)', () => {
    expect(parseLabelSelector('a in (z, x, z, y, x)').requirements).toEqual([
      { key: 'a', operator: 'in', values: ['x', 'y', 'z'] },
    ]);
    expect(parseLabelSelector('a in (x,x)').toString()).toBe('a=x');
  });
});

describe('parseLabelSelector: toString', () => {
  it.each([
    ['a=b', 'a=b'],
    ['a==b', 'a=b'],
    ['a = b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['a in (b)', 'a=b'],
    ['a notin (b)', 'a!=b'],
    ['a in (c, b)', 'a in (b,c)'],
    ['a notin (c,b)', 'a notin (b,c)'],
    ['a', 'a'],
    ['! a', '!a'],
    ['a > 1', 'a>1'],
    ['a<1', 'a<1'],
    ['a=', 'a='],
    ['a in (x,)', 'a in (,x)'],
    ['example.com/a=b', 'example.com/a=b'],
  ])('%j prints as %j', (input, printed) => {
    expect(parseLabelSelector(input).toString()).toBe(printed);
  });

  it('orders requirements by key, as apimachinery does', () => {
    expect(parseLabelSelector('b=2,a=1,!c').toString()).toBe('a=1,b=2,!c');
    expect(parseLabelSelector('z,y in (2,1),x').toString()).toBe('x,y in (1,2),z');
  });

  const samples: Record<string, string>[] = [
    {},
    { a: '' },
    { a: 'b' },
    { a: 'x', b: 'c' },
    { b: 'c', n: '5' },
    { 'example.com/a': 'b', n: '12' },
    { a: 'b', c: 'd', n: '-3' },
  ];

  it.each([
    'a=b,c!=d,e in (f,g),!h,i,j>1,k<9',
    'a notin (b,c,),n>4',
    'example.com/a=b,!a,b in (),n<10',
    'a in (x,,y),b!=,c',
    'in=notin,notin notin (in)',
  ])('%j survives parse(toString()) with the same meaning', (input) => {
    const sel = parseLabelSelector(input);
    const again = parseLabelSelector(sel.toString());
    expect(again.toString()).toBe(sel.toString());
    expect(again.requirements).toEqual(sel.requirements);
    for (const labels of samples) expect(again.matches(labels)).toBe(sel.matches(labels));
  });
});

describe('parseLabelSelector: errors', () => {
  it('throws SelectorParseError naming the selector', () => {
    const err = rejected('a=b,');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SelectorParseError');
    expect(err.message).toMatch(/^unable to parse requirement: /);
    expect(err.message).toContain('label selector "a=b,"');
  });

  describe('invalid keys', () => {
    it.each([
      ['-app=x', 'name part must consist of alphanumeric characters'],
      ['app-=x', 'name part must consist of alphanumeric characters'],
      ['_app', 'name part must consist of alphanumeric characters'],
      ['a$b=x', 'name part must consist of alphanumeric characters'],
      ['a:b=x', 'name part must consist of alphanumeric characters'],
      ['ä=x', 'name part must consist of alphanumeric characters'],
      [`${long(64)}=x`, 'name part must be no more than 63 characters'],
      ['a/b/c=x', 'a qualified name must consist of'],
      ['/app=x', 'prefix part must be non-empty'],
      ['example.com/=x', 'name part must be non-empty'],
      ['Example.com/app=x', 'prefix part a lowercase RFC 1123 subdomain'],
      ['exa_mple.com/app', 'prefix part a lowercase RFC 1123 subdomain'],
      ['-example.com/app', 'prefix part a lowercase RFC 1123 subdomain'],
      [`${long(254)}/app=x`, 'prefix part must be no more than 253 characters'],
      ['!-app', 'name part must consist of alphanumeric characters'],
      ['-app in (x)', 'name part must consist of alphanumeric characters'],
      ['ok=1,-bad=2', 'invalid label key "-bad"'],
    ])('%j is rejected (%s)', (input, message) => {
      const err = rejected(input);
      expect(err.message).toContain('invalid label key');
      expect(err.message).toContain(message);
    });

    it('counts non-ASCII whitespace as part of the key, not as a separator', () => {
      expect(rejected('a\u00a0=b').message).toContain('invalid label key');
      expect(rejected('a\u2003').message).toContain('invalid label key');
    });
  });

  describe('invalid values', () => {
    it.each([
      [`a=${long(64)}`, 'must be no more than 63 characters'],
      ['a=-x', 'a valid label must be an empty string or consist of alphanumeric characters'],
      ['a=x-', 'a valid label must be an empty string'],
      ['a==.x', 'a valid label must be an empty string'],
      ['a!=x_', 'a valid label must be an empty string'],
      ['a=x/y', 'a valid label must be an empty string'],
      ['a=x@y', 'a valid label must be an empty string'],
      ['a=ü', 'a valid label must be an empty string'],
      ['a in (ok, -bad)', 'invalid label value: "-bad"'],
      ['a notin (ok,bad/)', 'invalid label value: "bad/"'],
      [`a in (x, ${long(64)})`, 'must be no more than 63 characters'],
      ['a=b\u00a0', 'invalid label value'],
    ])('%j is rejected (%s)', (input, message) => {
      const err = rejected(input);
      expect(err.message).toContain('invalid label value');
      expect(err.message).toContain(message);
    });

    it('names the key the bad value belongs to', () => {
      expect(rejected('app=-x').message).toContain('invalid label value: "-x": at key: "app"');
    });
  });

  describe('set syntax', () => {
    it.each([
      ['a in x', 'expected "(" after "in"'],
      ['a notin x', 'expected "(" after "notin"'],
      ['a in', 'expected "(" after "in"'],
      ['a in x)', 'expected "(" after "in"'],
      ['a in (x', 'missing ")"'],
      ['a in (x,y', 'missing ")"'],
      ['a in (x,', 'missing ")"'],
      ['a in (', 'expected a value, "," or ")"'],
      ['a in (x y)', 'expected "," or ")" but found "y"'],
      ['a in ((x))', 'expected a value, "," or ")"'],
      ['a in (x=y)', 'expected "," or ")" but found "="'],
      ['a in (x,!y)', 'unexpected "!" in value list'],
      ['a in (x),', 'trailing ","'],
      ['a in (x) b', 'expected "," but found "b"'],
      ['a in (x))', 'expected "," but found ")"'],
    ])('%j is rejected (%s)', (input, message) => {
      expect(rejected(input).message).toContain(message);
    });
  });

  describe('structure', () => {
    it.each([
      ['a=b,', 'trailing ","'],
      ['a,', 'trailing ","'],
      ['a=b, ', 'trailing ","'],
      [',a=b', 'expected a key'],
      ['a=b,,c=d', 'expected a key'],
      [',', 'expected a key'],
      ['a=b=c', 'expected "," but found "="'],
      ['a==b==c', 'expected "," but found "=="'],
      ['!a=b', 'expected "," but found "="'],
      ['!a in (b)', 'expected "," but found "in"'],
      ['a=b c', 'expected "," but found "c"'],
      ['x=a||y=b', 'invalid label value: "a||y"'],
      ['a b', 'unexpected "b" after key "a"'],
      ['a ~= b', 'unexpected "~" after key "a"'],
      ['a!', 'unexpected "!" after key "a"'],
      ['a(b)', 'unexpected "(" after key "a"'],
      ['in (a)', 'unexpected "(" after key "in"'],
      ['=', 'expected a key'],
      ['==', 'expected a key'],
      ['!=', 'expected a key'],
      ['=a', 'expected a key'],
      ['!=a', 'expected a key'],
      ['(', 'expected a key'],
      [')', 'expected a key'],
      ['>1', 'expected a key'],
      ['!', 'expected a key after "!"'],
      ['!!a', 'expected a key after "!"'],
      ['! ,a', 'expected a key after "!"'],
      ['a=(', 'expected "," but found "("'],
      ['a=!b', 'expected "," but found "!"'],
      ['a<>1', 'expected an integer value'],
      ['a=>1', 'expected "," but found ">"'],
    ])('%j is rejected (%s)', (input, message) => {
      expect(rejected(input).message).toContain(message);
    });
  });
});

describe('labelSelectorFromObject', () => {
  const sets = {
    webFront: { app: 'web', tier: 'front' },
    webBack: { app: 'web', tier: 'back' },
    db: { app: 'db' },
    none: {},
  };

  it('an empty selector selects everything', () => {
    for (const obj of [{}, { matchLabels: {} }, { matchExpressions: [] }, { matchLabels: {}, matchExpressions: [] }]) {
      const sel = labelSelectorFromObject(obj);
      expect(sel.empty).toBe(true);
      expect(sel.toString()).toBe('');
      expect(matching(sel, sets)).toEqual(['webFront', 'webBack', 'db', 'none']);
    }
  });

  it('matchLabels requires every label to equal its value', () => {
    const sel = labelSelectorFromObject({ matchLabels: { app: 'web', tier: 'front' } });
    expect(sel.requirements).toEqual([
      { key: 'app', operator: 'in', values: ['web'] },
      { key: 'tier', operator: 'in', values: ['front'] },
    ]);
    expect(matching(sel, sets)).toEqual(['webFront']);
  });

  it('matchLabels accepts the empty value', () => {
    const sel = labelSelectorFromObject({ matchLabels: { app: '' } });
    expect(sel.matches({ app: '' })).toBe(true);
    expect(sel.matches({})).toBe(false);
  });

  it.each([
    ['In', ['web'], ['webFront', 'webBack']],
    ['NotIn', ['web'], ['db', 'none']],
    ['Exists', undefined, ['webFront', 'webBack', 'db']],
    ['DoesNotExist', undefined, ['none']],
    ['Exists', [], ['webFront', 'webBack', 'db']],
  ] as [string, string[] | undefined, string[]][])('matchExpressions operator %s %j', (operator, values, expected) => {
    const sel = labelSelectorFromObject({
      matchExpressions: [values === undefined ? { key: 'app', operator } : { key: 'app', operator, values }],
    });
    expect(matching(sel, sets)).toEqual(expected);
  });

  it('ANDs matchLabels and matchExpressions', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['back', 'middle'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(matching(sel, sets)).toEqual(['webBack']);
    expect(sel.matches({ app: 'web', tier: 'back', legacy: 'yes' })).toBe(false);
  });

  it('prints in canonical order and round-trips through parseLabelSelector', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'tier', operator: 'NotIn', values: ['front'] },
        { key: 'c', operator: 'Exists' },
        { key: 'example.com/d', operator: 'DoesNotExist' },
      ],
    });
    expect(sel.toString()).toBe('a=1,b=2,c,env in (dev,prod),!example.com/d,tier!=front');
    const again = parseLabelSelector(sel.toString());
    expect(again.requirements).toEqual(sel.requirements);
  });

  it('does not modify the values it was given', () => {
    const values = ['z', 'a', 'z'];
    labelSelectorFromObject({ matchExpressions: [{ key: 'k', operator: 'In', values }] });
    expect(values).toEqual(['z', 'a', 'z']);
  });

  it.each(['Equals', 'in', 'Gt', 'Lt', '', 'exists', 'toString', 'constructor', '__proto__'])(
    'rejects the operator %j',
    (operator) => {
      const err = rejectedObject({ matchExpressions: [{ key: 'app', operator, values: ['1'] }] });
      expect(err.message).toBe(`"${operator}" is not a valid label selector operator`);
    },
  );

  it.each([
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn' }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] }, 'values set must be empty'],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: [''] }] }, 'values set must be empty'],
    [{ matchExpressions: [{ key: '-app', operator: 'Exists' }] }, 'invalid label key "-app"'],
    [{ matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }, 'invalid label key "a/b/c"'],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['ok', 'no way'] }] }, 'invalid label value: "no way"'],
    [{ matchLabels: { 'Bad.Prefix/app': 'x' } }, 'invalid label key "Bad.Prefix/app"'],
    [{ matchLabels: { app: '-x' } }, 'invalid label value: "-x": at key: "app"'],
    [{ matchLabels: { app: long(64) } }, 'must be no more than 63 characters'],
  ] as [LabelSelectorObject, string][])('rejects %j (%s)', (obj, message) => {
    const err = rejectedObject(obj);
    expect(err.message).toContain('invalid label selector');
    expect(err.message).toContain(message);
  });
});
