/**
 * The provider's view of an APIExport (kcp's APIExport virtual workspace) on the real server: a
 * provider workspace exports widgets and claims configmaps; consumer A binds it and accepts the
 * claim, consumer B binds it and rejects the claim, consumer C binds nothing. The provider lists
 * and watches across consumers (REST, @kubernetes/client-node, GraphQL and graphql-ws), and acts in
 * one consumer; everyone else is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../support/eventually.js';
import { useServer, type Reply } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-provider-view-'));
const tokenFile = path.join(dir, 'tokens.csv');
// carol develops the provider's controller (granted the export's content); bob has nothing.
fs.writeFileSync(tokenFile, ['carol-token,carol,3001', 'bob-token,bob,3002'].join('\n') + '\n');

const fx = useServer({ auth: { tokenFile } });

const APIS = '/apis/apis.kcp.io/v1alpha2';
const widgetSchema = {
  type: 'object',
  properties: { spec: { type: 'object', properties: { color: { type: 'string' } } }, status: { type: 'object', properties: { ready: { type: 'boolean' } } } },
};

/** Logical cluster names of the workspaces. */
const clusters = { provider: '', a: '', b: '', c: '' };
let view = '';

const ok = (r: Reply, status = 200): Reply['body'] => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
};
const names = (body: Reply['body']): string[] => (body.items ?? []).map((i) => i.metadata.name).sort();
const clusterOf = (o: { metadata: { annotations?: Record<string, string> } }): string | undefined => o.metadata.annotations?.['kcp.io/cluster'];
const widget = (name: string, color = 'red') => ({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name }, spec: { color } });
const widgets = (ws: string) => `/clusters/${ws}/apis/example.io/v1/namespaces/default/widgets`;

async function bind(ws: string, claim: 'Accepted' | 'Rejected' | undefined): Promise<void> {
  const permissionClaims = claim ? [{ group: '', resource: 'configmaps', verbs: ['*'], selector: { matchLabels: { shared: 'yes' } }, state: claim }] : [];
  ok(await fx.call('POST', `/clusters/${ws}${APIS}/apibindings`, { metadata: { name: 'widgets' }, spec: { reference: { export: { path: 'root:provider', name: 'widgets' } }, permissionClaims } }), 201);
  await eventually(async () => expect(ok(await fx.call('GET', `/clusters/${ws}${APIS}/apibindings/widgets`)).status?.phase).toBe('Bound'));
}

beforeAll(async () => {
  for (const ws of ['provider', 'a', 'b', 'c'] as const) clusters[ws] = (await fx.workspace('root', ws)).spec?.cluster as string;
  ok(
    await fx.call('POST', `/clusters/root:provider/apis/apis.kcp.io/v1alpha1/apiresourceschemas`, {
      metadata: { name: 'v1.widgets.example.io' },
      spec: { group: 'example.io', names: { plural: 'widgets', kind: 'Widget' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: widgetSchema, subresources: { status: {} } }] },
    }),
    201,
  );
  ok(
    await fx.call('POST', `/clusters/root:provider${APIS}/apiexports`, {
      metadata: { name: 'widgets' },
      spec: {
        resources: [{ name: 'widgets', group: 'example.io', schema: 'v1.widgets.example.io', storage: { crd: {} } }],
        permissionClaims: [{ group: '', resource: 'configmaps', verbs: ['get', 'list', 'watch', 'create'] }],
      },
    }),
    201,
  );
  await eventually(async () => expect(ok(await fx.call('GET', `/clusters/root:provider${APIS}/apiexports/widgets`)).status?.identityHash).toBeTruthy());
  await bind('root:a', 'Accepted');
  await bind('root:b', 'Rejected');
  view = `/services/apiexport/${clusters.provider}/widgets/clusters`;
  // carol may use the export's content (kcp's grant), and nothing else.
  ok(
    await fx.call('POST', '/clusters/root:provider/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'widgets-content' },
      rules: [{ apiGroups: ['apis.kcp.io'], resources: ['apiexports/content'], resourceNames: ['widgets'], verbs: ['*'] }],
    }),
    201,
  );
  ok(
    await fx.call('POST', '/clusters/root:provider/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'carol-widgets-content' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'widgets-content' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }],
    }),
    201,
  );
  ok(await fx.call('POST', widgets('root:a'), widget('wa')), 201);
  ok(await fx.call('POST', widgets('root:b'), widget('wb', 'blue')), 201);
  for (const ws of ['root:a', 'root:b']) {
    ok(await fx.call('POST', `/clusters/${ws}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'shared', labels: { shared: 'yes' } } }), 201);
    ok(await fx.call('POST', `/clusters/${ws}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'private' } }), 201);
  }
});

