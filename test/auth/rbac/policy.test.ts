/**
 * Evaluation against one workspace's policy (compiled from objects, no store): subjects, binding
 * scopes, aggregation, the bootstrap roles, the workspace access check, reasons and rule listings.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_GROUP, SERVICE_ACCOUNTS_GROUP, UNAUTHENTICATED_GROUP } from '../../../src/auth/authn/types.js';
import {
  evaluate,
  nonResourceAttributes,
  Policy,
  resourceAttributes,
  serviceAccountUserName,
  subjectRules,
  WORKSPACE_ACCESS_ROLE,
} from '../../../src/auth/rbac/index.js';
import { SYSTEM_MASTERS, type UserInfo } from '../../../src/registry/index.js';
import { can, clusterRole, clusterRoleBinding, G, policyOf, role, roleBinding, rule, SA, U, user, type Request } from './support.js';

const bob = user('bob');
const alice = user('alice');
const getCm = (namespace: string, name = 'x'): Request => ({ verb: 'get', resource: 'configmaps', namespace, name });
const sa = (ns: string, name: string): UserInfo => ({ name: serviceAccountUserName(ns, name), groups: ['system:authenticated', SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${ns}`] });

const cmReader = clusterRole('cm-reader', [rule(['get', 'list', 'watch'], [''], ['configmaps'])]);

describe('subjects', () => {
  const policy = policyOf([
    cmReader,
    role('dev', 'cm-reader', [rule(['get'], [''], ['configmaps'])]),
    clusterRoleBinding('to-user', 'cm-reader', [U('bob')]),
    clusterRoleBinding('to-group', 'cm-reader', [G('readers')]),
    roleBinding('dev', 'to-sa', { kind: 'Role', name: 'cm-reader' }, [SA('builder')]),
    clusterRoleBinding('to-other-sa', 'cm-reader', [SA('deployer', 'ops')]),
    roleBinding('dev', 'to-sa-group', { kind: 'Role', name: 'cm-reader' }, [G(`${SERVICE_ACCOUNTS_GROUP}:ci`)]),
  ]);
  const cases: [string, UserInfo, Request, boolean][] = [
    ['a User subject', bob, getCm('any'), true],
    ['another user', alice, getCm('any'), false],
    ['a Group subject', user('carol', 'readers'), getCm('any'), true],
    ['a ServiceAccount without namespace is one of the RoleBinding’s namespace', sa('dev', 'builder'), getCm('dev'), true],
    ['… not the same name in another namespace', sa('prod', 'builder'), getCm('dev'), false],
    ['a ServiceAccount named with its namespace in a ClusterRoleBinding', sa('ops', 'deployer'), getCm('anywhere'), true],
    ['a service account as the user it authenticates as', { name: 'system:serviceaccount:ops:deployer', groups: [] }, getCm('x'), true],
    ['the group of a namespace’s service accounts', sa('ci', 'runner'), getCm('dev'), true],
    ['… which other namespaces’ accounts lack', sa('cd', 'runner'), getCm('dev'), false],
  ];
  it.each(cases)('%s', (_name, u, request, allowed) => {
    expect(can(policy, u, request)).toBe(allowed);
  });

  it('lets system:masters do anything, before any binding', () => {
    const root: UserInfo = { name: 'root', groups: [SYSTEM_MASTERS] };
    expect(evaluate(Policy.bootstrap, resourceAttributes(root, 'delete', { apiGroup: 'x.io', resource: 'things', name: 'a' }))).toEqual({ allowed: true, reason: '' });
  });

  it('lets the platform admin group do anything, before any binding a tenant could have shaped', () => {
    const admin: UserInfo = { name: 'kcp-admin', groups: [ADMIN_GROUP] };
    const tenants = policyOf([clusterRole('everything', [rule(['*'], ['*'], ['*'])]), clusterRoleBinding('locked', 'everything', [U('dave')])]);
    for (const policy of [Policy.bootstrap, tenants]) {
      expect(evaluate(policy, resourceAttributes(admin, 'delete', { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'cluster-admin' }))).toEqual({ allowed: true, reason: '' });
      expect(evaluate(policy, nonResourceAttributes(admin, 'access', '/'))).toEqual({ allowed: true, reason: '' });
    }
  });
});

describe('binding scopes', () => {
  const policy = policyOf([
    cmReader,
    role('dev', 'pod-reader', [rule(['get'], [''], ['pods'])]),
    role('prod', 'pod-reader', [rule(['get', 'delete'], [''], ['pods'])]),
    roleBinding('dev', 'bob-cm', { kind: 'ClusterRole', name: 'cm-reader' }, [U('bob')]),
    roleBinding('dev', 'bob-pods', { kind: 'Role', name: 'pod-reader' }, [U('bob')]),
    clusterRoleBinding('alice-cm', 'cm-reader', [U('alice')]),
  ]);
  const cases: [string, UserInfo, Request, boolean][] = [
    ['RoleBinding → ClusterRole grants in its namespace', bob, getCm('dev'), true],
    ['… not in another namespace', bob, getCm('prod'), false],
    ['… not cluster-wide (list across namespaces)', bob, { verb: 'list', resource: 'configmaps' }, false],
    ['RoleBinding → Role of its namespace', bob, { verb: 'get', resource: 'pods', namespace: 'dev' }, true],
    ['… never a namesake Role of another namespace', bob, { verb: 'delete', resource: 'pods', namespace: 'dev' }, false],
    ['ClusterRoleBinding grants in every namespace', alice, getCm('prod'), true],
    ['… and cluster-wide', alice, { verb: 'list', resource: 'configmaps' }, true],
  ];
  it.each(cases)('%s', (_name, u, request, allowed) => {
    expect(can(policy, u, request)).toBe(allowed);
  });
});

describe('reasons', () => {
  const policy = policyOf([
    cmReader,
    clusterRoleBinding('readers', 'cm-reader', [U('carol'), G('team')]),
    roleBinding('dev', 'ci', { kind: 'ClusterRole', name: 'cm-reader' }, [SA('runner')]),
    roleBinding('dev', 'dangling', { kind: 'Role', name: 'gone' }, [U('bob')]),
  ]);
  it('names the binding, role and subject that allowed', () => {
    expect(evaluate(policy, resourceAttributes(user('dan', 'team'), 'list', { resource: 'configmaps' })).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "cm-reader" to Group "team"',
    );
    expect(evaluate(policy, resourceAttributes(sa('dev', 'runner'), 'get', { resource: 'configmaps', namespace: 'dev' })).reason).toBe(
      'RBAC: allowed by RoleBinding "ci/dev" of ClusterRole "cm-reader" to ServiceAccount "runner/dev"',
    );
  });
  it('denies with the apiserver’s Forbidden message', () => {
    const deny = (a: Parameters<typeof evaluate>[1]): string => evaluate(policy, a).reason;
    expect(deny(resourceAttributes(alice, 'list', { resource: 'configmaps', namespace: 'default' }))).toBe(
      'User "alice" cannot list resource "configmaps" in API group "" in the namespace "default"',
    );
    expect(deny(resourceAttributes(alice, 'update', { apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' }))).toBe(
      'User "alice" cannot update resource "deployments/scale" in API group "apps" at the cluster scope',
    );
    expect(deny(nonResourceAttributes(alice, 'get', '/metrics'))).toBe('User "alice" cannot get path "/metrics"');
  });
  it('adds the bindings’ dangling role references to a denial', () => {
    expect(evaluate(policy, resourceAttributes(bob, 'get', { resource: 'pods', namespace: 'dev' })).reason).toBe(
      'User "bob" cannot get resource "pods" in API group "" in the namespace "dev": RBAC: role.rbac.authorization.k8s.io "gone" not found',
    );
  });
});

describe('aggregation', () => {
  const widgets = clusterRole('widget-viewer', [rule(['get', 'list', 'watch'], ['example.com'], ['widgets'])], {
    labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
  });
  const bindView = roleBinding('dev', 'bob-view', { kind: 'ClusterRole', name: 'view' }, [U('bob')]);
  const bindEdit = roleBinding('dev', 'alice-edit', { kind: 'ClusterRole', name: 'edit' }, [U('alice')]);
  const getWidgets: Request = { verb: 'list', apiGroup: 'example.com', resource: 'widgets', namespace: 'dev' };

  it('extends view (and so edit and admin) with a labelled ClusterRole', () => {
    expect(can(policyOf([bindView, bindEdit]), bob, getWidgets)).toBe(false);
    const policy = policyOf([widgets, bindView, bindEdit]);
    expect(can(policy, bob, getWidgets)).toBe(true);
    expect(can(policy, alice, getWidgets)).toBe(true);
    expect(policy.clusterRoleRules('admin')).toEqual(expect.arrayContaining([expect.objectContaining({ apiGroups: ['example.com'] })]));
  });

  it('unions the roles its own selectors match, ignoring its stored rules', () => {
    const policy = policyOf([
      clusterRole('monitoring', [rule(['*'], ['*'], ['*'])], { aggregate: [{ matchExpressions: [{ key: 'team', operator: 'In', values: ['obs'] }] }] }),
      clusterRole('metrics-read', [rule(['get'], ['metrics.k8s.io'], ['pods'])], { labels: { team: 'obs' } }),
      clusterRole('logs-read', [rule(['get'], [''], ['pods/log'])], { labels: { team: 'obs' } }),
      clusterRole('other', [rule(['get'], [''], ['secrets'])], { labels: { team: 'sec' } }),
      clusterRoleBinding('bob-mon', 'monitoring', [U('bob')]),
    ]);
    expect(can(policy, bob, { verb: 'get', apiGroup: 'metrics.k8s.io', resource: 'pods', namespace: 'a' })).toBe(true);
    expect(can(policy, bob, { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'a' })).toBe(true);
    expect(can(policy, bob, { verb: 'get', resource: 'secrets', namespace: 'a' })).toBe(false);
  });

  it('ends on cycles between aggregating roles', () => {
    const policy = policyOf([
      clusterRole('a', [], { labels: { ring: 'b' }, aggregate: [{ matchLabels: { ring: 'a' } }] }),
      clusterRole('b', [], { labels: { ring: 'a' }, aggregate: [{ matchLabels: { ring: 'b' } }] }),
      clusterRole('leaf', [rule(['get'], [''], ['configmaps'])], { labels: { ring: 'a' } }),
      clusterRoleBinding('bob-b', 'b', [U('bob')]),
    ]);
    expect(policy.clusterRoleRules('a')?.length).toBe(1);
    expect(can(policy, bob, getCm('x'))).toBe(true);
  });
});

describe('bootstrap roles', () => {
  const policy = policyOf([
    roleBinding('dev', 'v', { kind: 'ClusterRole', name: 'view' }, [U('viewer')]),
    roleBinding('dev', 'e', { kind: 'ClusterRole', name: 'edit' }, [U('editor')]),
    roleBinding('dev', 'a', { kind: 'ClusterRole', name: 'admin' }, [U('admin')]),
  ]);
  const rbac = 'rbac.authorization.k8s.io';
  const cases: [string, Request, boolean][] = [
    ['viewer', { verb: 'get', resource: 'configmaps', namespace: 'dev', name: 'x' }, true],
    ['viewer', { verb: 'list', resource: 'configmaps', namespace: 'dev' }, true],
    ['viewer', { verb: 'watch', resource: 'serviceaccounts', namespace: 'dev' }, true],
    ['viewer', { verb: 'get', resource: 'secrets', namespace: 'dev', name: 'x' }, false],
    ['viewer', { verb: 'create', resource: 'configmaps', namespace: 'dev' }, false],
    ['viewer', { verb: 'list', apiGroup: rbac, resource: 'roles', namespace: 'dev' }, false],
    ['editor', { verb: 'get', resource: 'secrets', namespace: 'dev', name: 'x' }, true],
    ['editor', { verb: 'create', resource: 'configmaps', namespace: 'dev' }, true],
    ['editor', { verb: 'delete', resource: 'secrets', namespace: 'dev', name: 'x' }, true],
    ['editor', { verb: 'get', resource: 'configmaps', namespace: 'dev', name: 'x' }, true],
    ['editor', { verb: 'create', apiGroup: rbac, resource: 'rolebindings', namespace: 'dev' }, false],
    ['editor', { verb: 'get', apiGroup: rbac, resource: 'roles', namespace: 'dev', name: 'x' }, false],
    ['editor', { verb: 'update', resource: 'resourcequotas', namespace: 'dev', name: 'q' }, false],
    ['admin', { verb: 'create', apiGroup: rbac, resource: 'rolebindings', namespace: 'dev' }, true],
    ['admin', { verb: 'delete', apiGroup: rbac, resource: 'roles', namespace: 'dev', name: 'x' }, true],
    ['admin', { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'localsubjectaccessreviews', namespace: 'dev' }, true],
    ['admin', { verb: 'create', apiGroup: rbac, resource: 'rolebindings', namespace: 'prod' }, false],
    ['admin', { verb: 'create', apiGroup: rbac, resource: 'clusterroles' }, false],
  ];
  it.each(cases)('%s: %o', (who, request, allowed) => {
    expect(can(policy, user(who), request)).toBe(allowed);
  });

  it('let authenticated users discover, review themselves and read health, and the anonymous only health', () => {
    const anonymous: UserInfo = { name: 'system:anonymous', groups: [UNAUTHENTICATED_GROUP] };
    const get = (u: UserInfo, p: string): boolean => evaluate(Policy.bootstrap, nonResourceAttributes(u, 'get', p)).allowed;
    expect(['/api', '/apis', '/apis/rbac.authorization.k8s.io/v1', '/version', '/openapi/v3', '/healthz'].map((p) => get(bob, p))).toEqual([true, true, true, true, true, true]);
    expect(get(bob, '/metrics')).toBe(false);
    expect([get(anonymous, '/readyz'), get(anonymous, '/version'), get(anonymous, '/apis')]).toEqual([true, true, false]);
    const review = (resource: string): boolean =>
      evaluate(Policy.bootstrap, resourceAttributes(bob, 'create', { apiGroup: 'authorization.k8s.io', resource })).allowed;
    expect([review('selfsubjectaccessreviews'), review('selfsubjectrulesreviews'), review('subjectaccessreviews')]).toEqual([true, true, false]);
  });

  // Their names are reserved, so a workspace's object of the same name is one stored before they were.
  it('win over a workspace’s own ClusterRole of the same name', () => {
    const narrowed = policyOf([clusterRole('view', [rule(['get'], [''], ['pods'])]), roleBinding('dev', 'v', { kind: 'ClusterRole', name: 'view' }, [U('bob')])]);
    expect(can(narrowed, bob, { verb: 'get', resource: 'pods', namespace: 'dev' })).toBe(true);
    expect(can(narrowed, bob, getCm('dev'))).toBe(true);
    const noUrls = policyOf([clusterRole('cluster-admin', [rule(['*'], ['*'], ['*'])]), clusterRoleBinding('dave-admin', 'cluster-admin', [U('dave')])]);
    expect(evaluate(noUrls, nonResourceAttributes(user('dave'), 'access', '/')).allowed).toBe(true);
  });

  it('win over a workspace’s own ClusterRoleBinding of the same name', () => {
    const closed = policyOf([clusterRoleBinding('system:discovery', 'system:discovery', [G('insiders')])]);
    expect(evaluate(closed, nonResourceAttributes(bob, 'get', '/apis')).allowed).toBe(true);
    expect(evaluate(closed, nonResourceAttributes(user('eve', 'insiders'), 'get', '/apis')).allowed).toBe(true);
    expect(evaluate(closed, nonResourceAttributes(user('eve', 'insiders'), 'get', '/apis')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    );
  });
});

describe('workspace access (verb access on /)', () => {
  const access = (policy: Policy, u: UserInfo): boolean => evaluate(policy, nonResourceAttributes(u, 'access', '/')).allowed;
  it('is not granted to authenticated users by default', () => {
    expect(access(Policy.bootstrap, bob)).toBe(false);
  });
  it('comes with system:kcp:workspace:access or cluster-admin, not with namespaced roles', () => {
    const policy = policyOf([
      clusterRoleBinding('bob-access', WORKSPACE_ACCESS_ROLE, [U('bob')]),
      clusterRoleBinding('alice-admin', 'cluster-admin', [U('alice')]),
      clusterRoleBinding('carol-view', 'view', [U('carol')]),
    ]);
    expect([access(policy, bob), access(policy, alice), access(policy, user('carol'))]).toEqual([true, true, false]);
    expect(evaluate(policy, nonResourceAttributes(bob, 'access', '/')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "bob-access" of ClusterRole "system:kcp:workspace:access" to User "bob"',
    );
  });
});

describe('rules review', () => {
  it('lists the rules held in a namespace, resource and non-resource apart', () => {
    const policy = policyOf([
      role('dev', 'pods', [rule(['get'], [''], ['pods'], ['web'])]),
      roleBinding('dev', 'bob-pods', { kind: 'Role', name: 'pods' }, [U('bob')]),
      roleBinding('dev', 'bob-gone', { kind: 'ClusterRole', name: 'gone' }, [U('bob')]),
    ]);
    const dev = subjectRules(policy, bob, 'dev');
    expect(dev.resourceRules).toContainEqual({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] });
    expect(dev.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(dev.nonResourceRules).toContainEqual(expect.objectContaining({ verbs: ['get'], nonResourceURLs: expect.arrayContaining(['/apis/*']) }));
    expect(dev).toMatchObject({ incomplete: true, evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found' });
    const prod = subjectRules(policy, bob, 'prod');
    expect(prod.resourceRules.some((r) => r.resources?.includes('pods'))).toBe(false);
    expect(prod.incomplete).toBe(false);
  });
});
