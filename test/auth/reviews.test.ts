/**
 * The access and rules reviews and SelfSubjectReview, through the registry (as REST and GraphQL
 * call it) against a real RBAC index: the answers Kubernetes gives, its validation messages and
 * field paths, and the 405 for every verb but create.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_NAME_EXTRA, SERVICE_ACCOUNTS_GROUP, type AuthUser } from '../../src/auth/authn/types.js';
import { authResourceTypes } from '../../src/auth/reviews/index.js';
import { ServiceAccountTokens } from '../../src/auth/authn/service-account-tokens.js';
import { keyId } from '../../src/auth/authn/service-account-keys.js';
import { generateKeyPairSync } from 'node:crypto';
import type { KubeObject } from '../../src/meta/index.js';
import { clusterRoleBindings, roleBindings, SYSTEM_USER, type RequestContext, type ResourceType, type UserInfo } from '../../src/registry/index.js';
import { fields, invalid, refused } from '../support/registry-fixture.js';
import { clusterRoleBinding, G, roleBinding, SA, U, user, useRbac } from './rbac/support.js';

const fx = useRbac();
const CLUSTER = 'ws';
const AUTHZ_V1 = 'authorization.k8s.io/v1';
const bob = user('bob');

function tokens(): ServiceAccountTokens {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return new ServiceAccountTokens({ keys: { current: { kid: keyId(publicKey), privateKey, publicKey } } });
}

function kinds() {
  // The v1 kinds (SelfSubjectReview is also served in v1beta1, for kubectl 1.27).
  const byKind = new Map(authResourceTypes({ authorizer: fx.authz, tokens: tokens() }).filter((t) => t.version === 'v1').map((t) => [t.kind, t]));
  const get = (kind: string) => byKind.get(kind) as ResourceType;
  return {
    ssar: get('SelfSubjectAccessReview'),
    sar: get('SubjectAccessReview'),
    lsar: get('LocalSubjectAccessReview'),
    ssrr: get('SelfSubjectRulesReview'),
    ssr: get('SelfSubjectReview'),
  };
}

const as = (u?: UserInfo): RequestContext => ({ cluster: CLUSTER, ...(u ? { user: u } : {}) });

async function setup(...objects: [ResourceType, KubeObject][]): Promise<void> {
  for (const [t, o] of objects) await fx.reg.create(as(SYSTEM_USER), t, o.metadata.namespace, o);
  await fx.index.refresh(CLUSTER);
}

const bobEdits = (): [ResourceType, KubeObject] => [roleBindings, roleBinding('dev', 'bob-edit', { kind: 'ClusterRole', name: 'edit' }, [U('bob')])];
const resource = (verb: string, res: string, namespace?: string) => ({ resourceAttributes: { verb, resource: res, ...(namespace ? { namespace } : {}) } });
const review = (kind: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = { creationTimestamp: null }) => ({
  apiVersion: AUTHZ_V1,
  kind,
  metadata,
  spec,
  status: { allowed: false },
});

describe('SelfSubjectAccessReview', () => {
  it('answers for the requesting user, naming the binding that allows', async () => {
    await setup(bobEdits());
    const { ssar } = kinds();
    const yes = await fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', resource('create', 'configmaps', 'dev')));
    expect(yes.status).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "bob-edit/dev" of ClusterRole "edit" to User "bob"' });
    expect(yes.spec).toEqual(resource('create', 'configmaps', 'dev'));
  });

  it('says a bare no when nothing allows (RBAC never denies outright)', async () => {
    await setup(bobEdits());
    const { ssar } = kinds();
    const no = await fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', resource('create', 'configmaps', 'prod')));
    expect(no.status).toEqual({ allowed: false });
    const path = await fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', { nonResourceAttributes: { path: '/healthz', verb: 'get' } }));
    expect(path.status).toMatchObject({ allowed: true });
    const metrics = await fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', { nonResourceAttributes: { path: '/metrics', verb: 'get' } }));
    expect(metrics.status).toEqual({ allowed: false });
  });

  it('gives the RBAC errors as the reason when a binding names a missing role', async () => {
    await setup([roleBindings, roleBinding('dev', 'ghost', { kind: 'ClusterRole', name: 'ghost' }, [U('bob')])]);
    const { ssar } = kinds();
    const no = await fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', resource('get', 'configmaps', 'dev')));
    expect(no.status).toEqual({ allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "ghost" not found' });
  });

  it('allows system:masters everything', async () => {
    const { ssar } = kinds();
    const yes = await fx.reg.create(as(SYSTEM_USER), ssar, undefined, review('SelfSubjectAccessReview', resource('delete', 'namespaces')));
    expect(yes.status).toMatchObject({ allowed: true });
  });

  it('wants exactly one kind of attributes, and empty metadata (422, as Kubernetes words it)', async () => {
    const { ssar } = kinds();
    const none = await invalid(() => fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', {})));
    expect(none.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    expect(fields(none)).toEqual(['spec.resourceAttributes']);
    const both = await invalid(() =>
      fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', { ...resource('get', 'pods'), nonResourceAttributes: { path: '/', verb: 'get' } })),
    );
    expect(both.message).toContain('spec.nonResourceAttributes: Invalid value: {"path":"/","verb":"get"}: cannot be specified in combination with resourceAttributes');
    expect(fields(both)).toEqual(['spec.nonResourceAttributes']);
    const named = await invalid(() => fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', resource('get', 'pods'), { name: 'x' })));
    expect(fields(named)).toEqual(['metadata']);
    expect(named.message).toMatch(/metadata: Invalid value: .*: must be empty$/);
  });

  it('checks the schema first (types, unknown fields per the field-validation mode)', async () => {
    const { ssar } = kinds();
    const typed = await invalid(() => fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', { resourceAttributes: { verb: 3 } })));
    expect(fields(typed)).toEqual(['spec.resourceAttributes.verb']);
    const strict = await refused(() =>
      fx.reg.create(as(bob), ssar, undefined, review('SelfSubjectAccessReview', { resourceAttributes: { verb: 'get', resource: 'pods', nope: 1 } }), { fieldValidation: 'Strict' }),
    );
    expect([strict.code, strict.message]).toEqual([400, 'strict decoding error: unknown field "spec.resourceAttributes.nope"']);
  });

  it('needs a requesting user', async () => {
    const { ssar } = kinds();
    const err = await refused(() => fx.reg.create(as(), ssar, undefined, review('SelfSubjectAccessReview', resource('get', 'pods'))));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', 'no user present on request']);
  });

  it('is only created: get and list answer 405', async () => {
    const { ssar, lsar } = kinds();
    for (const call of [() => fx.reg.get(as(bob), ssar, undefined, 'x'), () => fx.reg.list(as(bob), ssar), () => fx.reg.list(as(bob), lsar, { namespace: 'dev' })]) {
      const err = await refused(call);
      expect([err.code, err.reason]).toEqual([405, 'MethodNotAllowed']);
    }
  });
});

describe('SubjectAccessReview', () => {
  it('answers for the subject the spec names, by user or by groups', async () => {
    await setup(bobEdits(), [clusterRoleBindings, clusterRoleBinding('devs-view', 'view', [G('devs')])]);
    const { sar } = kinds();
    const forBob = await fx.reg.create(as(SYSTEM_USER), sar, undefined, review('SubjectAccessReview', { ...resource('update', 'configmaps', 'dev'), user: 'bob' }));
    expect(forBob.status).toMatchObject({ allowed: true });
    const forGroup = await fx.reg.create(as(bob), sar, undefined, review('SubjectAccessReview', { ...resource('list', 'configmaps', 'prod'), groups: ['devs'] }));
    expect(forGroup.status).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "devs-view" of ClusterRole "view" to Group "devs"' });
    const denied = await fx.reg.create(as(bob), sar, undefined, review('SubjectAccessReview', { ...resource('delete', 'configmaps', 'prod'), user: 'bob', groups: ['devs'] }));
    expect(denied.status).toEqual({ allowed: false });
  });

  it('uses `extra` to tell a local service account from another workspace’s', async () => {
    await setup([roleBindings, roleBinding('dev', 'robot-edit', { kind: 'ClusterRole', name: 'edit' }, [SA('robot', 'dev')])]);
    const { sar } = kinds();
    const robot = (home: string) => ({
      ...resource('get', 'configmaps', 'dev'),
      user: 'system:serviceaccount:dev:robot',
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:dev`],
      extra: { [CLUSTER_NAME_EXTRA]: [home] },
    });
    const local = await fx.reg.create(as(SYSTEM_USER), sar, undefined, review('SubjectAccessReview', robot(CLUSTER)));
    expect(local.status).toMatchObject({ allowed: true });
    const foreign = await fx.reg.create(as(SYSTEM_USER), sar, undefined, review('SubjectAccessReview', robot('elsewhere')));
    expect(foreign.status).toEqual({ allowed: false });
  });

  it('honours kcp’s scopes: out of its clusters a user, as a foreign service account, is only system:anonymous with system:authenticated', async () => {
    await setup(
      [roleBindings, roleBinding('dev', 'carol-edit', { kind: 'ClusterRole', name: 'edit' }, [U('carol')])],
      [roleBindings, roleBinding('dev', 'team-view', { kind: 'ClusterRole', name: 'view' }, [G('team')])],
      [roleBindings, roleBinding('dev', 'authenticated-list', { kind: 'ClusterRole', name: 'view' }, [G('system:authenticated')])],
    );
    const { sar } = kinds();
    const ask = (verb: string, subject: Record<string, unknown>) =>
      fx.reg.create(as(SYSTEM_USER), sar, undefined, review('SubjectAccessReview', { ...resource(verb, 'configmaps', 'dev'), ...subject }));
    const carol = (...scopes: string[]) => ({ user: 'carol', groups: ['team'], extra: { 'authentication.kcp.io/scopes': scopes } });
    expect((await ask('update', carol(`cluster:${CLUSTER}`))).status).toMatchObject({ allowed: true });
    expect((await ask('update', carol(`cluster:other,cluster:${CLUSTER}`))).status).toMatchObject({ allowed: true });
    // Values are and'ed: one that leaves this cluster out puts it out of scope.
    expect((await ask('update', carol(`cluster:${CLUSTER}`, 'cluster:other'))).status).toEqual({ allowed: false });
    expect((await ask('update', carol('cluster:other'))).status).toEqual({ allowed: false });
    expect((await ask('get', carol('cluster:other'))).status).toEqual({ allowed: false });
    // system:authenticated is what stays, when the user had it.
    const authenticatedCarol = { ...carol('cluster:other'), groups: ['team', 'system:authenticated'] };
    expect((await ask('get', authenticatedCarol)).status).toMatchObject({ allowed: true });
    // A service account of another workspace: its other groups do not count either.
    const foreignBot = { user: 'system:serviceaccount:dev:bot', groups: [SERVICE_ACCOUNTS_GROUP, 'team'], extra: { [CLUSTER_NAME_EXTRA]: ['elsewhere'] } };
    expect((await ask('get', foreignBot)).status).toEqual({ allowed: false });
    expect((await ask('get', { ...foreignBot, extra: { [CLUSTER_NAME_EXTRA]: [CLUSTER] } })).status).toMatchObject({ allowed: true });
  });

  it('wants a user or groups', async () => {
    const { sar } = kinds();
    const err = await invalid(() => fx.reg.create(as(bob), sar, undefined, review('SubjectAccessReview', resource('get', 'pods'))));
    expect(err.message).toBe('SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const both = await invalid(() => fx.reg.create(as(bob), sar, undefined, review('SubjectAccessReview', {})));
    expect(fields(both)).toEqual(['spec.resourceAttributes', 'spec.user']);
  });
});

describe('LocalSubjectAccessReview', () => {
  it('answers within the URL’s namespace', async () => {
    await setup(bobEdits());
    const { lsar } = kinds();
    const yes = await fx.reg.create(as(bob), lsar, 'dev', review('LocalSubjectAccessReview', { ...resource('patch', 'secrets', 'dev'), user: 'bob' }));
    expect(yes.status).toMatchObject({ allowed: true });
    expect(yes.metadata.namespace).toBe('dev');
  });

  it('wants the attributes to name the same namespace, and no non-resource attributes', async () => {
    const { lsar } = kinds();
    const other = await invalid(() => fx.reg.create(as(bob), lsar, 'dev', review('LocalSubjectAccessReview', { ...resource('get', 'pods', 'prod'), user: 'bob' })));
    expect(other.message).toBe(
      'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace',
    );
    const unset = await invalid(() => fx.reg.create(as(bob), lsar, 'dev', review('LocalSubjectAccessReview', { ...resource('get', 'pods'), user: 'bob' })));
    expect(fields(unset)).toEqual(['spec.resourceAttributes.namespace']);
    const path = await invalid(() =>
      fx.reg.create(as(bob), lsar, 'dev', review('LocalSubjectAccessReview', { nonResourceAttributes: { path: '/x', verb: 'get' }, user: 'bob' })),
    );
    expect(path.message).toContain('spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: disallowed on this kind of request');
    const named = await invalid(() =>
      fx.reg.create(as(bob), lsar, 'dev', review('LocalSubjectAccessReview', { ...resource('get', 'pods', 'dev'), user: 'bob' }, { name: 'x', namespace: 'dev' })),
    );
    expect(named.message).toMatch(/metadata: Invalid value: .*: must be empty except for namespace$/);
  });

  it('takes its namespace from the URL, refusing a body that names another', async () => {
    const { lsar } = kinds();
    const err = await refused(() =>
      fx.reg.create(as(bob), lsar, 'dev', review('LocalSubjectAccessReview', { ...resource('get', 'pods', 'dev'), user: 'bob' }, { namespace: 'prod' })),
    );
    expect([err.code, err.message]).toEqual([400, 'the namespace of the provided object does not match the namespace sent on the request']);
  });
});

describe('SelfSubjectRulesReview', () => {
  const rulesReview = (namespace?: string) => ({ apiVersion: AUTHZ_V1, kind: 'SelfSubjectRulesReview', metadata: {}, spec: namespace ? { namespace } : {} });

  it('lists the requesting user’s rules in the namespace, without echoing the spec', async () => {
    await setup(bobEdits());
    const { ssrr } = kinds();
    const out = await fx.reg.create(as(bob), ssrr, undefined, rulesReview('dev'));
    expect(out).toMatchObject({ apiVersion: AUTHZ_V1, kind: 'SelfSubjectRulesReview', spec: {}, status: { incomplete: false } });
    const status = out.status as { resourceRules: { verbs: string[]; resources?: string[] }[]; nonResourceRules: unknown[] };
    expect(status.resourceRules.some((r) => r.verbs.includes('create') && r.resources?.includes('configmaps'))).toBe(true);
    expect(status.nonResourceRules.length).toBeGreaterThan(0);
    const prod = (await fx.reg.create(as(bob), ssrr, undefined, rulesReview('prod'))).status as typeof status;
    expect(prod.resourceRules.some((r) => r.resources?.includes('configmaps'))).toBe(false);
  });

  it('reports broken bindings as incomplete', async () => {
    await setup([roleBindings, roleBinding('dev', 'ghost', { kind: 'Role', name: 'ghost' }, [U('bob')])]);
    const { ssrr } = kinds();
    const out = await fx.reg.create(as(bob), ssrr, undefined, rulesReview('dev'));
    expect(out.status).toMatchObject({ incomplete: true, evaluationError: 'role.rbac.authorization.k8s.io "ghost" not found' });
  });

  it('needs a namespace and a user (400, as Kubernetes)', async () => {
    const { ssrr } = kinds();
    const ns = await refused(() => fx.reg.create(as(bob), ssrr, undefined, rulesReview()));
    expect([ns.code, ns.message]).toEqual([400, 'no namespace on request']);
    const anon = await refused(() => fx.reg.create(as(), ssrr, undefined, rulesReview('dev')));
    expect([anon.code, anon.message]).toEqual([400, 'no user present on request']);
  });
});

describe('SelfSubjectReview', () => {
  const whoami = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { creationTimestamp: null }, status: { userInfo: {} } };

  it('tells the requesting user who they are, extra included', async () => {
    const { ssr } = kinds();
    const alice: AuthUser = { name: 'alice', uid: '42', groups: ['dev', 'system:authenticated'], extra: { [CLUSTER_NAME_EXTRA]: ['ws'] } };
    const out = await fx.reg.create(as(alice), ssr, undefined, whoami);
    expect(out.status).toEqual({ userInfo: { username: 'alice', uid: '42', groups: ['dev', 'system:authenticated'], extra: { [CLUSTER_NAME_EXTRA]: ['ws'] } } });
    expect(out.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const plain = await fx.reg.create(as(bob), ssr, undefined, whoami);
    expect(plain.status).toEqual({ userInfo: { username: 'bob', groups: ['system:authenticated'] } });
  });

  it('needs a user', async () => {
    const { ssr } = kinds();
    const err = await refused(() => fx.reg.create(as(), ssr, undefined, whoami));
    expect([err.code, err.message]).toEqual([400, 'no user present on request']);
  });
});
