/**
 * Workspaces over REST against the real server: root from the first start, creating workspaces
 * (types defaulted and checked), scheduling to Ready with the `default` namespace, path and
 * cluster-name resolution, the fields only the system may write, and deletion of whole subtrees.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer, WORKSPACES } from '../support/server-fixture.js';

const fx = useServer();
const LC = (cluster: string): string => `/clusters/${cluster}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`;

describe('root', () => {
  it('exists from the first start: Ready, path root, type root:root, with the built-in types', async () => {
    const lc = await fx.call('GET', LC('root'));
    expect(lc.status).toBe(200);
    expect(lc.body.status?.phase).toBe('Ready');
    expect(lc.body.metadata?.annotations).toMatchObject({ 'kcp.io/path': 'root', 'internal.tenancy.kcp.io/type': 'root:root' });
    const types = await fx.call('GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes');
    expect(types.body.items?.map((t) => t.metadata.name).sort()).toEqual(['home', 'organization', 'root', 'team', 'universal']);
    expect((await fx.call('GET', '/clusters/root/api/v1/namespaces/default')).status).toBe(200);
    // root has no Workspace object anywhere.
    expect((await fx.call('GET', `${WORKSPACES('root')}/root`)).status).toBe(404);
  });
});

describe('creating workspaces', () => {
  it('schedules a workspace to Ready with its own logical cluster, URL and default namespace', async () => {
    const ws = await fx.workspace('root', 'acme');
    const cluster = ws.spec?.cluster as string;
    expect(cluster).toMatch(/^[a-z0-9]{16}$/);
    expect(ws.spec?.type).toEqual({ name: 'organization', path: 'root' });
    expect(ws.spec?.URL).toBe(`${fx.base}/clusters/root:acme`);
    expect(ws.status).toMatchObject({ phase: 'Ready', initializers: [] });
    expect(ws.metadata?.finalizers).toContain('tenancy.kcp.io/logicalcluster');

    const lc = await fx.call('GET', LC('root:acme'));
    expect(lc.body.metadata?.annotations).toMatchObject({ 'kcp.io/path': 'root:acme', 'internal.tenancy.kcp.io/type': 'root:organization' });
    expect(lc.body.spec).toMatchObject({ owner: { cluster: 'root', name: 'acme', resource: 'workspaces', UID: ws.metadata?.uid }, initializers: ['root:universal', 'system:apibindings'] });
    expect(lc.body.status).toMatchObject({ phase: 'Ready', initializers: [] });
    // The path and the logical cluster name reach the same workspace.
    expect((await fx.call('GET', LC(cluster))).body.metadata?.uid).toBe(lc.body.metadata?.uid);
    expect((await fx.call('GET', `/clusters/root:acme/api/v1/namespaces/default`)).status).toBe(200);
  });

  it('defaults child types along the tree and nests to any depth', async () => {
    await fx.workspace('root', 'deep');
    const team = await fx.workspace('root:deep', 'team-a', { name: 'team' });
    // A reference the client wrote stays as written; a defaulted one names its path.
    expect(team.spec?.type).toEqual({ name: 'team' });
    const child = await fx.workspace('root:deep:team-a', 'sub');
    expect(child.spec?.type).toEqual({ name: 'universal', path: 'root' });
    const leaf = await fx.workspace('root:deep:team-a:sub', 'leaf');
    expect(leaf.spec?.URL).toBe(`${fx.base}/clusters/root:deep:team-a:sub:leaf`);
    const lc = await fx.call('GET', LC('root:deep:team-a:sub:leaf'));
    expect(lc.body.metadata?.annotations?.['kcp.io/path']).toBe('root:deep:team-a:sub:leaf');
  });

  it('refuses types that do not exist or are not allowed there, writing nothing', async () => {
    const teamInRoot = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'lost-team' }, spec: { type: { name: 'team' } } });
    expect(teamInRoot.status).toBe(403);
    expect(teamInRoot.body.reason).toBe('Forbidden');
    expect(teamInRoot.body.message).toContain('only allows parents of type root:organization, root:team');
    const unknown = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'odd' }, spec: { type: { name: 'nonesuch' } } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details?.causes?.[0]?.field).toBe('spec.type');
    const rootType = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'second-root' }, spec: { type: { name: 'root' } } });
    expect(rootType.status).toBe(403);
    for (const name of ['lost-team', 'odd', 'second-root']) expect((await fx.call('GET', `${WORKSPACES('root')}/${name}`)).status).toBe(404);
  });

  it('finds a type named without a path in the parent, then up the tree', async () => {
    await fx.workspace('root', 'typed');
    const made = await fx.call('POST', '/clusters/root:typed/apis/tenancy.kcp.io/v1alpha1/workspacetypes', {
      metadata: { name: 'project' },
      spec: { extend: { with: [{ name: 'universal', path: 'root' }] } },
    });
    expect(made.status).toBe(201);
    const project = await fx.workspace('root:typed', 'p1', { name: 'project' });
    expect(project.spec?.type).toEqual({ name: 'project' });
    const lc = await fx.call('GET', LC('root:typed:p1'));
    expect(lc.body.metadata?.annotations?.['internal.tenancy.kcp.io/type']).toBe('root:typed:project');
    // The default namespace comes from universal, which project extends.
    expect((await fx.call('GET', '/clusters/root:typed:p1/api/v1/namespaces/default')).status).toBe(200);
  });

  it('sees a WorkspaceType edited after use (the type cache forgets it)', async () => {
    const types = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes';
    const spec = { extend: { with: [{ name: 'universal', path: 'root' }] }, limitAllowedParents: { types: [{ name: 'root', path: 'root' }] } };
    expect((await fx.call('POST', types, { metadata: { name: 'flip' }, spec })).status).toBe(201);
    const before = await fx.workspace('root', 'flip-0', { name: 'flip' });
    expect(before.status?.terminators).toEqual([]);
    const current = (await fx.call('GET', `${types}/flip`)).body;
    expect((await fx.call('PUT', `${types}/flip`, { ...current, spec: { ...spec, terminator: true } })).status).toBe(200);
    let attempt = 0;
    await eventually(async () => {
      const ws = await fx.workspace('root', `flip-${++attempt}`, { name: 'flip' });
      expect(ws.status?.terminators).toEqual(['root:flip']);
    });
  });

  it('rejects invalid names and bodies with a clear Status', async () => {
    const upper = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'Upper' } });
    expect(upper.status).toBe(422);
    expect(upper.body.details?.causes?.[0]?.field).toBe('metadata.name');
    const dotted = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'a.b' } });
    expect(dotted.status).toBe(422);
    const malformed = await fx.call('POST', WORKSPACES('root'), '{"metadata": {', 'application/json');
    expect(malformed.status).toBe(400);
    const badSpec = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'bad-spec' }, spec: { type: 'organization' } });
    expect(badSpec.status).toBe(422);
  });
});

describe('what only the system writes', () => {
  it('keeps the cluster, refuses type and URL changes, and guards the LogicalCluster', async () => {
    const ws = await fx.workspace('root', 'guarded');
    const url = `${WORKSPACES('root')}/guarded`;
    const retyped = await fx.call('PUT', url, { ...ws, spec: { ...ws.spec, type: { name: 'universal', path: 'root' } } });
    expect(retyped.status).toBe(422);
    expect(retyped.body.details?.causes?.[0]?.field).toBe('spec.type');
    const moved = await fx.call('PUT', url, { ...ws, spec: { ...ws.spec, URL: 'https://evil.example/clusters/root' } });
    expect(moved.status).toBe(422);
    expect(moved.body.details?.causes?.[0]?.field).toBe('spec.URL');
    // A client's spec.cluster is ignored: the logical cluster never changes.
    const current = (await fx.call('GET', url)).body;
    const stolen = await fx.call('PUT', url, { ...current, spec: { ...current.spec, cluster: 'root' } });
    expect(stolen.status).toBe(200);
    expect(stolen.body.spec?.cluster).toBe(ws.spec?.cluster);
    // Replacing from a manifest without URL keeps it.
    const replaced = await fx.call('PUT', url, { ...stolen.body, spec: { type: stolen.body.spec?.type } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.spec?.URL).toBe(ws.spec?.URL);

    const lcCreate = await fx.call('POST', '/clusters/root:guarded/apis/core.kcp.io/v1alpha1/logicalclusters', { metadata: { name: 'cluster' } });
    expect([403, 409]).toContain(lcCreate.status);
    const lcDelete = await fx.call('DELETE', LC('root:guarded'));
    expect(lcDelete.status).toBe(403);
    expect((await fx.call('DELETE', LC('root'))).status).toBe(403);
    const lc = (await fx.call('GET', LC('root:guarded'))).body;
    const repath = await fx.call('PUT', LC('root:guarded'), { ...lc, metadata: { ...lc.metadata, annotations: { ...lc.metadata?.annotations, 'kcp.io/path': 'root' } } });
    expect(repath.status).toBe(422);
    const retype = await fx.call('PUT', LC('root:guarded'), {
      ...lc,
      metadata: { ...lc.metadata, annotations: { ...lc.metadata?.annotations, 'internal.tenancy.kcp.io/type': 'root:root' } },
    });
    expect(retype.status).toBe(422);
  });
});

describe('deleting workspaces', () => {
  it('deletes the whole subtree and everything in it, and frees the path', async () => {
    const org = await fx.workspace('root', 'doomed');
    const team = await fx.workspace('root:doomed', 'team', { name: 'team' });
    const sub = await fx.workspace('root:doomed:team', 'sub');
    const clusters = [org, team, sub].map((w) => w.spec?.cluster as string);
    for (const c of clusters) expect((await fx.call('POST', CONFIGMAPS(c), { metadata: { name: 'data' }, data: { c } })).status).toBe(201);

    const del = await fx.call('DELETE', `${WORKSPACES('root')}/doomed`);
    // 200 with the Workspace, as kcp answers: its finalizer keeps it until its logical cluster is gone.
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('Workspace');
    expect(del.body.metadata?.deletionTimestamp).toBeDefined();
    await eventually(async () => expect((await fx.call('GET', `${WORKSPACES('root')}/doomed`)).status).toBe(404));
    for (const c of clusters) {
      expect((await fx.call('GET', `/clusters/${c}/api/v1/namespaces`)).status).toBe(404);
      // Nothing of the purged logical clusters is left in the store.
      for (const resource of ['configmaps', 'namespaces', 'logicalclusters.core.kcp.io', 'workspaces.tenancy.kcp.io']) {
        expect((await fx.server.store.list({ cluster: c, resource })).items).toEqual([]);
      }
    }
    expect((await fx.call('GET', '/clusters/root:doomed:team/api/v1/namespaces')).status).toBe(404);

    const again = await fx.workspace('root', 'doomed');
    expect(again.spec?.cluster).not.toBe(org.spec?.cluster);
    expect((await fx.call('GET', `${CONFIGMAPS('root:doomed')}/data`)).status).toBe(404);
  });

  it('waits for terminators, refuses new children meanwhile, then finishes', async () => {
    const made = await fx.call('POST', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes', {
      metadata: { name: 'held' },
      spec: { terminator: true, extend: { with: [{ name: 'universal', path: 'root' }] }, limitAllowedParents: { types: [{ name: 'root', path: 'root' }] } },
    });
    expect(made.status).toBe(201);
    const ws = await fx.workspace('root', 'holding', { name: 'held' });
    expect(ws.status?.terminators).toEqual(['root:held']);
    expect((await fx.call('DELETE', `${WORKSPACES('root')}/holding`)).status).toBe(200);
    await eventually(async () => {
      const got = await fx.call('GET', `${WORKSPACES('root')}/holding`);
      expect(got.body.status?.phase).toBe('Terminating');
    });
    const lc = await fx.call('GET', LC('root:holding'));
    expect(lc.body.status).toMatchObject({ phase: 'Terminating', terminators: ['root:held'] });
    expect(lc.body.metadata?.deletionTimestamp).toBeDefined();
    // Content is still there while terminators run; new child workspaces are not.
    expect((await fx.call('GET', '/clusters/root:holding/api/v1/namespaces/default')).status).toBe(200);
    const child = await fx.call('POST', WORKSPACES('root:holding'), { metadata: { name: 'late' } });
    expect(child.status).toBe(403);
    expect(child.body.message).toContain('being deleted');

    // The terminator's controller removes its name, as kcp's terminators do.
    const done = await fx.call('PUT', `${LC('root:holding')}/status`, { ...lc.body, status: { ...lc.body.status, terminators: [] } });
    expect(done.status).toBe(200);
    await eventually(async () => expect((await fx.call('GET', `${WORKSPACES('root')}/holding`)).status).toBe(404));
    expect((await fx.call('GET', `/clusters/${ws.spec?.cluster as string}/api/v1/namespaces`)).status).toBe(404);
  });
});
