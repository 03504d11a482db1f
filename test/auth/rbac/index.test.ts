/**
 * The index following a real store: RBAC objects written through the registry in several logical
 * clusters, isolation between them, the decision cache and its invalidation on watch events,
 * aggregation taking effect at once, and `refresh` ahead of the watch.
 */
import { describe, expect, it } from 'vitest';
import { Authorizer, RbacIndex, resourceAttributes, type ClusterAttributes } from '../../../src/auth/rbac/index.js';
import type { KubeObject } from '../../../src/meta/index.js';
import { clusterRoleBindings, clusterRoles, roleBindings, SYSTEM_USER, type ResourceType, type UserInfo } from '../../../src/registry/index.js';
import type { Store, Watch } from '../../../src/storage/index.js';
import { scripted } from '../../support/scripted-watch.js';
import { eventually } from '../../support/eventually.js';
import { clusterRole, clusterRoleBinding, G, roleBinding, rule, U, user, useRbac } from './support.js';

const fx = useRbac();
const bob = user('bob');

const system = (cluster: string) => ({ cluster, user: SYSTEM_USER });
const put = (cluster: string, t: ResourceType, o: KubeObject) => fx.reg.create(system(cluster), t, o.metadata.namespace, o);
const getCm = (cluster: string, u: UserInfo, namespace = 'default'): ClusterAttributes => ({
  cluster,
  ...resourceAttributes(u, 'get', { resource: 'configmaps', namespace, name: 'settings' }),
});
const allowed = async (a: ClusterAttributes): Promise<boolean> => (await fx.authz.authorize(a)).allowed;

