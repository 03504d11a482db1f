/**
 * The front proxy as a real process in front of a real shard process (`npm start -- proxy`):
 * kubectl, REST watches and graphql-ws through it, paths rewritten to logical cluster names by
 * its index, wildcard requests refused, large bodies streamed, and 503 with Retry-After while
 * the shard is down. One shard here: scheduling across shards is not built yet (docs/shards.md).
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { seeConfigMapAddedOverWs } from '../support/ws-configmaps.js';
import { requestAtoll, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';
import { fetchTrusting } from '../support/tls-fetch.js';
import { freePort } from '../support/free-port.js';

const dirs: string[] = [];
const tmpDir = (name: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `atoll-proxy-${name}-`));
  dirs.push(d);
  return d;
};

let shard: AtollProcess;
let proxy: AtollProcess;
let acme = '';

const json = (p: AtollProcess) => ({ ...p.headers, 'content-type': 'application/json' });


let proxyPort = 0;
let shardDir = '';

beforeAll(async () => {
  proxyPort = await freePort();
  shardDir = tmpDir('shard');
  shard = await startAtoll(['--port', '0', '--data-dir', shardDir, '--shard-external-url', `https://127.0.0.1:${proxyPort}`]);
  proxy = await startAtoll(['proxy', '--root-shard-kubeconfig', shard.kubeconfig, '--port', String(proxyPort), '--data-dir', tmpDir('proxy')], { serving: 'Atoll front proxy is serving' });
  const made = await requestAtoll(proxy, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', { method: 'POST', headers: json(proxy), body: JSON.stringify({ metadata: { name: 'acme' } }) });
  expect(made.status, made.text).toBe(201);
  await eventually(async () => {
    const ws = JSON.parse((await requestAtoll(proxy, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/acme', { headers: proxy.headers })).text) as { spec?: { cluster?: string }; status?: { phase?: string } };
    expect(ws.status?.phase).toBe('Ready');
    acme = ws.spec?.cluster ?? '';
  });
  // The proxy routes root:acme once its index has the logical cluster (its watch of the shard).
  await eventually(async () => {
    const r = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', { headers: proxy.headers });
    expect(r.status, r.text).toBe(200);
  });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await shard?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the front proxy in front of one shard', () => {
  it('serves its own health and writes a kubeconfig pointing at itself with its own CA', async () => {
    expect((await requestAtoll(proxy, '/readyz')).status).toBe(200);
    expect(proxy.url).not.toBe(shard.url);
    expect(proxy.ca).toBeDefined();
    expect(proxy.ca).not.toBe(shard.ca);
  });

  it('is the address the shard gives its workspaces and its Shard (--shard-external-url)', async () => {
    const ws = JSON.parse((await requestAtoll(proxy, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/acme', { headers: proxy.headers })).text) as { spec: { URL: string } };
    expect(ws.spec.URL).toBe(`${proxy.url}/clusters/root:acme`);
    const root = JSON.parse((await requestAtoll(proxy, '/clusters/root/apis/core.kcp.io/v1alpha1/shards/root', { headers: proxy.headers })).text) as { spec: Record<string, string> };
    expect(root.spec).toEqual({ baseURL: shard.url, externalURL: proxy.url, virtualWorkspaceURL: proxy.url });
  });

  it('forwards a workspace path to the shard as its logical cluster name', async () => {
    const r = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: json(proxy),
      body: JSON.stringify({ metadata: { name: 'through-proxy' }, data: { a: '1' } }),
    });
    expect(r.status, r.text).toBe(201);
    const direct = JSON.parse((await requestAtoll(shard, `/clusters/${acme}/api/v1/namespaces/default/configmaps/through-proxy`, { headers: shard.headers })).text) as { metadata: { annotations: Record<string, string> } };
    expect(direct.metadata.annotations['kcp.io/cluster']).toBe(acme);
  });

  it('relays the shard’s errors as they are, and refuses wildcard requests itself', async () => {
    const missing = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps/nope', { headers: proxy.headers });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    const noToken = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces', {});
    expect(noToken.status).toBe(401);
    const wildcard = await requestAtoll(proxy, '/clusters/*/api/v1/configmaps', { headers: proxy.headers });
    expect(wildcard.status).toBe(403);
    expect(JSON.parse(wildcard.text)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    // Dot segments are resolved before routing, as the shard resolves them: this is a wildcard
    // request (sent raw: fetch would resolve them itself).
    const dotted = await new Promise<number>((resolve, reject) => {
      const u = new URL(proxy.url);
      https
        .get({ host: u.hostname, port: u.port, path: '/clusters/root:acme/../*/api/v1/configmaps', ca: proxy.ca, headers: proxy.headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(dotted).toBe(403);
    const unknown = await requestAtoll(proxy, '/clusters/root:nowhere/api/v1/namespaces', { headers: proxy.headers });
    expect(unknown.status).toBe((await requestAtoll(shard, '/clusters/root:nowhere/api/v1/namespaces', { headers: shard.headers })).status);
  });

  it('streams a large body to the shard and its answer back', async () => {
    const big = 'x'.repeat(900 * 1024);
    const r = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: json(proxy),
      body: JSON.stringify({ metadata: { name: 'big' }, data: { big } }),
    });
    expect(r.status, r.text.slice(0, 300)).toBe(201);
    const back = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps/big', { headers: proxy.headers });
    expect((JSON.parse(back.text) as { data: { big: string } }).data.big).toBe(big);
    const tooBig = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: json(proxy),
      body: JSON.stringify({ metadata: { name: 'too-big' }, data: { big: 'x'.repeat(4 * 1024 * 1024) } }),
    });
    expect(tooBig.status).toBe(413);
  });

  it('streams a watch: events written after it started reach the client through the proxy', async () => {
    const f = fetchTrusting(proxy.ca as string);
    const controller = new AbortController();
    const res = await f(`${proxy.url}/clusters/root:acme/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dwatched`, { headers: proxy.headers, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const made = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json(proxy), body: JSON.stringify({ metadata: { name: 'watched' } }) });
    expect(made.status).toBe(201);
    const first = await firstLine(reader);
    controller.abort();
    expect(JSON.parse(first)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } });
  });

  it('keeps a watch streaming while the proxy’s index changes under it', async () => {
    const f = fetchTrusting(proxy.ca as string);
    const controller = new AbortController();
    const res = await f(`${proxy.url}/clusters/root:acme/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dafter-index-change`, { headers: proxy.headers, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    try {
      // New workspaces and a deleted one: the index takes each as its feeds report them.
      const WS = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces';
      for (const name of ['churn-a', 'churn-b']) {
        expect((await requestAtoll(proxy, WS, { method: 'POST', headers: json(proxy), body: JSON.stringify({ metadata: { name } }) })).status).toBe(201);
      }
      await eventually(async () => expect((await requestAtoll(proxy, '/clusters/root:churn-b/api/v1/namespaces/default', { headers: proxy.headers })).status).toBe(200), 20_000);
      expect((await requestAtoll(proxy, `${WS}/churn-a`, { method: 'DELETE', headers: proxy.headers })).status).toBe(200);
      await eventually(async () => expect((await requestAtoll(proxy, '/clusters/root:churn-a/api/v1/namespaces/default', { headers: proxy.headers })).status).toBe(404), 20_000);
      const made = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json(proxy), body: JSON.stringify({ metadata: { name: 'after-index-change' } }) });
      expect(made.status).toBe(201);
      expect(JSON.parse(await firstLine(reader))).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'after-index-change' } } });
    } finally {
      controller.abort();
    }
  });

  it('carries graphql-ws subscriptions (a WebSocket upgrade) to the shard', async () => {
    await seeConfigMapAddedOverWs({
      url: `${proxy.url.replace('https', 'wss')}/clusters/root:acme/graphql`,
      tls: { ca: proxy.ca },
      authorization: proxy.headers.authorization,
      name: 'via-ws',
      create: async () => {
        const r = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json(proxy), body: JSON.stringify({ metadata: { name: 'via-ws' } }) });
        expect([201, 409]).toContain(r.status);
      },
    });
  });

  it.skipIf(!haveKubectl)('serves kubectl through its kubeconfig (skipped without kubectl)', async () => {
    const k = kubectlFor(proxy.kubeconfig);
    try {
      expect(await k.ok(['get', 'workspaces'])).toContain('acme');
      expect(await k.ok(['--server', `${proxy.url}/clusters/root:acme`, 'get', 'configmaps', 'through-proxy', '-o', 'name'])).toBe('configmap/through-proxy\n');
    } finally {
      k.cleanup();
    }
  });

  it('follows a Shard moved away and back at once, and routes to where it is last', async () => {
    const shardPath = '/clusters/root/apis/core.kcp.io/v1alpha1/shards/root';
    const put = async (baseURL: string): Promise<void> => {
      const current = JSON.parse((await requestAtoll(shard, shardPath, { headers: shard.headers })).text) as { spec: Record<string, string> };
      const r = await requestAtoll(shard, shardPath, { method: 'PUT', headers: json(shard), body: JSON.stringify({ ...current, spec: { ...current.spec, baseURL } }) });
      expect(r.status, r.text).toBe(200);
    };
    // Nothing listens on port 9: a feed left following it would send root:acme there (503).
    await put('https://127.0.0.1:9');
    await put(shard.url);
    await eventually(async () => {
      const r = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps/through-proxy', { headers: proxy.headers });
      expect(r.status, r.text).toBe(200);
    });
    for (let i = 0; i < 5; i++) {
      expect((await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps/through-proxy', { headers: proxy.headers })).status).toBe(200);
    }
  });

  // Last two: the shard stops, then comes back.
  it('answers 503 with Retry-After while the shard cannot be reached, never another answer', async () => {
    await shard.stop();
    for (const p of ['/clusters/root:acme/api/v1/namespaces', '/clusters/root/api/v1/namespaces', '/version']) {
      const f = fetchTrusting(proxy.ca as string);
      const res = await f(`${proxy.url}${p}`, { headers: proxy.headers });
      expect(res.status, p).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(await res.text())).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    }
  });

  it('catches up when the shard is back: old paths serve again, and a workspace made since is routed', async () => {
    const audit = path.join(shardDir, 'audit.log');
    shard = await startAtoll(['--port', new URL(shard.url).port, '--data-dir', shardDir, '--shard-external-url', `https://127.0.0.1:${proxyPort}`, '--audit-log-path', audit]);
    await eventually(async () => {
      const r = await requestAtoll(proxy, '/clusters/root:acme/api/v1/namespaces/default/configmaps/through-proxy', { headers: proxy.headers });
      expect(r.status, r.text).toBe(200);
    }, 60_000);
    const made = await requestAtoll(shard, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', { method: 'POST', headers: json(shard), body: JSON.stringify({ metadata: { name: 'after' } }) });
    expect(made.status, made.text).toBe(201);
    let cluster = '';
    await eventually(async () => {
      const ws = JSON.parse((await requestAtoll(shard, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/after', { headers: shard.headers })).text) as { spec?: { cluster?: string }; status?: { phase?: string } };
      expect(ws.status?.phase).toBe('Ready');
      cluster = ws.spec?.cluster ?? '';
    }, 60_000);
    // Its LogicalCluster reaches the proxy's index by the watch the proxy resumed, not by a lookup:
    // the shard then sees the request rewritten to the cluster's name (what its audit log records),
    // where a path the index does not know would reach it as sent.
    let n = 0;
    await eventually(async () => {
      const name = `routed-${n++}`;
      const cm = await requestAtoll(proxy, '/clusters/root:after/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json(proxy), body: JSON.stringify({ metadata: { name } }) });
      expect(cm.status, cm.text).toBe(201);
      const events = fs.readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { requestURI: string; objectRef?: { name?: string } });
      expect(events.find((e) => e.objectRef?.name === name)?.requestURI).toBe(`/clusters/${cluster}/api/v1/namespaces/default/configmaps`);
    }, 60_000);
  }, 150_000);
});

describe('npm start -- proxy flags', () => {
  it('refuses to start without the root shard kubeconfig, with usage and exit code 2', async () => {
    const r = await runAtoll(['proxy', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('--root-shard-kubeconfig is required');
    expect(r.output).toContain('Usage: npm start -- proxy');
    const bad = await runAtoll(['proxy', '--root-shard-kubeconfig', 'x', '--port', 'nope']);
    expect(bad.code).toBe(2);
  });

  it('exits with code 1, saying why, when it cannot follow the shards (the root shard refuses its token)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-proxy-refused-'));
    const kubeconfig = path.join(dir, 'root.kubeconfig');
    fs.writeFileSync(kubeconfig, fs.readFileSync(shard.kubeconfig, 'utf8').replace(/token: .*/, 'token: not-the-admin-token'));
    const r = await runAtoll(['proxy', '--root-shard-kubeconfig', kubeconfig, '--port', '0', '--data-dir', dir]);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain('could not start the front proxy');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** The first line of a streamed body (a watch's first event). */
async function firstLine(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  return text.split('\n')[0] as string;
}