const carol = (method: string, urlPath: string, body?: unknown, contentType?: string) => fx.callAs('carol-token', method, urlPath, body, contentType);

describe('the provider’s view over REST', () => {
  it('lists across all consumers, each object annotated with its workspace', async () => {
    // The export's endpoint slice names the view (clients add /clusters/<consumer or *>).
    let url = '';
    await eventually(async () => {
      const slice = ok(await fx.call('GET', `/clusters/root:provider/apis/apis.kcp.io/v1alpha1/apiexportendpointslices/widgets`));
      url = (slice.status?.endpoints as { url: string }[] | undefined)?.[0]?.url ?? '';
      expect(url).toBe(`${fx.base}/services/apiexport/${clusters.provider}/widgets`);
    });
    const list = ok(await carol('GET', `${url.slice(fx.base.length)}/clusters/*/apis/example.io/v1/widgets`));
    const items = list.items as { metadata: { name: string; annotations?: Record<string, string> } }[];
    expect(items.map((i) => [i.metadata.name, clusterOf(i)]).sort()).toEqual([
      ['wa', clusters.a],
      ['wb', clusters.b],
    ]);
    // Discovery names exactly what the view serves: the export's resources, the claim, APIBindings.
    const resources = ok(await carol('GET', `${view}/*/apis/example.io/v1`)).resources as { name: string }[];
    expect(resources.map((r) => r.name)).toEqual(['widgets', 'widgets/status']);
    const core = ok(await carol('GET', `${view}/*/api/v1`)).resources as { name: string }[];
    expect(core.map((r) => r.name)).toEqual(['configmaps']);
  });

  it('gets, creates, patches, updates status and deletes in one consumer', async () => {
    const base = `${view}/${clusters.a}/apis/example.io/v1/namespaces/default/widgets`;
    expect(ok(await carol('GET', `${base}/wa`)).spec).toEqual({ color: 'red' });
    ok(await carol('POST', base, widget('made-by-provider', 'green')), 201);
    expect(ok(await fx.call('GET', `${widgets('root:a')}/made-by-provider`)).spec).toEqual({ color: 'green' });
    const patched = ok(await carol('PATCH', `${base}/made-by-provider`, { spec: { color: 'pink' } }, 'application/merge-patch+json'));
    expect(patched.spec).toEqual({ color: 'pink' });
    ok(await carol('PATCH', `${base}/made-by-provider/status`, { status: { ready: true } }, 'application/merge-patch+json'));
    expect(ok(await fx.call('GET', `${widgets('root:a')}/made-by-provider`)).status).toEqual({ ready: true });
    ok(await carol('DELETE', `${base}/made-by-provider`));
    expect((await fx.call('GET', `${widgets('root:a')}/made-by-provider`)).status).toBe(404);
    // Nothing leaked into the other consumer.
    expect(names(ok(await fx.call('GET', widgets('root:b'))))).toEqual(['wb']);
  });

  it('serves only lists and watches across all consumers', async () => {
    const r = await carol('POST', `${view}/*/apis/example.io/v1/namespaces/default/widgets`, widget('nowhere'));
    expect(r.status).toBe(405);
    expect(r.body.message).toContain('kcp.io/cluster');
    expect((await carol('GET', `${view}/*/apis/example.io/v1/namespaces/default/widgets/wa`)).status).toBe(405);
  });

  it('refuses a consumer that did not bind the export, and shows nothing of it', async () => {
    ok(await fx.call('POST', `/clusters/root:c/api/v1/namespaces/default/configmaps`, { metadata: { name: 'shared', labels: { shared: 'yes' } } }), 201);
    const r = await carol('GET', `${view}/${clusters.c}/apis/example.io/v1/namespaces/default/widgets`);
    expect(r.status).toBe(403);
    expect(r.body.message).toContain('could not find suitable APIBinding in target logical cluster');
    const cms = ok(await carol('GET', `${view}/*/api/v1/configmaps`)).items as { metadata: { annotations?: Record<string, string> } }[];
    expect(cms.map(clusterOf)).not.toContain(clusters.c);
  });

  it('refuses users without the export’s content, and malformed paths', async () => {
    const r = await fx.callAs('bob-token', 'GET', `${view}/*/apis/example.io/v1/widgets`);
    expect(r.status).toBe(403);
    expect(r.body.message).toContain(`API export: "widgets", workspace: "${clusters.provider}" RBAC decision:`);
    // Not even whether an export exists is told.
    expect((await fx.callAs('bob-token', 'GET', `/services/apiexport/${clusters.provider}/nothing/clusters/*/api/v1/configmaps`)).status).toBe(403);
    expect((await fx.call('GET', `/services/apiexport/${clusters.provider}/nothing/clusters/*/api/v1/configmaps`)).status).toBe(404);
    // kcp takes logical cluster names only, never workspace paths.
    expect((await fx.call('GET', `/services/apiexport/root:provider/widgets/clusters/*/api/v1/configmaps`)).status).toBe(404);
    expect((await fx.call('GET', `${view}/root:a/api/v1/configmaps`)).status).toBe(404);
    expect((await fx.callAs(undefined, 'GET', `${view}/*/api/v1/configmaps`)).status).toBe(401);
  });

  it('shows claimed resources only where the claim was accepted, as its selector and verbs allow', async () => {
    const cms = ok(await carol('GET', `${view}/*/api/v1/configmaps`)).items as { metadata: { name: string; annotations?: Record<string, string> } }[];
    expect(cms.map((c) => [c.metadata.name, clusterOf(c)])).toEqual([['shared', clusters.a]]);
    // B rejected the claim: no configmap of B, even addressed directly.
    expect((await carol('GET', `${view}/${clusters.b}/api/v1/namespaces/default/configmaps`)).status).toBe(403);
    // In A, the selector holds for reads of one object too.
    expect((await carol('GET', `${view}/${clusters.a}/api/v1/namespaces/default/configmaps/private`)).status).toBe(404);
    expect(names(ok(await carol('GET', `${view}/${clusters.a}/api/v1/namespaces/default/configmaps`)))).toEqual(['shared']);
    // A verb the export does not claim is refused.
    const del = await carol('DELETE', `${view}/${clusters.a}/api/v1/namespaces/default/configmaps/shared`);
    expect(del.status).toBe(403);
    expect(del.body.message).toContain('failed to find suitable reason to allow access in APIBinding');
    // A create gets the selector's labels; a conflicting value is refused.
    const made = ok(await carol('POST', `${view}/${clusters.a}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'from-provider' } }), 201);
    expect((made.metadata as { labels?: Record<string, string> }).labels).toEqual({ shared: 'yes' });
    const conflict = await carol('POST', `${view}/${clusters.a}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'bad', labels: { shared: 'no' } } });
    expect(conflict.status).toBe(403);
    expect(conflict.body.message).toContain('protected label shared must have value yes');
  });

  it('sends DELETED when a claimed object leaves the claim’s selector, ADDED when it comes back', async () => {
    const cms = `/clusters/root:a/api/v1/namespaces/default/configmaps`;
    ok(await fx.call('POST', cms, { metadata: { name: 'moving', labels: { shared: 'yes' } } }), 201);
    const list = ok(await carol('GET', `${view}/*/api/v1/configmaps`));
    const res = await fx.fetch(`${fx.base}${view}/*/api/v1/configmaps?watch=1&resourceVersion=${(list.metadata as { resourceVersion: string }).resourceVersion}`, {
      headers: { authorization: 'Bearer carol-token' },
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const seen: string[] = [];
    let buffered = '';
    const read = async (): Promise<void> => {
      const { value } = await reader.read();
      buffered += new TextDecoder().decode(value);
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const e = JSON.parse(buffered.slice(0, nl)) as { type: string; object: { metadata: { name: string } } };
        buffered = buffered.slice(nl + 1);
        seen.push(`${e.type} ${e.object.metadata.name}`);
      }
    };
    try {
      ok(await fx.call('PATCH', `${cms}/moving`, { metadata: { labels: { shared: 'no' } } }, 'application/merge-patch+json'));
      ok(await fx.call('PATCH', `${cms}/moving`, { data: { hidden: 'change' } }, 'application/merge-patch+json'));
      ok(await fx.call('PATCH', `${cms}/moving`, { metadata: { labels: { shared: 'yes' } } }, 'application/merge-patch+json'));
      while (seen.length < 2) await read();
      expect(seen).toEqual(['DELETED moving', 'ADDED moving']);
    } finally {
      await reader.cancel();
    }
  });

  it('serves the APIBindings of the export, read-only', async () => {
    const bindings = ok(await carol('GET', `${view}/*${APIS}/apibindings`)).items as { metadata: { name: string; annotations?: Record<string, string> } }[];
    expect(bindings.map(clusterOf).sort()).toEqual([clusters.a, clusters.b].sort());
    const r = await carol('DELETE', `${view}/${clusters.a}${APIS}/apibindings/widgets`);
    expect(r.status).toBe(403);
    expect(r.body.message).toContain('write access to APIBinding is not allowed from virtual workspace');
  });

  it('lets @kubernetes/client-node watch every consumer through one watch', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      // The fixture serves plain HTTP, which client-node accepts only with skipTLSVerify.
      clusters: [{ name: 'view', server: `${fx.base}${view}/*`, skipTLSVerify: true }],
      users: [{ name: 'carol', token: 'carol-token' }],
      contexts: [{ name: 'view', cluster: 'view', user: 'carol' }],
      currentContext: 'view',
    });
    const list = ok(await carol('GET', `${view}/*/apis/example.io/v1/widgets`));
    const seen: string[] = [];
    const watch = await new k8s.Watch(kc).watch(
      '/apis/example.io/v1/widgets',
      { resourceVersion: (list.metadata as { resourceVersion: string }).resourceVersion },
      (phase: string, o: k8s.KubernetesObject) => seen.push(`${phase} ${o.metadata?.name} ${clusterOf(o as { metadata: { annotations?: Record<string, string> } })}`),
      () => undefined,
    );
    try {
      ok(await fx.call('POST', widgets('root:a'), widget('watched-a')), 201);
      ok(await fx.call('POST', widgets('root:b'), widget('watched-b')), 201);
      ok(await fx.call('POST', `/clusters/root:c/api/v1/namespaces/default/configmaps`, { metadata: { name: 'unrelated' } }), 201);
      await eventually(() => expect(seen).toEqual([`ADDED watched-a ${clusters.a}`, `ADDED watched-b ${clusters.b}`]));
    } finally {
      watch.abort();
    }
  });
});

