/**
 * The namespaces in which RoleBindings name a user: what GraphQL's filtered introspection asks to
 * learn whether a user may read or write a resource anywhere, without listing every namespace.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_NAME_EXTRA, SERVICE_ACCOUNTS_GROUP, type AuthUser } from '../../../src/auth/authn/types.js';
import { Authorizer, serviceAccountUserName, type RbacIndex } from '../../../src/auth/rbac/index.js';
import { clusterRole, clusterRoleBinding, G, policyOf, roleBinding, rule, SA, U, user } from './support.js';

const view = clusterRole('viewer', [rule(['get', 'list'], [''], ['configmaps'])]);
const policy = policyOf([
  view,
  roleBinding('dev', 'bob-views', { kind: 'ClusterRole', name: 'viewer' }, [U('bob')]),
  roleBinding('ops', 'team-views', { kind: 'ClusterRole', name: 'viewer' }, [G('team')]),
  roleBinding('ci', 'builder', { kind: 'ClusterRole', name: 'viewer' }, [SA('builder')]),
  roleBinding('qa', 'to-alice', { kind: 'ClusterRole', name: 'viewer' }, [U('alice')]),
  clusterRoleBinding('everyone', 'viewer', [U('bob')]),
]);

describe('Policy.namespacesBinding', () => {
  it('lists the namespaces whose RoleBindings name the user or one of its groups', () => {
    expect(policy.namespacesBinding(user('bob')).sort()).toEqual(['dev']);
    expect(policy.namespacesBinding(user('bob', 'team')).sort()).toEqual(['dev', 'ops']);
    expect(policy.namespacesBinding(user('carol'))).toEqual([]);
  });

  it('finds service accounts named without a namespace in their binding’s namespace', () => {
    expect(policy.namespacesBinding({ name: serviceAccountUserName('ci', 'builder'), groups: [] })).toEqual(['ci']);
    expect(policy.namespacesBinding({ name: serviceAccountUserName('qa', 'builder'), groups: [] })).toEqual([]);
  });

  it('ignores the user name when told to match groups only', () => {
    expect(policy.namespacesBinding(user('bob', 'team'), false)).toEqual(['ops']);
  });
});

describe('Authorizer.namespacesWithGrants', () => {
  const index = { policyFor: () => policy } as unknown as RbacIndex;
  const authz = new Authorizer({ index, cache: false });

  it('matches a foreign service account as kcp scopes it down: by none of its own name or groups', () => {
    const builder: AuthUser = {
      name: serviceAccountUserName('ci', 'builder'),
      groups: [SERVICE_ACCOUNTS_GROUP, 'team'],
      extra: { [CLUSTER_NAME_EXTRA]: ['home'] },
    };
    expect(authz.namespacesWithGrants('home', builder).sort()).toEqual(['ci', 'ops']);
    expect(authz.namespacesWithGrants('elsewhere', builder)).toEqual([]);
  });
});
