/**
 * CEL `x-kubernetes-validations`: evaluation of rules on typed `self`, the Kubernetes libraries,
 * transition rules, messages / reasons / fieldPath, runtime errors and compile errors. Most rules
 * are the examples of the Kubernetes documentation ("Validation rules" for CRDs, "CEL in Kubernetes").
 */
import { describe, expect, it } from 'vitest';
import { compileValidationRules } from '../../../src/crd/cel/index.js';
import type { JSONSchemaProps, ValidationRule } from '../../../src/crd/schema-types.js';
import type { FieldError } from '../../../src/registry/errors.js';

const obj = (properties: Record<string, JSONSchemaProps>, rules: ValidationRule[], extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: 'object',
  properties,
  'x-kubernetes-validations': rules,
  ...extra,
});
const str: JSONSchemaProps = { type: 'string', maxLength: 256 };
const int: JSONSchemaProps = { type: 'integer' };
const strList: JSONSchemaProps = { type: 'array', maxItems: 100, items: str };
const rule = (r: string, extra: Partial<ValidationRule> = {}): ValidationRule => ({ rule: r, ...extra });

/** Compiles the node's rules (expecting no compile error) and checks `self` at `spec`. */
function check(node: JSONSchemaProps, self: unknown, oldSelf?: unknown, field = 'spec'): FieldError[] {
  const { compiled, errors } = compileValidationRules(node, 'spec.validation.openAPIV3Schema.properties[spec]');
  expect(errors).toEqual([]);
  expect(compiled).toBeDefined();
  return compiled?.check(self, oldSelf, field) ?? [];
}

const replicaSchema = obj({ minReplicas: int, replicas: int, maxReplicas: int }, [
  rule('self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas', { message: 'replicas should be in the range minReplicas..maxReplicas.' }),
]);

interface Case {
  name: string;
  node: JSONSchemaProps;
  self: unknown;
  old?: unknown;
  /** Expected failures (field + substring of detail); empty for a pass. */
  fails: { field: string; detail?: string; type?: FieldError['type'] }[];
}

