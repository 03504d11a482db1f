/** The server process: flags, health endpoints, root bootstrap, kubeconfig, graceful shutdown. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/storage/index.js';
import { requestAtoll, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';

const exec = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const haveKubectl = fs.existsSync(KUBECTL);

const dirs: string[] = [];
const procs: AtollProcess[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-server-'));
  dirs.push(d);
  return d;
};

afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) await p.stop('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function start(args: string[], env?: NodeJS.ProcessEnv): Promise<AtollProcess> {
  const p = await startAtoll(args, { env });
  procs.push(p);
  return p;
}

describe('atoll server', () => {
  it('serves health endpoints, creates root, writes a kubeconfig, and stops cleanly on SIGTERM', async () => {
    const dataDir = tmpDir();
    const p = await start(['--port', '0', '--data-dir', dataDir]);
    // HTTPS by default, with the CA the server generated; health stays open without credentials.
    expect(p.url).toMatch(/^https:\/\//);
    expect(p.ca).toBe(fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8'));
    for (const endpoint of ['/healthz', '/livez', '/readyz']) {
      const r = await requestAtoll(p, endpoint);
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
    const verbose = (await requestAtoll(p, '/readyz?verbose')).text;
    expect(verbose).toContain('[+]store ok');
    expect(verbose).toContain('readyz check passed');

    // Everything else needs credentials: /version too.
    const anonymous = await requestAtoll(p, '/version');
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    const version = await requestAtoll(p, '/version', { headers: p.headers });
    expect(version.status).toBe(200);
    expect(JSON.parse(version.text)).toMatchObject({ major: '1' });
    expect((await requestAtoll(p, '/clusters/root/no/such/path')).status).toBe(401);

    const unknown = await requestAtoll(p, '/clusters/root/no/such/path', { headers: p.headers });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });

    expect(p.kubeconfig).toBe(path.join(dataDir, 'admin.kubeconfig'));
    const kubeconfig = fs.readFileSync(p.kubeconfig, 'utf8');
    expect(kubeconfig).toContain(`server: ${p.url}/clusters/root`);
    expect(kubeconfig).toContain('current-context: root');
    expect(kubeconfig).toContain(`certificate-authority-data: ${Buffer.from(p.ca ?? '').toString('base64')}`);
    expect(kubeconfig).toContain(`token: ${p.adminToken}`);

    const exit = await p.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(p.logs()).toContain('"msg":"stopped"');

    // root was created durably: its LogicalCluster and default namespace are in the store.
    const store = new EmbeddedStore({ dataDir });
    const lc = await store.get({ cluster: 'root', resource: 'logicalclusters.core.kcp.io', namespace: '', name: 'cluster' });
    expect(lc?.metadata.annotations).toEqual({ 'kcp.io/path': 'root', 'internal.tenancy.kcp.io/type': 'root:root', 'kcp.io/cluster': 'root' });
    expect(lc?.status).toEqual({ phase: 'Ready' });
    expect(await store.get({ cluster: 'root', resource: 'namespaces', namespace: '', name: 'default' })).toBeDefined();
    await store.close();
  });

  it('keeps root across restarts and takes port and data dir from the environment', async () => {
    const dataDir = tmpDir();
    const first = await start([], { ATOLL_PORT: '0', ATOLL_DATA_DIR: dataDir });
    expect(fs.existsSync(path.join(dataDir, 'atoll.db'))).toBe(true);
    await first.stop('SIGINT');
    const readUid = async (): Promise<string | undefined> => {
      const s = new EmbeddedStore({ dataDir });
      const lc = await s.get({ cluster: 'root', resource: 'logicalclusters.core.kcp.io', namespace: '', name: 'cluster' });
      await s.close();
      return lc?.metadata.uid;
    };
    const uid = await readUid();
    const second = await start([], { ATOLL_PORT: '0', ATOLL_DATA_DIR: dataDir });
    await second.stop();
    expect(await readUid()).toBe(uid);
  });

  it('serves plain HTTP with --plain-http, still requiring credentials, and writes a kubeconfig without a CA', async () => {
    const p = await start(['--port', '0', '--data-dir', tmpDir(), '--plain-http']);
    expect(p.url).toMatch(/^http:\/\//);
    expect(p.ca).toBeUndefined();
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${p.url}/version`)).status).toBe(401);
    expect((await fetch(`${p.url}/version`, { headers: p.headers })).status).toBe(200);
    const kubeconfig = fs.readFileSync(p.kubeconfig, 'utf8');
    expect(kubeconfig).toContain(`server: ${p.url}/clusters/root`);
    expect(kubeconfig).toContain(`token: ${p.adminToken}`);
    expect(kubeconfig).not.toContain('certificate-authority');
  });

  it('refuses a second server on the same data directory with a clear message', async () => {
    const dataDir = tmpDir();
    await start(['--port', '0', '--data-dir', dataDir]);
    const second = await runAtoll(['--port', '0', '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(second.output).toContain('is in use by another Atoll process');
  });

  it('rejects bad flags with usage and exit code 2', async () => {
    for (const args of [['--port', 'abc'], ['--port', '70000'], ['--bogus'], ['--log-level', 'loud'], ['--authorization-mode', 'Webhook']]) {
      const r = await runAtoll(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.output).toContain('Usage: npm start --');
    }
    const help = await runAtoll(['--help']);
    expect(help.code).toBe(0);
  });

  it('starts the way the README says: npm start -- --port … --data-dir …', async () => {
    const dataDir = tmpDir();
    const p = await startAtoll(['--port', '0', '--data-dir', dataDir], { command: ['npm', 'start', '--silent', '--'], timeoutMs: 120_000 });
    procs.push(p);
    expect((await requestAtoll(p, '/readyz')).status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'admin.kubeconfig'))).toBe(true);
    const exit = await p.stop('SIGTERM');
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  }, 150_000);

  it.skipIf(!haveKubectl)('writes a kubeconfig that the real kubectl reads (skipped without /usr/bin/kubectl)', async () => {
    const p = await start(['--port', '0', '--data-dir', tmpDir()]);
    const { stdout } = await exec(KUBECTL, ['--kubeconfig', p.kubeconfig, 'config', 'view', '-o', 'jsonpath={.clusters[?(@.name=="root")].cluster.server}']);
    expect(stdout).toBe(`${p.url}/clusters/root`);
    const ctx = await exec(KUBECTL, ['--kubeconfig', p.kubeconfig, 'config', 'current-context']);
    expect(ctx.stdout.trim()).toBe('root');
    // It trusts the server's certificate and authenticates with the admin token.
    const version = await exec(KUBECTL, ['--kubeconfig', p.kubeconfig, 'get', '--raw', '/version']);
    expect(JSON.parse(version.stdout)).toMatchObject({ major: '1' });
  });
});
