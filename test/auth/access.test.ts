/**
 * Authentication and RBAC end to end over REST, on a real server: users from a token file with
 * different roles in three workspaces, the workspace `access` check, not leaking which workspaces
 * exist, service-account tokens at home and abroad, escalation attempts, the creator of a workspace
 * becoming its admin, and revocation ending open watches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer, WORKSPACES } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-access-'));
const tokenFile = path.join(dir, 'tokens.csv');
const USERS = ['alice-token,alice,1001,"team-a"', 'bob-token,bob,1002', 'carol-token,carol,1003', 'dave-token,dave,1004'];
fs.writeFileSync(tokenFile, `${USERS.join('\n')}\n`);

const fx = useServer({ auth: { tokenFile, recheckIntervalMs: 200 } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const ref = (kind: 'ClusterRole' | 'Role', name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

async function bind(ws: string, name: string, role: string, subjects: object[], namespace?: string): Promise<void> {
  const url = namespace ? `/clusters/${ws}${RBAC}/namespaces/${namespace}/rolebindings` : `/clusters/${ws}${RBAC}/clusterrolebindings`;
  const r = await fx.call('POST', url, { metadata: { name }, roleRef: ref('ClusterRole', role), subjects });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** A binding takes effect once the RBAC index has seen it (a watch away): wait for it. */
async function allowed(token: string, method: string, url: string, body?: unknown): Promise<void> {
  await eventually(async () => expect((await fx.callAs(token, method, url, body)).status).not.toBe(403));
}

