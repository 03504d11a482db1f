/**
 * Builders for the RBAC tests: users, RBAC objects in their wire shape, a policy compiled from a
 * list of objects (no store), and a fixture with a real store, registry, RbacIndex and Authorizer.
 */
import { afterEach, beforeEach } from 'vitest';
import { AUTHENTICATED_GROUP } from '../../../src/auth/authn/types.js';
import {
  Authorizer,
  bindingRecord,
  evaluate,
  Policy,
  RBAC_GROUP,
  RbacIndex,
  resourceAttributes,
  roleRecord,
  type AuthorizerOptions,
  type BindingRecord,
  type RoleRecord,
} from '../../../src/auth/rbac/index.js';
import type { KubeObject } from '../../../src/meta/index.js';
import type { UserInfo } from '../../../src/registry/index.js';
import { useRegistry, type RegistryFixture } from '../../support/registry-fixture.js';

export type RawRule = { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };
export type RawSubject = { kind: string; name: string; apiGroup?: string; namespace?: string };

/** An authenticated user (group `system:authenticated` plus `groups`). */
export const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [AUTHENTICATED_GROUP, ...groups] });

export const U = (name: string): RawSubject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
export const G = (name: string): RawSubject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
export const SA = (name: string, namespace?: string): RawSubject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

export const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): RawRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});

export function role(namespace: string, name: string, rules: RawRule[]): KubeObject {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRole(name: string, rules: RawRule[], extra: { labels?: Record<string, string>; aggregate?: Record<string, unknown>[] } = {}): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    rules,
    ...(extra.aggregate ? { aggregationRule: { clusterRoleSelectors: extra.aggregate } } : {}),
  };
}

export function roleBinding(namespace: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: RawSubject[]): KubeObject {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: RBAC_GROUP, ...ref }, subjects };
}

export function clusterRoleBinding(name: string, clusterRoleName: string, subjects: RawSubject[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: clusterRoleName },
    subjects,
  };
}

/** A cluster's policy compiled straight from objects, as the index would compile it. */
export function policyOf(objects: KubeObject[]): Policy {
  const clusterRoles = new Map<string, RoleRecord>();
  const roles = new Map<string, RoleRecord>();
  const clusterRoleBindings = new Map<string, BindingRecord>();
  const roleBindings = new Map<string, BindingRecord>();
  for (const o of objects) {
    const name = o.metadata.name ?? '';
    const ns = o.metadata.namespace ?? '';
    if (o.kind === 'ClusterRole') clusterRoles.set(name, roleRecord(o, 'ClusterRole'));
    else if (o.kind === 'Role') roles.set(`${ns}/${name}`, roleRecord(o, 'Role'));
    else if (o.kind === 'ClusterRoleBinding') clusterRoleBindings.set(name, bindingRecord(o, 'ClusterRoleBinding'));
    else if (o.kind === 'RoleBinding') roleBindings.set(`${ns}/${name}`, bindingRecord(o, 'RoleBinding'));
  }
  return Policy.compile({ clusterRoles, roles, clusterRoleBindings, roleBindings });
}

export interface Request {
  verb: string;
  resource: string;
  apiGroup?: string;
  subresource?: string;
  name?: string;
  namespace?: string;
}

/** Whether the policy allows the user the request. */
export const can = (policy: Policy, u: UserInfo, r: Request): boolean => evaluate(policy, resourceAttributes(u, r.verb, r)).allowed;

export interface RbacFixture extends RegistryFixture {
  readonly index: RbacIndex;
  readonly authz: Authorizer;
}

/**
 * A registry on a fresh store per test, an RbacIndex following it and an Authorizer over the index
 * (`cache` options as given; a long TTL by default, so a test passing after a change proves
 * invalidation, not expiry).
 */
export function useRbac(cache: AuthorizerOptions['cache'] = { ttlMs: 3_600_000 }): RbacFixture {
  const fx = useRegistry();
  let current: { index: RbacIndex; authz: Authorizer } | undefined;
  beforeEach(async () => {
    const index = new RbacIndex({ store: fx.store });
    await index.start();
    current = { index, authz: new Authorizer({ index, cache }) };
  });
  afterEach(async () => {
    await current?.index.stop();
    current = undefined;
  });
  const running = (): { index: RbacIndex; authz: Authorizer } => {
    if (!current) throw new Error('useRbac: only while a test runs');
    return current;
  };
  return {
    get store() {
      return fx.store;
    },
    get reg() {
      return fx.reg;
    },
    get index() {
      return running().index;
    },
    get authz() {
      return running().authz;
    },
  };
}
