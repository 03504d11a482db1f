/**
 * Backup while serving and restore by starting on the copy, with real server processes: `backup
 * <file>` fetches a consistent copy of a running server's store (SQLite's online backup), and a
 * server started on a data directory holding that copy (and the same pki/) serves every object
 * exactly as the original did — same content, uids and resourceVersions — at the copy's revision.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/storage/index.js';
import { requestAtoll, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';

const dirs: string[] = [];
const procs: AtollProcess[] = [];
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) await p.stop('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const tmpDir = (name: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `atoll-${name}-`));
  dirs.push(d);
  return d;
};

/** Every workspace's objects of these resources, read across all workspaces at once. */
const RESOURCES = [
  '/api/v1/namespaces',
  '/api/v1/configmaps',
  '/api/v1/secrets',
  '/api/v1/serviceaccounts',
  '/apis/tenancy.kcp.io/v1alpha1/workspaces',
  '/apis/core.kcp.io/v1alpha1/logicalclusters',
  '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
];

async function everything(p: AtollProcess): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const r of RESOURCES) {
    const res = await requestAtoll(p, `/clusters/*${r}`, { headers: p.headers });
    expect(res.status, `${r}: ${res.text}`).toBe(200);
    out[r] = (JSON.parse(res.text) as { items: unknown[] }).items;
  }
  return out;
}

const servingRevision = (p: AtollProcess): number => {
  const line = p.logs().split('\n').find((l) => l.includes('"Atoll is serving"')) as string;
  return (JSON.parse(line) as { revision: number }).revision;
};

describe('backup and restore', () => {
  it('copies a running server’s store; a server started on the copy has every object and the revision', async () => {
    const original = tmpDir('backup-src');
    const a = await startAtoll(['--port', '0', '--data-dir', original]);
    procs.push(a);
    const json = { ...a.headers, 'content-type': 'application/json' };
    const post = async (urlPath: string, body: unknown): Promise<void> => {
      const r = await requestAtoll(a, urlPath, { method: 'POST', headers: json, body: JSON.stringify(body) });
      expect(r.status, r.text).toBe(201);
    };
    await post('/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', { metadata: { name: 'acme' } });
    for (let i = 0; i < 50; i++) {
      const ws = JSON.parse((await requestAtoll(a, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/acme', { headers: a.headers })).text) as { status?: { phase?: string } };
      if (ws.status?.phase === 'Ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const ws of ['root', 'root:acme']) {
      for (let i = 0; i < 20; i++) await post(`/clusters/${ws}/api/v1/namespaces/default/configmaps`, { metadata: { name: `cm-${i}`, labels: { n: String(i) } }, data: { i: String(i) } });
      await post(`/clusters/${ws}/api/v1/namespaces/default/secrets`, { metadata: { name: 's' }, stringData: { password: 'x' } });
    }

    // A copy taken while nothing else writes: its revision is the one the objects were read at.
    const file = path.join(tmpDir('backup-file'), 'atoll-backup.db');
    let before: Record<string, unknown[]> = {};
    let revision = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      before = await everything(a);
      const r = await runAtoll(['backup', file, '--data-dir', original]);
      expect(r.code, r.output).toBe(0);
      revision = Number(/backed up revision (\d+) to /.exec(r.output)?.[1]);
      if (JSON.stringify(await everything(a)) === JSON.stringify(before)) break;
    }
    expect(revision).toBeGreaterThan(0);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(fs.readdirSync(original).filter((f) => f.startsWith('backup-'))).toEqual([]);
    await a.stop();

    // Restore: a data directory whose database is the copy, with the original's pki/ (the same CA,
    // admin token and service-account keys, so tokens issued before stay valid).
    const restored = tmpDir('backup-restored');
    fs.copyFileSync(file, path.join(restored, DB_FILE));
    fs.cpSync(path.join(original, 'pki'), path.join(restored, 'pki'), { recursive: true });
    // On the original's address: a shard registers where it serves at start (its Shard in root),
    // and at the same address there is nothing to update, so the revision is the copy's.
    const b = await startAtoll(['--port', new URL(a.url).port, '--data-dir', restored]);
    procs.push(b);
    expect(servingRevision(b)).toBe(revision);
    expect(await everything(b)).toEqual(before);
    const listed = JSON.parse((await requestAtoll(b, '/clusters/root:acme/api/v1/namespaces/default/configmaps?labelSelector=n%3D7', { headers: b.headers })).text) as { items: { data: { i: string } }[] };
    expect(listed.items.map((o) => o.data.i)).toEqual(['7']);
  });

  it('is refused without the right to get /backup', async () => {
    const a = await startAtoll(['--port', '0', '--data-dir', tmpDir('backup-auth')]);
    procs.push(a);
    expect((await requestAtoll(a, '/backup')).status).toBe(401);
    await a.stop();
  });
});