const cases: Case[] = [
  { name: 'min <= replicas <= max passes', node: replicaSchema, self: { minReplicas: 1, replicas: 3, maxReplicas: 5 }, fails: [] },
  {
    name: 'min <= replicas <= max fails with the message',
    node: replicaSchema,
    self: { minReplicas: 4, replicas: 3, maxReplicas: 5 },
    fails: [{ field: 'spec', detail: 'replicas should be in the range minReplicas..maxReplicas.', type: 'FieldValueInvalid' }],
  },
  {
    name: 'default message is "failed rule: <rule>"',
    node: obj({ replicas: int }, [rule('self.replicas < 10')]),
    self: { replicas: 12 },
    fails: [{ field: 'spec', detail: 'failed rule: self.replicas < 10' }],
  },
  {
    name: 'has() on an optional field',
    node: obj({ x: str, y: str }, [rule("!has(self.x) || self.x == 'a'"), rule('has(self.y)', { message: 'y is required' })]),
    self: { x: 'a' },
    fails: [{ field: 'spec', detail: 'y is required' }],
  },
  {
    name: 'all() over a list',
    node: obj({ names: strList }, [rule('self.names.all(n, n.size() <= 5)')]),
    self: { names: ['abc', 'toolongname'] },
    fails: [{ field: 'spec', detail: 'failed rule' }],
  },
  {
    name: 'all() over map keys, exists() and exists_one()',
    node: obj(
      { labels: { type: 'object', maxProperties: 10, additionalProperties: str } },
      [rule("self.labels.all(k, k.startsWith('app.'))"), rule("self.labels.exists(k, self.labels[k] == 'x')"), rule("self.labels.exists_one(k, k == 'app.a')")],
    ),
    self: { labels: { 'app.a': 'x', 'app.b': 'y' } },
    fails: [],
  },
  {
    name: 'map() and filter() macros',
    node: obj({ items: { type: 'array', maxItems: 10, items: obj({ name: str, port: int }, []) } }, [
      rule("self.items.filter(i, i.port > 1000).map(i, i.name) == ['b']"),
    ]),
    self: { items: [{ name: 'a', port: 80 }, { name: 'b', port: 8080 }] },
    fails: [],
  },
  {
    name: 'string functions (extended strings library)',
    node: obj({ s: str }, [
      rule("self.s.lowerAscii() == 'hello world'"),
      rule("self.s.split(' ') == ['Hello', 'World']"),
      rule("['a','b'].join('-') == 'a-b' && self.s.replace('World', 'There') == 'Hello There'"),
      rule("self.s.indexOf('o') == 4 && self.s.lastIndexOf('o') == 7 && self.s.charAt(1) == 'e'"),
      rule("'  x '.trim() == 'x' && self.s.substring(0, 5) == 'Hello' && self.s.upperAscii() == 'HELLO WORLD'"),
      rule("'%s has %d items'.format(['list', 3]) == 'list has 3 items'"),
    ]),
    self: { s: 'Hello World' },
    fails: [],
  },
  {
    name: 'regex: matches() and find()/findAll()',
    node: obj({ name: str }, [
      rule("self.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')", { message: 'must be a DNS label' }),
      rule("self.name.find('[0-9]+') == '123' && self.name.findAll('[a-z]+') == ['abc', 'def']"),
    ]),
    self: { name: 'abc-123-def' },
    fails: [],
  },
  {
    name: 'regex mismatch reports the message',
    node: obj({ name: str }, [rule("self.name.matches('^[a-z]+$')", { message: 'must be lowercase letters' })]),
    self: { name: 'Abc' },
    fails: [{ field: 'spec', detail: 'must be lowercase letters' }],
  },
  {
    name: 'url library',
    node: obj({ endpoint: str }, [
      rule("isURL(self.endpoint) && url(self.endpoint).getScheme() == 'https'"),
      rule("url(self.endpoint).getHostname() == 'example.com' && url(self.endpoint).getPort() == '8443'"),
      rule("url(self.endpoint).getEscapedPath() == '/a%20b' && url(self.endpoint).getQuery()['q'] == ['1', '2']"),
      rule("url('https://[::1]:80/').getHost() == '[::1]:80' && !isURL('example.com')"),
    ]),
    self: { endpoint: 'https://example.com:8443/a%20b?q=1&q=2' },
    fails: [],
  },
  {
    name: 'ip and cidr libraries',
    node: obj({ ip: str, net: str }, [
      rule('isIP(self.ip) && ip(self.ip).family() == 4 && !ip(self.ip).isLoopback()'),
      rule('cidr(self.net).containsIP(self.ip) && cidr(self.net).prefixLength() == 16'),
      rule("cidr('10.0.0.0/8').containsCIDR(cidr(self.net)) && cidr('10.1.2.3/16').masked() == cidr('10.1.0.0/16')"),
      rule("ip('::1').isLoopback() && ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1') && !isIP('010.0.0.1')"),
      rule("string(ip('2001:0db8:0:0:0:0:0:1')) == '2001:db8::1' && isCIDR('::/0') && !isCIDR('1.2.3.4/33')"),
    ]),
    self: { ip: '10.1.2.3', net: '10.1.0.0/16' },
    fails: [],
  },
  {
    name: 'quantity library',
    node: obj({ memory: { 'x-kubernetes-int-or-string': true }, limit: str }, [
      rule('quantity(self.limit).isGreaterThan(quantity(string(self.memory)))', { message: 'memory must be below the limit' }),
      rule("quantity('1') == quantity('1000m') && quantity('1Gi').compareTo(quantity('1G')) == 1"),
      rule("quantity('1.5').isInteger() == false && quantity('2k').asInteger() == 2000 && quantity('500m').asApproximateFloat() == 0.5"),
      rule("quantity('1').add(quantity('500m')) == quantity('1500m') && quantity('2').sub(3).sign() == -1 && isQuantity('10Mi') && !isQuantity('10MB')"),
    ]),
    self: { memory: '3Gi', limit: '2Gi' },
    fails: [{ field: 'spec', detail: 'memory must be below the limit' }],
  },
  {
    name: 'lists library',
    node: obj({ nums: { type: 'array', maxItems: 10, items: int } }, [
      rule('self.nums.isSorted() && self.nums.sum() == 10 && self.nums.min() == 1 && self.nums.max() == 4'),
      rule('self.nums.indexOf(3) == 2 && self.nums.lastIndexOf(9) == -1 && [1, 2, 1].lastIndexOf(1) == 2'),
      rule("['b', 'a'].isSorted() == false && sets.contains(self.nums, [1, 2]) && sets.intersects([9, 4], self.nums)"),
    ]),
    self: { nums: [1, 2, 3, 4] },
    fails: [],
  },
  {
    name: 'escaped property names (my-field, a.b, namespace, x__y)',
    node: obj({ 'my-field': str, 'a.b': str, namespace: str, x__y: str, 'path/to': str }, [
      rule("self.my__dash__field == 'v1' && self.a__dot__b == 'v2' && self.__namespace__ == 'v3'"),
      rule("self.x__underscores__y == 'v4' && self.path__slash__to == 'v5'"),
    ]),
    self: { 'my-field': 'v1', 'a.b': 'v2', namespace: 'v3', x__y: 'v4', 'path/to': 'v5' },
    fails: [],
  },
  {
    name: 'int-or-string is dyn (Kubernetes documentation example)',
    node: obj({ port: { 'x-kubernetes-int-or-string': true } }, [
      rule("type(self.port) == int ? self.port < 100 : self.port.endsWith('%')", { message: 'int port below 100 or a percentage' }),
    ]),
    self: { port: 50 },
    fails: [],
  },
  {
    name: 'int-or-string string branch fails',
    node: obj({ port: { 'x-kubernetes-int-or-string': true } }, [rule("type(self.port) == int ? self.port < 100 : self.port.endsWith('%')")]),
    self: { port: '50' },
    fails: [{ field: 'spec', detail: 'failed rule' }],
  },
  {
    name: 'preserve-unknown-fields without properties is dyn',
    node: obj({ extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, [rule('self.extra.a.b == 2 && self.extra.c[0] == "x"')]),
    self: { extra: { a: { b: 2 }, c: ['x'] } },
    fails: [],
  },
  {
    name: 'rule on a scalar node',
    node: { type: 'string', maxLength: 64, 'x-kubernetes-validations': [rule("self.startsWith('v')", { message: 'must start with v' })] },
    self: 'x1',
    fails: [{ field: 'spec', detail: 'must start with v' }],
  },
  {
    name: 'runtime error (no such key in a map) is a failure with the error',
    node: obj({ m: { type: 'object', maxProperties: 5, additionalProperties: str } }, [rule("self.m['missing'] == 'x'")]),
    self: { m: { a: 'b' } },
    fails: [{ field: 'spec', detail: 'No such key: missing evaluating rule: self.m[\'missing\'] == \'x\'', type: 'FieldValueInvalid' }],
  },
  {
    name: 'runtime error on int-or-string type mismatch',
    node: obj({ v: { 'x-kubernetes-int-or-string': true } }, [rule('self.v > 5')]),
    self: { v: 'abc' },
    fails: [{ field: 'spec', detail: 'evaluating rule: self.v > 5' }],
  },
  {
    name: 'messageExpression',
    node: obj({ x: int }, [rule('self.x <= 10', { messageExpression: "'x exceeded max limit of 10, got ' + string(self.x)" })]),
    self: { x: 12 },
    fails: [{ field: 'spec', detail: 'x exceeded max limit of 10, got 12' }],
  },
  {
    name: 'messageExpression falling back to message when it yields an empty string',
    node: obj({ x: int }, [rule('self.x <= 10', { message: 'too big', messageExpression: "''" })]),
    self: { x: 12 },
    fails: [{ field: 'spec', detail: 'too big' }],
  },
  {
    name: 'reason and fieldPath',
    node: obj({ spec2: obj({ replicas: int }, []) }, [
      rule('self.spec2.replicas >= 1', { reason: 'FieldValueForbidden', fieldPath: '.spec2.replicas', message: 'need a replica' }),
    ]),
    self: { spec2: { replicas: 0 } },
    fails: [{ field: 'spec.spec2.replicas', detail: 'need a replica', type: 'FieldValueForbidden' }],
  },
  {
    name: "fieldPath with ['name'] into a map",
    node: obj({ labels: { type: 'object', maxProperties: 5, additionalProperties: str } }, [
      rule("!('a.b/c' in self.labels)", { reason: 'FieldValueRequired', fieldPath: ".labels['a.b/c']" }),
    ]),
    self: { labels: { 'a.b/c': 'x' } },
    fails: [{ field: 'spec.labels[a.b/c]', type: 'FieldValueRequired' }],
  },
  {
    name: 'transition rule skipped on create',
    node: obj({ name: str }, [rule('self.name == oldSelf.name', { message: 'name is immutable' })]),
    self: { name: 'b' },
    fails: [],
  },
  {
    name: 'transition rule (immutability, self == oldSelf) enforced on update',
    node: obj({ name: str }, [rule('self == oldSelf', { message: 'Value is immutable' })]),
    self: { name: 'b' },
    old: { name: 'a' },
    fails: [{ field: 'spec', detail: 'Value is immutable' }],
  },
  {
    name: 'transition rule passes on an unchanged update',
    node: obj({ name: str, tags: strList }, [rule('self == oldSelf', { message: 'Value is immutable' })]),
    self: { name: 'a', tags: ['x'] },
    old: { name: 'a', tags: ['x'] },
    fails: [],
  },
  {
    name: 'optionalOldSelf evaluated on create with oldSelf.hasValue()',
    node: obj({ name: str }, [rule("!oldSelf.hasValue() ? self.name.startsWith('new-') : true", { optionalOldSelf: true, message: 'new objects need a new- name' })]),
    self: { name: 'x' },
    fails: [{ field: 'spec', detail: 'new objects need a new- name' }],
  },
  {
    name: 'optionalOldSelf with value() and orValue() on update',
    node: obj({ n: int }, [rule('oldSelf.value().n <= self.n && oldSelf.orValue(self).n >= 0', { optionalOldSelf: true, message: 'n may only grow' })]),
    self: { n: 1 },
    old: { n: 5 },
    fails: [{ field: 'spec', detail: 'n may only grow' }],
  },
  {
    name: 'timestamps and durations from formats',
    node: obj({ start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' }, ttl: { type: 'string', format: 'duration' } }, [
      rule("self.end - self.start <= self.ttl && self.ttl == duration('1h30m')"),
    ]),
    self: { start: '2024-01-01T00:00:00Z', end: '2024-01-01T01:00:00Z', ttl: '1h30m' },
    fails: [],
  },
  {
    name: 'embedded resource has apiVersion, kind and metadata.name',
    node: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [rule("self.kind == 'Pod' && self.metadata.name != ''")] },
    self: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
    fails: [],
  },
  {
    name: 'reason FieldValueDuplicate carries the schema type as value',
    node: obj({ a: strList }, [rule('self.a.size() == 0', { reason: 'FieldValueDuplicate' })]),
    self: { a: ['x'] },
    fails: [{ field: 'spec', type: 'FieldValueDuplicate' }],
  },
];

