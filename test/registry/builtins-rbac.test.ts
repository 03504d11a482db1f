/** RBAC kinds: rule shapes, subjects, role references, defaulting and roleRef immutability. */
import { describe, expect, it } from 'vitest';
import { ApiError, clusterRoleBindings, clusterRoles, roleBindings, roles } from '../../src/registry/index.js';
import { ctx, fields, invalid, useRegistry } from '../support/registry-fixture.js';

const RBAC = 'rbac.authorization.k8s.io';
const fx = useRegistry();

describe('Role and ClusterRole', () => {
  it('accepts resource rules, and names that are only path segments', async () => {
    const role = await fx.reg.create(ctx, roles, 'default', {
      metadata: { name: 'system:pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'], resourceNames: ['a', 'b'] }],
    });
    expect(role).toMatchObject({ apiVersion: `${RBAC}/v1`, kind: 'Role' });
    const slash = await invalid(() => fx.reg.create(ctx, roles, 'default', { metadata: { name: 'a/b' }, rules: [] }));
    expect(fields(slash)).toEqual(['metadata.name']);
  });

  it('requires verbs, and api groups and resources unless the rule names URLs', async () => {
    const err = await invalid(() => fx.reg.create(ctx, roles, 'default', { metadata: { name: 'r' }, rules: [{}, { verbs: ['get'], resources: ['pods'] }] }));
    expect(fields(err)).toEqual(['rules[0].verbs', 'rules[0].apiGroups', 'rules[0].resources', 'rules[1].apiGroups']);
    expect(err.details?.causes?.[0]?.reason).toBe('FieldValueRequired');
  });

  it('keeps non-resource URLs out of namespaced roles and apart from resources', async () => {
    const err = await invalid(() => fx.reg.create(ctx, roles, 'default', { metadata: { name: 'r' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }));
    expect(fields(err)).toEqual(['rules[0].nonResourceURLs']);
    expect(err.message).toContain('namespaced rules cannot apply to non-resource URLs');
    await fx.reg.create(ctx, clusterRoles, undefined, { metadata: { name: 'health' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez'] }] });
    const mixed = await invalid(() =>
      fx.reg.create(ctx, clusterRoles, undefined, { metadata: { name: 'mixed' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }] }),
    );
    expect(mixed.message).toContain('rules cannot apply to both regular resources and non-resource URLs');
  });

  it('validates aggregation rules and their label selectors', async () => {
    await fx.reg.create(ctx, clusterRoles, undefined, {
      metadata: { name: 'monitoring' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    });
    const empty = await invalid(() => fx.reg.create(ctx, clusterRoles, undefined, { metadata: { name: 'a' }, aggregationRule: {} }));
    expect(fields(empty)).toEqual(['aggregationRule.clusterRoleSelectors']);
    const bad = await invalid(() =>
      fx.reg.create(ctx, clusterRoles, undefined, {
        metadata: { name: 'b' },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'bad key!': 'x' }, matchExpressions: [{ key: 'k', operator: 'In' }, { key: 'k', operator: 'Near', values: ['v'] }] }] },
      }),
    );
    expect(fields(bad)).toEqual([
      'aggregationRule.clusterRoleSelectors[0].matchLabels',
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values',
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[1].operator',
    ]);
  });

  it('rejects fields RBAC does not have', async () => {
    const body = { metadata: { name: 'r' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], namespaces: ['x'] }] };
    const err = await fx.reg.create(ctx, roles, 'default', body, { fieldValidation: 'Strict' }).then(
      () => undefined,
      (e: unknown) => e as ApiError,
    );
    expect(err?.code).toBe(400);
    expect(err?.message).toContain('unknown field');
    expect(err?.message).toContain('namespaces');
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  const binding = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    metadata: { name: 'read-pods' },
    roleRef: { kind: 'Role', name: 'pod-reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'Group', name: 'devs', apiGroup: RBAC },
      { kind: 'ServiceAccount', name: 'builder' },
    ],
    ...extra,
  });

  it('fills in the RBAC api group where v1 defaults it', async () => {
    const rb = await fx.reg.create(ctx, roleBindings, 'default', binding());
    expect(rb.roleRef).toEqual({ apiGroup: RBAC, kind: 'Role', name: 'pod-reader' });
    expect(rb.subjects).toEqual([
      { kind: 'User', name: 'jane', apiGroup: RBAC },
      { kind: 'Group', name: 'devs', apiGroup: RBAC },
      { kind: 'ServiceAccount', name: 'builder' },
    ]);
  });

  it('checks subjects by kind', async () => {
    const err = await invalid(() =>
      fx.reg.create(
        ctx,
        roleBindings,
        'default',
        binding({
          subjects: [
            { kind: 'ServiceAccount', name: 'Not_A_Name', apiGroup: RBAC },
            { kind: 'User', name: 'x', apiGroup: 'example.com' },
            { kind: 'Robot', name: 'r2' },
            { kind: 'Group' },
          ],
        }),
      ),
    );
    expect(fields(err)).toEqual(['subjects[0].name', 'subjects[0].apiGroup', 'subjects[1].apiGroup', 'subjects[2].kind', 'subjects[3].name']);
    expect(err.message).toContain('subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"');
  });

  it('needs a namespace for service accounts only in cluster-wide bindings', async () => {
    const err = await invalid(() =>
      fx.reg.create(ctx, clusterRoleBindings, undefined, binding({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'builder' }] })),
    );
    expect(fields(err)).toEqual(['subjects[0].namespace']);
    await fx.reg.create(ctx, clusterRoleBindings, undefined, binding({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }] }));
  });

  it('checks the role reference', async () => {
    const crb = await invalid(() =>
      fx.reg.create(ctx, clusterRoleBindings, undefined, binding({ roleRef: { kind: 'Role', name: 'x', apiGroup: 'example.com' }, subjects: [{ kind: 'User', name: 'jane' }] })),
    );
    expect(fields(crb)).toEqual(['roleRef.apiGroup', 'roleRef.kind']);
    const missing = await invalid(() => fx.reg.create(ctx, roleBindings, 'default', binding({ roleRef: undefined })));
    expect(fields(missing)).toEqual(['roleRef.kind', 'roleRef.name']);
    const badName = await invalid(() => fx.reg.create(ctx, roleBindings, 'default', binding({ roleRef: { kind: 'ClusterRole', name: '..' } })));
    expect(fields(badName)).toEqual(['roleRef.name']);
  });

  it('never lets roleRef change, while subjects may', async () => {
    const rb = await fx.reg.create(ctx, roleBindings, 'default', binding());
    const more = await fx.reg.update(ctx, roleBindings, 'default', 'read-pods', { ...rb, subjects: [{ kind: 'User', name: 'joe' }] });
    expect(more.subjects).toEqual([{ kind: 'User', name: 'joe', apiGroup: RBAC }]);
    // Spelling out the defaulted api group is no change.
    await fx.reg.update(ctx, roleBindings, 'default', 'read-pods', { ...more, roleRef: { kind: 'Role', name: 'pod-reader' } });
    const err = await invalid(() => fx.reg.update(ctx, roleBindings, 'default', 'read-pods', { ...more, metadata: { name: 'read-pods' }, roleRef: { kind: 'ClusterRole', name: 'admin' } }));
    expect(fields(err)).toEqual(['roleRef']);
    expect(err.message).toContain('cannot change roleRef');
  });
});
