/**
 * A provider's view across shards (docs/shards.md, "The provider's view across shards"): the
 * export lives on shard-1, its consumers on root, shard-1 and shard-2. Through the front proxy
 * (which sends the view to the export's shard) a list across all consumers holds every shard's,
 * pages across them, and a watch streams all of them as one and resumes from any position it
 * gave; one consumer's request is answered by the shard holding it; GraphQL lists and subscribes
 * across shards; a consumer shard that is down fails the read across all, never shortens it.
 * Real processes; kubectl where it is on the PATH.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishWidgets, widget } from '../apiexports/support.js';
import { requestAtoll, type AtollProcess } from '../support/atoll-process.js';
import { eventually } from '../support/eventually.js';
import { holds, jsonHeaders, readyWorkspace, startInstallation, type Installation } from '../support/installation.js';
import type { Reply } from '../support/server-fixture.js';
import { fetchTrusting } from '../support/tls-fetch.js';

const run = promisify(execFile);

let installation: Installation;
let proxy: AtollProcess;
/** Consumer workspace name → its logical cluster. */
const consumers: Record<string, string> = {};
let providerCluster = '';

interface Widget {
  metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> };
  spec?: { size?: number };
}
interface WidgetList {
  metadata: { resourceVersion: string; continue?: string };
  items: Widget[];
}

const call = async <T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T; text: string }> => {
  const r = await requestAtoll(proxy, url, { method, headers: jsonHeaders(proxy), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: (r.text ? JSON.parse(r.text) : {}) as T, text: r.text };
};

const view = (target = '*'): string => `/services/apiexport/${providerCluster}/widgets/clusters/${target}`;
const ALL_WIDGETS = (): string => `${view()}/apis/widgets.example.dev/v1/widgets`;
const widgetsIn = (workspace: string): string => `/clusters/root:${workspace}/apis/widgets.example.dev/v1/namespaces/default/widgets`;
const clusterOf = (w: Widget): string => w.metadata.annotations?.['kcp.io/cluster'] ?? '';
const names = (items: Widget[]): string[] => items.map((w) => `${w.metadata.name}@${clusterOf(w)}`).sort();

/** A user of the shards' token file who holds get, list and watch on the export's content, nothing more. */
const CAROL = 'carol-token';

beforeAll(async () => {
  const tokens = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'atoll-view-shards-')), 'tokens.csv');
  fs.writeFileSync(tokens, `${CAROL},carol,carol-uid,""\n`);
  installation = await startInstallation(['shard-1', 'shard-2'], { args: ['--token-auth-file', tokens] });
  proxy = installation.proxy;
  const provider = await readyWorkspace(installation.root, 'root', 'provider', { shard: 'shard-1' });
  providerCluster = provider.spec?.cluster as string;
  for (const [name, shard] of [
    ['on-root', 'root'],
    ['on-one', 'shard-1'],
    ['on-two', 'shard-2'],
  ] as const) {
    const ws = await readyWorkspace(installation.root, 'root', name, { shard });
    consumers[name] = ws.spec?.cluster as string;
    expect(await holds(installation.shards[shard] as AtollProcess, consumers[name])).toBe(true);
  }
  await eventually(async () => {
    for (const name of ['provider', ...Object.keys(consumers)]) expect((await call('GET', `/clusters/root:${name}/api/v1/namespaces/default`)).status).toBe(200);
  }, 20_000);
  await publishWidgets({ call: (method, url, body) => call<Reply['body']>(method, url, body) }, 'root:provider');
  const rbac = '/clusters/root:provider/apis/rbac.authorization.k8s.io/v1';
  const readContent = { apiGroups: ['apis.kcp.io'], resources: ['apiexports/content'], resourceNames: ['widgets'], verbs: ['get', 'list', 'watch'] };
  expect((await call('POST', `${rbac}/clusterroles`, { metadata: { name: 'read-widgets' }, rules: [readContent] })).status).toBe(201);
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'read-widgets' };
  expect((await call('POST', `${rbac}/clusterrolebindings`, { metadata: { name: 'read-widgets' }, roleRef, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }] })).status).toBe(201);
  for (const name of Object.keys(consumers)) {
    const binding = await call('POST', `/clusters/root:${name}/apis/apis.kcp.io/v1alpha2/apibindings`, {
      apiVersion: 'apis.kcp.io/v1alpha2',
      kind: 'APIBinding',
      metadata: { name: 'widgets' },
      spec: { reference: { export: { path: 'root:provider', name: 'widgets' } } },
    });
    expect(binding.status, `${name}: ${binding.text}`).toBe(201);
  }
  for (const name of Object.keys(consumers)) {
    await eventually(async () => {
      const made = await call('POST', widgetsIn(name), widget(`w-${name}`, { size: 5 }));
      expect(made.status, made.text).toBe(201);
    }, 30_000);
  }
}, 180_000);

