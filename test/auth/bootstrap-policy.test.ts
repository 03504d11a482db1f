/**
 * The bootstrap policy as tenants meet it, on a real server: its ClusterRoles and
 * ClusterRoleBindings are listed and readable in every workspace (REST, watch, kubectl, GraphQL)
 * without a stored copy, refuse every change, and a tenant's object of the same name — made
 * through the API, or left in the store by an older version — can neither lock the platform
 * admin out nor change what anyone is granted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminKubeconfig } from '../../src/auth/index.js';
import type { KubeObject } from '../../src/meta/index.js';
import { eventually } from '../support/eventually.js';
import { haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { CONFIGMAPS, useServer, WORKSPACES, type Reply } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-bootstrap-policy-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['dave-token,dave,1004', 'bob-token,bob,1002'].join('\n'));

const fx = useServer({ tls: true, auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RBAC_API = '/apis/rbac.authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';
const CLUSTER_ROLES = (ws: string): string => `/clusters/${ws}${RBAC_API}/clusterroles`;
const CLUSTER_ROLE_BINDINGS = (ws: string): string => `/clusters/${ws}${RBAC_API}/clusterrolebindings`;
const user = (name: string) => ({ apiGroup: GROUP, kind: 'User', name });
const BOOTSTRAP_ROLES = ['admin', 'cluster-admin', 'edit', 'system:basic-user', 'system:discovery', 'system:kcp:workspace:access', 'view'];
const names = (r: Reply): string[] => (r.body.items ?? []).map((i) => i.metadata.name);
/** What a workspace admin who wanted "their own" cluster-admin wrote: everything on resources, no non-resource URLs. */
const tenantClusterAdmin = { metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };

async function bind(ws: string, name: string, role: string, subjects: object[], namespace?: string): Promise<void> {
  const url = namespace ? `/clusters/${ws}${RBAC_API}/namespaces/${namespace}/rolebindings` : CLUSTER_ROLE_BINDINGS(ws);
  const r = await fx.call('POST', url, { metadata: { name }, roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: role }, subjects });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

async function logicalCluster(ws: string): Promise<string> {
  const [parent, name] = [ws.slice(0, ws.lastIndexOf(':')), ws.slice(ws.lastIndexOf(':') + 1)];
  return String((await fx.call('GET', `${WORKSPACES(parent)}/${name}`)).body.spec?.cluster);
}

/** Writes a ClusterRole or ClusterRoleBinding straight into the store, as a version that let tenants shadow bootstrap names left it. */
async function leaveInStore(ws: string, resource: 'clusterroles' | 'clusterrolebindings', object: KubeObject): Promise<void> {
  const cluster = await logicalCluster(ws);
  const metadata = { ...object.metadata, uid: `leftover-${resource}`, creationTimestamp: '2024-01-01T00:00:00Z' };
  const kind = resource === 'clusterroles' ? 'ClusterRole' : 'ClusterRoleBinding';
  await fx.server.store.create({ cluster, resource: `${resource}.${GROUP}`, namespace: '', name: object.metadata.name ?? '' }, { apiVersion: `${GROUP}/v1`, kind, ...object, metadata });
}

