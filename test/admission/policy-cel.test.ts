import { describe, expect, it } from 'vitest';
import { buildActivation, celToJson, compilePolicyExpression, run, type PolicyProgram } from '../../src/admission/policies/cel-env.js';
import { checkExpressions } from '../../src/admission/policies/check-expressions.js';
import type { AdmissionRequest, ResourceType } from '../../src/registry/index.js';

const program = (text: string, want: Parameters<typeof compilePolicyExpression>[1] = 'bool'): PolicyProgram => {
  const c = compilePolicyExpression(text, want);
  if ('error' in c) throw new Error(c.error);
  return c.program;
};

const configMaps = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true } as ResourceType;

const request = (object: Record<string, unknown>): AdmissionRequest => ({
  operation: 'CREATE',
  type: configMaps,
  context: { cluster: 'root:org', user: { name: 'alice', groups: ['dev', 'system:authenticated'] } },
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'default' }, ...object },
  dryRun: false,
});

describe('admission policy CEL', () => {
  it('reports compile errors with their position, as kube-apiserver does', () => {
    const errs = checkExpressions('ValidatingAdmissionPolicy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'p' },
      spec: {
        variables: [{ name: 'a', expression: 'variables.b' }, { name: 'b', expression: '1' }],
        validations: [{ expression: 'object.data.x ==' }, { expression: '1 + 1' }, { expression: 'true', messageExpression: 'variables.nope' }],
      },
    });
    expect(errs.map((e) => [e.field, e.detail])).toEqual([
      ['spec.variables[0].expression', "compilation failed: ERROR: <input>:1:1: undefined field 'b'"],
      ['spec.validations[0].expression', expect.stringMatching(/^compilation failed: ERROR: <input>:1:17: /)],
      ['spec.validations[1].expression', 'compilation failed: cel expression must evaluate to a bool, not int'],
      ['spec.validations[2].messageExpression', "compilation failed: ERROR: <input>:1:1: undefined field 'nope'"],
    ]);
    expect(compilePolicyExpression("request.operatoin == 'CREATE'", 'bool')).toEqual({ error: "compilation failed: ERROR: <input>:1:8: undefined field 'operatoin'" });
  });

  it('shares one compiled program per expression text', () => {
    expect(compilePolicyExpression('object.metadata.name == "x"', 'bool')).toBe(compilePolicyExpression('object.metadata.name == "x"', 'bool'));
  });

  it('evaluates request, object and lazy variables (each at most once)', () => {
    const size = program('size(object.data)', 'any');
    const a = buildActivation({ request: request({ data: { a: '1', b: '2' } }), params: { max: 1 }, namespaceObject: undefined, variables: [{ name: 'n', program: size }] });
    expect(run(program('variables.n > params.max && request.userInfo.username == "alice" && oldObject == null'), a)).toEqual({ value: true });
    const before = a.budget.remaining;
    expect(run(program('variables.n == 2'), a)).toEqual({ value: true });
    // The variable was not evaluated again: only this expression's few steps were charged.
    expect(before - a.budget.remaining).toBeLessThan(10);
    expect(run(program('request.operation == "CREATE" && request.kind.kind == "ConfigMap" && request.namespace == "default"'), a)).toEqual({ value: true });
    // The workspace, as webhooks get it.
    expect(run(program('request.userInfo.extra["kcp.io/cluster"] == ["root:org"] && "dev" in request.userInfo.groups'), a)).toEqual({ value: true });
  });

  it('stops an expression past the cost limit with an error', () => {
    const a = buildActivation({ request: request({ data: {} }), params: undefined, namespaceObject: undefined, variables: [] });
    const ten = '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]';
    const nested = `${ten}.all(a, ${ten}.all(b, ${ten}.all(c, ${ten}.all(d, ${ten}.all(e, ${ten}.all(f, ${ten}.all(g, a + b + c + d + e + f + g >= 0)))))))`;
    expect(run(program(nested), a)).toEqual({ error: 'operation cancelled: actual cost limit exceeded' });
  });

  it('reports a failing variable through the expression that reads it', () => {
    const bad = program('object.data.missing', 'any');
    const a = buildActivation({ request: request({ data: {} }), params: undefined, namespaceObject: undefined, variables: [{ name: 'm', program: bad }] });
    const r = run(program('variables.m == "x"'), a);
    expect('error' in r && r.error).toMatch(/composited variable "m" fails to evaluate/);
  });

  it('builds Object{...} and JSONPatch{...} values for mutations', () => {
    const a = buildActivation({ request: request({ data: { a: '1' } }), params: undefined, namespaceObject: undefined, variables: [] });
    const apply = program('Object{metadata: Object.metadata{labels: {"team": "x-" + object.data.a}}}', 'apply');
    expect(celToJson((run(apply, a) as { value: unknown }).value)).toEqual({ metadata: { labels: { team: 'x-1' } } });
    const patch = program('[JSONPatch{op: "add", path: "/data/b", value: "2"}, JSONPatch{op: "replace", path: "/data/a", value: string(int(object.data.a) + 1)}]', 'jsonpatch');
    expect(celToJson((run(patch, a) as { value: unknown }).value)).toEqual([
      { op: 'add', path: '/data/b', value: '2' },
      { op: 'replace', path: '/data/a', value: '2' },
    ]);
    const wrong = compilePolicyExpression('[JSONPatch{op: "add", pth: "/x"}]', 'jsonpatch');
    expect(wrong).toEqual({ error: "compilation failed: ERROR: <input>:1:23: undefined field 'pth'" });
    const unknown = compilePolicyExpression('Thing{a: 1}', 'apply');
    expect(unknown).toEqual({ error: "compilation failed: ERROR: <input>:1:1: undeclared reference to 'Thing'" });
  });
});
