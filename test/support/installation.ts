/**
 * An installation of real processes for the multi-shard tests (docs/shards.md): a root shard,
 * more shards sharing its PKI directory, a front proxy in front, and each Shard labelled
 * `shard=<name>` so tests can place workspaces with `spec.location.selector`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { eventually } from './eventually.js';
import { requestAtoll, startAtoll, type AtollProcess } from './atoll-process.js';
import { freePort } from './free-port.js';

export interface Installation {
  root: AtollProcess;
  /** Every shard by name, root included. */
  shards: Record<string, AtollProcess>;
  proxy: AtollProcess;
  proxyUrl: string;
  pkiDir: string;
  /** A fresh directory, removed by stop(). */
  tmpDir(name: string): string;
  /** Stops a shard other than root (SIGKILL: as if it crashed); `restart` brings it back on its data. */
  kill(name: string): Promise<void>;
  restart(name: string): Promise<AtollProcess>;
  stop(): Promise<void>;
}

export interface WorkspaceObject {
  metadata: { name: string; uid?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: { cluster?: string; URL?: string };
  status?: { phase?: string; conditions?: { type: string; reason?: string; message?: string }[] };
}

export const WORKSPACES = (cluster: string): string => `/clusters/${cluster}/apis/tenancy.kcp.io/v1alpha1/workspaces`;
export const jsonHeaders = (p: AtollProcess): Record<string, string> => ({ ...p.headers, 'content-type': 'application/json' });

/**
 * `store`: each shard's `--store` (a MongoDB URL of its own database); the embedded store when
 * absent. `args`: more flags for every shard (a token file, cache TTLs).
 */
export async function startInstallation(others: string[], options: { store?: (shard: string) => string; args?: string[] } = {}): Promise<Installation> {
  const dirs: string[] = [];
  const tmpDir = (name: string): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `atoll-shards-${name}-`));
    dirs.push(d);
    return d;
  };
  const proxyPort = await freePort();
  const proxyUrl = `https://127.0.0.1:${proxyPort}`;
  const pkiDir = path.join(tmpDir('pki'), 'pki');
  const common = ['--port', '0', '--pki-dir', pkiDir, '--shard-external-url', proxyUrl, ...(options.args ?? [])];
  const storeOf = (shard: string): string[] => (options.store ? ['--store', options.store(shard)] : []);
  const timeoutMs = options.store ? 120_000 : 30_000;
  const root = await startAtoll([...common, '--data-dir', tmpDir('root'), ...storeOf('root')], { timeoutMs });
  const argsOf = new Map(others.map((name) => [name, [...common, '--data-dir', tmpDir(name), '--shard-name', name, '--root-shard-kubeconfig', root.kubeconfig, ...storeOf(name)]]));
  const joined = await Promise.all(others.map((name) => startAtoll(argsOf.get(name) as string[], { timeoutMs })));
  const shards: Record<string, AtollProcess> = { root, ...Object.fromEntries(others.map((name, i) => [name, joined[i] as AtollProcess])) };
  const proxy = await startAtoll(['proxy', '--root-shard-kubeconfig', root.kubeconfig, '--port', String(proxyPort), '--data-dir', tmpDir('proxy')], { serving: 'Atoll front proxy is serving' });
  for (const name of Object.keys(shards)) {
    const r = await requestAtoll(root, `/clusters/root/apis/core.kcp.io/v1alpha1/shards/${name}`, {
      method: 'PATCH',
      headers: { ...root.headers, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { shard: name } } }),
    });
    expect(r.status, r.text).toBe(200);
  }
  return {
    root,
    shards,
    proxy,
    proxyUrl,
    pkiDir,
    tmpDir,
    kill: async (name) => {
      await shards[name]?.stop('SIGKILL');
    },
    restart: async (name) => {
      const p = await startAtoll(argsOf.get(name) as string[], { timeoutMs });
      shards[name] = p;
      return p;
    },
    stop: async () => {
      await Promise.all([proxy, ...Object.entries(shards).filter(([n]) => n !== 'root').map(([, p]) => p)].map((p) => p.stop()));
      await root.stop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

export async function getJson<T = WorkspaceObject>(p: AtollProcess, url: string): Promise<{ status: number; body: T }> {
  const r = await requestAtoll(p, url, { headers: p.headers });
  return { status: r.status, body: JSON.parse(r.text) as T };
}

/** Creates a workspace through `p` in `parent` (a path or cluster name), placed by `selector`, and waits for Ready. */
export async function readyWorkspace(p: AtollProcess, parent: string, name: string, selector?: Record<string, string>): Promise<WorkspaceObject> {
  const body = { metadata: { name }, spec: selector ? { location: { selector: { matchLabels: selector } } } : {} };
  const made = await requestAtoll(p, WORKSPACES(parent), { method: 'POST', headers: jsonHeaders(p), body: JSON.stringify(body) });
  expect(made.status, made.text).toBe(201);
  let ws: WorkspaceObject | undefined;
  await eventually(async () => {
    const got = await getJson(p, `${WORKSPACES(parent)}/${name}`);
    expect(got.body.status?.phase, JSON.stringify(got.body)).toBe('Ready');
    ws = got.body;
  }, 30_000);
  return ws as WorkspaceObject;
}

/** Whether the shard process holds the logical cluster (asked directly, by its name). */
export async function holds(p: AtollProcess, cluster: string): Promise<boolean> {
  const r = await requestAtoll(p, `/clusters/${cluster}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`, { headers: p.headers });
  return r.status === 200;
}