beforeAll(async () => {
  // dave may create workspaces in root (and enter it); whoever creates a workspace becomes its admin.
  const creator = { metadata: { name: 'workspace-creator' }, rules: [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspaces'], verbs: ['create', 'get', 'list', 'watch'] }] };
  expect((await fx.call('POST', CLUSTER_ROLES('root'), creator)).status).toBe(201);
  await bind('root', 'dave-creates', 'workspace-creator', [user('dave')]);
  await bind('root', 'dave-access', 'system:kcp:workspace:access', [user('dave')]);
  await eventually(async () => expect((await fx.callAs('dave-token', 'GET', WORKSPACES('root'))).status).toBe(200));
});

describe('a tenant cannot lock the platform admin out', () => {
  it('refuses a workspace admin’s own cluster-admin, and the admin keeps every right there', async () => {
    const created = await fx.callAs('dave-token', 'POST', WORKSPACES('root'), { metadata: { name: 'daves' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await eventually(async () => expect((await fx.callAs('dave-token', 'GET', `${WORKSPACES('root')}/daves`)).body.status?.phase).toBe('Ready'));
    const shadow = await fx.callAs('dave-token', 'POST', CLUSTER_ROLES('root:daves'), tenantClusterAdmin);
    expect(shadow.status, JSON.stringify(shadow.body)).toBe(409);
    expect(shadow.body).toMatchObject({ reason: 'AlreadyExists', message: 'clusterroles.rbac.authorization.k8s.io "cluster-admin" already exists' });
    const binding = await fx.callAs('dave-token', 'POST', CLUSTER_ROLE_BINDINGS('root:daves'), {
      metadata: { name: 'cluster-admin' },
      roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [user('dave')],
    });
    expect(binding.status).toBe(409);
    // Nor can the tenant change or remove the shared ones.
    const current = (await fx.callAs('dave-token', 'GET', `${CLUSTER_ROLES('root:daves')}/cluster-admin`)).body;
    const put = await fx.callAs('dave-token', 'PUT', `${CLUSTER_ROLES('root:daves')}/cluster-admin`, { ...current, rules: tenantClusterAdmin.rules });
    expect(put.status).toBe(403);
    expect(put.body.message).toBe('clusterroles.rbac.authorization.k8s.io "cluster-admin" is forbidden: it is a system role shared by every workspace and cannot be changed');
    expect((await fx.callAs('dave-token', 'DELETE', `${CLUSTER_ROLE_BINDINGS('root:daves')}/cluster-admin`)).status).toBe(403);
    expect((await fx.call('GET', CONFIGMAPS('root:daves'))).status).toBe(200);
    expect((await fx.call('GET', '/clusters/root:daves/api')).status).toBe(200);
  });

  it('ignores a same-named ClusterRole and ClusterRoleBinding an older version stored, and lets the admin delete them', async () => {
    await fx.workspace('root', 'legacy');
    await bind('root:legacy', 'dave-admin', 'cluster-admin', [user('dave')]);
    await eventually(async () => expect((await fx.callAs('dave-token', 'GET', CONFIGMAPS('root:legacy'))).status).toBe(200));
    await leaveInStore('root:legacy', 'clusterroles', { metadata: { name: 'cluster-admin' }, rules: tenantClusterAdmin.rules } as KubeObject);
    await leaveInStore('root:legacy', 'clusterrolebindings', {
      metadata: { name: 'cluster-admin' },
      roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [user('dave')],
    } as KubeObject);
    // The authorizer reads them now rather than when its watch delivers them.
    await fx.server.auth.authorizer?.index.refresh(await logicalCluster('root:legacy'));
    // The platform admin enters, as does dave (his binding names the shared cluster-admin, non-resource URLs included).
    for (const token of [fx.adminToken, 'dave-token']) {
      expect((await fx.callAs(token, 'GET', CONFIGMAPS('root:legacy'))).status).toBe(200);
      expect((await fx.callAs(token, 'GET', '/clusters/root:legacy/version')).status).toBe(200);
    }
    // What is served under the name is the bootstrap role, not the leftover.
    const got = await fx.call('GET', `${CLUSTER_ROLES('root:legacy')}/cluster-admin`);
    expect(got.body.metadata?.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true', 'kcp.io/cluster': await logicalCluster('root:legacy') });
    expect(got.body.rules).toContainEqual({ verbs: ['*'], nonResourceURLs: ['*'] });
    // Deleting the name removes the leftover; the shared role stays, and refuses a second delete.
    const del = await fx.call('DELETE', `${CLUSTER_ROLES('root:legacy')}/cluster-admin`);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body.details).toMatchObject({ name: 'cluster-admin', uid: 'leftover-clusterroles' });
    expect((await fx.call('DELETE', `${CLUSTER_ROLE_BINDINGS('root:legacy')}/cluster-admin`)).status).toBe(200);
    const again = await fx.call('DELETE', `${CLUSTER_ROLES('root:legacy')}/cluster-admin`);
    expect(again.status).toBe(403);
    expect((await fx.call('GET', `${CLUSTER_ROLES('root:legacy')}/cluster-admin`)).body.metadata?.uid).toBe(got.body.metadata?.uid);
    const cluster = await logicalCluster('root:legacy');
    const stored = await fx.server.store.list({ cluster, resource: `clusterroles.${GROUP}` });
    expect(stored.items.map((o) => o.metadata.name)).toEqual([]);
  });
});

describe('the bootstrap policy, as every workspace sees it', () => {
  beforeAll(async () => {
    await fx.workspace('root', 'fresh');
    await fx.workspace('root', 'other');
  });

  it('lists and reads the shared roles and bindings in a fresh workspace', async () => {
    const roles = await fx.call('GET', CLUSTER_ROLES('root:fresh'));
    expect(roles.status).toBe(200);
    expect(names(roles)).toEqual(expect.arrayContaining(BOOTSTRAP_ROLES));
    expect(names(roles)).toEqual([...names(roles)].sort());
    const bindings = await fx.call('GET', CLUSTER_ROLE_BINDINGS('root:fresh'));
    expect(names(bindings)).toEqual(expect.arrayContaining(['cluster-admin', 'system:basic-user', 'system:discovery', 'system:public-info-viewer']));
    const admin = await fx.call('GET', `${CLUSTER_ROLES('root:fresh')}/cluster-admin`);
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({
      apiVersion: `${GROUP}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
      rules: [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ],
    });
    // One object, the same in every workspace and on every read.
    const elsewhere = await fx.call('GET', `${CLUSTER_ROLES('root:other')}/cluster-admin`);
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp'] as const) {
      expect(admin.body.metadata?.[field]).toBeTruthy();
      expect(elsewhere.body.metadata?.[field]).toBe(admin.body.metadata?.[field]);
    }
    expect((await fx.call('GET', `${CLUSTER_ROLE_BINDINGS('root:fresh')}/system:discovery`)).body).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'system:discovery' },
      subjects: [{ kind: 'Group', name: 'system:authenticated' }],
    });
    // Nothing was stored for them.
    const cluster = await logicalCluster('root:fresh');
    expect((await fx.server.store.list({ cluster, resource: `clusterroles.${GROUP}` })).items).toEqual([]);
  });

  it('filters them by label and field selectors like stored objects', async () => {
    const byLabel = await fx.call('GET', `${CLUSTER_ROLES('root:fresh')}?labelSelector=rbac.authorization.k8s.io/aggregate-to-edit%3Dtrue`);
    expect(names(byLabel)).toEqual(['system:aggregate-to-edit', 'view']);
    const byName = await fx.call('GET', `${CLUSTER_ROLES('root:fresh')}?fieldSelector=metadata.name%3Dview`);
    expect(names(byName)).toEqual(['view']);
  });

  it('pages them with the workspace’s own roles: each once, no page over the limit', async () => {
    for (const n of ['aaa', 'mmm', 'zzz']) {
      expect((await fx.call('POST', CLUSTER_ROLES('root:fresh'), { metadata: { name: n }, rules: [] })).status).toBe(201);
    }
    const all = names(await fx.call('GET', CLUSTER_ROLES('root:fresh')));
    expect(all).toEqual(expect.arrayContaining(['aaa', 'mmm', 'zzz', ...BOOTSTRAP_ROLES]));
    for (const limit of [1, 4, all.length - 3, all.length]) {
      const seen: string[] = [];
      let cont = '';
      let rv: string | undefined;
      do {
        const page = await fx.call('GET', `${CLUSTER_ROLES('root:fresh')}?limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        expect(names(page).length).toBeLessThanOrEqual(limit);
        rv ??= String(page.body.metadata?.resourceVersion);
        expect(page.body.metadata?.resourceVersion).toBe(rv);
        seen.push(...names(page));
        cont = String(page.body.metadata?.continue ?? '');
      } while (cont);
      expect([...seen].sort(), `limit ${limit}`).toEqual([...all].sort());
    }
  });

  it('refuses every change to them with a clear message', async () => {
    const url = `${CLUSTER_ROLES('root:fresh')}/view`;
    const view = (await fx.call('GET', url)).body;
    const refusal = 'clusterroles.rbac.authorization.k8s.io "view" is forbidden: it is a system role shared by every workspace and cannot be changed';
    const attempts: Reply[] = [
      await fx.call('PUT', url, { ...view, metadata: { ...view.metadata, labels: { extra: 'yes' } } }),
      await fx.call('PATCH', url, { metadata: { labels: { extra: 'yes' } } }, 'application/merge-patch+json'),
      await fx.call('PATCH', `${url}?fieldManager=me`, { apiVersion: `${GROUP}/v1`, kind: 'ClusterRole', metadata: { name: 'view' }, rules: [] }, 'application/apply-patch+yaml'),
      await fx.call('DELETE', url),
    ];
    for (const r of attempts) {
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body).toMatchObject({ reason: 'Forbidden', details: { name: 'view', group: GROUP, kind: 'clusterroles' } });
      expect(r.body.message).toContain(refusal);
    }
    // The hint says how to extend the aggregated roles instead.
    expect(attempts[0]?.body.message).toContain('rbac.authorization.k8s.io/aggregate-to-view');
    const binding = await fx.call('DELETE', `${CLUSTER_ROLE_BINDINGS('root:fresh')}/system:discovery`);
    expect(binding.status).toBe(403);
    expect(binding.body.message).toContain('is forbidden: it is a system binding shared by every workspace and cannot be changed');
    // A delete of the whole collection removes the workspace's own roles and leaves the shared ones.
    expect((await fx.call('POST', CLUSTER_ROLES('root:other'), { metadata: { name: 'mine' }, rules: [] })).status).toBe(201);
    const cleared = await fx.call('DELETE', CLUSTER_ROLES('root:other'));
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(names(cleared)).toEqual(['mine']);
    expect(names(await fx.call('GET', CLUSTER_ROLES('root:other')))).toEqual(expect.arrayContaining(BOOTSTRAP_ROLES));
  });

  it('still grants tenants what the bootstrap policy says, extended through aggregation labels', async () => {
    await bind('root:fresh', 'bob-access', 'system:kcp:workspace:access', [user('bob')]);
    await bind('root:fresh', 'bob-view', 'view', [user('bob')], 'default');
    await eventually(async () => expect((await fx.callAs('bob-token', 'GET', CONFIGMAPS('root:fresh'))).status).toBe(200));
    expect((await fx.callAs('bob-token', 'GET', '/clusters/root:fresh/api/v1/namespaces/default/secrets')).status).toBe(403);
    expect((await fx.callAs('bob-token', 'POST', CONFIGMAPS('root:fresh'), { metadata: { name: 'no' } })).status).toBe(403);
    // bob may read the shared roles only as far as a grant lets him: view does not include RBAC.
    expect((await fx.callAs('bob-token', 'GET', CLUSTER_ROLES('root:fresh'))).status).toBe(403);
    const secretsReader = {
      metadata: { name: 'view-secrets', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    };
    expect((await fx.call('POST', CLUSTER_ROLES('root:fresh'), secretsReader)).status).toBe(201);
    await eventually(async () => expect((await fx.callAs('bob-token', 'GET', '/clusters/root:fresh/api/v1/namespaces/default/secrets')).status).toBe(200));
  });

  it('sends them in a watch’s initial events, and no event for a removed leftover', async () => {
    const controller = new AbortController();
    const res = await fx.fetch(`${fx.base}${CLUSTER_ROLES('root:other')}?watch=1`, { headers: fx.headers, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const events: { type: string; object: KubeObject }[] = [];
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error('watch ended');
        buffered += decoder.decode(value, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as { type: string; object: KubeObject });
      }
    };
    try {
      await until(() => BOOTSTRAP_ROLES.every((n) => events.some((e) => e.object.metadata.name === n)));
      expect(events.every((e) => e.type === 'ADDED')).toBe(true);
      await leaveInStore('root:other', 'clusterroles', { metadata: { name: 'edit' }, rules: [] } as KubeObject);
      expect((await fx.call('DELETE', `${CLUSTER_ROLES('root:other')}/edit`)).status).toBe(200);
      expect((await fx.call('POST', CLUSTER_ROLES('root:other'), { metadata: { name: 'after' }, rules: [] })).status).toBe(201);
      await until(() => events.some((e) => e.object.metadata.name === 'after'));
      expect(events.filter((e) => e.object.metadata.name === 'edit').map((e) => e.type)).toEqual(['ADDED']);
    } finally {
      controller.abort();
    }
  });

  it('shows them in GraphQL lists', async () => {
    const r = await fx.call('POST', '/clusters/root:fresh/graphql', {
      query: '{ rbac_authorization_k8s_io { v1 { ClusterRoles { items { metadata { name annotations } } } ClusterRole(name: "edit") { aggregationRule { clusterRoleSelectors { matchLabels } } } } } }',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const v1 = (r.body.data as { rbac_authorization_k8s_io: { v1: { ClusterRoles: { items: KubeObject[] }; ClusterRole: KubeObject } } }).rbac_authorization_k8s_io.v1;
    expect(v1.ClusterRoles.items.map((i) => i.metadata.name)).toEqual(expect.arrayContaining(BOOTSTRAP_ROLES));
    expect(v1.ClusterRole.aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }] });
  });
});

const skip = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
describe.skipIf(!haveKubectl)(`kubectl and the bootstrap policy${skip}`, () => {
  let kubectl: ReturnType<typeof kubectlFor>;
  const at = ['--server', '']; // set once the server listens
  const k = {
    ok: (args: string[]) => kubectl.ok([...at, ...args]),
    run: (args: string[]) => kubectl.run([...at, ...args]),
  };
  beforeAll(async () => {
    await fx.workspace('root', 'kube');
    const file = path.join(dir, 'admin.kubeconfig');
    fs.writeFileSync(file, buildAdminKubeconfig({ baseUrl: fx.base, ca: fx.server.pki!.ca.cert, credentials: { token: fx.adminToken }, userName: 'kcp-admin' }));
    kubectl = kubectlFor(file);
    at[1] = `${fx.base}/clusters/root:kube`;
  });
  afterAll(() => kubectl?.cleanup());

  it('gets, describes and refuses to delete them', async () => {
    const list = await k.ok(['get', 'clusterroles']);
    for (const n of BOOTSTRAP_ROLES) expect(list).toMatch(new RegExp(`^${n}\\s`, 'm'));
    expect(await k.ok(['get', 'clusterrole', 'cluster-admin', '-o', 'jsonpath={.metadata.annotations}'])).toContain('"rbac.authorization.kubernetes.io/autoupdate":"true"');
    expect(await k.ok(['get', 'clusterrolebindings'])).toMatch(/^system:discovery\s+ClusterRole\/system:discovery/m);
    const del = await k.run(['delete', 'clusterrole', 'view']);
    expect(del.code).not.toBe(0);
    expect(del.stderr).toContain('Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io "view" is forbidden: it is a system role shared by every workspace and cannot be changed');
    const create = await k.run(['create', 'clusterrole', 'cluster-admin', '--verb=*', '--resource=*.*']);
    expect(create.stderr).toContain('(AlreadyExists)');
  });
});
