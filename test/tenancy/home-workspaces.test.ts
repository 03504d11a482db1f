/**
 * Home workspaces on a real server, as kcp has them: `workspaces/~` in root answers the caller's
 * home, made on the first ask (429 + Retry-After until Ready), named as kcp names it, reachable as
 * `user:<name>`, its user the admin and nobody else let in; kubectl (client-go) follows the 429 by
 * itself. Off with `--enable-home-workspaces=false`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAdminKubeconfig } from '../../src/auth/index.js';
import { homeClusterName } from '../../src/tenancy/index.js';
import { eventually } from '../support/eventually.js';
import { haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { useServer, type Reply } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-home-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['alice-token,alice,1001', 'bob-token,bob,1002', 'carol-token,carol,1003'].join('\n'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HOME = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/~';
const CREATORS = '/clusters/root/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:kcp:configured-group:home-clusterworkspace-create';
const CONFIGMAPS = (ws: string) => `/clusters/${ws}/api/v1/namespaces/default/configmaps`;

describe('kcp’s home cluster names', () => {
  it('match kcp’s test vectors (HomeClusterName)', () => {
    expect(homeClusterName('')).toBe('36ks9xj4a2n61');
    expect(homeClusterName('alice')).toBe('v1u4alow0iv9');
    expect(homeClusterName('bob')).toBe('2okdry95y5lkv');
    expect(homeClusterName('user:with:colons')).toBe('2bqfj6xlthg3t');
    // The first byte of the hash is zero: it is kept as a leading 0.
    expect(homeClusterName('user172')).toBe('0f9mt7goyif7');
  });
});

describe('home workspaces', () => {
  const fx = useServer({ tls: true, auth: { tokenFile } });

  it('makes the caller’s home on the first ask, says to retry until it is Ready, then answers it', async () => {
    const first = await fx.fetch(`${fx.base}${HOME}`, { headers: { authorization: 'Bearer alice-token' } });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', message: 'Creating the home workspace' });
    let home: Reply['body'] = {};
    await eventually(async () => {
      const r = await fx.callAs('alice-token', 'GET', HOME);
      expect(r.status).toBe(200);
      home = r.body;
    });
    const cluster = homeClusterName('alice');
    expect(home).toMatchObject({ apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', spec: { cluster, URL: `${fx.base}/clusters/${cluster}` }, status: { phase: 'Ready' } });
  });

  it('makes the user its admin, by cluster name and by user:<name>, with the bindings every workspace has', async () => {
    const cluster = homeClusterName('alice');
    for (const ws of [cluster, 'user:alice']) {
      const made = await fx.callAs('alice-token', 'POST', CONFIGMAPS(ws), { metadata: { name: `cm-${ws.replace(':', '-')}` } });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }
    const listed = await fx.callAs('alice-token', 'GET', CONFIGMAPS('user:alice'));
    expect((listed.body.items as Reply['body'][]).map((o) => o.metadata?.name)).toEqual(expect.arrayContaining(['cm-user-alice', `cm-${cluster}`]));
    const lc = await fx.call('GET', `/clusters/${cluster}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`);
    expect(lc.body.metadata?.annotations).toMatchObject({ 'kcp.io/path': 'user:alice', 'internal.tenancy.kcp.io/type': 'root:home' });
    const bindings = await fx.call('GET', `/clusters/${cluster}/apis/apis.kcp.io/v1alpha2/apibindings`);
    expect((bindings.body.items as Reply['body'][]).map((b) => String(b.metadata?.name).replace(/-[0-9a-z]{5}$/, ''))).toEqual(['tenancy.kcp.io', 'topology.kcp.io']);
  });

  it('lets nobody else in, and gives each user their own home', async () => {
    expect((await fx.callAs('bob-token', 'GET', CONFIGMAPS('user:alice'))).status).toBe(403);
    expect((await fx.callAs('bob-token', 'GET', CONFIGMAPS(homeClusterName('alice')))).status).toBe(403);
    await eventually(async () => expect((await fx.callAs('bob-token', 'GET', HOME)).status).toBe(200));
    expect((await fx.callAs('bob-token', 'GET', HOME)).body.spec?.cluster).toBe(homeClusterName('bob'));
    expect((await fx.callAs('alice-token', 'GET', HOME)).body.spec?.cluster).toBe(homeClusterName('alice'));
  });

  it('asks the creator role in root: a user whose group lost it gets 403 and no home', async () => {
    const binding = await fx.call('GET', CREATORS);
    const narrowed = await fx.call('PUT', CREATORS, { ...binding.body, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] });
    expect(narrowed.status, JSON.stringify(narrowed.body)).toBe(200);
    await eventually(async () => expect((await fx.callAs('carol-token', 'GET', HOME)).status).toBe(403));
    expect((await fx.call('GET', `/clusters/${homeClusterName('carol')}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`)).status).toBe(404);
    // Listing or writing `~` is not the home request: it is an ordinary (missing) name.
    expect((await fx.callAs('alice-token', 'DELETE', HOME)).status).toBe(403);
  });

  const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
  it.skipIf(!haveKubectl)(`is what kubectl gets for workspaces/~, retrying the 429 by itself, and then works in${reason}`, async () => {
    const kubeconfig = path.join(dir, 'dave.kubeconfig');
    fs.writeFileSync(tokenFile, `${fs.readFileSync(tokenFile, 'utf8')}\ndave-token,dave,1004`);
    fs.writeFileSync(kubeconfig, buildAdminKubeconfig({ baseUrl: fx.base, ca: fx.server.pki?.ca.cert, credentials: { token: 'dave-token' }, userName: 'dave' }));
    const creators = await fx.call('GET', CREATORS);
    const subjects = [...((creators.body.subjects as object[]) ?? []), { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'dave' }];
    expect((await fx.call('PUT', CREATORS, { ...creators.body, subjects })).status).toBe(200);
    const kubectl = kubectlFor(kubeconfig);
    try {
      // The token file is re-read when it changes: wait until dave is known (a 401 until then).
      await eventually(async () => expect((await fx.callAs('dave-token', 'GET', '/clusters/root/version')).status).not.toBe(401));
      // As kcp's `kubectl ws` asks (a plain GET, no discovery: the user need not be allowed into root);
      // the first answer is a 429 the client retries by itself.
      const home = JSON.parse(await kubectl.ok(['get', '--raw', HOME])) as { spec: { URL: string } };
      const url = home.spec.URL;
      expect(url).toBe(`${fx.base}/clusters/${homeClusterName('dave')}`);
      expect(await kubectl.ok(['--server', url, 'create', 'configmap', 'mine', '--from-literal=a=b'])).toContain('configmap/mine created');
    } finally {
      kubectl.cleanup();
    }
  });
});

describe('with home workspaces off', () => {
  const fx = useServer({ auth: { tokenFile }, homeWorkspaces: false });
  it('answers ~ as any name that does not exist, and makes nothing', async () => {
    const r = await fx.call('GET', HOME);
    expect(r.status).toBe(404);
    expect((await fx.call('GET', `/clusters/${homeClusterName('kcp-admin')}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`)).status).toBe(404);
  });
});
