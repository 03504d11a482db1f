/**
 * References resolved in place: an object's Namespace and its owners, read in the same query,
 * through one per-request DataLoader (twenty objects in one namespace cost one Namespace read).
 */
import { describe, expect, it, vi } from 'vitest';
import { configMaps, namespaces, roles } from '../../src/registry/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { schemaFor } from '../../src/graphql/index.js';
import { builtinSet, contextFor, run } from './support.js';

const fx = useRegistry();

describe('references', () => {
  it('resolves namespaces and owners, batching repeated reads', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'team', labels: { tier: 'gold' } } });
    const owner = await fx.reg.create(ctx, roles, 'team', { metadata: { name: 'owner' }, rules: [] });
    const ownerRef = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: 'owner', uid: owner.metadata.uid };
    for (let i = 0; i < 20; i++) {
      const refs = i === 0 ? [ownerRef, { apiVersion: 'example.com/v1', kind: 'Unknown', name: 'x', uid: 'u' }, { ...ownerRef, name: 'gone' }] : [];
      await fx.reg.create(ctx, configMaps, 'team', { metadata: { name: `cm-${i}`, ownerReferences: refs } });
    }
    const gets = vi.spyOn(fx.reg, 'get');
    const result = await run(
      schemaFor(builtinSet()),
      fx.reg,
      `{ v1 { ConfigMaps(namespace: "team") { items {
          metadata { name }
          namespaceObject { metadata { name labels } }
          owners { __typename ... on RbacAuthorizationK8sIoV1Role { metadata { name } } }
      } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const items = (result.data as { v1: { ConfigMaps: { items: { metadata: { name: string }; namespaceObject: unknown; owners: unknown[] }[] } } }).v1.ConfigMaps.items;
    expect(items).toHaveLength(20);
    expect(items.every((i) => JSON.stringify(i.namespaceObject) === JSON.stringify({ metadata: { name: 'team', labels: { tier: 'gold' } } }))).toBe(true);
    const first = items.find((i) => i.metadata.name === 'cm-0');
    // The unknown kind and the missing Role are left out; the existing owner is there, typed.
    expect(first?.owners).toEqual([{ __typename: 'RbacAuthorizationK8sIoV1Role', metadata: { name: 'owner' } }]);
    // One Namespace read for twenty objects, one read per distinct owner.
    expect(gets.mock.calls.filter((c) => c[1] === namespaces)).toHaveLength(1);
    expect(gets.mock.calls.filter((c) => c[1] === roles)).toHaveLength(2);
  });

  it('does not share loaded objects between requests', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'team' } });
    await fx.reg.create(ctx, configMaps, 'team', { metadata: { name: 'a' } });
    const query = '{ v1 { ConfigMap(name: "a", namespace: "team") { namespaceObject { metadata { labels } } } } }';
    const before = await run(schemaFor(builtinSet()), fx.reg, query);
    expect(before.data).toEqual({ v1: { ConfigMap: { namespaceObject: { metadata: { labels: null } } } } });
    const ns = await fx.reg.get(ctx, namespaces, undefined, 'team');
    await fx.reg.update(ctx, namespaces, undefined, 'team', { ...ns, metadata: { ...ns.metadata, labels: { fresh: 'yes' } } });
    const after = await run(schemaFor(builtinSet()), fx.reg, query);
    expect(after.data).toEqual({ v1: { ConfigMap: { namespaceObject: { metadata: { labels: { fresh: 'yes' } } } } } });
    expect(contextFor(fx.reg)).not.toBe(contextFor(fx.reg));
  });
});
