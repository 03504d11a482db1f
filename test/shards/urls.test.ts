/**
 * Without a front proxy each shard is reached at its own address: a workspace placed on another
 * shard must name that shard's external URL in `spec.URL` (what `kubectl ws` follows), not the
 * address of the shard its parent is on, which admission wrote before the workspace was placed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { holds, readyWorkspace } from '../support/installation.js';

const dirs: string[] = [];
const tmpDir = (name: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `atoll-urls-${name}-`));
  dirs.push(d);
  return d;
};
let root: AtollProcess;
let shard1: AtollProcess;

beforeAll(async () => {
  const pki = path.join(tmpDir('pki'), 'pki');
  root = await startAtoll(['--port', '0', '--pki-dir', pki, '--data-dir', tmpDir('root')]);
  shard1 = await startAtoll(['--port', '0', '--pki-dir', pki, '--data-dir', tmpDir('shard-1'), '--shard-name', 'shard-1', '--root-shard-kubeconfig', root.kubeconfig]);
  for (const name of ['root', 'shard-1']) {
    const r = await requestAtoll(root, `/clusters/root/apis/core.kcp.io/v1alpha1/shards/${name}`, {
      method: 'PATCH',
      headers: { ...root.headers, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { shard: name } } }),
    });
    expect(r.status, r.text).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await shard1?.stop();
  await root?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('workspace URLs without a front proxy', () => {
  it('name the shard the workspace is placed on, and serve there', async () => {
    const ws = await readyWorkspace(root, 'root', 'elsewhere', { shard: 'shard-1' });
    expect(await holds(shard1, ws.spec?.cluster as string)).toBe(true);
    expect(ws.spec?.URL).toBe(`${shard1.url}/clusters/root:elsewhere`);
    const here = await readyWorkspace(root, 'root', 'here', { shard: 'root' });
    expect(here.spec?.URL).toBe(`${root.url}/clusters/root:here`);
  }, 60_000);
});
