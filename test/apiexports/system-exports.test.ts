/**
 * Root's system exports on a real server: `tenancy.kcp.io` and `topology.kcp.io` exist in root as
 * kcp has them (schemas, identity, a bind role for every authenticated user); every new workspace
 * binds both; the built-ins keep serving their kinds (the bindings add none, and deleting one
 * deletes nothing); partitions are served in every workspace with their validation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultBindingName } from '../../src/apiexports/index.js';
import { eventually } from '../support/eventually.js';
import { useServer, WORKSPACES, type Reply } from '../support/server-fixture.js';
import { APIS, bind, publishWidgets } from './support.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-system-exports-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'carol-token,carol,1001\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TOPOLOGY = (ws: string): string => `/clusters/${ws}/apis/topology.kcp.io/v1alpha1`;
const cond = (body: Reply['body'], type: string) => ((body.status?.conditions ?? []) as { type: string; status: string }[]).find((c) => c.type === type);

describe('root’s system exports', () => {
  it('publishes tenancy.kcp.io and topology.kcp.io in root, with schemas, an identity and kcp’s bind roles', async () => {
    for (const [name, resources] of [
      ['tenancy.kcp.io', ['workspaces', 'workspacetypes']],
      ['topology.kcp.io', ['partitions', 'partitionsets']],
    ] as const) {
      // The identity controller runs after start: its status is eventual, as in kcp.
      let exp = await fx.call('GET', `${APIS('root')}/apiexports/${name}`);
      await eventually(async () => {
        exp = await fx.call('GET', `${APIS('root')}/apiexports/${name}`);
        expect(exp.body.status?.identityHash).toMatch(/^[0-9a-f]{64}$/);
      });
      expect(exp.status).toBe(200);
      expect((exp.body.spec?.resources as { name: string }[]).map((r) => r.name)).toEqual(resources);
      for (const r of exp.body.spec?.resources as { schema: string }[]) {
        const schema = await fx.call('GET', `${APIS('root', 'v1alpha1')}/apiresourceschemas/${r.schema}`);
        expect(schema.status, r.schema).toBe(200);
        expect(schema.body.spec?.group).toBe(name);
      }
      const short = name.split('.')[0];
      const binding = await fx.call('GET', `/clusters/root/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:kcp:apiexport:${short}:bind`);
      expect(binding.body.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]);
    }
    const ws = await fx.call('GET', `${APIS('root', 'v1alpha1')}/apiresourceschemas`);
    const workspacesSchema = (ws.body.items as Reply['body'][]).find((s) => s.spec?.names && (s.spec.names as { plural: string }).plural === 'workspaces');
    // The served kind's own schema, self-contained as an APIResourceSchema's must be.
    expect(JSON.stringify(workspacesSchema?.spec?.versions)).not.toContain('$ref');
    expect(JSON.stringify(workspacesSchema?.spec?.versions)).toContain('"initializers"');
  });

  it('binds both in a new workspace; the workspace serves tenancy and topology kinds once each', async () => {
    const ws = await fx.workspace('root', 'acme');
    const cluster = String(ws.spec?.cluster);
    const list = await fx.call('GET', `${APIS('root:acme')}/apibindings`);
    const names = (list.body.items as Reply['body'][]).map((b) => b.metadata?.name);
    expect(names).toEqual([defaultBindingName(cluster, 'root', 'tenancy.kcp.io'), defaultBindingName(cluster, 'root', 'topology.kcp.io')]);
    for (const b of list.body.items as Reply['body'][]) expect(cond(b, 'Ready')?.status).toBe('True');

    const discovery = await fx.call('GET', '/clusters/root:acme/apis');
    const groups = (discovery.body.groups as { name: string }[]).map((g) => g.name);
    expect(groups.filter((g) => g === 'topology.kcp.io')).toHaveLength(1);
    expect(groups.filter((g) => g === 'tenancy.kcp.io')).toHaveLength(1);
    const resources = await fx.call('GET', `${TOPOLOGY('root:acme')}`);
    expect((resources.body.resources as { name: string }[]).map((r) => r.name).sort()).toEqual(['partitions', 'partitionsets', 'partitionsets/status']);
  });

  it('lets any authenticated user bind them, as kcp’s roles do', async () => {
    await fx.workspace('root', 'carols');
    const rbac = '/clusters/root:carols/apis/rbac.authorization.k8s.io/v1';
    const rules = [
      { apiGroups: ['apis.kcp.io'], resources: ['apibindings'], verbs: ['*'] },
      { nonResourceURLs: ['/'], verbs: ['access'] },
    ];
    expect((await fx.call('POST', `${rbac}/clusterroles`, { metadata: { name: 'carol' }, rules })).status).toBe(201);
    const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }];
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'carol' };
    expect((await fx.call('POST', `${rbac}/clusterrolebindings`, { metadata: { name: 'carol' }, roleRef, subjects })).status).toBe(201);
    const made = await fx.callAs('carol-token', 'POST', `${APIS('root:carols')}/apibindings`, {
      metadata: { name: 'my-tenancy' },
      spec: { reference: { export: { path: 'root', name: 'tenancy.kcp.io' } } },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  });

  it('keeps serving workspaces when the tenancy binding is deleted: the binding adds and removes nothing', async () => {
    await fx.workspace('root', 'keeper');
    await fx.workspace('root:keeper', 'child');
    const list = await fx.call('GET', `${APIS('root:keeper')}/apibindings`);
    const tenancy = (list.body.items as Reply['body'][]).find((b) => String(b.metadata?.name).startsWith('tenancy.kcp.io-'));
    const gone = await fx.call('DELETE', `${APIS('root:keeper')}/apibindings/${tenancy?.metadata?.name}`);
    expect([200, 202], JSON.stringify(gone.body)).toContain(gone.status);
    await eventually(async () => {
      expect((await fx.call('GET', `${APIS('root:keeper')}/apibindings/${tenancy?.metadata?.name}`)).status).toBe(404);
    });
    const child = await fx.call('GET', `${WORKSPACES('root:keeper')}/child`);
    expect(child.status).toBe(200);
    expect(child.body.status?.phase).toBe('Ready');
  });
});

describe('partitions and partition sets', () => {
  it('are stored in any workspace, validated, and listed by kubectl’s table', async () => {
    await fx.workspace('root', 'topo');
    const ok = await fx.call('POST', `${TOPOLOGY('root:topo')}/partitionsets`, {
      apiVersion: 'topology.kcp.io/v1alpha1',
      kind: 'PartitionSet',
      metadata: { name: 'by-region' },
      spec: { dimensions: ['region'], shardSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }] } },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const noSpec = await fx.call('POST', `${TOPOLOGY('root:topo')}/partitionsets`, { metadata: { name: 'bare' } });
    expect(noSpec.status).toBe(422);
    const badSelector = await fx.call('POST', `${TOPOLOGY('root:topo')}/partitions`, {
      metadata: { name: 'eu' },
      spec: { selector: { matchExpressions: [{ key: 'region', operator: 'Near', values: ['eu'] }] } },
    });
    expect(badSelector.status).toBe(422);
    expect(JSON.stringify(badSelector.body)).toContain('spec.selector.matchExpressions[0].operator');
    const partition = await fx.call('POST', `${TOPOLOGY('root:topo')}/partitions`, { metadata: { name: 'eu' }, spec: { selector: { matchLabels: { region: 'eu' } } } });
    expect(partition.status, JSON.stringify(partition.body)).toBe(201);
    await fx.workspace('root', 'topo2');
    const other = await fx.call('GET', `${TOPOLOGY('root:topo2')}/partitions`);
    expect(other.body.items).toEqual([]);
  });
});

describe('an endpoint slice naming a partition', () => {
  const SLICES = (ws: string): string => `${APIS(ws, 'v1alpha1')}/apiexportendpointslices`;
  const slice = async (name: string, partition: string): Promise<void> => {
    const made = await fx.call('POST', SLICES('root:sliced'), { metadata: { name }, spec: { export: { path: 'root:sliced', name: 'widgets' }, partition } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  };

  it('says when the partition does not exist, and lists this shard’s URL only where the partition’s selector matches it', async () => {
    await fx.workspace('root', 'sliced');
    await fx.workspace('root', 'slice-consumer');
    await publishWidgets(fx, 'root:sliced');
    await bind(fx, 'root:slice-consumer', 'root:sliced');
    await slice('in-everything', 'everything');
    await eventually(async () => {
      const got = await fx.call('GET', `${SLICES('root:sliced')}/in-everything`);
      expect(cond(got.body, 'PartitionValid')).toMatchObject({ status: 'False', reason: 'PartitionInvalidReference', message: 'partitions.topology.kcp.io "everything" not found' });
      expect(got.body.status?.endpoints).toEqual([]);
    });
    // The partition appears after the slice: the slice follows.
    expect((await fx.call('POST', `${TOPOLOGY('root:sliced')}/partitions`, { metadata: { name: 'everything' }, spec: {} })).status).toBe(201);
    await eventually(async () => {
      const got = await fx.call('GET', `${SLICES('root:sliced')}/in-everything`);
      expect(cond(got.body, 'PartitionValid')?.status).toBe('True');
      expect(got.body.status?.endpoints).toHaveLength(1);
    });
    // This server's one shard has no labels: a partition asking for one leaves it out.
    expect((await fx.call('POST', `${TOPOLOGY('root:sliced')}/partitions`, { metadata: { name: 'eu' }, spec: { selector: { matchLabels: { region: 'eu' } } } })).status).toBe(201);
    await slice('in-eu', 'eu');
    await eventually(async () => {
      const got = await fx.call('GET', `${SLICES('root:sliced')}/in-eu`);
      expect(cond(got.body, 'PartitionValid')?.status).toBe('True');
      expect(got.body.status?.shardSelector).toBe('region=eu');
      expect(got.body.status?.endpoints).toEqual([]);
    });
  });
});