describe('authentication and authorization over REST', () => {
  beforeAll(async () => {
    for (const ws of ['a', 'b', 'c']) await fx.workspace('root', ws);
    // a: alice is admin of namespace default and may enter; carol may not enter.
    await bind('root:a', 'alice-access', 'system:kcp:workspace:access', [user('alice')]);
    await bind('root:a', 'alice-admin', 'admin', [user('alice')], 'default');
    expect((await fx.call('POST', '/clusters/root:a/api/v1/namespaces', { metadata: { name: 'other' } })).status).toBe(201);
    // b: bob views everything; a group binding lets team-a (alice) in without other rights.
    await bind('root:b', 'bob-access', 'system:kcp:workspace:access', [user('bob')]);
    await bind('root:b', 'bob-view', 'view', [user('bob')]);
    await allowed('bob-token', 'GET', CONFIGMAPS('root:b'));
  });

  it('refuses requests without credentials or with unknown tokens, revealing nothing', async () => {
    for (const token of [undefined, 'nope-token']) {
      for (const url of [CONFIGMAPS('root:a'), CONFIGMAPS('root:nowhere'), '/clusters/root/api', '/version']) {
        const r = await fx.callAs(token, 'GET', url);
        expect(r.status, url).toBe(401);
        expect(r.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' });
      }
    }
  });

  it('lets a namespace admin work in its namespace and nowhere else', async () => {
    const a = 'root:a';
    await allowed('alice-token', 'GET', CONFIGMAPS(a));
    const created = await fx.callAs('alice-token', 'POST', CONFIGMAPS(a), { metadata: { name: 'mine' }, data: { k: 'v' } });
    expect(created.status).toBe(201);
    // managedFields name the user's field manager, and the object is really there for the admin.
    expect((await fx.call('GET', `${CONFIGMAPS(a)}/mine`)).status).toBe(200);

    const elsewhere = await fx.callAs('alice-token', 'POST', CONFIGMAPS(a, 'other'), { metadata: { name: 'x' } });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toMatchObject({
      reason: 'Forbidden',
      message: 'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "other"',
      details: { group: '', kind: 'configmaps' },
    });
    const named = await fx.callAs('alice-token', 'GET', `${CONFIGMAPS(a, 'other')}/x`);
    expect(named.body.message).toBe('configmaps "x" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "other"');
    const clusterWide = await fx.callAs('alice-token', 'GET', `/clusters/${a}/api/v1/configmaps`);
    expect(clusterWide.status).toBe(403);
    expect(clusterWide.body.message).toContain('at the cluster scope');
    // Discovery is for every authenticated user who may enter.
    expect((await fx.callAs('alice-token', 'GET', `/clusters/${a}/api/v1`)).status).toBe(200);
    expect((await fx.callAs('alice-token', 'GET', `/clusters/${a}/apis`)).status).toBe(200);
  });

  it('refuses a user without access to the workspace everything, discovery included', async () => {
    for (const url of ['/api', '/apis', '/api/v1', '/openapi/v3', '/version', '/api/v1/namespaces/default/configmaps']) {
      const r = await fx.callAs('carol-token', 'GET', `/clusters/root:a${url}`);
      expect(r.status, url).toBe(403);
      expect(r.body.message).toContain('access to workspace "root:a" is not permitted');
    }
  });

  it('answers a workspace that does not exist exactly as one the user may not enter', async () => {
    const real = await fx.callAs('alice-token', 'GET', CONFIGMAPS('root:b'));
    const none = await fx.callAs('alice-token', 'GET', CONFIGMAPS('root:bee'));
    expect(real.status).toBe(403);
    expect(none.status).toBe(403);
    expect(none.body.message).toBe(String(real.body.message).replace('"root:b"', '"root:bee"'));
    // By cluster name too: knowing another tenant's logical cluster name gets nothing.
    const cluster = String((await fx.call('GET', `${WORKSPACES('root')}/b`)).body.spec?.cluster);
    const byName = await fx.callAs('alice-token', 'GET', CONFIGMAPS(cluster));
    expect(byName.status).toBe(403);
    expect(byName.body.message).not.toContain('root:b"');
    // The admin, who may enter everywhere, is told the truth.
    expect((await fx.call('GET', CONFIGMAPS('root:bee'))).status).toBe(404);
  });

  it('lets a viewer read everywhere in its workspace and write nothing', async () => {
    expect((await fx.callAs('bob-token', 'GET', `/clusters/root:b/api/v1/configmaps`)).status).toBe(200);
    expect((await fx.callAs('bob-token', 'GET', `/clusters/root:b/api/v1/namespaces/default/secrets`)).status).toBe(403);
    const write = await fx.callAs('bob-token', 'POST', CONFIGMAPS('root:b'), { metadata: { name: 'no' } });
    expect(write.status).toBe(403);
    const del = await fx.callAs('bob-token', 'DELETE', `${CONFIGMAPS('root:b')}/whatever`);
    expect(del.status).toBe(403);
    expect((await fx.callAs('bob-token', 'GET', CONFIGMAPS('root:c'))).status).toBe(403);
  });

  it('applies a new binding and a removed one to the next request', async () => {
    const url = CONFIGMAPS('root:b');
    expect((await fx.callAs('bob-token', 'POST', url, { metadata: { name: 'later' } })).status).toBe(403);
    await bind('root:b', 'bob-edit', 'edit', [user('bob')], 'default');
    await allowed('bob-token', 'POST', url, { metadata: { name: 'later' } });
    expect((await fx.call('DELETE', `/clusters/root:b${RBAC}/namespaces/default/rolebindings/bob-edit`)).status).toBe(200);
    await eventually(async () => expect((await fx.callAs('bob-token', 'POST', url, { metadata: { name: 'later2' } })).status).toBe(403));
  });

  it('refuses privilege escalation through roles and bindings', async () => {
    const a = 'root:a';
    const rb = (name: string, role: string, who: string) => ({ metadata: { name }, roleRef: ref('ClusterRole', role), subjects: [user(who)] });
    // alice holds admin in default: she may hand out edit there, not cluster-admin.
    const ok = await fx.callAs('alice-token', 'POST', `/clusters/${a}${RBAC}/namespaces/default/rolebindings`, rb('carol-edit', 'edit', 'carol'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const up = await fx.callAs('alice-token', 'POST', `/clusters/${a}${RBAC}/namespaces/default/rolebindings`, rb('alice-root', 'cluster-admin', 'alice'));
    expect(up.status).toBe(403);
    expect(up.body.message).toContain('attempting to grant RBAC permissions not currently held');
    const role = await fx.callAs('alice-token', 'POST', `/clusters/${a}${RBAC}/namespaces/default/roles`, {
      metadata: { name: 'everything' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    expect(role.status).toBe(403);
    // Nor may she bind herself anything in a namespace she does not administer.
    const other = await fx.callAs('alice-token', 'POST', `/clusters/${a}${RBAC}/namespaces/other/rolebindings`, rb('alice-other', 'edit', 'alice'));
    expect(other.status).toBe(403);
  });

  it('makes the creator of a workspace its admin, and nobody else', async () => {
    const wsAccess = { metadata: { name: 'dave-creates' }, rules: [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspaces'], verbs: ['create', 'get', 'list', 'watch'] }] };
    expect((await fx.call('POST', `/clusters/root${RBAC}/clusterroles`, wsAccess)).status).toBe(201);
    await bind('root', 'dave-creates', 'dave-creates', [user('dave')]);
    await bind('root', 'dave-access', 'system:kcp:workspace:access', [user('dave')]);
    await allowed('dave-token', 'GET', WORKSPACES('root'));
    const created = await fx.callAs('dave-token', 'POST', WORKSPACES('root'), {
      metadata: { name: 'daves', annotations: { 'experimental.tenancy.kcp.io/owner': '{"username":"alice"}' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The owner is who created it, whatever the client wrote.
    expect(created.body.metadata?.annotations?.['experimental.tenancy.kcp.io/owner']).toBe('{"username":"dave","uid":"1004"}');
    await eventually(async () => expect((await fx.callAs('dave-token', 'GET', `${WORKSPACES('root')}/daves`)).body.status?.phase).toBe('Ready'));
    // Ready means the binding is there: no waiting.
    const inside = await fx.callAs('dave-token', 'POST', CONFIGMAPS('root:daves'), { metadata: { name: 'first' } });
    expect(inside.status, JSON.stringify(inside.body)).toBe(201);
    expect((await fx.callAs('alice-token', 'GET', CONFIGMAPS('root:daves'))).status).toBe(403);
    // The owner annotation cannot be rewritten afterwards.
    const ws = (await fx.call('GET', `${WORKSPACES('root')}/daves`)).body;
    const changed = await fx.call('PUT', `${WORKSPACES('root')}/daves`, { ...ws, metadata: { ...ws.metadata, annotations: { 'experimental.tenancy.kcp.io/owner': '{"username":"carol"}' } } });
    expect(changed.status).toBe(422);
  });

  it('lets a user create workspaces of a custom type only with `use` on that type', async () => {
    // dave may create workspaces in root (previous test); root's built-in types need nothing more.
    const type = { metadata: { name: 'sandbox' }, spec: { extend: { with: [{ name: 'universal', path: 'root' }] } } };
    expect((await fx.call('POST', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes', type)).status).toBe(201);
    const ws = { metadata: { name: 'daves-sandbox' }, spec: { type: { name: 'sandbox', path: 'root' } } };
    const refused = await fx.callAs('dave-token', 'POST', WORKSPACES('root'), ws);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      'workspaces.tenancy.kcp.io "daves-sandbox" is forbidden: User "dave" cannot use resource "workspacetypes" in API group "tenancy.kcp.io" at the cluster scope in workspace "root"',
    );
    const use = { metadata: { name: 'use-sandbox' }, rules: [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspacetypes'], resourceNames: ['sandbox'], verbs: ['use'] }] };
    expect((await fx.call('POST', `/clusters/root${RBAC}/clusterroles`, use)).status).toBe(201);
    await bind('root', 'dave-use-sandbox', 'use-sandbox', [user('dave')]);
    await eventually(async () => expect((await fx.callAs('dave-token', 'POST', WORKSPACES('root'), ws)).status).toBe(201));
  });

  it('accepts a service account token in its own workspace and refuses it in another', async () => {
    expect((await fx.call('POST', '/clusters/root:a/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'robot' } })).status).toBe(201);
    await bind('root:a', 'robot-view', 'view', [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }], 'default');
    const sa = (await fx.call('GET', '/clusters/root:a/api/v1/namespaces/default/serviceaccounts/robot')).body;
    const cluster = String((await fx.call('GET', `${WORKSPACES('root')}/a`)).body.spec?.cluster);
    const { token } = await fx.server.auth.tokens.issueToken({ cluster, namespace: 'default', name: 'robot', uid: String(sa.metadata?.uid) });
    await allowed(token, 'GET', CONFIGMAPS('root:a'));
    expect((await fx.callAs(token, 'GET', CONFIGMAPS('root:a'))).status).toBe(200);
    expect((await fx.callAs(token, 'POST', CONFIGMAPS('root:a'), { metadata: { name: 'robotic' } })).status).toBe(403);
    // Another workspace's namesake service account and bindings do not make it welcome there.
    expect((await fx.call('POST', '/clusters/root:b/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'robot' } })).status).toBe(201);
    await bind('root:b', 'robot-view', 'view', [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }], 'default');
    await bind('root:b', 'robot-access', 'system:kcp:workspace:access', [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }]);
    const abroad = await fx.callAs(token, 'GET', CONFIGMAPS('root:b'));
    expect(abroad.status).toBe(403);
    // Deleting the service account revokes its tokens at once.
    expect((await fx.call('DELETE', '/clusters/root:a/api/v1/namespaces/default/serviceaccounts/robot')).status).toBe(200);
    await eventually(async () => expect((await fx.callAs(token, 'GET', CONFIGMAPS('root:a'))).status).toBe(401));
  });

  it('revokes a service account token with its workspace', async () => {
    await fx.workspace('root', 'brief');
    expect((await fx.call('POST', '/clusters/root:brief/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'temp' } })).status).toBe(201);
    const sa = (await fx.call('GET', '/clusters/root:brief/api/v1/namespaces/default/serviceaccounts/temp')).body;
    const cluster = String((await fx.call('GET', `${WORKSPACES('root')}/brief`)).body.spec?.cluster);
    const { token } = await fx.server.auth.tokens.issueToken({ cluster, namespace: 'default', name: 'temp', uid: String(sa.metadata?.uid) });
    // Its own workspace lets it in (service accounts may always enter theirs); view is not granted.
    expect((await fx.callAs(token, 'GET', CONFIGMAPS('root:brief'))).status).toBe(403);
    expect((await fx.callAs(token, 'GET', '/clusters/root:brief/api/v1')).status).toBe(200);
    expect((await fx.call('DELETE', `${WORKSPACES('root')}/brief`)).status).toBeLessThan(300);
    await eventually(async () => expect((await fx.call('GET', `${WORKSPACES('root')}/brief`)).status).toBe(404));
    await eventually(async () => expect((await fx.callAs(token, 'GET', '/clusters/root/api')).status).toBe(401));
  });

  it('ends an open watch when its token is removed from the token file', async () => {
    await allowed('alice-token', 'GET', CONFIGMAPS('root:a'));
    const controller = new AbortController();
    const res = await fetch(`${fx.base}${CONFIGMAPS('root:a')}?watch=1`, { headers: { authorization: 'Bearer alice-token' }, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let ended = false;
    const drained = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
      }
      ended = true;
    })();
    // A watch by a token that stays valid keeps going.
    const bobWatch = await fetch(`${fx.base}/clusters/root:b/api/v1/configmaps?watch=1`, { headers: { authorization: 'Bearer bob-token' } });
    expect(bobWatch.status).toBe(200);
    fs.writeFileSync(tokenFile, `${USERS.filter((u) => !u.startsWith('alice')).join('\n')}\n`);
    try {
      await eventually(() => expect(ended).toBe(true));
      await drained;
      expect((await fx.callAs('alice-token', 'GET', CONFIGMAPS('root:a'))).status).toBe(401);
      expect(fx.server.auth.sessions.size).toBe(1);
    } finally {
      controller.abort();
      await bobWatch.body?.cancel();
      fs.writeFileSync(tokenFile, `${USERS.join('\n')}\n`);
      await eventually(async () => expect((await fx.callAs('alice-token', 'GET', CONFIGMAPS('root:a'))).status).toBe(200));
    }
  });
});
