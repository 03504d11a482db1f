/**
 * ValidatingAdmissionPolicy against the real server: Deny (422 by default, the validation's reason
 * otherwise) with message and messageExpression, Warn (a Warning header, GraphQL
 * extensions.warnings), Audit and auditAnnotations (the request's audit annotations), params from a
 * ConfigMap, variables, a binding's namespaceSelector, failurePolicy, and CEL that does not
 * compile refused with 422 at the expression's position.
 */
import { describe, expect, it } from 'vitest';
import { configMaps, type RequestContext } from '../../src/registry/index.js';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
const G = 'admissionregistration.k8s.io';
const VAPS = (ws: string): string => `/clusters/${ws}/apis/${G}/v1/validatingadmissionpolicies`;
const VAPBS = (ws: string): string => `/clusters/${ws}/apis/${G}/v1/validatingadmissionpolicybindings`;
const NAMESPACES = (ws: string): string => `/clusters/${ws}/api/v1/namespaces`;
const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];

async function policy(ws: string, name: string, spec: Record<string, unknown>, binding: Record<string, unknown> = { validationActions: ['Deny'] }): Promise<void> {
  const p = await fx.call('POST', VAPS(ws), { metadata: { name }, spec: { matchConstraints: { resourceRules: rules }, ...spec } });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const b = await fx.call('POST', VAPBS(ws), { metadata: { name: `${name}-binding` }, spec: { policyName: name, ...binding } });
  expect(b.status, JSON.stringify(b.body)).toBe(201);
}

const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>) => ({ metadata: { name, ...(labels ? { labels } : {}) }, data });

