/**
 * Workspaces placed across shards (docs/shards.md), with real processes: a root shard and two
 * more sharing one PKI directory, and a front proxy in front. A tree spans the three shards —
 * root:a on shard-1, root:a:b on shard-2, root:a:b:c on the root shard —, each logical cluster
 * is found on its shard and served through the proxy, and deleting root:a purges all of it. The
 * scheduler's inputs are checked too: a selector no shard matches, a malformed one, a user naming
 * the shard, and another shard's LogicalCluster endpoint closed to everyone but the shards.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { requestAtoll, runAtoll, type AtollProcess } from '../support/atoll-process.js';
import { getJson, holds, jsonHeaders as json, readyWorkspace, startInstallation, WORKSPACES as WS, type Installation, type WorkspaceObject as Obj } from '../support/installation.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';

let installation: Installation;
let root: AtollProcess;
let shard1: AtollProcess;
let shard2: AtollProcess;
let proxy: AtollProcess;
let proxyUrl = '';
const shardOf: Record<string, () => AtollProcess> = { root: () => root, 'shard-1': () => shard1, 'shard-2': () => shard2 };

beforeAll(async () => {
  installation = await startInstallation(['shard-1', 'shard-2']);
  ({ root, proxy, proxyUrl } = installation);
  shard1 = installation.shards['shard-1'] as AtollProcess;
  shard2 = installation.shards['shard-2'] as AtollProcess;
}, 120_000);

afterAll(async () => {
  await installation?.stop();
});

describe('shards of one installation', () => {
  it('register themselves in root, each with its own address and the proxy’s', async () => {
    const list = await getJson<{ items: (Obj & { spec: { baseURL: string; externalURL: string } })[] }>(root, '/clusters/root/apis/core.kcp.io/v1alpha1/shards');
    const byName = Object.fromEntries(list.body.items.map((s) => [s.metadata.name, s.spec]));
    expect(Object.keys(byName).sort()).toEqual(['root', 'shard-1', 'shard-2']);
    expect(byName['shard-1']).toMatchObject({ baseURL: shard1.url, externalURL: proxyUrl });
    expect(byName['shard-2']).toMatchObject({ baseURL: shard2.url, externalURL: proxyUrl });
  });

  it('share one set of credentials: the admin token and the CA of the root shard work on every shard', async () => {
    expect(shard1.adminToken).toBe(root.adminToken);
    expect(shard2.ca).toBe(root.ca);
    expect((await requestAtoll(shard2, '/clusters/root/api/v1/namespaces', { headers: root.headers })).status).not.toBe(401);
  });

  it('place a tree across three shards, serve it through the proxy, and delete it from its top', async () => {
    const a = await readyWorkspace(root, 'root', 'a', { shard: 'shard-1' });
    expect(a.metadata.annotations?.['internal.tenancy.kcp.io/shard']).toBe('shard-1');
    expect(a.spec?.URL).toBe(`${proxyUrl}/clusters/root:a`);
    const aCluster = a.spec?.cluster as string;
    // root:a's Workspace objects live on shard-1, where root:a is: created there directly.
    const b = await readyWorkspace(shard1, aCluster, 'b', { shard: 'shard-2' });
    const bCluster = b.spec?.cluster as string;
    const c = await readyWorkspace(shard2, bCluster, 'c', { shard: 'root' });
    const cCluster = c.spec?.cluster as string;
    expect([await holds(shard1, aCluster), await holds(shard2, bCluster), await holds(root, cCluster)]).toEqual([true, true, true]);
    expect([await holds(root, aCluster), await holds(shard1, bCluster), await holds(shard2, cCluster)]).toEqual([false, false, false]);
    // Each is a workspace like any other on its shard: the universal initializer ran and the
    // system exports (held by the root shard) are bound.
    for (const [p, cluster] of [[shard1, aCluster], [shard2, bCluster]] as const) {
      const bindings = await getJson<{ items: { status?: { phase?: string } }[] }>(p, `/clusters/${cluster}/apis/apis.kcp.io/v1alpha1/apibindings`);
      expect(bindings.body.items.map((i) => i.status?.phase)).toEqual(['Bound', 'Bound']);
      expect((await requestAtoll(p, `/clusters/${cluster}/api/v1/namespaces/default`, { headers: p.headers })).status).toBe(200);
    }

    // Through the proxy, by path, each level on its shard.
    await eventually(async () => {
      for (const p of ['root:a', 'root:a:b', 'root:a:b:c']) {
        const r = await requestAtoll(proxy, `/clusters/${p}/api/v1/namespaces/default/configmaps`, {
          method: 'POST',
          headers: json(proxy),
          body: JSON.stringify({ metadata: { name: `at-${p.replaceAll(':', '-')}` }, data: { p } }),
        });
        expect(r.status, `${p}: ${r.text}`).toBe(201);
      }
    }, 20_000);
    expect((await getJson<Obj & { data: { p: string } }>(shard2, `/clusters/${bCluster}/api/v1/namespaces/default/configmaps/at-root-a-b`)).body.data.p).toBe('root:a:b');

    // Deleting root:a tears down root:a:b on shard-2 and root:a:b:c on the root shard first.
    const del = await requestAtoll(root, `${WS('root')}/a`, { method: 'DELETE', headers: root.headers });
    expect(del.status, del.text).toBe(200);
    await eventually(async () => {
      expect((await requestAtoll(root, `${WS('root')}/a`, { headers: root.headers })).status).toBe(404);
    }, 30_000);
    expect([await holds(shard1, aCluster), await holds(shard2, bCluster), await holds(root, cCluster)]).toEqual([false, false, false]);
    expect((await requestAtoll(proxy, '/clusters/root:a:b/api/v1/namespaces', { headers: proxy.headers })).status).not.toBe(200);
  }, 120_000);

  it('spread workspaces without a selector over the least loaded shards', async () => {
    const placed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const ws = await readyWorkspace(root, 'root', `spread-${i}`);
      placed.push(ws.metadata.annotations?.['internal.tenancy.kcp.io/shard'] ?? 'root');
    }
    // The root shard starts out holding root itself, so the others fill first; all three get some.
    expect(new Set(placed)).toEqual(new Set(['root', 'shard-1', 'shard-2']));
    for (let i = 0; i < 6; i++) {
      const ws = (await getJson(root, `${WS('root')}/spread-${i}`)).body;
      const where = shardOf[ws.metadata.annotations?.['internal.tenancy.kcp.io/shard'] ?? 'root'] as () => AtollProcess;
      expect(await holds(where(), ws.spec?.cluster as string)).toBe(true);
    }
  }, 120_000);

  it('leave a workspace no shard matches Scheduling, with a condition saying why, until one matches', async () => {
    const made = await requestAtoll(root, WS('root'), {
      method: 'POST',
      headers: json(root),
      body: JSON.stringify({ metadata: { name: 'nowhere' }, spec: { location: { selector: { matchLabels: { region: 'mars' } } } } }),
    });
    expect(made.status, made.text).toBe(201);
    await eventually(async () => {
      const ws = (await getJson(root, `${WS('root')}/nowhere`)).body;
      expect(ws.status?.phase).toBe('Scheduling');
      expect(ws.status?.conditions).toContainEqual(expect.objectContaining({ type: 'WorkspaceScheduled', reason: 'Unschedulable' }));
    });
    const r = await requestAtoll(root, '/clusters/root/apis/core.kcp.io/v1alpha1/shards/shard-2', {
      method: 'PATCH',
      headers: { ...root.headers, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { region: 'mars' } } }),
    });
    expect(r.status, r.text).toBe(200);
    await eventually(async () => {
      const ws = (await getJson(root, `${WS('root')}/nowhere`)).body;
      expect(ws.status?.phase).toBe('Ready');
      expect(ws.metadata.annotations?.['internal.tenancy.kcp.io/shard']).toBe('shard-2');
    }, 30_000);
  }, 60_000);

  it('refuse a malformed selector and a shard named by a user', async () => {
    const bad = await requestAtoll(root, WS('root'), {
      method: 'POST',
      headers: json(root),
      body: JSON.stringify({ metadata: { name: 'bad-selector' }, spec: { location: { selector: { matchExpressions: [{ key: 'shard', operator: 'Near' }] } } } }),
    });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.text).toContain('spec.location.selector');
    const named = await requestAtoll(root, WS('root'), {
      method: 'POST',
      headers: json(root),
      body: JSON.stringify({ metadata: { name: 'named', annotations: { 'internal.tenancy.kcp.io/shard': 'shard-2' } } }),
    });
    expect(named.status, named.text).toBe(422);
    expect(named.text).toContain('set by the scheduler');
  });

  it('let only the shards create a LogicalCluster in a cluster that does not exist yet', async () => {
    const body = JSON.stringify({ apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: 'cluster' }, spec: {} });
    const asAdmin = await requestAtoll(shard1, '/clusters/madeup0123456789/apis/core.kcp.io/v1alpha1/logicalclusters', { method: 'POST', headers: json(root), body });
    expect(asAdmin.status, asAdmin.text).toBe(404);
    expect(await holds(shard1, 'madeup0123456789')).toBe(false);
  });

  it.skipIf(!haveKubectl)('serve kubectl through the proxy in a workspace on another shard (skipped without kubectl)', async () => {
    const ws = await readyWorkspace(root, 'root', 'kube', { shard: 'shard-2' });
    expect(await holds(shard2, ws.spec?.cluster as string)).toBe(true);
    const k = kubectlFor(proxy.kubeconfig);
    await eventually(async () => {
      const out = await k.ok(['--server', `${proxyUrl}/clusters/root:kube`, 'create', 'configmap', 'hello', '--from-literal=a=b']);
      expect(out).toContain('configmap/hello created');
    }, 20_000);
    expect(await k.ok(['--server', `${proxyUrl}/clusters/root:kube`, 'get', 'configmap', 'hello', '-o', 'jsonpath={.data.a}'])).toBe('b');
  }, 60_000);
});

describe('a shard joining an installation', () => {
  it('refuses to start without the root shard’s credentials in its PKI directory, saying what is missing', async () => {
    const lonely = installation.tmpDir('lonely');
    const { code, output } = await runAtoll(['--port', '0', '--data-dir', lonely, '--pki-dir', path.join(lonely, 'empty'), '--shard-name', 'shard-9', '--root-shard-kubeconfig', root.kubeconfig]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/the shared PKI directory .*empty has no sa\.key, admin\.token, shard\.token, ca\.crt, ca\.key: start the root shard with --pki-dir/);
  });
});

describe('a shard that is down', () => {
  it('makes its workspaces answer 503 with Retry-After through the proxy while the others serve, and serves them again once back', async () => {
    const down = await readyWorkspace(root, 'root', 'on-two', { shard: 'shard-2' });
    await readyWorkspace(root, 'root', 'on-one', { shard: 'shard-1' });
    await eventually(async () => {
      expect((await requestAtoll(proxy, '/clusters/root:on-two/api/v1/namespaces/default', { headers: proxy.headers })).status).toBe(200);
      expect((await requestAtoll(proxy, '/clusters/root:on-one/api/v1/namespaces/default', { headers: proxy.headers })).status).toBe(200);
    }, 20_000);
    await installation.kill('shard-2');
    const res = await (await import('../support/tls-fetch.js')).fetchTrusting(proxy.ca as string)(`${proxyUrl}/clusters/root:on-two/api/v1/namespaces/default`, { headers: proxy.headers });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { reason?: string }).reason).toBe('ServiceUnavailable');
    expect((await requestAtoll(proxy, '/clusters/root:on-one/api/v1/namespaces/default', { headers: proxy.headers })).status).toBe(200);
    // Workspaces can still be made, on the shards that answer.
    const meanwhile = await readyWorkspace(root, 'root', 'meanwhile');
    expect(meanwhile.metadata.annotations?.['internal.tenancy.kcp.io/shard']).not.toBe('shard-2');

    shard2 = await installation.restart('shard-2');
    expect(await holds(shard2, down.spec?.cluster as string)).toBe(true);
    await eventually(async () => {
      expect((await requestAtoll(proxy, '/clusters/root:on-two/api/v1/namespaces/default', { headers: proxy.headers })).status).toBe(200);
    }, 30_000);
  }, 120_000);
});
