/**
 * Users from a token file with different roles in three workspaces, seen through the real
 * clients: kubectl (over TLS, as it sends bearer tokens only there) with `auth can-i`, `--list`,
 * `auth whoami` and `create token`, and @kubernetes/client-node. Skipped where kubectl is absent
 * (the client-node half runs anyway).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminKubeconfig } from '../../src/auth/index.js';
import { eventually } from '../support/eventually.js';
import { BUNDLED_DIR, haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-clients-auth-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['alice-token,alice,1001,"team-a"', 'bob-token,bob,1002', 'eve-token,eve,1003'].join('\n'));

const fx = useServer({ tls: true, auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
async function bind(ws: string, name: string, role: string, subjects: object[], namespace?: string): Promise<void> {
  const url = namespace ? `/clusters/${ws}${RBAC}/namespaces/${namespace}/rolebindings` : `/clusters/${ws}${RBAC}/clusterrolebindings`;
  const r = await fx.call('POST', url, { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** A kubeconfig for `name`'s `token`, trusting the server's CA. */
function kubeconfigFor(name: string, token: string): string {
  const file = path.join(dir, `${name}.kubeconfig`);
  fs.writeFileSync(file, buildAdminKubeconfig({ baseUrl: fx.base, ca: fx.server.pki!.ca.cert, credentials: { token }, userName: name }));
  return file;
}