async function graphql(ws: string, query: string): Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { warnings?: string[] } }> {
  const res = await fetch(`${fx.base}/clusters/${ws}/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.json()) as Awaited<ReturnType<typeof graphql>>;
}

describe('ValidatingAdmissionPolicy', () => {
  it('denies with the policy’s message on REST and GraphQL, only in its workspace', async () => {
    await fx.workspace('root', 'vap-deny');
    await fx.workspace('root', 'vap-other');
    await policy('root:vap-deny', 'few-keys', { validations: [{ expression: '!has(object.data) || size(object.data) <= 2', message: 'at most two keys' }] });
    const denied = await fx.call('POST', CONFIGMAPS('root:vap-deny'), configMap('big', { a: '1', b: '2', c: '3' }));
    expect(denied.status).toBe(422);
    expect(denied.body.reason).toBe('Invalid');
    expect(denied.body.message).toBe("ValidatingAdmissionPolicy 'few-keys' with binding 'few-keys-binding' denied request: at most two keys");
    expect((await fx.call('POST', CONFIGMAPS('root:vap-deny'), configMap('small', { a: '1' }))).status).toBe(201);
    // An update is checked too; the other workspace has no policy.
    expect((await fx.call('PUT', `${CONFIGMAPS('root:vap-deny')}/small`, configMap('small', { a: '1', b: '2', c: '3' }))).status).toBe(422);
    expect((await fx.call('POST', CONFIGMAPS('root:vap-other'), configMap('big', { a: '1', b: '2', c: '3' }))).status).toBe(201);
    const g = await graphql('root:vap-deny', 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "gql" }, data: { a: "1", b: "2", c: "3" } }) { metadata { name } } }');
    expect(g.errors?.[0]?.message).toContain('denied request: at most two keys');
    expect(g.errors?.[0]?.extensions?.code).toBe('INVALID');
  });

  it('uses the validation’s reason and messageExpression, with variables', async () => {
    await fx.workspace('root', 'vap-reason');
    await policy('root:vap-reason', 'owner', {
      variables: [
        { name: 'owner', expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels ? object.metadata.labels.owner : ''" },
        { name: 'isAdmin', expression: "request.userInfo.username == 'nobody-here'" },
      ],
      validations: [
        {
          expression: "variables.isAdmin || variables.owner != ''",
          reason: 'Forbidden',
          messageExpression: "'configmap ' + object.metadata.name + ' needs an owner label (user ' + request.userInfo.username + ')'",
        },
      ],
    });
    const denied = await fx.call('POST', CONFIGMAPS('root:vap-reason'), configMap('nolabel', {}));
    expect(denied.status).toBe(403);
    expect(denied.body.reason).toBe('Forbidden');
    expect(denied.body.message).toMatch(/denied request: configmap nolabel needs an owner label \(user kcp-admin\)$/);
    expect((await fx.call('POST', CONFIGMAPS('root:vap-reason'), configMap('owned', {}, { owner: 'me' }))).status).toBe(201);
  });

  it('warns (REST Warning header, GraphQL extensions.warnings) without refusing', async () => {
    await fx.workspace('root', 'vap-warn');
    await policy('root:vap-warn', 'no-secrets', { validations: [{ expression: "!has(object.data) || !('password' in object.data)", message: 'looks like a secret' }] }, { validationActions: ['Warn'] });
    const res = await fetch(`${fx.base}${CONFIGMAPS('root:vap-warn')}`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json' },
      body: JSON.stringify(configMap('pw', { password: 'x' })),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toContain("Validation failed for ValidatingAdmissionPolicy 'no-secrets' with binding 'no-secrets-binding': looks like a secret");
    const g = await graphql('root:vap-warn', 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "gql" }, data: { password: "y" } }) { metadata { name } } }');
    expect(g.data).toEqual({ createV1ConfigMap: { metadata: { name: 'gql' } } });
    expect(g.extensions?.warnings).toEqual(["Validation failed for ValidatingAdmissionPolicy 'no-secrets' with binding 'no-secrets-binding': looks like a secret"]);
  });

  it('records Audit failures and auditAnnotations in the request’s audit annotations', async () => {
    await fx.workspace('root', 'vap-audit');
    await policy(
      'root:vap-audit',
      'audited',
      { validations: [{ expression: 'false', message: 'always noted' }], auditAnnotations: [{ key: 'keys', valueExpression: "string(size(object.data)) + ' keys'" }] },
      { validationActions: ['Audit'] },
    );
    await eventually(async () => {
      const ctx: RequestContext = { cluster: await clusterOf('vap-audit'), user: { name: 'tester', groups: ['system:masters'] } };
      await fx.server.registry.create(ctx, configMaps, 'default', configMap(`audited-${Date.now()}`, { a: '1' }));
      expect(ctx.auditAnnotations?.['audited/keys']).toBe('1 keys');
      expect(JSON.parse(ctx.auditAnnotations?.['validation.policy.admission.k8s.io/validation_failure'] ?? '[]')).toEqual([
        { message: 'always noted', policy: 'audited', binding: 'audited-binding', expressionIndex: 0, validationActions: ['Audit'] },
      ]);
    });
    // Deny with Audit: the denied request's audit event still says why.
    await policy('root:vap-audit', 'no-deny-label', { validations: [{ expression: "!has(object.metadata.labels) || !('deny' in object.metadata.labels)", message: 'deny label' }] }, { validationActions: ['Deny', 'Audit'] });
    await eventually(async () => {
      const ctx: RequestContext = { cluster: await clusterOf('vap-audit'), user: { name: 'tester', groups: ['system:masters'] } };
      await expect(fx.server.registry.create(ctx, configMaps, 'default', configMap(`denied-${Date.now()}`, { a: '1' }, { deny: 'yes' }))).rejects.toThrow(/denied request: deny label/);
      expect(JSON.parse(ctx.auditAnnotations?.['validation.policy.admission.k8s.io/validation_failure'] ?? '[]')).toEqual([
        { message: 'always noted', policy: 'audited', binding: 'audited-binding', expressionIndex: 0, validationActions: ['Audit'] },
        { message: 'deny label', policy: 'no-deny-label', binding: 'no-deny-label-binding', expressionIndex: 0, validationActions: ['Deny', 'Audit'] },
      ]);
    });
  });

  it('reads params from a ConfigMap (missing params refused under Deny)', async () => {
    await fx.workspace('root', 'vap-params');
    const ws = 'root:vap-params';
    // The params live in a namespace the binding leaves out (they are ConfigMaps too).
    expect((await fx.call('POST', NAMESPACES(ws), { metadata: { name: 'params', labels: { role: 'params' } } })).status).toBe(201);
    await policy(
      ws,
      'max-keys',
      { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: '!has(object.data) || size(object.data) <= int(params.data.max)', messageExpression: "'more than ' + params.data.max + ' keys'" }] },
      {
        validationActions: ['Deny'],
        paramRef: { name: 'limits', namespace: 'params', parameterNotFoundAction: 'Deny' },
        matchResources: { namespaceSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['params'] }] } },
      },
    );
    const missing = await fx.call('POST', CONFIGMAPS(ws), configMap('early', { a: '1' }));
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('no params found for policy binding with `Deny` parameterNotFoundAction');
    expect((await fx.call('POST', CONFIGMAPS(ws, 'params'), configMap('limits', { max: '1' }))).status).toBe(201);
    expect((await fx.call('POST', CONFIGMAPS(ws), configMap('one', { a: '1' }))).status).toBe(201);
    const two = await fx.call('POST', CONFIGMAPS(ws), configMap('two', { a: '1', b: '2' }));
    expect(two.status).toBe(422);
    expect(two.body.message).toMatch(/denied request: more than 1 keys$/);
  });

  it('reads params from a custom resource, and lets writes through when they are missing under Allow', async () => {
    await fx.workspace('root', 'vap-crparams');
    const ws = 'root:vap-crparams';
    const crd = await fx.call('POST', `/clusters/${ws}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      metadata: { name: 'limits.example.dev' },
      spec: {
        group: 'example.dev',
        names: { plural: 'limits', kind: 'Limit' },
        scope: 'Cluster',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { max: { type: 'integer' } } } } } } }],
      },
    });
    expect(crd.status, JSON.stringify(crd.body)).toBe(201);
    await policy(
      ws,
      'limited',
      { paramKind: { apiVersion: 'example.dev/v1', kind: 'Limit' }, validations: [{ expression: '!has(object.data) || size(object.data) <= params.spec.max', messageExpression: "'at most ' + string(params.spec.max) + ' keys'" }] },
      { validationActions: ['Deny'], paramRef: { name: 'default', parameterNotFoundAction: 'Allow' } },
    );
    await eventually(async () => expect((await fx.call('POST', CONFIGMAPS(ws), configMap('before', { a: '1', b: '2' }))).status).toBe(201));
    await eventually(async () => expect((await fx.call('POST', `/clusters/${ws}/apis/example.dev/v1/limits`, { apiVersion: 'example.dev/v1', kind: 'Limit', metadata: { name: 'default' }, spec: { max: 1 } })).status).toBe(201));
    const denied = await fx.call('POST', CONFIGMAPS(ws), configMap('after', { a: '1', b: '2' }));
    expect(denied.status).toBe(422);
    expect(denied.body.message).toMatch(/denied request: at most 1 keys$/);
  });

  it('reports observedGeneration and type-checking warnings for fields the matched kinds lack', async () => {
    await fx.workspace('root', 'vap-status');
    const ws = 'root:vap-status';
    await policy(ws, 'typo', { validations: [{ expression: "object.dta.size() < 3 || object.metadata.name != ''" }] }, { validationActions: ['Warn'] });
    await eventually(async () => {
      const p = await fx.call('GET', `${VAPS(ws)}/typo`);
      expect(p.body.status).toEqual({
        observedGeneration: 1,
        typeChecking: { expressionWarnings: [{ fieldRef: 'spec.validations[0].expression', warning: "v1, Kind=ConfigMap: ERROR: <input>:1:7: undefined field 'dta'" }] },
      });
    });
  });

  it('evaluates once per param a paramRef selector selects', async () => {
    await fx.workspace('root', 'vap-selector');
    const ws = 'root:vap-selector';
    expect((await fx.call('POST', NAMESPACES(ws), { metadata: { name: 'params', labels: { role: 'params' } } })).status).toBe(201);
    for (const key of ['x', 'y']) {
      expect((await fx.call('POST', CONFIGMAPS(ws, 'params'), configMap(`ban-${key}`, { key }, { kind: 'banned-key' }))).status).toBe(201);
    }
    await policy(
      ws,
      'banned-keys',
      { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: '!has(object.data) || !(params.data.key in object.data)', messageExpression: "'key ' + params.data.key + ' is banned'" }] },
      {
        validationActions: ['Deny'],
        paramRef: { namespace: 'params', selector: { matchLabels: { kind: 'banned-key' } }, parameterNotFoundAction: 'Allow' },
        matchResources: { namespaceSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['params'] }] } },
      },
    );
    const denied = await fx.call('POST', CONFIGMAPS(ws), configMap('has-y', { y: '1' }));
    expect(denied.status).toBe(422);
    expect(denied.body.message).toMatch(/denied request: key y is banned$/);
    expect((await fx.call('POST', CONFIGMAPS(ws), configMap('has-z', { z: '1' }))).status).toBe(201);
  });

  it('sees a DELETE’s object in oldObject (object is null)', async () => {
    await fx.workspace('root', 'vap-delete');
    const ws = 'root:vap-delete';
    await policy(ws, 'keep-protected', {
      matchConstraints: { resourceRules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
      validations: [{ expression: "object == null && !(has(oldObject.metadata.labels) && 'protected' in oldObject.metadata.labels)", message: 'protected' }],
    });
    expect((await fx.call('POST', CONFIGMAPS(ws), configMap('keep', {}, { protected: 'yes' }))).status).toBe(201);
    expect((await fx.call('POST', CONFIGMAPS(ws), configMap('drop', {}))).status).toBe(201);
    const refused = await fx.call('DELETE', `${CONFIGMAPS(ws)}/keep`);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/denied request: protected$/);
    expect((await fx.call('DELETE', `${CONFIGMAPS(ws)}/drop`)).status).toBe(200);
  });

  it('applies a binding only in the namespaces its namespaceSelector selects', async () => {
    await fx.workspace('root', 'vap-ns');
    const ws = 'root:vap-ns';
    expect((await fx.call('POST', NAMESPACES(ws), { metadata: { name: 'prod', labels: { env: 'prod' } } })).status).toBe(201);
    await policy(ws, 'prod-only', { validations: [{ expression: "has(object.metadata.labels) && 'approved' in object.metadata.labels" }] }, {
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } },
    });
    const denied = await fx.call('POST', CONFIGMAPS(ws, 'prod'), configMap('x', {}));
    expect(denied.status).toBe(422);
    expect(denied.body.message).toMatch(/denied request: failed expression: has\(object.metadata.labels\)/);
    expect((await fx.call('POST', CONFIGMAPS(ws, 'default'), configMap('x', {}))).status).toBe(201);
  });

  it('gives expressions the request’s namespace as namespaceObject', async () => {
    await fx.workspace('root', 'vap-nsobject');
    const ws = 'root:vap-nsobject';
    expect((await fx.call('POST', NAMESPACES(ws), { metadata: { name: 'frozen', labels: { state: 'frozen' } } })).status).toBe(201);
    await policy(ws, 'not-frozen', {
      validations: [{ expression: "!has(namespaceObject.metadata.labels) || namespaceObject.metadata.labels.?state.orValue('') != 'frozen'", messageExpression: "'namespace ' + namespaceObject.metadata.name + ' is frozen'" }],
    });
    const denied = await fx.call('POST', CONFIGMAPS(ws, 'frozen'), configMap('x', {}));
    expect(denied.status).toBe(422);
    expect(denied.body.message).toMatch(/denied request: namespace frozen is frozen$/);
    expect((await fx.call('POST', CONFIGMAPS(ws, 'default'), configMap('x', {}))).status).toBe(201);
  });

  it('counts evaluation errors per failurePolicy', async () => {
    await fx.workspace('root', 'vap-errors');
    const ws = 'root:vap-errors';
    await policy(ws, 'strict', { failurePolicy: 'Fail', validations: [{ expression: "object.data.required == 'x'" }] });
    const failed = await fx.call('POST', CONFIGMAPS(ws), configMap('a', { other: '1' }));
    expect(failed.status).toBe(422);
    expect(failed.body.message).toMatch(/denied request: expression 'object.data.required == 'x'' resulted in error: /);
    await fx.call('DELETE', `${VAPBS(ws)}/strict-binding`);
    await policy(ws, 'lenient', { failurePolicy: 'Ignore', validations: [{ expression: "object.data.required == 'x'" }] });
    await eventually(async () => expect((await fx.call('POST', CONFIGMAPS(ws), configMap(`b-${Date.now()}`, { other: '1' }))).status).toBe(201));
  });

  it('refuses CEL that does not compile with 422 and the expression’s position', async () => {
    await fx.workspace('root', 'vap-bad');
    const r = await fx.call('POST', VAPS('root:vap-bad'), {
      metadata: { name: 'broken' },
      spec: { matchConstraints: { resourceRules: rules }, validations: [{ expression: 'object.data.x ==' }, { expression: 'size(object.data)' }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.details?.causes?.map((c) => c.field)).toEqual(['spec.validations[0].expression', 'spec.validations[1].expression']);
    expect(r.body.message).toContain('spec.validations[0].expression: Invalid value: "object.data.x ==": compilation failed: ERROR: <input>:1:17:');
    expect(r.body.message).toContain('compilation failed: cel expression must evaluate to a bool, not int');
  });
});

async function clusterOf(name: string): Promise<string> {
  const ws = await fx.call('GET', `/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/${name}`);
  return (ws.body.spec as { cluster: string }).cluster;
}
