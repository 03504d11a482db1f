/**
 * CEL `x-kubernetes-validations`: compile-time rejection (syntax, type, unknown function, cost),
 * the run-time cost guard against hostile rules, compile caching, property-name escaping, and more
 * examples from the Kubernetes documentation.
 */
import { describe, expect, it } from 'vitest';
import { celCacheStats, compileValidationRules, escapeName, runWithCelBudget } from '../../../src/crd/cel/index.js';
import type { JSONSchemaProps, ValidationRule } from '../../../src/crd/schema-types.js';

const SCHEMA_PATH = 'spec.validation.openAPIV3Schema.properties[spec]';
const str: JSONSchemaProps = { type: 'string', maxLength: 64 };
const int: JSONSchemaProps = { type: 'integer' };

const node = (rules: ValidationRule[]): JSONSchemaProps => ({
  type: 'object',
  properties: {
    replicas: int,
    name: str,
    tags: { type: 'array', maxItems: 20, items: str },
    nums: { type: 'array', items: int },
    labels: { type: 'object', additionalProperties: str },
  },
  'x-kubernetes-validations': rules,
});

interface CompileCase {
  name: string;
  rule: ValidationRule;
  field: string;
  type: string;
  detail: RegExp;
}

const compileCases: CompileCase[] = [
  {
    name: 'syntax error',
    rule: { rule: 'self.replicas >' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /^compilation failed: ERROR: <input>:1:16: /,
  },
  {
    name: 'rule not returning bool',
    rule: { rule: 'self.replicas + 1' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /cel expression must evaluate to a bool, not int/,
  },
  {
    name: 'unknown function',
    rule: { rule: 'isPrime(self.replicas)' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /undeclared reference to 'isPrime'/,
  },
  {
    name: 'wrong argument types',
    rule: { rule: "self.name.startsWith(1) || self.replicas > 'a'" },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /found no matching overload for 'string.startsWith\(int\)'/,
  },
  {
    name: 'field not in the schema',
    rule: { rule: 'self.replicaz > 1' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /undefined field 'replicaz'/,
  },
  {
    name: 'has() of a field not in the schema',
    rule: { rule: 'has(self.replicaz)' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /undefined field 'replicaz'/,
  },
  {
    name: 'invalid regular expression literal',
    rule: { rule: "self.name.matches('([a-z]')" },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueInvalid',
    detail: /invalid regular expression: .*missing closing \)/,
  },
  {
    name: 'messageExpression not returning a string',
    rule: { rule: 'self.replicas > 1', messageExpression: 'self.replicas' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].messageExpression`,
    type: 'FieldValueInvalid',
    detail: /messageExpression must evaluate to a string, not int/,
  },
  {
    name: 'fieldPath to a field that does not exist',
    rule: { rule: 'self.replicas > 1', fieldPath: '.replicaz' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].fieldPath`,
    type: 'FieldValueInvalid',
    detail: /fieldPath must be a valid path: does not refer to a valid field: replicaz/,
  },
  {
    name: 'fieldPath with a list index',
    rule: { rule: 'self.replicas > 1', fieldPath: '.tags[0]' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].fieldPath`,
    type: 'FieldValueInvalid',
    detail: /numeric index of array is not supported/,
  },
  {
    name: 'optionalOldSelf on a rule without oldSelf',
    rule: { rule: 'self.replicas > 1', optionalOldSelf: true },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].optionalOldSelf`,
    type: 'FieldValueInvalid',
    detail: /may not be set if rule does not reference oldSelf/,
  },
  {
    name: 'multi-line rule without a message',
    rule: { rule: 'self.replicas > 1 &&\nself.replicas < 5' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].message`,
    type: 'FieldValueRequired',
    detail: /message must be specified if rule contains line breaks/,
  },
  {
    name: 'estimated cost unbounded: nested macros over lists without maxItems',
    rule: { rule: 'self.nums.all(x, self.nums.all(y, x <= y || x > y))' },
    field: `${SCHEMA_PATH}.x-kubernetes-validations[0].rule`,
    type: 'FieldValueForbidden',
    detail: /^estimated rule cost exceeds budget by factor of .*maxItems/,
  },
];

describe('compile errors', () => {
  it.each(compileCases)('$name', (c) => {
    const { compiled, errors } = compileValidationRules(node([c.rule]), SCHEMA_PATH);
    expect(compiled).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe(c.field);
    expect(errors[0]?.type).toBe(c.type);
    expect(errors[0]?.detail).toMatch(c.detail);
  });

  it('reports every bad rule of a node, by index', () => {
    const { errors } = compileValidationRules(node([{ rule: 'self.replicas > 0' }, { rule: '1 +' }, { rule: "'x'" }]), '');
    expect(errors.map((e) => e.field)).toEqual(['x-kubernetes-validations[1].rule', 'x-kubernetes-validations[2].rule']);
  });

  it('accepts a single macro over an unbounded list (guarded at run time instead)', () => {
    expect(compileValidationRules(node([{ rule: 'self.nums.all(x, x >= 0)' }]), '').errors).toEqual([]);
  });
});

describe('run-time cost guard', () => {
  it('stops a hostile rule over a large list promptly with a clear detail', () => {
    // Estimated at ~4.4e7: accepted at compile time (not "unbounded-huge"), but far above the
    // per-rule run-time limit. The second rule is not run once the first exhausted the budget.
    const hostile: JSONSchemaProps = {
      type: 'object',
      properties: { items: { type: 'array', maxItems: 2000, items: int } },
      'x-kubernetes-validations': [{ rule: 'self.items.all(x, self.items.all(y, x <= y || x > y))' }, { rule: 'false' }],
    };
    const { compiled, errors } = compileValidationRules(hostile, '');
    expect(errors).toEqual([]);
    const items = Array.from({ length: 2000 }, (_, i) => i);
    const started = Date.now();
    const out = compiled?.check({ items }, undefined, 'spec') ?? [];
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out).toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'spec',
        value: 'object',
        detail: 'no further validation rules will be run due to call cost exceeds limit for rule: self.items.all(x, self.items.all(y, x <= y || x > y))',
      },
    ]);
  });

  it('charges membership tests by list size (quadratic `in` over schemaless lists)', () => {
    const n: JSONSchemaProps = {
      type: 'object',
      properties: { d: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      'x-kubernetes-validations': [{ rule: 'self.d.a.all(x, x in self.d.b)' }],
    };
    const { compiled } = compileValidationRules(n, '');
    const big = Array.from({ length: 200_000 }, (_, i) => i);
    const started = Date.now();
    const out = compiled?.check({ d: { a: big, b: [...big].reverse() } }, undefined, 'spec') ?? [];
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out[0]?.detail).toMatch(/call cost exceeds limit/);
  });

  it('shares one budget across the nodes of an object with runWithCelBudget', () => {
    const { compiled } = compileValidationRules(
      { type: 'integer', 'x-kubernetes-validations': [{ rule: '[1,2,3,4,5,6,7,8,9,10].all(x, [1,2,3,4,5,6,7,8,9,10].all(y, x + y + self > 0))' }] },
      'items',
    );
    const reported = runWithCelBudget(() => {
      const all = [];
      for (let i = 0; i < 1000; i++) all.push(...(compiled?.check(i, undefined, `spec.items[${i}]`) ?? []));
      return all;
    }, 100_000);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.detail).toBe('validation failed due to running out of cost budget, no further validation rules will be run');
  });
});

describe('compile cache', () => {
  it('compiles a CRD once for many workspaces', () => {
    const make = (): JSONSchemaProps => node([{ rule: 'self.replicas >= 0 && self.tags.all(t, t.size() < 10)', message: 'cached' }]);
    compileValidationRules(make(), 'a');
    const before = celCacheStats();
    const started = Date.now();
    for (let i = 0; i < 10_000; i++) {
      const { compiled } = compileValidationRules(make(), `ws${i}`);
      expect(compiled).toBeDefined();
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(celCacheStats()).toEqual(before);
  });
});

describe('escaping', () => {
  it.each([
    ['name', 'name'],
    ['my-field', 'my__dash__field'],
    ['a.b', 'a__dot__b'],
    ['x/y', 'x__slash__y'],
    ['x__y', 'x__underscores__y'],
    ['_x', '_x'],
    ['namespace', '__namespace__'],
    ['if', '__if__'],
    ['1x', undefined],
    ['has space', undefined],
  ])('%s → %s', (name, escaped) => {
    expect(escapeName(name)).toBe(escaped);
  });
});

describe('Kubernetes documentation examples', () => {
  const check = (schema: JSONSchemaProps, self: unknown, old?: unknown): string[] => {
    const { compiled, errors } = compileValidationRules(schema, '');
    expect(errors).toEqual([]);
    return (compiled?.check(self, old, 'spec') ?? []).map((e) => e.detail);
  };
  const sets = (r: string): JSONSchemaProps => ({
    type: 'object',
    properties: {
      set1: { type: 'array', maxItems: 10, items: str, 'x-kubernetes-list-type': 'set' },
      set2: { type: 'array', maxItems: 10, items: str, 'x-kubernetes-list-type': 'set' },
      names: { type: 'array', maxItems: 10, items: str },
      details: { type: 'object', maxProperties: 10, additionalProperties: str },
    },
    'x-kubernetes-validations': [{ rule: r }],
  });

  it('self.set1.all(e, !(e in self.set2))', () => {
    expect(check(sets('self.set1.all(e, !(e in self.set2))'), { set1: ['a'], set2: ['b'] })).toEqual([]);
    expect(check(sets('self.set1.all(e, !(e in self.set2))'), { set1: ['a'], set2: ['a'] })).toHaveLength(1);
  });

  it('size(self.names) == size(self.details) && self.names.all(n, n in self.details)', () => {
    const s = sets('size(self.names) == size(self.details) && self.names.all(n, n in self.details)');
    expect(check(s, { names: ['a'], details: { a: 'x' } })).toEqual([]);
    expect(check(s, { names: ['b'], details: { a: 'x' } })).toHaveLength(1);
  });

  it("self.details.all(key, self.details[key].matches('^[a-zA-Z]*$'))", () => {
    const s = sets("self.details.all(key, self.details[key].matches('^[a-zA-Z]*$'))");
    expect(check(s, { details: { a: 'xY' } })).toEqual([]);
    expect(check(s, { details: { a: 'x1' } })).toHaveLength(1);
  });

  it('self.replicas >= oldSelf.replicas (transition rule on update only)', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { replicas: int }, 'x-kubernetes-validations': [{ rule: 'self.replicas >= oldSelf.replicas', message: 'cannot scale down' }] };
    expect(check(s, { replicas: 1 })).toEqual([]);
    expect(check(s, { replicas: 1 }, { replicas: 3 })).toEqual(['cannot scale down']);
    expect(check(s, { replicas: 5 }, { replicas: 3 })).toEqual([]);
  });

  it("type(self) == string ? self == '100%' : self == 1000 (int-or-string node)", () => {
    const s: JSONSchemaProps = { 'x-kubernetes-int-or-string': true, 'x-kubernetes-validations': [{ rule: "type(self) == string ? self == '100%' : self == 1000" }] };
    expect(check(s, '100%')).toEqual([]);
    expect(check(s, 1000)).toEqual([]);
    expect(check(s, 999)).toHaveLength(1);
  });

  it('has(self.expired) && self.created + self.ttl < self.expired', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: { created: { type: 'string', format: 'date-time' }, expired: { type: 'string', format: 'date-time' }, ttl: { type: 'string', format: 'duration' } },
      'x-kubernetes-validations': [{ rule: 'has(self.expired) && self.created + self.ttl < self.expired' }],
    };
    expect(check(s, { created: '2023-06-14T02:00:00Z', ttl: '1h', expired: '2023-06-14T04:00:00Z' })).toEqual([]);
    expect(check(s, { created: '2023-06-14T02:00:00Z', ttl: '3h', expired: '2023-06-14T04:00:00Z' })).toHaveLength(1);
    expect(check(s, { created: '2023-06-14T02:00:00Z', ttl: '1h' })).toHaveLength(1);
  });
});
