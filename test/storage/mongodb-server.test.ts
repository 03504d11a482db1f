/**
 * The server on the MongoDB backend end to end (`--store mongodb://...`, FerretDB standing in):
 * REST create, list and watch, its commits in /metrics; while MongoDB is down, writes answer 503 with Retry-After and
 * readiness fails, and both recover by themselves once it is back; a restarted server finds
 * everything and resumes a watch from before the restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { eventually } from '../support/eventually.js';
import { ferretdbUnavailable, startFerretDB, type FerretDB } from '../support/ferretdb.js';
import { fetchTrusting } from '../support/tls-fetch.js';

let ferret: FerretDB | undefined;
const cleanups: (() => Promise<unknown> | void)[] = [];

const CONFIGMAPS = '/clusters/root/api/v1/namespaces/default/configmaps';
/** The test's own ConfigMaps (the server keeps kube-root-ca.crt there too). */
const MINE = 'labelSelector=e2e%3Dyes';

interface ConfigMapList {
  metadata: { resourceVersion: string };
  items: { metadata: { name: string; resourceVersion: string } }[];
}

async function start(dataDir: string, url: string): Promise<AtollProcess> {
  const p = await startAtoll(['--port', '0', '--data-dir', dataDir, '--store', url], { timeoutMs: 120_000 });
  cleanups.push(() => (p.child.exitCode === null ? p.stop('SIGKILL') : undefined));
  return p;
}

async function call(p: AtollProcess, urlPath: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetchTrusting(p.ca as string)(`${p.url}${urlPath}`, {
    method: init.method ?? 'GET',
    headers: { ...p.headers, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const createConfigMap = (p: AtollProcess, name: string) =>
  call(p, CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { e2e: 'yes' } }, data: { k: name } } });

/** Reads a watch's first `n` events (JSON lines). */
async function watchEvents(p: AtollProcess, resourceVersion: string, n: number): Promise<{ type: string; object: { metadata: { name: string } } }[]> {
  const res = await fetchTrusting(p.ca as string)(`${p.url}${CONFIGMAPS}?watch=1&${MINE}&resourceVersion=${resourceVersion}`, { headers: p.headers });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { type: string; object: { metadata: { name: string } } }[] = [];
  let buf = '';
  while (events.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as (typeof events)[number]);
  }
  await reader.cancel();
  return events.slice(0, n);
}

describe.skipIf(ferretdbUnavailable !== undefined)(`atoll server on MongoDB${ferretdbUnavailable ? ` (skipped: ${ferretdbUnavailable})` : ''}`, () => {
  beforeAll(async () => {
    ferret = await startFerretDB();
  }, 600_000);
  afterAll(async () => {
    await ferret?.dispose();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('serves REST create, list and watch, answers 503 with Retry-After while MongoDB is down, recovers by itself, and resumes after a restart', async () => {
    const server = ferret as FerretDB;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-mongodb-server-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const url = server.url('atoll_e2e');
    const p = await start(dataDir, url);

    expect((await createConfigMap(p, 'one')).status).toBe(201);
    const list = JSON.parse((await call(p, `${CONFIGMAPS}?${MINE}`)).text) as ConfigMapList;
    expect(list.items.map((o) => o.metadata.name)).toEqual(['one']);
    const watching = watchEvents(p, list.metadata.resourceVersion, 1);
    expect((await createConfigMap(p, 'two')).status).toBe(201);
    expect((await watching).map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'two']]);
    // The MongoDB store's group commits are measured as the embedded store's are.
    const metrics = (await call(p, '/metrics')).text;
    expect(Number(/^atoll_storage_commit_duration_seconds_count (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/^atoll_storage_commit_batch_size_sum (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);

    await server.kill();
    const refused = await createConfigMap(p, 'refused');
    expect(refused.status, refused.text).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(refused.text)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    const notReady = await call(p, '/readyz?verbose');
    expect(notReady.status).toBe(500);
    expect(notReady.text).toContain('[-]storage failed');

    await server.start();
    await eventually(async () => expect((await call(p, '/readyz')).status).toBe(200), 30_000);
    expect((await createConfigMap(p, 'three')).status).toBe(201);

    expect((await p.stop('SIGTERM')).code).toBe(0);
    const again = await start(dataDir, url);
    const names = (JSON.parse((await call(again, `${CONFIGMAPS}?${MINE}`)).text) as ConfigMapList).items.map((o) => o.metadata.name);
    expect(names).toEqual(['one', 'three', 'two']);
    // A watch from the first list's revision replays what came after it, across the restart.
    const replayed = await watchEvents(again, list.metadata.resourceVersion, 2);
    expect(replayed.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'two'],
      ['ADDED', 'three'],
    ]);
  });
});