describe('RbacIndex over a store', () => {
  it('keeps each logical cluster’s bindings to itself', async () => {
    await put('a', roleBindings, roleBinding('default', 'bob-view', { kind: 'ClusterRole', name: 'view' }, [U('bob')]));
    await eventually(async () => expect(await allowed(getCm('a', bob))).toBe(true));
    expect(await allowed(getCm('b', bob))).toBe(false);
    expect(await allowed(getCm('a', bob, 'other'))).toBe(false);
    // Only the cluster with RBAC objects has an entry; b uses the shared bootstrap policy.
    expect(fx.index.size).toBe(1);
    expect(fx.index.generation('b')).toBe(0);
  });

  it('evaluates a ClusterRole of the same cluster only', async () => {
    await put('a', clusterRoles, clusterRole('cm-reader', [rule(['get'], [''], ['configmaps'])]));
    await put('b', clusterRoleBindings, clusterRoleBinding('bob-cm', 'cm-reader', [U('bob')]));
    await eventually(() => expect(fx.index.size).toBe(2));
    const denied = await fx.authz.authorize(getCm('b', bob));
    expect(denied).toEqual({
      allowed: false,
      reason: 'User "bob" cannot get resource "configmaps" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "cm-reader" not found',
    });
  });

  it('stops granting a revoked permission as soon as the watch delivers the deletion', async () => {
    await put('a', clusterRoleBindings, clusterRoleBinding('bob-admin', 'cluster-admin', [U('bob')]));
    await eventually(async () => expect(await allowed(getCm('a', bob))).toBe(true));
    const cache = fx.authz.cache;
    if (!cache) throw new Error('cache expected');
    const hits = cache.hits;
    expect(await allowed(getCm('a', bob))).toBe(true);
    expect(cache.hits).toBe(hits + 1);
    await fx.reg.delete(system('a'), clusterRoleBindings, undefined, 'bob-admin');
    // The cached decision lives for an hour (useRbac's TTL): only invalidation can end it.
    await eventually(async () => expect(await allowed(getCm('a', bob))).toBe(false));
    expect(fx.index.size).toBe(0);
  });

  it('keeps other clusters’ cached decisions when one cluster changes', async () => {
    await put('a', clusterRoleBindings, clusterRoleBinding('bob-admin', 'cluster-admin', [U('bob')]));
    await put('b', clusterRoleBindings, clusterRoleBinding('bob-admin', 'cluster-admin', [U('bob')]));
    await eventually(async () => expect([await allowed(getCm('a', bob)), await allowed(getCm('b', bob))]).toEqual([true, true]));
    const before = fx.index.generation('b');
    await put('a', roleBindings, roleBinding('default', 'x', { kind: 'ClusterRole', name: 'view' }, [U('carol')]));
    await eventually(async () => expect(await allowed(getCm('a', user('carol')))).toBe(true));
    expect(fx.index.generation('b')).toBe(before);
    const cache = fx.authz.cache;
    const hits = cache?.hits ?? 0;
    expect(await allowed(getCm('b', bob))).toBe(true);
    expect(cache?.hits).toBe(hits + 1);
  });

  it('extends view the moment a ClusterRole labelled aggregate-to-view appears', async () => {
    await put('a', roleBindings, roleBinding('default', 'bob-view', { kind: 'ClusterRole', name: 'view' }, [U('bob')]));
    const widgets: ClusterAttributes = { cluster: 'a', ...resourceAttributes(bob, 'list', { apiGroup: 'example.com', resource: 'widgets', namespace: 'default' }) };
    await eventually(async () => expect(await allowed(getCm('a', bob))).toBe(true));
    expect(await allowed(widgets)).toBe(false);
    await put('a', clusterRoles, clusterRole('widgets-view', [rule(['get', 'list', 'watch'], ['example.com'], ['widgets'])], { labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }));
    await eventually(async () => expect(await allowed(widgets)).toBe(true));
  });

  it('answers the workspace access check from the workspace’s bindings', async () => {
    expect((await fx.authz.canAccess('a', bob)).allowed).toBe(false);
    expect((await fx.authz.canAccess('a', bob)).reason).toBe('User "bob" cannot access path "/"');
    await put('a', clusterRoleBindings, clusterRoleBinding('bob-access', 'system:kcp:workspace:access', [U('bob')]));
    await eventually(async () => expect((await fx.authz.canAccess('a', bob)).allowed).toBe(true));
    expect((await fx.authz.canAccess('b', bob)).allowed).toBe(false);
    expect((await fx.authz.canAccess('b', SYSTEM_USER)).allowed).toBe(true);
  });

  it('treats a service account as foreign outside its own workspace (kcp)', async () => {
    // As authentication presents it: the cluster the token belongs to in `extra`.
    const bot = { name: 'system:serviceaccount:default:bot', groups: ['system:authenticated', 'system:serviceaccounts', 'system:serviceaccounts:default'], extra: { 'authentication.kubernetes.io/cluster-name': ['home'] } };
    expect((await fx.authz.canAccess('home', bot)).allowed).toBe(true);
    expect((await fx.authz.canAccess('away', bot)).allowed).toBe(false);
    for (const cluster of ['home', 'away']) {
      await put(cluster, roleBindings, roleBinding('default', 'bot-view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'bot' }]));
      await put(cluster, roleBindings, roleBinding('default', 'sas-edit', { kind: 'ClusterRole', name: 'edit' }, [G('system:serviceaccounts')]));
    }
    await eventually(() => expect(fx.index.size).toBe(2));
    const secrets = (cluster: string): ClusterAttributes => ({ cluster, ...resourceAttributes(bot, 'get', { resource: 'secrets', namespace: 'default', name: 's' }) });
    expect([await allowed(getCm('home', bot)), await allowed(secrets('home'))]).toEqual([true, true]);
    expect([await allowed(getCm('away', bot)), await allowed(secrets('away'))]).toEqual([false, false]);
    expect(fx.authz.rulesFor('away', bot, 'default').resourceRules.some((r) => r.resources?.includes('configmaps'))).toBe(false);
    // Groups other than the service-account ones still count in a foreign workspace.
    await put('away', clusterRoleBindings, clusterRoleBinding('all-access', 'system:kcp:workspace:access', [G('system:authenticated')]));
    await eventually(async () => expect((await fx.authz.canAccess('away', bot)).allowed).toBe(true));
    // An explicit hook overrides where service accounts belong.
    const pinned = new Authorizer({ index: fx.index, serviceAccountCluster: () => 'away' });
    expect((await pinned.authorize(getCm('away', bot))).allowed).toBe(true);
  });

  it('lists a user’s rules for a namespace (can-i --list)', async () => {
    await put('a', roleBindings, roleBinding('dev', 'bob-edit', { kind: 'ClusterRole', name: 'edit' }, [U('bob')]));
    await eventually(() => expect(fx.authz.rulesFor('a', bob, 'dev').resourceRules).toContainEqual(expect.objectContaining({ resources: expect.arrayContaining(['secrets']), verbs: ['get', 'list', 'watch'] })));
    expect(fx.authz.rulesFor('a', bob, 'prod').resourceRules.some((r) => r.resources?.includes('secrets'))).toBe(false);
  });
});

/** The store, but its watches deliver nothing: the index learns only from lists. */
function deaf(store: Store): Store {
  // Open forever, delivering nothing, until closed.
  const silent = (): Watch => scripted([]);
  return new Proxy(store, { get: (target, prop, receiver) => (prop === 'watch' ? silent : Reflect.get(target, prop, receiver) as unknown) });
}

describe('RbacIndex memory', () => {
  it('keeps compiled policies for the most recently used clusters only', async () => {
    for (const c of ['a', 'b', 'c']) await put(c, clusterRoleBindings, clusterRoleBinding('bob-admin', 'cluster-admin', [U('bob')]));
    const index = new RbacIndex({ store: fx.store, maxCompiledPolicies: 1 });
    await index.start();
    try {
      const authz = new Authorizer({ index, cache: false });
      for (const c of ['a', 'b', 'c', 'a']) expect((await authz.authorize(getCm(c, bob))).allowed).toBe(true);
      expect([index.size, index.compiledCount]).toEqual([3, 1]);
    } finally {
      await index.stop();
    }
  });
});

describe('RbacIndex.refresh', () => {
  it('reads a cluster from the store ahead of its watch', async () => {
    const index = new RbacIndex({ store: deaf(fx.store) });
    await index.start();
    try {
      const authz = new Authorizer({ index });
      await put('a', clusterRoleBindings, clusterRoleBinding('bob-admin', 'cluster-admin', [U('bob')]));
      expect((await authz.authorize(getCm('a', bob))).allowed).toBe(false);
      await index.refresh('a');
      expect(await authz.authorize(getCm('a', bob))).toEqual({
        allowed: true,
        reason: 'RBAC: allowed by ClusterRoleBinding "bob-admin" of ClusterRole "cluster-admin" to User "bob"',
      });
      await fx.reg.delete(system('a'), clusterRoleBindings, undefined, 'bob-admin');
      await index.refresh('a');
      expect((await authz.authorize(getCm('a', bob))).allowed).toBe(false);
      expect(index.size).toBe(0);
    } finally {
      await index.stop();
    }
  });

  it('finds what existed before it started', async () => {
    await put('c', roleBindings, roleBinding('default', 'bob-view', { kind: 'ClusterRole', name: 'view' }, [U('bob')]));
    const index = new RbacIndex({ store: deaf(fx.store) });
    await index.start();
    try {
      expect((await new Authorizer({ index }).authorize(getCm('c', bob))).allowed).toBe(true);
    } finally {
      await index.stop();
    }
  });
});