interface GqlResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(endpoint: string, query: string, token = 'carol-token'): Promise<{ status: number; body: GqlResult }> {
  const res = await fx.fetch(`${fx.base}${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as GqlResult };
}

type Item = { metadata: { name: string; annotations?: Record<string, string> } };
const itemsOf = (r: GqlResult): Item[] => ((r.data?.example_io as { v1: { Widgets: { items: Item[] } } }).v1.Widgets.items);

describe('the provider’s view over GraphQL', () => {
  const all = () => `/services/apiexport/${clusters.provider}/widgets/graphql`;
  const one = (cluster: string) => `/services/apiexport/${clusters.provider}/widgets/clusters/${cluster}/graphql`;

  it('queries across all consumers, each item with its workspace, or in one consumer', async () => {
    const across = await gql(all(), '{ example_io { v1 { Widgets { items { metadata { name annotations } } } } } }');
    expect(across.body.errors).toBeUndefined();
    const pairs = itemsOf(across.body).map((i) => [i.metadata.name, clusterOf(i)]);
    expect(pairs).toEqual(expect.arrayContaining([['wa', clusters.a], ['wb', clusters.b]]));
    const inA = await gql(one(clusters.a), '{ example_io { v1 { Widgets(namespace: "default") { items { metadata { name } } } } } }');
    expect(itemsOf(inA.body).map((i) => i.metadata.name)).toContain('wa');
    expect(itemsOf(inA.body).map((i) => i.metadata.name)).not.toContain('wb');
    // Claimed configmaps: only A's accepted, selected one.
    const cms = await gql(all(), '{ v1 { ConfigMaps { items { metadata { name annotations } } } } }');
    const cmItems = (cms.body.data?.v1 as { ConfigMaps: { items: Item[] } }).ConfigMaps.items;
    expect(new Set(cmItems.map(clusterOf))).toEqual(new Set([clusters.a]));
  });

  it('mutates in one consumer; across all of them a mutation is refused with a pointer to one', async () => {
    const made = await gql(one(clusters.b), 'mutation { createExampleIoV1Widget(namespace: "default", object: { metadata: { name: "gql-b" }, spec: { color: "teal" } }) { metadata { name } spec { color } } }');
    expect(made.body.errors).toBeUndefined();
    expect(ok(await fx.call('GET', `${widgets('root:b')}/gql-b`)).spec).toEqual({ color: 'teal' });
    const refused = await gql(all(), 'mutation { createExampleIoV1Widget(namespace: "default", object: { metadata: { name: "x" } }) { metadata { name } } }');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('METHOD_NOT_ALLOWED');
    const unbound = await gql(one(clusters.c), 'mutation { createExampleIoV1Widget(namespace: "default", object: { metadata: { name: "x" } }) { metadata { name } } }');
    expect(unbound.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(unbound.body.errors?.[0]?.message).toContain('could not find suitable APIBinding');
  });

  it('refuses users without the export’s content', async () => {
    const r = await gql(all(), '{ example_io { v1 { Widgets { items { metadata { name } } } } } }', 'bob-token');
    expect(r.status).toBe(403);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('streams every consumer’s changes through one graphql-ws subscription', async () => {
    const client = createClient({
      url: `${fx.base.replace('http', 'ws')}${all()}`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: 'Bearer carol-token' },
    });
    const seen: string[] = [];
    type Event = { example_io_v1_widgets: { type: string; object: Item } };
    const list = ok(await carol('GET', `${view}/*/apis/example.io/v1/widgets`));
    const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
    const stop = client.subscribe<Event>(
      { query: `subscription { example_io_v1_widgets(resourceVersion: "${rv}") { type object { metadata { name annotations } } } }` },
      {
        next: (p) => {
          const e = p.data?.example_io_v1_widgets;
          if (e) seen.push(`${e.type} ${e.object.metadata.name} ${clusterOf(e.object)}`);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      // The subscription resumes after the list's revision, so it sees these writes whenever it starts.
      ok(await fx.call('POST', widgets('root:a'), widget('sub-a')), 201);
      ok(await fx.call('POST', widgets('root:b'), widget('sub-b')), 201);
      ok(await fx.call('POST', `/clusters/root:c/api/v1/namespaces/default/configmaps`, { metadata: { name: 'not-a-widget' } }), 201);
      await eventually(() => expect(seen).toEqual([`ADDED sub-a ${clusters.a}`, `ADDED sub-b ${clusters.b}`]));
    } finally {
      stop();
      await client.dispose();
    }
  });
});
