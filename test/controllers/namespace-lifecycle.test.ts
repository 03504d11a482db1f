/** NamespaceLifecycle admission: the apiserver's refusals, with its Status shapes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configMaps, namespaces, secrets, type RequestContext } from '../../src/registry/index.js';
import { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTER_RESOURCE } from '../../src/tenancy/root.js';
import { createNamespace, fixture, refused, type Fixture } from './support/fixture.js';

let f: Fixture;
const ctx: RequestContext = { cluster: 'root' };

beforeEach(() => {
  f = fixture();
});
afterEach(async () => {
  await f.close();
});

const cm = (name: string) => ({ metadata: { name }, data: { a: '1' } });

describe('namespace lifecycle admission', () => {
  it('refuses content in a namespace that does not exist, as namespaces NotFound', async () => {
    const err = await refused(() => f.registry.create(ctx, configMaps, 'nope', cm('c')));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'namespaces "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: '', kind: 'namespaces' },
      code: 404,
    });
    // Dry-run requests are admitted the same way.
    expect((await refused(() => f.registry.create(ctx, configMaps, 'nope', cm('c'), { dryRun: true }))).code).toBe(404);
  });

  it('refuses new content in a terminating namespace with a NamespaceTerminating cause', async () => {
    await createNamespace(f.registry, ctx, 'going');
    await f.registry.create(ctx, configMaps, 'going', cm('kept'));
    await f.registry.delete(ctx, namespaces, undefined, 'going');

    const err = await refused(() => f.registry.create(ctx, configMaps, 'going', cm('late')));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "late" is forbidden: unable to create new content in namespace going because it is being terminated',
      reason: 'Forbidden',
      details: {
        name: 'late',
        group: '',
        kind: 'configmaps',
        causes: [{ reason: 'NamespaceTerminating', message: 'namespace going is being terminated', field: 'metadata.namespace' }],
      },
      code: 403,
    });

    // Existing content may still be updated and deleted (controllers remove finalizers so).
    const kept = await f.registry.get(ctx, configMaps, 'going', 'kept');
    const updated = await f.registry.update(ctx, configMaps, 'going', 'kept', { ...kept, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    expect((await f.registry.delete(ctx, configMaps, 'going', 'kept')).deleted).toBe(true);
  });

  it('refuses updates of content whose namespace is gone, but allows deleting it', async () => {
    await createNamespace(f.registry, ctx, 'gone');
    const s = await f.registry.create(ctx, secrets, 'gone', { metadata: { name: 's' }, stringData: { k: 'v' } });
    // Remove the namespace without emptying it (no controller runs here).
    const deleting = await f.registry.delete(ctx, namespaces, undefined, 'gone');
    await f.registry.update(ctx, namespaces, undefined, 'gone', { ...deleting.object, spec: { finalizers: [] } }, { subresource: 'finalize' });

    const err = await refused(() => f.registry.update(ctx, secrets, 'gone', 's', { ...s, metadata: { ...s.metadata, labels: { a: 'b' } } }));
    expect(err.code).toBe(404);
    expect(err.message).toBe('namespaces "gone" not found');
    expect((await f.registry.delete(ctx, secrets, 'gone', 's')).deleted).toBe(true);
  });

  it('keeps the immortal namespaces, unless their logical cluster is being deleted', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      await createNamespace(f.registry, ctx, name);
      const err = await refused(() => f.registry.delete(ctx, namespaces, undefined, name));
      expect(err.toStatus()).toMatchObject({
        reason: 'Forbidden',
        code: 403,
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        details: { name, group: '', kind: 'namespaces' },
      });
    }
    await createNamespace(f.registry, ctx, 'ordinary');
    expect((await f.registry.delete(ctx, namespaces, undefined, 'ordinary')).deleted).toBe(false);

    // A logical cluster on its way out may lose every namespace (kcp's WorkspaceNamespaceLifecycle).
    const doomed: RequestContext = { cluster: 'doomed' };
    await f.store.create(
      { cluster: 'doomed', resource: LOGICAL_CLUSTER_RESOURCE, namespace: '', name: LOGICAL_CLUSTER_NAME },
      { apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: LOGICAL_CLUSTER_NAME, deletionTimestamp: '2026-01-01T00:00:00Z' } },
    );
    await createNamespace(f.registry, doomed, 'default');
    const r = await f.registry.delete(doomed, namespaces, undefined, 'default');
    expect(r.object.status).toMatchObject({ phase: 'Terminating' });
  });

  it('leaves namespaces themselves and cluster-scoped kinds alone', async () => {
    await createNamespace(f.registry, ctx, 'fresh');
    const ns = await f.registry.get(ctx, namespaces, undefined, 'fresh');
    const labelled = await f.registry.update(ctx, namespaces, undefined, 'fresh', { ...ns, metadata: { ...ns.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.labels).toEqual({ x: 'y' });
  });
});
