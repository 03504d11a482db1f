/**
 * Authentication at the front proxy, with a shard and the proxy as real processes sharing one PKI
 * (--pki-dir): the proxy authenticates client certificates, the admin token and its own token
 * file, and names the user to the shard in X-Remote-* headers over a connection carrying its own
 * client certificate (CN atoll-front-proxy, issued from the shared CA); the shard believes those
 * headers from that certificate alone. What the proxy cannot check (ServiceAccount tokens) is
 * passed on for the shard to decide.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, FRONT_PROXY_USER } from '../../src/auth/index.js';
import { eventually } from '../support/eventually.js';
import { seeConfigMapAddedOverWs } from '../support/ws-configmaps.js';
import { requestAtoll, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { freePort } from '../support/free-port.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';

const dirs: string[] = [];
const tmpDir = (name: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `atoll-proxy-auth-${name}-`));
  dirs.push(d);
  return d;
};

interface Pair {
  cert: string;
  key: string;
}

let shard: AtollProcess;
let proxy: AtollProcess;
let pkiDir = '';
let proxyDir = '';
let audit = '';
let tokens = '';
let ca = '';
let admin: Pair;
let frontProxy: Pair;
let foreignFrontProxy: Pair;

const json = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' });

/** An HTTPS request with an optional client certificate; the status and the parsed body. */
function call(
  base: string,
  urlPath: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string; client?: Pair } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(urlPath, base), { method: options.method ?? 'GET', headers: options.headers ?? {}, ca, agent: false, ...(options.client ?? {}) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Who the server takes the request's sender for (SelfSubjectReview), or the HTTP status when it refuses. */
async function whoami(base: string, options: { headers?: Record<string, string | string[]>; client?: Pair; cluster?: string } = {}): Promise<{ username: string; uid?: string; groups: string[] } | number> {
  const r = await call(base, `/clusters/${options.cluster ?? 'root'}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
    method: 'POST',
    headers: { ...(options.headers ?? {}), 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    ...(options.client ? { client: options.client } : {}),
  });
  if (r.status !== 201 && r.status !== 200) return r.status;
  return (r.body as { status: { userInfo: { username: string; uid?: string; groups: string[] } } }).status.userInfo;
}

/** Who the shard's audit log says created the ConfigMap `name` (the log is written as requests end). */
function auditedUser(name: string): string | undefined {
  const events = fs.readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { objectRef?: { name?: string }; verb: string; user: { username: string } });
  return events.find((e) => e.objectRef?.name === name && e.verb === 'create')?.user.username;
}

const pair = (dir: string, name: string): Pair => ({ cert: fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8'), key: fs.readFileSync(path.join(dir, `${name}.key`), 'utf8') });

beforeAll(async () => {
  const proxyPort = await freePort();
  const shardDir = tmpDir('shard');
  pkiDir = path.join(tmpDir('pki'), 'pki');
  proxyDir = tmpDir('proxy');
  audit = path.join(shardDir, 'audit.log');
  tokens = path.join(tmpDir('tokens'), 'tokens.csv');
  fs.writeFileSync(tokens, 'proxy-only-token,carol,u-carol,"team-a"\n');
  shard = await startAtoll(['--port', '0', '--data-dir', shardDir, '--pki-dir', pkiDir, '--shard-external-url', `https://127.0.0.1:${proxyPort}`, '--audit-log-path', audit]);
  proxy = await startAtoll(['proxy', '--root-shard-kubeconfig', shard.kubeconfig, '--pki-dir', pkiDir, '--port', String(proxyPort), '--data-dir', proxyDir, '--token-auth-file', tokens], {
    serving: 'Atoll front proxy is serving',
  });
  ca = fs.readFileSync(path.join(pkiDir, 'ca.crt'), 'utf8');
  admin = pair(pkiDir, 'admin');
  frontProxy = pair(path.join(proxyDir, 'pki'), 'front-proxy-client');
  // The same name, from a CA of its own.
  const foreign = await ensurePki(tmpDir('foreign'), { admin: { name: FRONT_PROXY_USER, groups: [] } });
  foreignFrontProxy = { cert: foreign.admin.cert, key: foreign.admin.key };
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await shard?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('authentication at the front proxy', () => {
  it('serves a client certificate of the shared CA, and the shard knows the user by it', async () => {
    expect(await whoami(proxy.url, { client: admin })).toEqual({ username: 'kcp-admin', groups: ['system:kcp:admin', 'system:authenticated'] });
    const made = await call(proxy.url, '/clusters/root/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json({}), body: JSON.stringify({ metadata: { name: 'by-certificate' } }), client: admin });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await eventually(() => expect(auditedUser('by-certificate')).toBe('kcp-admin'));
  });

  it.skipIf(!haveKubectl)('serves kubectl with the admin client certificate and no token (skipped without kubectl)', async () => {
    const file = path.join(tmpDir('kubeconfig'), 'cert.kubeconfig');
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    fs.writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'proxy', cluster: { server: `${proxy.url}/clusters/root`, 'certificate-authority-data': b64(ca) } }],
        users: [{ name: 'admin', user: { 'client-certificate-data': b64(admin.cert), 'client-key-data': b64(admin.key) } }],
        contexts: [{ name: 'root', context: { cluster: 'proxy', user: 'admin' } }],
        'current-context': 'root',
      }),
    );
    const k = kubectlFor(file);
    try {
      await k.ok(['create', 'configmap', 'by-kubectl', '--from-literal=a=1']);
      expect(await k.ok(['get', 'configmap', 'by-kubectl', '-o', 'name'])).toBe('configmap/by-kubectl\n');
      expect(await k.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).toBe('kcp-admin');
    } finally {
      k.cleanup();
    }
    await eventually(() => expect(auditedUser('by-kubectl')).toBe('kcp-admin'));
  });

  it('serves the users of its own token file, which the shard does not know, and passes the tokens it does not know on', async () => {
    // carol may not enter root: the shard's 403 names the user it took the request for.
    const through = await call(proxy.url, '/clusters/root/api/v1/namespaces', { headers: { authorization: 'Bearer proxy-only-token' } });
    expect(through.status).toBe(403);
    expect(through.body.message).toContain('User "carol" cannot');
    expect(await whoami(shard.url, { headers: { authorization: 'Bearer proxy-only-token' } })).toBe(401);
    // A ServiceAccount token is valid against a shard's store only: the shard decides.

    const sa = await requestAtoll(proxy, '/clusters/root/api/v1/namespaces/default/serviceaccounts', { method: 'POST', headers: json(proxy.headers), body: JSON.stringify({ metadata: { name: 'robot' } }) });
    expect(sa.status, sa.text).toBe(201);
    const issued = await requestAtoll(proxy, '/clusters/root/api/v1/namespaces/default/serviceaccounts/robot/token', { method: 'POST', headers: json(proxy.headers), body: JSON.stringify({ spec: {} }) });
    expect(issued.status, issued.text).toBe(201);
    const token = (JSON.parse(issued.text) as { status: { token: string } }).status.token;
    expect(await whoami(proxy.url, { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ username: 'system:serviceaccount:default:robot' });
    expect(await whoami(proxy.url, { headers: { authorization: 'Bearer not-a-token' } })).toBe(401);
  });

  it('ends a watch it vouched for when its token file no longer has the token', async () => {
    fs.writeFileSync(tokens, 'proxy-only-token,carol,u-carol,"team-a"\nfrank-token,frank,u-frank\n');
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'frank-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'frank' }] };
    const made = await requestAtoll(proxy, '/clusters/root/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { method: 'POST', headers: json(proxy.headers), body: JSON.stringify(binding) });
    expect(made.status, made.text).toBe(201);
    // The proxy re-reads the file by itself: frank is known once it has.
    await eventually(async () => expect(await whoami(proxy.url, { headers: { authorization: 'Bearer frank-token' } })).toMatchObject({ username: 'frank' }));
    // The uid goes along (X-Remote-Uid), as the token file gives it.
    expect(await whoami(proxy.url, { headers: { authorization: 'Bearer frank-token' } })).toMatchObject({ username: 'frank', uid: 'u-frank' });
    const ended = new Promise<number>((resolve, reject) => {
      const req = https.request(new URL('/clusters/root/api/v1/namespaces/default/configmaps?watch=1', proxy.url), { ca, agent: false, headers: { authorization: 'Bearer frank-token' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
        res.on('data', () => undefined);
        res.on('error', () => resolve(res.statusCode ?? 0));
        res.on('close', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(-1));
      req.end();
    });
    // Rewritten until the proxy has seen it (its first look at the file may come after one write).
    let n = 0;
    let done = false;
    void ended.then(() => (done = true));
    await eventually(() => {
      fs.writeFileSync(tokens, `proxy-only-token,carol,u-carol,"team-a"\n${'#'.repeat(n++)}\n`);
      expect(done).toBe(true);
    }, 20_000);
    expect(await whoami(proxy.url, { headers: { authorization: 'Bearer frank-token' } })).toBe(401);
  });

  it('drops the X-Remote-* headers a client sends to it', async () => {
    const forged = { 'x-remote-user': 'mallory', 'x-remote-group': 'system:masters' };
    expect(await whoami(proxy.url, { headers: { ...forged, authorization: `Bearer ${proxy.adminToken}` } })).toMatchObject({ username: 'kcp-admin' });
    expect(await whoami(proxy.url, { headers: forged, client: admin })).toMatchObject({ username: 'kcp-admin' });
    expect(await whoami(proxy.url, { headers: forged })).toBe(401);
  });

  it('carries the user of a client certificate on a watch and a graphql-ws upgrade', async () => {
    const watched = new Promise<string>((resolve, reject) => {
      const req = https.request(new URL('/clusters/root/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dwatched-by-cert', proxy.url), { ca, agent: false, ...admin }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (c: string) => {
          text += c;
          if (text.includes('\n')) {
            req.destroy();
            resolve(text.split('\n')[0] as string);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    await seeConfigMapAddedOverWs({
      url: `${proxy.url.replace('https', 'wss')}/clusters/root/graphql`,
      tls: { ca, cert: admin.cert, key: admin.key },
      name: 'watched-by-cert',
      create: async () => {
        const r = await call(proxy.url, '/clusters/root/api/v1/namespaces/default/configmaps', { method: 'POST', headers: json({}), body: JSON.stringify({ metadata: { name: 'watched-by-cert' } }), client: admin });
        expect([201, 409]).toContain(r.status);
      },
    });
    expect(JSON.parse(await watched)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched-by-cert' } } });
  });
});

describe('request-header authentication at the shard', () => {
  const forged = { 'x-remote-user': 'mallory', 'x-remote-group': ['system:masters', 'system:kcp:admin'] };

  it('takes X-Remote-* from the front proxy’s certificate alone, which by itself is nobody', async () => {
    expect(await whoami(shard.url, { headers: forged, client: frontProxy })).toEqual({ username: 'mallory', groups: ['system:masters', 'system:kcp:admin', 'system:authenticated'] });
    expect(await whoami(shard.url, { client: frontProxy })).toBe(401);
    // A token the proxy passed on is the token's user.
    expect(await whoami(shard.url, { client: frontProxy, headers: { authorization: `Bearer ${shard.adminToken}` } })).toMatchObject({ username: 'kcp-admin' });

    // Sent straight to the shard without that certificate, X-Remote-* is ignored.
    expect(await whoami(shard.url, { headers: forged })).toBe(401);
    expect(await whoami(shard.url, { headers: { ...forged, authorization: `Bearer ${shard.adminToken}` } })).toMatchObject({ username: 'kcp-admin' });
    // Another certificate of the shared CA names its own user.
    expect(await whoami(shard.url, { headers: forged, client: admin })).toMatchObject({ username: 'kcp-admin' });
    // The proxy's name on a certificate of another CA is refused.
    expect(await whoami(shard.url, { headers: forged, client: foreignFrontProxy })).toBe(401);
  });
});

describe('npm start -- proxy authentication flags', () => {
  it('refuses a token file without the shared PKI it would vouch for its users with', async () => {
    const r = await runAtoll(['proxy', '--root-shard-kubeconfig', 'x', '--token-auth-file', 'tokens.csv']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('--token-auth-file needs --pki-dir');
  });
});
