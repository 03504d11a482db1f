/**
 * The server on a full disk (issue 13): writes fail with a clear 503 and readiness fails while
 * the store cannot write, both recover once space returns, nothing acknowledged is lost; a restart
 * rewrites none of the files that are already right (admin kubeconfig, PKI), so it works on a
 * full disk too. The full disk is a small tmpfs (those tests skip where it cannot be mounted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { mountSmallDisk, smallDiskUnavailable } from '../support/small-disk.js';
import { fetchTrusting } from '../support/tls-fetch.js';
import { freePort } from '../support/free-port.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(dataDir: string, port: number): Promise<AtollProcess> {
  const p = await startAtoll(['--port', String(port), '--data-dir', dataDir]);
  cleanups.push(() => (p.child.exitCode === null ? p.stop('SIGKILL') : undefined));
  return p;
}


/** Inode and modification time of the files a start must not rewrite when they are right. */
function startFiles(dataDir: string): Record<string, string> {
  const files = ['admin.kubeconfig', ...fs.readdirSync(path.join(dataDir, 'pki')).map((f) => path.join('pki', f))];
  return Object.fromEntries(
    files.map((f) => {
      const s = fs.statSync(path.join(dataDir, f));
      return [f, `${s.ino}@${s.mtimeMs}`];
    }),
  );
}

async function call(p: AtollProcess, urlPath: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetchTrusting(p.ca as string)(`${p.url}${urlPath}`, {
    method: init.method ?? 'GET',
    headers: { ...p.headers, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as { reason?: string; message?: string; items?: { metadata: { name: string } }[] } };
}

const CONFIGMAPS = '/clusters/root/api/v1/namespaces/default/configmaps';
const createConfigMap = (p: AtollProcess, name: string) =>
  call(p, CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { pad: 'x'.repeat(4096) } } });

describe('atoll server: start files', () => {
  it('does not rewrite the admin kubeconfig or the PKI on a restart that finds them right', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-restart-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    expect((await (await start(dataDir, port)).stop()).code).toBe(0);
    const before = startFiles(dataDir);
    const again = await start(dataDir, port);
    expect(startFiles(dataDir)).toEqual(before);
    expect((await call(again, '/readyz')).status).toBe(200);
  });
});

describe.skipIf(smallDiskUnavailable !== undefined)(`atoll server: full disk${smallDiskUnavailable ? ` (skipped: ${smallDiskUnavailable})` : ''}`, () => {
  it('answers writes 503 and fails readiness while the disk is full, recovers when space returns, and restarts on a full disk', async () => {
    const disk = mountSmallDisk(16 * 1024 * 1024);
    cleanups.push(() => disk.unmount());
    const port = await freePort();
    const p = await start(disk.dir, port);
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await createConfigMap(p, `before-${i}`)).status).toBe(201);
      acked.push(`before-${i}`);
    }

    disk.fill();
    let refused: string | undefined;
    for (let i = 0; i < 5000 && refused === undefined; i++) {
      const r = await createConfigMap(p, `full-${i}`);
      if (r.status === 201) acked.push(`full-${i}`);
      else {
        refused = `full-${i}`;
        expect(r.status, r.text).toBe(503);
        expect(r.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
        expect(r.json().message).toMatch(/^storage is full: database or disk is full \(SQLITE_FULL\); the write was not applied/);
      }
    }
    expect(refused).toBeDefined();
    const ready = await call(p, '/readyz?verbose');
    expect(ready.status).toBe(500);
    expect(ready.text).toContain('[-]storage failed');
    expect(ready.text).toContain('readyz check failed');
    expect((await createConfigMap(p, 'also-refused')).status).toBe(503);
    // Reads still work.
    expect((await call(p, `${CONFIGMAPS}/before-0`)).status).toBe(200);

    disk.free();
    expect((await createConfigMap(p, 'after')).status).toBe(201);
    acked.push('after');
    const recovered = await call(p, '/readyz?verbose');
    expect(recovered.status).toBe(200);
    expect(recovered.text).toContain('[+]storage ok');
    // Every namespace also has the CA ConfigMap, made by a controller (as in Kubernetes).
    const names = (await call(p, CONFIGMAPS)).json().items?.map((o) => o.metadata.name).filter((n) => n !== 'kube-root-ca.crt') ?? [];
    expect(names.sort()).toEqual([...acked].sort());

    // A graceful stop leaves no WAL behind; a start on a full disk writes nothing it does not need to.
    expect((await p.stop('SIGTERM')).code).toBe(0);
    expect(fs.statSync(path.join(disk.dir, 'atoll.db-wal'), { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    const files = startFiles(disk.dir);
    disk.fill();
    const again = await start(disk.dir, port);
    expect(startFiles(disk.dir)).toEqual(files);
    const listed = (await call(again, CONFIGMAPS)).json().items?.map((o) => o.metadata.name).filter((n) => n !== 'kube-root-ca.crt') ?? [];
    expect(listed.sort()).toEqual([...acked].sort());
    disk.free();
    expect((await createConfigMap(again, 'after-restart')).status).toBe(201);
    expect((await again.stop('SIGTERM')).code).toBe(0);
  });
});