afterAll(async () => {
  await installation?.stop();
});

describe('a provider’s view across shards', () => {
  it('lists every consumer on every shard in one list with a composite resourceVersion', async () => {
    const list = await call<WidgetList>('GET', ALL_WIDGETS());
    expect(list.status, list.text).toBe(200);
    expect(names(list.body.items)).toEqual([`w-on-one@${consumers['on-one']}`, `w-on-root@${consumers['on-root']}`, `w-on-two@${consumers['on-two']}`].sort());
    expect(list.body.metadata.resourceVersion).toMatch(/^shards\./);
    // Each object carries a position too; reading it again at that version is served.
    for (const w of list.body.items) expect(w.metadata.resourceVersion).toMatch(/^shards\./);
    const again = await call<WidgetList>('GET', `${ALL_WIDGETS()}?resourceVersion=${list.body.metadata.resourceVersion}`);
    expect(again.status, again.text).toBe(200);
    expect(names(again.body.items)).toEqual(names(list.body.items));
  });

  it('pages a list across the shards, one shard after another, without losing or repeating an object', async () => {
    const seen: Widget[] = [];
    let token: string | undefined;
    let first: string | undefined;
    let pages = 0;
    do {
      const page = await call<WidgetList>('GET', `${ALL_WIDGETS()}?limit=1${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      expect(page.status, page.text).toBe(200);
      first ??= page.body.metadata.resourceVersion;
      // Every page carries the first page's revisions.
      expect(page.body.metadata.resourceVersion).toBe(first);
      seen.push(...page.body.items);
      token = page.body.metadata.continue || undefined;
      pages++;
    } while (token && pages < 10);
    expect(names(seen)).toEqual(names((await call<WidgetList>('GET', ALL_WIDGETS())).body.items));
    const bad = await call('GET', `${ALL_WIDGETS()}?limit=1&continue=not-a-token`);
    expect(bad.status).toBe(400);
  });

  it('watches every shard as one stream and resumes from the last position it gave, on every shard', async () => {
    const list = await call<WidgetList>('GET', ALL_WIDGETS());
    const first = await watchFor(list.body.metadata.resourceVersion, 3, async () => {
      for (const name of Object.keys(consumers)) expect((await call('POST', widgetsIn(name), widget(`watched-${name}`))).status).toBe(201);
    });
    expect(first.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(['ADDED watched-on-one', 'ADDED watched-on-root', 'ADDED watched-on-two']);
    // Resuming from the last event's object misses nothing written since, and repeats nothing.
    const last = (first.at(-1) as WatchEvent).object.metadata.resourceVersion;
    expect(last).toMatch(/^shards\./);
    for (const name of Object.keys(consumers)) expect((await call('DELETE', `${widgetsIn(name)}/watched-${name}`)).status).toBe(200);
    const resumed = await watchFor(last, 3, async () => undefined);
    expect(resumed.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(['DELETED watched-on-one', 'DELETED watched-on-root', 'DELETED watched-on-two']);
    // A plain revision is not one of this view's: 410, so the client lists again.
    const plain = await fetchTrusting(proxy.ca as string)(`${proxy.url}${ALL_WIDGETS()}?watch=1&resourceVersion=1`, { headers: proxy.headers });
    expect(plain.status).toBe(410);
    expect(await plain.text()).toContain('list again');
  });

  it('answers one consumer’s requests on the shard holding it, including writes that name a composite resourceVersion', async () => {
    const list = await call<WidgetList>('GET', ALL_WIDGETS());
    const onTwo = list.body.items.find((w) => w.metadata.name === 'w-on-two') as Widget;
    const one = `${view(consumers['on-two'])}/apis/widgets.example.dev/v1/namespaces/default/widgets`;
    const got = await call<Widget>('GET', `${one}/w-on-two`);
    expect(got.status, got.text).toBe(200);
    expect(got.body.spec?.size).toBe(5);
    // The object as the merged list gave it, written back: the shard compares its own revision in it.
    const updated = await call<Widget>('PUT', `${one}/w-on-two`, { ...onTwo, spec: { size: 7 } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.spec?.size).toBe(7);
    const stale = await call('PUT', `${one}/w-on-two`, { ...onTwo, spec: { size: 9 } });
    expect(stale.status, stale.text).toBe(409);
    const created = await call('POST', one, widget('made-through-view'));
    expect(created.status, created.text).toBe(201);
    expect((await call('GET', `${widgetsIn('on-two')}/made-through-view`)).status).toBe(200);
    expect((await call('DELETE', `${one}/made-through-view`)).status).toBe(200);
    // A consumer that does not bind the export is refused where it is, as on one shard.
    const provider = await call('GET', `${view(providerCluster)}/apis/widgets.example.dev/v1/widgets`);
    expect(provider.status, provider.text).toBe(403);
  });

  it('answers one consumer’s GraphQL on the shard holding it, for the user and the content the export’s shard decided', async () => {
    const one = `/services/apiexport/${providerCluster}/widgets/clusters/${consumers['on-two']}/graphql`;
    const list = '{ widgets_example_dev { v1 { Widgets(namespace: "default") { items { metadata { name } } } } } }';
    const create = 'mutation { createWidgetsExampleDevV1Widget(namespace: "default", object: { metadata: { name: "by-gql" } }) { metadata { name } } }';
    type Reply = { data?: { widgets_example_dev?: { v1: { Widgets: { items: Widget[] } } } } | null; errors?: { message: string; extensions?: { code?: string } }[] };
    const asAdmin = await call<Reply>('POST', one, { query: list });
    expect(asAdmin.status, asAdmin.text).toBe(200);
    expect(asAdmin.body.data?.widgets_example_dev?.v1.Widgets.items.map((w) => w.metadata.name)).toContain('w-on-two');
    const made = await call<Reply>('POST', one, { query: create });
    expect(made.body.errors, made.text).toBeUndefined();
    expect((await call('GET', `${widgetsIn('on-two')}/by-gql`)).status).toBe(200);
    // Carol reads; her create is refused on the consumer's shard by the content decided on the export's.
    const asCarol = async (query: string, extra: Record<string, string> = {}) => {
      const r = await requestAtoll(proxy, one, { method: 'POST', headers: { authorization: `Bearer ${CAROL}`, 'content-type': 'application/json', ...extra }, body: JSON.stringify({ query }) });
      return { status: r.status, body: JSON.parse(r.text) as Reply, text: r.text };
    };
    const read = await asCarol(list);
    expect(read.body.errors, read.text).toBeUndefined();
    expect(read.body.data?.widgets_example_dev?.v1.Widgets.items.map((w) => w.metadata.name)).toContain('w-on-two');
    const refused = await asCarol(create.replace('by-gql', 'by-carol'));
    expect(refused.body.errors?.[0]?.extensions?.code, refused.text).toBe('FORBIDDEN');
    expect(refused.body.errors?.[0]?.message).toContain('grants no create');
    // A delegation a client writes itself is dropped on the way: it changes nothing.
    const forged = Buffer.from(JSON.stringify({ user: { name: 'carol', groups: [] }, content: ['create'] })).toString('base64url');
    const stillRefused = await asCarol(create.replace('by-gql', 'by-carol'), { 'atoll-view-delegation': forged });
    expect(stillRefused.body.errors?.[0]?.extensions?.code, stillRefused.text).toBe('FORBIDDEN');
    expect((await call('GET', `${widgetsIn('on-two')}/by-carol`)).status).toBe(404);
    // Sent straight to a shard by anyone but a shard, it is refused.
    const shard2 = installation.shards['shard-2'] as AtollProcess;
    const direct = await requestAtoll(shard2, one, { method: 'POST', headers: { authorization: `Bearer ${CAROL}`, 'content-type': 'application/json', 'atoll-view-delegation': forged }, body: JSON.stringify({ query: list }) });
    expect(direct.status, direct.text).toBe(403);
    expect(direct.text).toContain('only taken from the installation');
    // From a shard, a delegation that does not parse is a 400, never taken for anyone.
    const shardToken = fs.readFileSync(path.join(installation.pkiDir, 'shard.token'), 'utf8').trim();
    const malformed = await requestAtoll(shard2, one, { method: 'POST', headers: { authorization: `Bearer ${shardToken}`, 'content-type': 'application/json', 'atoll-view-delegation': 'not-json' }, body: JSON.stringify({ query: list }) });
    expect(malformed.status, malformed.text).toBe(400);
    expect(malformed.text).toContain('malformed atoll-view-delegation');
    // The same over REST: Carol reads one consumer there; a write is refused by the export's shard before it is sent on.
    const rest = `${view(consumers['on-two'])}/apis/widgets.example.dev/v1/namespaces/default/widgets`;
    const carolRest = (method: string, url: string, body?: unknown) =>
      requestAtoll(proxy, url, { method, headers: { authorization: `Bearer ${CAROL}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await carolRest('GET', `${rest}/w-on-two`)).status).toBe(200);
    const del = await carolRest('DELETE', `${rest}/by-gql`);
    expect(del.status, del.text).toBe(403);
    expect(del.text).toContain('cannot delete resource \\"apiexports/content\\"');
  });

  it('sends a graphql-ws connection to one consumer on to its shard when it authenticates at the upgrade', async () => {
    const url = `${proxy.url.replace('https', 'wss')}/services/apiexport/${providerCluster}/widgets/clusters/${consumers['on-two']}/graphql`;
    const subscribe = (withHeader: boolean): { seen: string[]; dispose: () => Promise<void> } => {
      const seen: string[] = [];
      const client = createClient({
        url,
        webSocketImpl: class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { ca: proxy.ca, ...(withHeader ? { headers: { authorization: proxy.headers.authorization as string } } : {}) });
          }
        },
        retryAttempts: 0,
        ...(withHeader ? {} : { connectionParams: { authorization: proxy.headers.authorization } }),
      });
      const stop = client.subscribe<{ widgets_example_dev_v1_widgets: { type: string; object: Widget } }>(
        { query: 'subscription { widgets_example_dev_v1_widgets(namespace: "default") { type object { metadata { name } } } }' },
        {
          next: (p) => {
            const e = p.data?.widgets_example_dev_v1_widgets;
            if (e) seen.push(`${e.type} ${e.object.metadata.name}`);
            if (p.errors) seen.push(`error ${JSON.stringify(p.errors)}`);
          },
          error: (err) => seen.push(`error ${err instanceof Error ? err.message : JSON.stringify(err)}`),
          complete: () => undefined,
        },
      );
      return {
        seen,
        dispose: async () => {
          stop();
          await client.dispose();
        },
      };
    };
    const sub = subscribe(true);
    try {
      await eventually(async () => {
        await call('POST', widgetsIn('on-two'), widget(`ws-${Date.now()}`));
        expect(sub.seen.some((e) => e.startsWith('ADDED ws-')), JSON.stringify(sub.seen)).toBe(true);
      }, 20_000);
    } finally {
      await sub.dispose();
    }
    const params = subscribe(false);
    try {
      await eventually(() => expect(params.seen.join('\n')).toContain('Authorization header on the upgrade'), 20_000);
    } finally {
      await params.dispose();
    }
  });

  it('serves GraphQL across all consumers: a list and a graphql-ws subscription over every shard', async () => {
    const gql = await call<{ data?: { widgets_example_dev: { v1: { Widgets: { items: Widget[] } } } }; errors?: unknown[] }>(
      'POST',
      `/services/apiexport/${providerCluster}/widgets/graphql`,
      { query: '{ widgets_example_dev { v1 { Widgets { items { metadata { name annotations resourceVersion } } } } } }' },
    );
    expect(gql.status, gql.text).toBe(200);
    const items = gql.body.data?.widgets_example_dev.v1.Widgets.items ?? [];
    expect(items.map((w) => w.metadata.name)).toEqual(expect.arrayContaining(['w-on-root', 'w-on-one', 'w-on-two']));
    const rv = (await call<WidgetList>('GET', ALL_WIDGETS())).body.metadata.resourceVersion;
    const client = createClient({
      url: `${proxy.url.replace('https', 'wss')}/services/apiexport/${providerCluster}/widgets/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { ca: proxy.ca });
        }
      },
      retryAttempts: 0,
      connectionParams: { authorization: proxy.headers.authorization },
    });
    const seen: string[] = [];
    const stop = client.subscribe<{ widgets_example_dev_v1_widgets: { type: string; object: Widget } }>(
      { query: `subscription { widgets_example_dev_v1_widgets(resourceVersion: "${rv}") { type object { metadata { name annotations } } } }` },
      {
        next: (p) => {
          const e = p.data?.widgets_example_dev_v1_widgets;
          if (e) seen.push(`${e.type} ${e.object.metadata.name} ${clusterOf(e.object)}`);
        },
        error: (err) => seen.push(`error ${JSON.stringify(err)}`),
        complete: () => undefined,
      },
    );
    try {
      for (const name of Object.keys(consumers)) expect((await call('POST', widgetsIn(name), widget(`sub-${name}`))).status).toBe(201);
      await eventually(() => expect(seen.sort()).toEqual(Object.keys(consumers).map((name) => `ADDED sub-${name} ${consumers[name]}`).sort()), 20_000);
    } finally {
      stop();
      await client.dispose();
    }
  });

  it('keeps a client-node informer over every consumer in sync: adds and deletes on every shard', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(proxy.kubeconfig);
    const current = kc.getCurrentCluster() as k8s.Cluster;
    kc.clusters = kc.clusters.map((c) => (c.name === current.name ? { ...c, server: `${proxy.url}${view()}` } : c));
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const PATH = '/apis/widgets.example.dev/v1/widgets';
    const informer = k8s.makeInformer<k8s.KubernetesObject>(kc, PATH, () => custom.listClusterCustomObject({ group: 'widgets.example.dev', version: 'v1', plural: 'widgets' }) as never);
    informer.on('error', () => setTimeout(() => void informer.start().catch(() => undefined), 200));
    await informer.start();
    const inCache = (): string[] => informer.list().map((o) => o.metadata?.name as string);
    try {
      await eventually(() => expect(inCache()).toEqual(expect.arrayContaining(['w-on-root', 'w-on-one', 'w-on-two'])));
      for (const name of Object.keys(consumers)) expect((await call('POST', widgetsIn(name), widget(`informed-${name}`))).status).toBe(201);
      await eventually(() => expect(inCache()).toEqual(expect.arrayContaining(['informed-on-root', 'informed-on-one', 'informed-on-two'])), 20_000);
      expect((await call('DELETE', `${widgetsIn('on-two')}/informed-on-two`)).status).toBe(200);
      await eventually(() => expect(inCache()).not.toContain('informed-on-two'), 20_000);
    } finally {
      await informer.stop();
    }
  });

  it('is what kubectl lists across every consumer', async (ctx) => {
    const kubectl = await run('kubectl', ['version', '--client']).catch(() => undefined);
    if (!kubectl) ctx.skip();
    const kubeconfig = path.join(installation.tmpDir('kubectl'), 'view.kubeconfig');
    fs.writeFileSync(kubeconfig, fs.readFileSync(proxy.kubeconfig, 'utf8').replace(/server: .*/, `server: ${proxy.url}${view()}`));
    const out = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'widgets.widgets.example.dev', '-A', '-o', 'name']);
    expect(out.stdout).toContain('widget.widgets.example.dev/w-on-root');
    expect(out.stdout).toContain('widget.widgets.example.dev/w-on-two');
  });

  it('fails a read across all consumers, and one of that shard’s consumers, while a consumer’s shard is down, and serves the others one by one', async () => {
    await installation.kill('shard-2');
    try {
      const list = await call('GET', ALL_WIDGETS());
      expect(list.status, list.text).toBe(503);
      expect(list.text).toContain('shard-2');
      const one = await call('GET', `${view(consumers['on-root'])}/apis/widgets.example.dev/v1/namespaces/default/widgets/w-on-root`);
      expect(one.status, one.text).toBe(200);
      // A consumer the down shard holds: the export's shard cannot send the request on, and says which shard.
      const held = await call('GET', `${view(consumers['on-two'])}/apis/widgets.example.dev/v1/namespaces/default/widgets/w-on-two`);
      expect(held.status, held.text).toBe(503);
      expect((JSON.parse(held.text) as { message: string }).message).toContain('the shard "shard-2" holding this consumer cannot be reached');
    } finally {
      await installation.restart('shard-2');
    }
    await eventually(async () => expect((await call('GET', ALL_WIDGETS())).status).toBe(200), 30_000);
  }, 60_000);
});

interface WatchEvent {
  type: string;
  object: Widget & { code?: number };
}

/** Watches across all consumers from `rv`, runs `act`, and returns the first `count` events (BOOKMARKs left out). */
async function watchFor(rv: string, count: number, act: () => Promise<void>): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const res = await fetchTrusting(proxy.ca as string)(`${proxy.url}${ALL_WIDGETS()}?watch=1&resourceVersion=${encodeURIComponent(rv)}`, { headers: proxy.headers, signal: controller.signal });
  expect(res.status, res.status === 200 ? '' : await res.text()).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await act();
  const events: WatchEvent[] = [];
  let text = '';
  const timer = setTimeout(() => controller.abort(), 20_000);
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
        const e = JSON.parse(text.slice(0, nl)) as WatchEvent;
        text = text.slice(nl + 1);
        if (e.type !== 'BOOKMARK') events.push(e);
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
