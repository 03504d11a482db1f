/**
 * Privilege-escalation prevention through the registry (the guard installed as an admission hook):
 * writing a role needs its permissions or `escalate`; writing a binding needs the role's
 * permissions or `bind` on it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { rbacEscalationGuard } from '../../../src/auth/rbac/index.js';
import type { KubeObject } from '../../../src/meta/index.js';
import { clusterRoleBindings, clusterRoles, roleBindings, roles, SYSTEM_USER, type ResourceType, type UserInfo } from '../../../src/registry/index.js';
import { refused } from '../../support/registry-fixture.js';
import { clusterRole, clusterRoleBinding, role, roleBinding, rule, U, user, useRbac } from './support.js';

const fx = useRbac();
const RBAC = 'rbac.authorization.k8s.io';
const CLUSTER = 'ws';
const bob = user('bob');

const as = (u: UserInfo) => ({ cluster: CLUSTER, user: u });
const create = (u: UserInfo, t: ResourceType, o: KubeObject) => fx.reg.create(as(u), t, o.metadata.namespace, o);
/** Writes as the system, then makes the index read the cluster (no waiting for the watch). */
async function setup(...objects: [ResourceType, KubeObject][]): Promise<void> {
  for (const [t, o] of objects) await create(SYSTEM_USER, t, o);
  await fx.index.refresh(CLUSTER);
}

/** bob: `edit` in dev, plus the right to write Roles and RoleBindings there (a delegated team lead). */
const writerRules = [rule(['create', 'update', 'get'], [RBAC], ['roles', 'rolebindings'])];
const roleWriter = role('dev', 'rbac-writer', writerRules);
const bobSetup: [ResourceType, KubeObject][] = [
  [roles, roleWriter],
  [roleBindings, roleBinding('dev', 'bob-rbac', { kind: 'Role', name: 'rbac-writer' }, [U('bob')])],
  [roleBindings, roleBinding('dev', 'bob-edit', { kind: 'ClusterRole', name: 'edit' }, [U('bob')])],
];

beforeEach(() => {
  fx.reg.use(rbacEscalationGuard(fx.authz));
});

describe('creating roles', () => {
  it('is allowed for permissions the user holds', async () => {
    await setup(...bobSetup);
    const o = await create(bob, roles, role('dev', 'cm', [rule(['get', 'list'], [''], ['configmaps']), rule(['get'], [''], ['secrets'], ['tls'])]));
    expect(o.metadata.name).toBe('cm');
  });

  it('is refused for permissions beyond them, naming what is missing', async () => {
    await setup(...bobSetup);
    const err = await refused(() => create(bob, roles, role('dev', 'wide', [rule(['*'], ['*'], ['*'])])));
    expect(err.code).toBe(403);
    expect(err.message).toBe(
      'roles.rbac.authorization.k8s.io "wide" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
    );
    const partly = await refused(() => create(bob, roles, role('dev', 'quota', [rule(['get', 'update', 'patch'], [''], ['configmaps', 'resourcequotas'])])));
    expect(partly.message).toMatch(/not currently held:\n\{APIGroups:\[""\], Resources:\["resourcequotas"\], Verbs:\["update" "patch"\]\}$/);
  });

  it('checks against the role’s namespace', async () => {
    await setup(...bobSetup, [roles, role('prod', 'rbac-writer', writerRules)], [roleBindings, roleBinding('prod', 'bob-rbac', { kind: 'Role', name: 'rbac-writer' }, [U('bob')])]);
    await create(bob, roles, role('dev', 'ok', [rule(['get'], [''], ['configmaps'])]));
    expect((await refused(() => create(bob, roles, role('prod', 'no', [rule(['get'], [''], ['configmaps'])])))).code).toBe(403);
  });

  it('is allowed with the escalate verb, whatever the rules', async () => {
    await setup(...bobSetup, [roles, role('dev', 'escalator', [rule(['escalate'], [RBAC], ['roles'])])], [roleBindings, roleBinding('dev', 'bob-esc', { kind: 'Role', name: 'escalator' }, [U('bob')])]);
    const o = await create(bob, roles, role('dev', 'wide', [rule(['*'], ['*'], ['*'])]));
    expect(o.rules).toEqual([rule(['*'], ['*'], ['*'])]);
  });

  it('is checked on updates too, but not for garbage-collector fields only', async () => {
    await setup(...bobSetup, [roles, role('dev', 'wide', [rule(['*'], ['*'], ['*'])])]);
    const stored = await fx.reg.get(as(SYSTEM_USER), roles, 'dev', 'wide');
    const withFinalizer = { ...stored, metadata: { ...stored.metadata, finalizers: ['example.com/hold'] } };
    expect((await fx.reg.update(as(bob), roles, 'dev', 'wide', withFinalizer)).metadata.finalizers).toEqual(['example.com/hold']);
    const relabelled = { ...withFinalizer, metadata: { ...withFinalizer.metadata, resourceVersion: undefined, labels: { a: 'b' } } };
    expect((await refused(() => fx.reg.update(as(bob), roles, 'dev', 'wide', relabelled))).code).toBe(403);
  });

  it('requires cluster-admin powers for an aggregationRule', async () => {
    await setup(
      [clusterRoles, clusterRole('role-admin', [rule(['create'], [RBAC], ['clusterroles'])])],
      [clusterRoleBindings, clusterRoleBinding('bob-roles', 'role-admin', [U('bob')])],
    );
    const aggregating = clusterRole('mine', [], { aggregate: [{ matchLabels: { mine: 'true' } }] });
    const err = await refused(() => create(bob, clusterRoles, aggregating));
    expect(err.message).toBe('clusterroles.rbac.authorization.k8s.io "mine" is forbidden: must have cluster-admin privileges to use the aggregationRule');
    await setup([clusterRoleBindings, clusterRoleBinding('bob-admin', 'cluster-admin', [U('bob')])]);
    expect((await create(bob, clusterRoles, aggregating)).metadata.name).toBe('mine');
  });

  it('lets the system through', async () => {
    expect((await create(SYSTEM_USER, clusterRoles, clusterRole('all', [rule(['*'], ['*'], ['*'])]))).metadata.name).toBe('all');
  });

  it('refuses requests without a user', async () => {
    const err = await refused(() => fx.reg.create({ cluster: CLUSTER }, roles, 'dev', role('dev', 'x', [])));
    expect(err.code).toBe(403);
  });
});

