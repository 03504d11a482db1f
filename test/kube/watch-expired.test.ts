/**
 * A watch from a compacted resourceVersion: HTTP 200 and a stream holding one ERROR event with an
 * Expired (410) Status — what client-go's reflector expects before it re-lists. Runs the server
 * in-process so the test can compact the store's history.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AtollServer } from '../../src/server/index.js';
import { bearer } from '../support/server-fixture.js';

let server: AtollServer;
let dataDir: string;
/** The admin's credentials, with a JSON content type for creates. */
const json = (): Record<string, string> => ({ ...bearer(server.adminToken), 'content-type': 'application/json' });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-expired-'));
  server = new AtollServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, pino({ level: 'silent' }));
  await server.start();
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('sends an ERROR event with a 410 Expired Status for a compacted resourceVersion', async () => {
  const base = `${server.baseUrl}/clusters/root/api/v1/namespaces/default/configmaps`;
  const first = await fetch(base, { method: 'POST', headers: json(), body: JSON.stringify({ metadata: { name: 'a' } }) });
  const rv = ((await first.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  await fetch(base, { method: 'POST', headers: json(), body: JSON.stringify({ metadata: { name: 'b' } }) });
  await server.store.compact(server.store.revision);

  const res = await fetch(`${base}?watch=1&resourceVersion=${Number(rv) - 1}`, { headers: bearer(server.adminToken) });
  expect(res.status).toBe(200);
  const lines = (await res.text()).trim().split('\n');
  expect(lines).toHaveLength(1);
  const event = JSON.parse(lines[0] as string) as { type: string; object: { kind: string; code: number; reason: string } };
  expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
});

it('sends Table watch events with column definitions only in the first', async () => {
  const base = `${server.baseUrl}/clusters/root/api/v1/namespaces/default/configmaps`;
  const list = (await (await fetch(base, { headers: bearer(server.adminToken) })).json()) as { metadata: { resourceVersion: string } };
  const controller = new AbortController();
  const res = await fetch(`${base}?watch=1&resourceVersion=${list.metadata.resourceVersion}`, {
    headers: { ...bearer(server.adminToken), accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  for (const name of ['t1', 't2']) {
    await fetch(base, { method: 'POST', headers: json(), body: JSON.stringify({ metadata: { name } }) });
  }
  const reader = res.body!.getReader();
  let buf = '';
  while (buf.split('\n').length < 3) buf += new TextDecoder().decode((await reader.read()).value);
  const [e1, e2] = buf.split('\n').map((l) => (l ? (JSON.parse(l) as { object: { kind: string; columnDefinitions: unknown[] | null; rows: { cells: unknown[] }[] } }) : undefined));
  expect(e1?.object.kind).toBe('Table');
  expect(e1?.object.columnDefinitions?.length).toBeGreaterThan(0);
  expect(e2?.object.columnDefinitions).toBeNull();
  expect(e2?.object.rows[0]?.cells[0]).toBe('t2');
  controller.abort();
});

it('keeps a watch whose timeoutSeconds is past what a timer holds open (it used to end at once)', async () => {
  const base = `${server.baseUrl}/clusters/root/api/v1/namespaces/default/configmaps`;
  const res = await fetch(`${base}?watch=1&timeoutSeconds=99999999999&resourceVersion=${server.store.revision}`, { headers: bearer(server.adminToken) });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  // Give a wrongly armed timer time to fire before the write the watch must deliver.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await fetch(base, { method: 'POST', headers: json(), body: JSON.stringify({ metadata: { name: 'late' } }) });
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await reader.cancel();
  expect(JSON.parse(text.split('\n')[0] as string)).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'late' } } });
});