describe('CEL validation rules', () => {
  it.each(cases)('$name', (c) => {
    const errors = check(c.node, c.self, c.old);
    expect(errors.map((e) => e.field)).toEqual(c.fails.map((f) => f.field));
    c.fails.forEach((f, i) => {
      const e = errors[i] as FieldError;
      if (f.detail !== undefined) expect(e.detail).toContain(f.detail);
      if (f.type !== undefined) expect(e.type).toBe(f.type);
    });
  });

  it('reports the schema type as the value, as Kubernetes prints "Invalid value: \\"object\\""', () => {
    const [e] = check(replicaSchema, { minReplicas: 9, replicas: 1, maxReplicas: 2 });
    expect(e).toEqual({ type: 'FieldValueInvalid', field: 'spec', value: 'object', detail: 'replicas should be in the range minReplicas..maxReplicas.' });
  });

  it('flags transition rules', () => {
    expect(compileValidationRules(obj({ a: str }, [rule('self.a == oldSelf.a')]), '').compiled?.hasTransitionRules).toBe(true);
    expect(compileValidationRules(obj({ a: str }, [rule("self.a == 'x'")]), '').compiled?.hasTransitionRules).toBe(false);
  });

  it('gives the resource root apiVersion, kind and metadata.name, as Kubernetes does', () => {
    const root: JSONSchemaProps = {
      type: 'object',
      properties: { metadata: { type: 'object' }, spec: obj({ a: str }, []) },
      'x-kubernetes-validations': [rule("self.metadata.name.startsWith('demo-') && self.kind == 'Widget'", { message: 'bad name' })],
    };
    expect(compileValidationRules(root, 'openAPIV3Schema').errors[0]?.detail).toMatch(/undefined field 'name'/);
    const { compiled, errors } = compileValidationRules(root, 'spec.versions[0].schema.openAPIV3Schema', { resourceRoot: true });
    expect(errors).toEqual([]);
    expect(compiled?.check({ apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'demo-1' }, spec: {} }, undefined, '')).toEqual([]);
    expect(compiled?.check({ apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'other' } }, undefined, '')).toEqual([
      { type: 'FieldValueInvalid', field: '', value: 'object', detail: 'bad name' },
    ]);
  });

  it('skips a null value and treats a null oldSelf as absent', () => {
    const n = obj({ a: str }, [rule('self == oldSelf', { message: 'immutable' })], { nullable: true });
    expect(check(n, null)).toEqual([]);
    expect(check(n, { a: 'x' }, null)).toEqual([]);
  });

  it('returns nothing for a node without rules', () => {
    expect(compileValidationRules({ type: 'string' }, 'x')).toEqual({ errors: [] });
  });
});