describe('creating bindings', () => {
  const bindAdmin = (ns: string) => roleBinding(ns, 'carol-admin', { kind: 'ClusterRole', name: 'admin' }, [U('carol')]);

  it('is refused for a role with permissions the user lacks', async () => {
    await setup(...bobSetup);
    const err = await refused(() => create(bob, roleBindings, bindAdmin('dev')));
    expect(err.code).toBe(403);
    expect(err.message).toMatch(/^rolebindings\.rbac\.authorization\.k8s\.io "carol-admin" is forbidden: user "bob" .* not currently held:\n/);
    expect(err.message).toContain('{APIGroups:["rbac.authorization.k8s.io"], Resources:["roles"], Verbs:["list" "watch" "patch" "delete" "deletecollection"]}');
  });

  it('is allowed for a role whose permissions the user holds', async () => {
    await setup(...bobSetup);
    const o = await create(bob, roleBindings, roleBinding('dev', 'carol-view', { kind: 'ClusterRole', name: 'view' }, [U('carol')]));
    expect(o.metadata.name).toBe('carol-view');
  });

  it('is allowed with bind on that role, and only that role', async () => {
    await setup(
      ...bobSetup,
      [roles, role('dev', 'binder', [rule(['bind'], [RBAC], ['clusterroles'], ['admin'])])],
      [roleBindings, roleBinding('dev', 'bob-bind', { kind: 'Role', name: 'binder' }, [U('bob')])],
    );
    expect((await create(bob, roleBindings, bindAdmin('dev'))).metadata.name).toBe('carol-admin');
    const other = roleBinding('dev', 'carol-cadmin', { kind: 'ClusterRole', name: 'cluster-admin' }, [U('carol')]);
    expect((await refused(() => create(bob, roleBindings, other))).code).toBe(403);
  });

  it('lets a namespace admin bind admin in that namespace only', async () => {
    await setup(
      [roleBindings, roleBinding('team', 'dana-admin', { kind: 'ClusterRole', name: 'admin' }, [U('dana')])],
      [roleBindings, roleBinding('other', 'dana-rbac', { kind: 'Role', name: 'rbac-writer' }, [U('dana')])],
      [roles, role('other', 'rbac-writer', writerRules)],
    );
    const dana = user('dana');
    expect((await create(dana, roleBindings, bindAdmin('team'))).metadata.namespace).toBe('team');
    expect((await refused(() => create(dana, roleBindings, bindAdmin('other')))).code).toBe(403);
    expect((await refused(() => create(dana, clusterRoleBindings, clusterRoleBinding('carol-view', 'view', [U('carol')])))).code).toBe(403);
  });

  it('answers NotFound for a role that does not exist', async () => {
    await setup(...bobSetup);
    const err = await refused(() => create(bob, roleBindings, roleBinding('dev', 'ghost', { kind: 'Role', name: 'ghost' }, [U('carol')])));
    expect(err.code).toBe(404);
    expect(err.message).toBe('role.rbac.authorization.k8s.io "ghost" not found');
  });
});
