/**
 * kcp's wildcard requests, `/clusters/*`: privileged users list and watch a resource across every
 * logical cluster, each object annotated with its cluster; nobody else may, and nothing but
 * list and watch is served there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-every-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'eve-token,eve,4001\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const clusters: Record<string, string> = {};
beforeAll(async () => {
  for (const ws of ['w1', 'w2']) {
    clusters[ws] = String((await fx.workspace('root', ws)).spec?.cluster);
    expect((await fx.call('POST', CONFIGMAPS(`root:${ws}`), { metadata: { name: `cm-${ws}` } })).status).toBe(201);
  }
  // eve administers w1, and only w1.
  const binding = { metadata: { name: 'eve' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'eve' }] };
  expect((await fx.call('POST', '/clusters/root:w1/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', binding)).status).toBe(201);
});

type Item = { metadata: { name: string; annotations?: Record<string, string> } };

it('lists a resource across every workspace for the platform admin, each object with its cluster', async () => {
  const r = await fx.call('GET', '/clusters/*/api/v1/configmaps');
  expect(r.status).toBe(200);
  const mine = (r.body.items as unknown as Item[]).filter((i) => i.metadata.name.startsWith('cm-'));
  expect(mine.map((i) => [i.metadata.name, i.metadata.annotations?.['kcp.io/cluster']]).sort()).toEqual([
    ['cm-w1', clusters.w1],
    ['cm-w2', clusters.w2],
  ]);
  const discovery = await fx.call('GET', '/clusters/*/api/v1');
  expect((discovery.body.resources as { name: string }[]).map((x) => x.name)).toContain('configmaps');
});

it('watches every workspace through one watch', async () => {
  const list = await fx.call('GET', '/clusters/*/api/v1/configmaps');
  const res = await fx.fetch(`${fx.base}/clusters/*/api/v1/configmaps?watch=1&resourceVersion=${String(list.body.metadata?.resourceVersion)}`, { headers: fx.headers });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  expect((await fx.call('POST', CONFIGMAPS('root:w2'), { metadata: { name: 'watched' } })).status).toBe(201);
  let text = '';
  while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  const event = JSON.parse(text.split('\n')[0] as string) as { type: string; object: Item };
  expect(event.type).toBe('ADDED');
  expect(event.object.metadata).toMatchObject({ name: 'watched', annotations: { 'kcp.io/cluster': clusters.w2 } });
});

it('refuses everyone else, and every verb but list and watch', async () => {
  const eve = await fx.callAs('eve-token', 'GET', '/clusters/*/api/v1/configmaps');
  expect(eve.status).toBe(403);
  expect(eve.body.message).toContain('only privileged users');
  expect((await fx.callAs(undefined, 'GET', '/clusters/*/api/v1/configmaps')).status).toBe(401);
  const create = await fx.call('POST', '/clusters/*/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' } });
  expect(create.status).toBe(405);
  expect((await fx.call('GET', '/clusters/*/api/v1/namespaces/default/configmaps/cm-w1')).status).toBe(405);
});