beforeAll(async () => {
  for (const ws of ['ca', 'cb', 'cc']) await fx.workspace('root', ws);
  // ca: alice administers namespace default; bob views it (and may enter).
  await bind('root:ca', 'alice-access', 'system:kcp:workspace:access', [user('alice'), user('bob')]);
  await bind('root:ca', 'alice-admin', 'admin', [user('alice')], 'default');
  await bind('root:ca', 'bob-view', 'view', [user('bob')], 'default');
  expect((await fx.call('POST', '/clusters/root:ca/api/v1/namespaces', { metadata: { name: 'other' } })).status).toBe(201);
  // cb: only bob, as editor everywhere. cc: nobody but the admin.
  await bind('root:cb', 'bob-access', 'system:kcp:workspace:access', [user('bob')]);
  await bind('root:cb', 'bob-edit', 'edit', [user('bob')]);
  await eventually(async () => expect((await fx.callAs('bob-token', 'GET', CONFIGMAPS('root:cb'))).status).toBe(200));
  await eventually(async () => expect((await fx.callAs('alice-token', 'GET', CONFIGMAPS('root:ca'))).status).toBe(200));
});

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
describe.skipIf(!haveKubectl)(`kubectl with users of different roles${reason}`, () => {
  let alice: ReturnType<typeof kubectlFor>;
  let bob: ReturnType<typeof kubectlFor>;
  let admin: ReturnType<typeof kubectlFor>;
  const at = (ws: string) => ['--server', `${fx.base}/clusters/${ws}`];
  beforeAll(() => {
    alice = kubectlFor(kubeconfigFor('alice', 'alice-token'));
    bob = kubectlFor(kubeconfigFor('bob', 'bob-token'));
    admin = kubectlFor(fx.server.kubeconfigPath);
  });
  afterAll(() => [alice, bob, admin].forEach((k) => k?.cleanup()));

  it('lets alice work in her namespace and tells her plainly where she may not', async () => {
    await alice.ok([...at('root:ca'), 'create', 'configmap', 'mine', '-n', 'default', '--from-literal=k=v']);
    expect(await alice.ok([...at('root:ca'), 'get', 'cm', 'mine', '-n', 'default', '-o', 'jsonpath={.data.k}'])).toBe('v');
    const denied = await alice.run([...at('root:ca'), 'create', 'configmap', 'x', '-n', 'other']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "other"');
    // Refused at discovery already; client-go's discovery prints such a refusal as "unknown".
    // A workspace that does not exist looks exactly the same.
    const lastLine = (text: string) => text.trim().split('\n').at(-1);
    const elsewhere = await alice.run([...at('root:cb'), 'get', 'cm', '-n', 'default']);
    expect(lastLine(elsewhere.stderr)).toBe('Error from server (Forbidden): unknown');
    const nowhere = await alice.run([...at('root:nope'), 'get', 'cm', '-n', 'default']);
    expect(lastLine(nowhere.stderr)).toBe(lastLine(elsewhere.stderr));
  });

  it('answers kubectl auth can-i and can-i --list per user and workspace', async () => {
    expect((await alice.ok([...at('root:ca'), 'auth', 'can-i', 'create', 'configmaps', '-n', 'default'])).trim()).toBe('yes');
    const no = await alice.run([...at('root:ca'), 'auth', 'can-i', 'create', 'configmaps', '-n', 'other']);
    expect(no.code).toBe(1);
    expect(no.stdout.trim()).toBe('no');
    expect((await bob.run([...at('root:ca'), 'auth', 'can-i', 'delete', 'configmaps', '-n', 'default'])).stdout.trim()).toBe('no');
    expect((await bob.ok([...at('root:cb'), 'auth', 'can-i', 'delete', 'configmaps', '-n', 'default'])).trim()).toBe('yes');
    expect((await admin.ok([...at('root:cc'), 'auth', 'can-i', '*', '*'])).trim()).toBe('yes');
    const list = await alice.ok([...at('root:ca'), 'auth', 'can-i', '--list', '-n', 'default']);
    const configmaps = list.split('\n').find((l) => /^configmaps\s/.test(l));
    expect(configmaps).toMatch(/\[.*create.*delete.*get.*list.*\]/);
    expect(list).toMatch(/selfsubjectaccessreviews\.authorization\.k8s\.io\s.*\[create\]/);
    const listOther = await alice.ok([...at('root:ca'), 'auth', 'can-i', '--list', '-n', 'other']);
    expect(listOther.split('\n').some((l) => /^configmaps\s/.test(l))).toBe(false);
  });

  it('says who a user is (kubectl auth whoami)', async () => {
    const who = await alice.ok([...at('root:ca'), 'auth', 'whoami', '-o', 'json']);
    const review = JSON.parse(who) as { status: { userInfo: { username: string; uid: string; groups: string[] } } };
    expect(review.status.userInfo).toMatchObject({ username: 'alice', uid: '1001', groups: ['team-a', 'system:authenticated'] });
  });

  const kubectl127 = path.join(BUNDLED_DIR, 'kubectl.1.27');
  it.skipIf(!fs.existsSync(kubectl127))(`says who a user is to kubectl 1.27, which asks authentication.k8s.io/v1beta1${fs.existsSync(kubectl127) ? '' : ' (skipped: no bundled kubectl 1.27)'}`, async () => {
    const old = kubectlFor(kubeconfigFor('alice-127', 'alice-token'), kubectl127);
    try {
      const review = JSON.parse(await old.ok([...at('root:ca'), 'auth', 'whoami', '-o', 'json'])) as { apiVersion: string; status: { userInfo: { username: string } } };
      expect(review.apiVersion).toBe('authentication.k8s.io/v1beta1');
      expect(review.status.userInfo.username).toBe('alice');
    } finally {
      old.cleanup();
    }
  });

  it('issues service-account tokens (kubectl create token) valid only in their own workspace', async () => {
    await admin.ok([...at('root:ca'), 'create', 'serviceaccount', 'robot', '-n', 'default']);
    await admin.ok([...at('root:ca'), 'create', 'rolebinding', 'robot-view', '-n', 'default', '--clusterrole=view', '--serviceaccount=default:robot']);
    // A namesake in another workspace with broad rights there must not lend them to this token.
    await admin.ok([...at('root:cb'), 'create', 'serviceaccount', 'robot', '-n', 'default']);
    await admin.ok([...at('root:cb'), 'create', 'clusterrolebinding', 'robot-admin', '--clusterrole=cluster-admin', '--serviceaccount=default:robot']);
    const token = (await admin.ok([...at('root:ca'), 'create', 'token', 'robot', '-n', 'default', '--duration=10m'])).trim();
    expect(token.split('.')).toHaveLength(3);
    const robot = kubectlFor(kubeconfigFor('robot', token));
    try {
      await eventually(async () => expect((await robot.run([...at('root:ca'), 'get', 'cm', '-n', 'default'])).code).toBe(0));
      expect((await robot.run([...at('root:ca'), 'create', 'cm', 'r', '-n', 'default'])).stderr).toContain(
        'User "system:serviceaccount:default:robot" cannot create resource "configmaps"',
      );
      const abroad = await robot.run([...at('root:cb'), 'get', 'cm', '-n', 'default']);
      expect(abroad.code).not.toBe(0);
      expect(abroad.stderr).toContain('Error from server (Forbidden)');
      expect((await robot.run([...at('root:ca'), 'auth', 'can-i', 'list', 'configmaps', '-n', 'default'])).stdout.trim()).toBe('yes');
    } finally {
      robot.cleanup();
    }
  });
});

describe('@kubernetes/client-node with users of different roles', () => {
  function core(token: string, ws: string): k8s.CoreV1Api {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(buildAdminKubeconfig({ baseUrl: fx.base, ca: fx.server.pki!.ca.cert, credentials: { token } }));
    const cluster = kc.getCurrentCluster()!;
    kc.clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, server: `${fx.base}/clusters/${ws}` } : c));
    return kc.makeApiClient(k8s.CoreV1Api);
  }
  const status = async (p: Promise<unknown>): Promise<number> => {
    try {
      await p;
      return 200;
    } catch (err) {
      return (err as { code?: number }).code ?? -1;
    }
  };

  it('allows and denies as RBAC says, in each of three workspaces', async () => {
    const bobB = core('bob-token', 'root:cb');
    const created = await bobB.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'bobs' }, data: { a: '1' } } });
    expect(created.metadata?.name).toBe('bobs');
    expect((await bobB.listNamespacedConfigMap({ namespace: 'default' })).items.map((c) => c.metadata?.name)).toContain('bobs');
    // edit does not include RBAC: bob cannot read the bindings.
    expect(await status(core('bob-token', 'root:cb').listNamespace())).toBe(200);
    const bobA = core('bob-token', 'root:ca');
    expect(await status(bobA.listNamespacedConfigMap({ namespace: 'default' }))).toBe(200);
    expect(await status(bobA.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'no' } } }))).toBe(403);
    expect(await status(core('bob-token', 'root:cc').listNamespacedConfigMap({ namespace: 'default' }))).toBe(403);
    expect(await status(core('eve-token', 'root:ca').listNamespacedConfigMap({ namespace: 'default' }))).toBe(403);
    expect(await status(core('wrong-token', 'root:ca').listNamespacedConfigMap({ namespace: 'default' }))).toBe(401);
  });
});
