/**
 * The workspace lifecycle as kcp has it (issue 15, item 6), against the real server: what a
 * workspace admin may not write, full updates of a LogicalCluster, type references and initializer
 * names, WorkspaceType status, the required-groups annotation, and LogicalCluster finalizers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer, WORKSPACES } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-kcp-lifecycle-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['ann-token,ann,2001,"eng,ops"', 'bob-token,bob,2002,"eng"'].join('\n') + '\n');

const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TYPES = (ws: string): string => `/clusters/${ws}/apis/tenancy.kcp.io/v1alpha1/workspacetypes`;
const LC = (ws: string): string => `/clusters/${ws}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`;
const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

/** Makes `name` cluster-admin of the workspace (what kcp makes a workspace's creator) and waits until it counts. */
async function makeAdmin(ws: string, name: string, token: string): Promise<void> {
  const r = await fx.call('POST', `/clusters/${ws}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings`, {
    metadata: { name: `${name}-admin` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [user(name)],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  await eventually(async () => expect((await fx.callAs(token, 'GET', TYPES(ws))).status).toBe(200));
}

describe('what a workspace admin may not write', () => {
  beforeAll(async () => {
    await fx.workspace('root', 'org');
    await makeAdmin('root:org', 'ann', 'ann-token');
  });

  it('refuses Workspace and WorkspaceType status writes with 403, as kcp; the system still writes them', async () => {
    const created = await fx.callAs('ann-token', 'POST', WORKSPACES('root:org'), { metadata: { name: 'child' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ws = (await fx.callAs('ann-token', 'GET', `${WORKSPACES('root:org')}/child`)).body;
    const put = await fx.callAs('ann-token', 'PUT', `${WORKSPACES('root:org')}/child/status`, { ...ws, status: { phase: 'Ready' } });
    expect(put.status, JSON.stringify(put.body)).toBe(403);
    expect(put.body).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect(put.body.message).toContain('cannot update resource "workspaces/status" in API group "tenancy.kcp.io"');
    const patch = await fx.callAs('ann-token', 'PATCH', `${WORKSPACES('root:org')}/child/status`, { status: { phase: 'Ready' } }, 'application/merge-patch+json');
    expect(patch.status).toBe(403);
    // Reading it is RBAC's question, and the admin may.
    expect((await fx.callAs('ann-token', 'GET', `${WORKSPACES('root:org')}/child/status`)).status).toBe(200);

    const type = await fx.callAs('ann-token', 'POST', TYPES('root:org'), { metadata: { name: 'custom' } });
    expect(type.status, JSON.stringify(type.body)).toBe(201);
    const typeStatus = await fx.callAs('ann-token', 'PATCH', `${TYPES('root:org')}/custom/status`, { status: { conditions: [] } }, 'application/merge-patch+json');
    expect(typeStatus.status).toBe(403);
    expect(typeStatus.body.message).toContain('workspacetypes/status');
    // The platform admin (system:kcp:admin) is not refused.
    expect((await fx.call('PATCH', `${TYPES('root:org')}/custom/status`, { status: { conditions: [] } }, 'application/merge-patch+json')).status).toBe(200);
  });
});

describe('LogicalCluster updates', () => {
  it('accepts a full update that keeps the owner, and refuses one that changes it', async () => {
    await fx.workspace('root', 'lc-put');
    const lc = (await fx.call('GET', LC('root:lc-put'))).body;
    const labelled = { ...lc, metadata: { ...lc.metadata, labels: { team: 'a' } } };
    const put = await fx.call('PUT', LC('root:lc-put'), labelled);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.metadata?.labels).toEqual({ team: 'a' });
    // The same owner written with its fields in another order is the same owner.
    const owner = (put.body.spec as { owner: Record<string, string> }).owner;
    const reordered = Object.fromEntries(Object.entries(owner).reverse());
    const again = await fx.call('PUT', LC('root:lc-put'), { ...put.body, spec: { ...put.body.spec, owner: reordered } });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const stolen = await fx.call('PUT', LC('root:lc-put'), { ...again.body, spec: { ...again.body.spec, owner: { ...owner, name: 'other' } } });
    expect(stolen.status).toBe(422);
  });
});

describe('types and initializers', () => {
  it('keeps the type reference as written, names initializers <cluster of the type>:<type>, and goes Ready once the initializer is removed', async () => {
    const org = await fx.workspace('root', 'typed-org');
    const orgCluster = org.spec?.cluster as string;
    const made = await fx.call('POST', TYPES('root:typed-org'), {
      metadata: { name: 'gated' },
      spec: { initializer: true, extend: { with: [{ name: 'universal', path: 'root' }] } },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const bare = await fx.call('POST', WORKSPACES('root:typed-org'), { metadata: { name: 'bare' }, spec: { type: { name: 'gated' } } });
    expect(bare.status, JSON.stringify(bare.body)).toBe(201);
    expect(bare.body.spec?.type).toEqual({ name: 'gated' });
    const pathed = await fx.call('POST', WORKSPACES('root:typed-org'), { metadata: { name: 'pathed' }, spec: { type: { name: 'gated', path: 'root:typed-org' } } });
    expect(pathed.body.spec?.type).toEqual({ name: 'gated', path: 'root:typed-org' });

    for (const name of ['bare', 'pathed']) {
      const lc = (await fx.call('GET', LC(`root:typed-org:${name}`))).body;
      expect(lc.spec?.initializers).toEqual([`${orgCluster}:gated`, 'root:universal', 'system:apibindings']);
      expect(lc.metadata?.annotations?.['internal.tenancy.kcp.io/type']).toBe('root:typed-org:gated');
    }
    // universal and the API bindings finish by themselves; the type's own initializer is someone else's.
    await eventually(async () => {
      const ws = await fx.call('GET', `${WORKSPACES('root:typed-org')}/bare`);
      expect(ws.body.status).toMatchObject({ phase: 'Initializing', initializers: [`${orgCluster}:gated`] });
    });
    const removed = await fx.call('PATCH', `${LC('root:typed-org:bare')}/status`, { status: { initializers: [] } }, 'application/merge-patch+json');
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    await eventually(async () => {
      const ws = await fx.call('GET', `${WORKSPACES('root:typed-org')}/bare`);
      expect(ws.body.status).toMatchObject({ phase: 'Ready', initializers: [] });
    });
    expect((await fx.call('GET', LC('root:typed-org:bare'))).body.status?.phase).toBe('Ready');
  });
});

describe('WorkspaceType status', () => {
  const ready = async (ws: string, name: string) => {
    const t = await fx.call('GET', `${TYPES(ws)}/${name}`);
    return ((t.body.status?.conditions ?? []) as { type: string; status: string; message?: string }[]).find((c) => c.type === 'Ready');
  };

  it('has a Ready condition: True once every type it names resolves, False with the ones that do not', async () => {
    await eventually(async () => expect(await ready('root', 'universal')).toMatchObject({ status: 'True' }));
    await fx.workspace('root', 'status-org');
    const made = await fx.call('POST', TYPES('root:status-org'), {
      metadata: { name: 'later' },
      spec: { extend: { with: [{ name: 'universal', path: 'root' }, { name: 'base', path: 'root:status-org' }] } },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await eventually(async () => expect(await ready('root:status-org', 'later')).toMatchObject({ status: 'False', message: expect.stringContaining('root:status-org:base') }));
    expect((await fx.call('POST', TYPES('root:status-org'), { metadata: { name: 'base' } })).status).toBe(201);
    await eventually(async () => expect(await ready('root:status-org', 'later')).toMatchObject({ status: 'True' }));
    await eventually(async () => expect(await ready('root:status-org', 'base')).toMatchObject({ status: 'True' }));
  });
});

describe('required groups', () => {
  it('lets in only users of one of the groups the LogicalCluster requires, with the 403 of any closed workspace', async () => {
    await fx.workspace('root', 'guarded');
    for (const [name, token] of [['ann', 'ann-token'], ['bob', 'bob-token']] as const) await makeAdmin('root:guarded', name, token);
    const lc = (await fx.call('GET', LC('root:guarded'))).body;
    // kcp's format: alternatives separated by commas, groups all required within one by semicolons.
    const annotated = { ...lc, metadata: { ...lc.metadata, annotations: { ...lc.metadata?.annotations, 'authorization.kcp.io/required-groups': 'eng;ops,admins' } } };
    expect((await fx.call('PUT', LC('root:guarded'), annotated)).status).toBe(200);
    const url = '/clusters/root:guarded/api/v1/namespaces';
    await eventually(async () => expect((await fx.callAs('bob-token', 'GET', url)).status).toBe(403));
    const refused = await fx.callAs('bob-token', 'GET', url);
    const closed = await fx.callAs('bob-token', 'GET', '/clusters/root:nowhere/api/v1/namespaces');
    expect(refused.body.message).toBe(closed.body.message?.replace('root:nowhere', 'root:guarded'));
    expect((await fx.callAs('ann-token', 'GET', url)).status).toBe(200);
    expect((await fx.call('GET', url)).status).toBe(200);
  });
});

describe('LogicalCluster finalizers', () => {
  it('keep the workspace and its contents after the delete until they are removed, then it goes', async () => {
    const heldWs = await fx.workspace('root', 'held-fin');
    await fx.workspace('root:held-fin', 'inner');
    await fx.workspace('root', 'plain-fin');
    const cm = { metadata: { name: 'data' }, data: { a: '1' } };
    for (const ws of ['root:held-fin', 'root:held-fin:inner', 'root:plain-fin']) expect((await fx.call('POST', CONFIGMAPS(ws), cm)).status).toBe(201);
    const lc = (await fx.call('GET', LC('root:held-fin'))).body;
    const put = await fx.call('PUT', LC('root:held-fin'), { ...lc, metadata: { ...lc.metadata, finalizers: ['example.com/cleanup'] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    for (const name of ['held-fin', 'plain-fin']) expect((await fx.call('DELETE', `${WORKSPACES('root')}/${name}`)).status).toBeLessThan(300);
    // The one without a finalizer goes; by then the held one has long been looked at, and keeps everything.
    await eventually(async () => expect((await fx.call('GET', `${WORKSPACES('root')}/plain-fin`)).status).toBe(404));
    const held = await fx.call('GET', LC('root:held-fin'));
    expect(held.body.metadata?.deletionTimestamp).toBeDefined();
    expect((await fx.call('GET', `${WORKSPACES('root')}/held-fin`)).status).toBe(200);
    for (const ws of ['root:held-fin', 'root:held-fin:inner']) expect((await fx.call('GET', `${CONFIGMAPS(ws)}/data`)).status).toBe(200);

    const released = await fx.call('PUT', LC('root:held-fin'), { ...held.body, metadata: { ...held.body.metadata, finalizers: [] } });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    await eventually(async () => expect((await fx.call('GET', `${WORKSPACES('root')}/held-fin`)).status).toBe(404));
    expect((await fx.call('GET', `/clusters/${heldWs.spec?.cluster as string}/api/v1/namespaces`)).status).toBe(404);
  });
});
