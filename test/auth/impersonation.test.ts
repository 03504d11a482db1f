/**
 * User impersonation end to end on a real server over TLS: REST with Impersonate-* headers (what
 * the real user needs, Kubernetes' 400 and 403 messages, kcp's privilege gate, the registry seeing
 * the impersonated user, revocation following the real credentials), the real kubectl's `--as`,
 * `--as-group`, `--as-uid` and `auth can-i --as`, and GraphQL over HTTP and graphql-ws.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildAdminKubeconfig } from '../../src/auth/index.js';
import { eventually } from '../support/eventually.js';
import { haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { CONFIGMAPS, useServer, WORKSPACES } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-impersonation-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['alice-token,alice,1001', 'bob-token,bob,1002', 'carol-token,carol,1003', 'dave-token,dave,1004'].join('\n') + '\n');

const fx = useServer({ tls: true, auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WS = 'root:imp';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const WHOAMI = `/clusters/${WS}/apis/authentication.k8s.io/v1/selfsubjectreviews`;
const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

interface Reply {
  status: number;
  body: { message?: string; reason?: string; details?: Record<string, unknown>; items?: unknown[]; status?: { userInfo?: Record<string, unknown> } };
}

/** A request with a bearer token and extra headers; an array value is sent as repeated headers, as kubectl sends them. */
function call(token: string, method: string, urlPath: string, headers: Record<string, string | string[]> = {}, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${fx.base}${urlPath}`, { method, ca: fx.server.pki!.ca.cert, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Reply['body']) : {} }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const whoami = async (token: string, headers: Record<string, string | string[]>) => (await call(token, 'POST', WHOAMI, headers, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })).body.status?.userInfo;

async function bind(name: string, role: string, subjects: object[], namespace?: string): Promise<void> {
  const url = namespace ? `/clusters/${WS}${RBAC}/namespaces/${namespace}/rolebindings` : `/clusters/${WS}${RBAC}/clusterrolebindings`;
  const r = await fx.call('POST', url, { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

beforeAll(async () => {
  await fx.workspace('root', 'imp');
  // alice administers default; bob may only impersonate alice; dave may only enter; carol nothing.
  await bind('access', 'system:kcp:workspace:access', [user('alice'), user('bob'), user('dave')]);
  await bind('alice-admin', 'admin', [user('alice')], 'default');
  const role = { metadata: { name: 'impersonate-alice' }, rules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['alice'] }] };
  expect((await fx.call('POST', `/clusters/${WS}${RBAC}/clusterroles`, role)).status).toBe(201);
  await bind('bob-impersonates-alice', 'impersonate-alice', [user('bob')]);
  await eventually(async () => expect((await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice' })).status).toBe(200));
  await eventually(async () => expect((await call('dave-token', 'GET', `/clusters/${WS}/api/v1`)).status).toBe(200));
});

describe('impersonation over REST', () => {
  it('lets bob act as alice, and only as alice', async () => {
    expect((await call('bob-token', 'GET', CONFIGMAPS(WS))).status).toBe(403);
    expect((await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice' })).status).toBe(200);
    const asCarol = await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'carol' });
    expect(asCarol).toEqual({
      status: 403,
      body: expect.objectContaining({
        reason: 'Forbidden',
        message: 'users "carol" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
        details: { name: 'carol', group: '', kind: 'users' },
      }),
    });
    const uid = await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice', 'impersonate-uid': '42' });
    expect(uid.body.message).toBe('uids.authentication.k8s.io "42" is forbidden: User "bob" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope');
    const extra = await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice', 'impersonate-extra-Scopes': 'view' });
    expect(extra.body.message).toBe(
      'userextras.authentication.k8s.io "view" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    );
    const sa = await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'system:serviceaccount:default:robot' });
    expect(sa.body.message).toBe('serviceaccounts "robot" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "default"');
  });

  it('needs the real user to enter the workspace and to hold the impersonate permission', async () => {
    const carol = await call('carol-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice' });
    expect(carol.status).toBe(403);
    expect(carol.body.message).toBe(`configmaps is forbidden: User "carol" cannot list resource "configmaps" in API group "" in the namespace "default": access to workspace "${WS}" is not permitted`);
    const dave = await call('dave-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice' });
    expect(dave.body.message).toBe('users "alice" is forbidden: User "dave" cannot impersonate resource "users" in API group "" at the cluster scope');
    // The impersonated user must be able to enter too.
    const admin = await call(fx.adminToken, 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'carol' });
    expect(admin.body.message).toContain('User "carol" cannot list resource "configmaps"');
    expect(admin.body.message).toContain('access to workspace');
  });

  it('answers groups, extras or a uid without a user with 400', async () => {
    for (const token of ['bob-token', 'carol-token']) {
      const r = await call(token, 'GET', CONFIGMAPS(WS), { 'impersonate-group': ['team-a', 'team-b'] });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ reason: 'BadRequest', message: 'requested [{Group  team-a    } {Group  team-b    }] without impersonating a user' });
    }
    expect((await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-uid': '42' })).status).toBe(400);
  });

  it('needs impersonate on groups for --as-group, and keeps privileged groups to those who have them', async () => {
    const bob = await call('bob-token', 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice', 'impersonate-group': 'system:masters' });
    expect(bob.status).toBe(403);
    expect(bob.body.message).toBe('groups "system:masters" is forbidden: User "bob" cannot impersonate resource "groups" in API group "" at the cluster scope');
    // The admin may impersonate anything RBAC knows, but not become system:masters (kcp's gate).
    const admin = await call(fx.adminToken, 'GET', CONFIGMAPS(WS), { 'impersonate-user': 'alice', 'impersonate-group': 'system:masters' });
    expect(admin).toMatchObject({ status: 403, body: { message: 'forbidden: impersonation is not allowed for the requestor' } });
    expect(await whoami(fx.adminToken, { 'impersonate-user': 'alice', 'impersonate-group': ['system:kcp:admin', 'team-a'] })).toEqual({
      username: 'alice',
      groups: ['system:kcp:admin', 'team-a', 'system:authenticated'],
    });
  });

  it('acts as the impersonated user with its uid, groups and extra, a service account as the workspace\'s own', async () => {
    const headers = { 'impersonate-user': 'alice', 'impersonate-uid': 'u-9', 'impersonate-extra-acme.com%2Fproject': ['p1', 'p2'] };
    expect(await whoami(fx.adminToken, headers)).toEqual({ username: 'alice', uid: 'u-9', groups: ['system:authenticated'], extra: { 'acme.com/project': ['p1', 'p2'] } });
    const cluster = String((await fx.call('GET', `${WORKSPACES('root')}/imp`)).body.spec?.cluster);
    const robot = { 'impersonate-user': 'system:serviceaccount:default:robot' };
    expect(await whoami(fx.adminToken, robot)).toEqual({
      username: 'system:serviceaccount:default:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/cluster-name': [cluster] },
    });
    // Service accounts may enter their own workspace without a binding; reading is another matter.
    expect((await call(fx.adminToken, 'GET', `/clusters/${WS}/api/v1`, robot)).status).toBe(200);
    expect((await call(fx.adminToken, 'GET', CONFIGMAPS(WS), robot)).status).toBe(403);
  });

  it('hands the registry the impersonated user: escalation checks and workspace owners', async () => {
    const rb = (name: string, role: string) => ({ metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [user('frank')] });
    const url = `/clusters/${WS}${RBAC}/namespaces/default/rolebindings`;
    const up = await call(fx.adminToken, 'POST', url, { 'impersonate-user': 'alice' }, rb('frank-root', 'cluster-admin'));
    expect(up.status).toBe(403);
    expect(up.body.message).toMatch(/^rolebindings\.rbac\.authorization\.k8s\.io "frank-root" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant/);
    expect((await call(fx.adminToken, 'POST', url, { 'impersonate-user': 'alice' }, rb('frank-edit', 'edit'))).status).toBe(201);
    // erin has no token at all: impersonation is the only way to act as her.
    await bind('erin-admin', 'cluster-admin', [user('erin')]);
    const asErin = { 'impersonate-user': 'erin', 'impersonate-uid': 'e-1' };
    await eventually(async () => expect((await call(fx.adminToken, 'GET', WORKSPACES(WS), asErin)).status).toBe(200));
    const created = await call(fx.adminToken, 'POST', WORKSPACES(WS), asErin, { metadata: { name: 'erins' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((created.body as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.['experimental.tenancy.kcp.io/owner']).toBe('{"username":"erin","uid":"e-1"}');
  });

  it('tracks an impersonating watch by its real credentials', async () => {
    const sessions = fx.server.auth.sessions;
    const before = sessions.size;
    const controller = new AbortController();
    const res = await fx.fetch(`${fx.base}${CONFIGMAPS(WS)}?watch=1`, { headers: { authorization: 'Bearer bob-token', 'impersonate-user': 'alice' }, signal: controller.signal });
    try {
      expect(res.status).toBe(200);
      await eventually(() => expect(sessions.size).toBe(before + 1));
      // bob's token still names bob: a re-check must not mistake him for a changed user.
      await sessions.recheck();
      expect(sessions.size).toBe(before + 1);
    } finally {
      controller.abort();
      await res.body?.cancel().catch(() => undefined);
    }
  });
});

const LIST_DEFAULT = '{ v1 { ConfigMaps(namespace: "default") { items { metadata { name } } } } }';

describe('impersonation over GraphQL', () => {
  const gql = async (headers: Record<string, string>) => {
    const res = await fx.fetch(`${fx.base}/clusters/${WS}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: 'Bearer bob-token', ...headers },
      body: JSON.stringify({ query: LIST_DEFAULT }),
    });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  };

  it('acts as the user the Impersonate-User header names, once allowed', async () => {
    expect((await gql({})).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAlice = await gql({ 'Impersonate-User': 'alice' });
    expect(asAlice.status).toBe(200);
    expect(asAlice.body.errors).toBeUndefined();
    const asCarol = await gql({ 'Impersonate-User': 'carol' });
    expect(asCarol.status).toBe(403);
    expect(asCarol.body.errors?.[0]?.message).toBe('users "carol" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    expect((await gql({ 'Impersonate-Group': 'x' })).status).toBe(400);
  });

  it('takes impersonation over graphql-ws with the credentials it comes with', async () => {
    const ca = fx.server.pki!.ca.cert;
    class TrustingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ca });
      }
    }
    const clients: Client[] = [];
    const run = (connectionParams: Record<string, unknown>, extensions?: Record<string, unknown>) =>
      new Promise<{ data?: unknown; errors?: { message: string }[] }>((resolve, reject) => {
        const client = createClient({ url: `${fx.base.replace('https', 'wss')}/clusters/${WS}/graphql`, webSocketImpl: TrustingWebSocket, retryAttempts: 0, lazy: true, connectionParams });
        clients.push(client);
        let got = {};
        client.subscribe({ query: LIST_DEFAULT, ...(extensions ? { extensions } : {}) }, {
          next: (r) => (got = r),
          error: (err) => (Array.isArray(err) ? resolve({ errors: err as { message: string }[] }) : reject(err instanceof Error ? err : new Error(JSON.stringify(err)))),
          complete: () => resolve(got),
        });
      });
    try {
      expect((await run({ authorization: 'Bearer bob-token', 'Impersonate-User': 'alice' })).errors).toBeUndefined();
      expect((await run({ headers: { Authorization: 'Bearer bob-token', 'Impersonate-User': 'carol' } })).errors?.[0]?.message).toContain('User "bob" cannot impersonate');
      // An operation's own headers (GraphiQL's editor) bring their own impersonation, or none.
      const own = await run({ authorization: 'Bearer bob-token', 'Impersonate-User': 'alice' }, { headers: { Authorization: 'Bearer bob-token' } });
      expect(own.errors?.[0]?.message).toContain('User "bob" cannot list');
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });
});

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
describe.skipIf(!haveKubectl)(`kubectl --as${reason}`, () => {
  let admin: ReturnType<typeof kubectlFor>;
  let bob: ReturnType<typeof kubectlFor>;
  const at = ['--server', ''];
  beforeAll(() => {
    at[1] = `${fx.base}/clusters/${WS}`;
    admin = kubectlFor(fx.server.kubeconfigPath);
    const file = path.join(dir, 'bob.kubeconfig');
    fs.writeFileSync(file, buildAdminKubeconfig({ baseUrl: fx.base, ca: fx.server.pki!.ca.cert, credentials: { token: 'bob-token' }, userName: 'bob' }));
    bob = kubectlFor(file);
  });
  afterAll(() => [admin, bob].forEach((k) => k?.cleanup()));

  it('answers kubectl auth can-i --as for the impersonated user', async () => {
    expect((await admin.ok([...at, 'auth', 'can-i', 'create', 'configmaps', '-n', 'default', '--as=alice'])).trim()).toBe('yes');
    const dave = await admin.run([...at, 'auth', 'can-i', 'create', 'configmaps', '-n', 'default', '--as=dave']);
    expect({ code: dave.code, out: dave.stdout.trim() }).toEqual({ code: 1, out: 'no' });
    // carol may not even enter the workspace: refused at its door, as she would be herself.
    const carol = await admin.run([...at, 'auth', 'can-i', 'create', 'configmaps', '-n', 'default', '--as=carol']);
    expect({ code: carol.code, out: carol.stdout }).toEqual({ code: 1, out: '' });
    expect(carol.stderr).toContain(
      `selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "carol" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope: access to workspace "${WS}" is not permitted`,
    );
  });

  it('says who kubectl acts as (auth whoami --as, --as-group, --as-uid)', async () => {
    const who = JSON.parse(await admin.ok([...at, 'auth', 'whoami', '--as', 'alice', '--as-group', 'team-a', '--as-group', 'team-b', '--as-uid', '7', '-o', 'json'])) as {
      status: { userInfo: unknown };
    };
    expect(who.status.userInfo).toEqual({ username: 'alice', uid: '7', groups: ['team-a', 'team-b', 'system:authenticated'] });
  });

  it('lets bob work as alice and tells him plainly what he may not impersonate', async () => {
    await bob.ok([...at, 'create', 'configmap', 'from-bob', '-n', 'default', '--from-literal=k=v', '--as', 'alice']);
    expect(await bob.ok([...at, 'get', 'cm', 'from-bob', '-n', 'default', '-o', 'jsonpath={.data.k}', '--as', 'alice'])).toBe('v');
    const carol = await bob.run([...at, 'get', 'cm', '-n', 'default', '--as', 'carol']);
    expect(carol.code).not.toBe(0);
    expect(carol.stderr).toContain('users "carol" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    const masters = await bob.run([...at, 'get', 'cm', '-n', 'default', '--as', 'alice', '--as-group', 'system:masters']);
    expect(masters.code).not.toBe(0);
    expect(masters.stderr).toContain('groups "system:masters" is forbidden: User "bob" cannot impersonate resource "groups"');
  });
});
