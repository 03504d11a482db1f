/**
 * The GraphQL endpoint against the real server: `/clusters/<path>/graphql` over HTTP POST and GET
 * (GraphQL over HTTP), over graphql-ws on a WebSocket, GraphiQL for browsers, per-workspace
 * isolation, objects written on one surface read on the other, registry warnings in
 * `extensions.warnings`, and the user agent naming the field manager. Subscriptions have their
 * own file, as do hostile queries.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();

interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(path: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLReply }> {
  const res = await fetch(`${fx.base}/clusters/${path}/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLReply };
}

const CONFIGMAP = `query ($name: String!) { v1 { ConfigMap(name: $name, namespace: "default") { metadata { name labels } data } } }`;

describe('GraphQL endpoint', () => {
  it('reads what REST wrote, typed, in the addressed workspace only', async () => {
    await fx.workspace('root', 'gql-a');
    await fx.workspace('root', 'gql-b');
    for (const [ws, owner] of [
      ['root:gql-a', 'a'],
      ['root:gql-b', 'b'],
    ] as const) {
      expect((await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: 'shared', labels: { team: owner } }, data: { owner } })).status).toBe(201);
    }
    const a = await post('root:gql-a', CONFIGMAP, { name: 'shared' });
    expect(a.status).toBe(200);
    expect(a.body.data).toEqual({ v1: { ConfigMap: { metadata: { name: 'shared', labels: { team: 'a' } }, data: { owner: 'a' } } } });
    const list = await post('root:gql-b', '{ v1 { ConfigMaps(namespace: "default") { items { data } resourceVersion } } }');
    expect((list.body.data as { v1: { ConfigMaps: { items: unknown[] } } }).v1.ConfigMaps.items).toEqual([{ data: { owner: 'b' } }]);
  });

  it('answers GET queries, reports NOT_FOUND with its code, and 404s unknown workspaces', async () => {
    const res = await fetch(`${fx.base}/clusters/root/graphql?query=${encodeURIComponent('{ v1 { Namespace(name: "default") { metadata { name } } } }')}`, {
      headers: { ...fx.headers, accept: 'application/graphql-response+json' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as GraphQLReply).data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
    const missing = await post('root', CONFIGMAP, { name: 'nope' });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const nowhere = await fetch(`${fx.base}/clusters/root:nowhere/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
    expect(nowhere.status).toBe(404);
    const syntax = await post('root', '{ v1 { ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('writes over POST mutations what REST then reads, and deletes what REST wrote', async () => {
    const created = await post('root', `mutation ($object: V1ConfigMapInput!) { createV1ConfigMap(namespace: "default", object: $object) { metadata { name } } }`, {
      object: { metadata: { name: 'from-graphql' }, data: { via: 'graphql' } },
    });
    expect(created.body).toEqual({ data: { createV1ConfigMap: { metadata: { name: 'from-graphql' } } } });
    const read = await fx.call('GET', `${CONFIGMAPS('root')}/from-graphql`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ via: 'graphql' });
    expect((await fx.call('POST', CONFIGMAPS('root'), { metadata: { name: 'from-rest' } })).status).toBe(201);
    const deleted = await post('root', 'mutation { deleteV1ConfigMap(name: "from-rest", namespace: "default") { deleted } }');
    expect(deleted.body).toEqual({ data: { deleteV1ConfigMap: { deleted: true } } });
    expect((await fx.call('GET', `${CONFIGMAPS('root')}/from-rest`)).status).toBe(404);
  });

  it('returns registry warnings in extensions and names the field manager after the user agent', async () => {
    const res = await fetch(`${fx.base}/clusters/root/graphql`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json', 'user-agent': 'dashboard/2.1 (test)' },
      body: JSON.stringify({ query: 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "ua" }, data: { x: "y" } }) { metadata { managedFields { manager } } } }' }),
    });
    const created = (await res.json()) as { data: { createV1ConfigMap: { metadata: { managedFields: { manager: string }[] } } } };
    expect(created.data.createV1ConfigMap.metadata.managedFields[0]?.manager).toBe('dashboard');
    const patched = await post('root', 'mutation { patchV1ConfigMap(name: "ua", namespace: "default", patch: { bogus: 1, data: { a: "b" } }) { data } }');
    expect(patched.body.data).toEqual({ patchV1ConfigMap: { data: { x: 'y', a: 'b' } } });
    expect((patched.body as { extensions?: { warnings?: string[] } }).extensions?.warnings).toEqual(['unknown field "bogus"']);
  });

  it('serves GraphiQL to browsers, pointed at the workspace’s own endpoint', async () => {
    const res = await fetch(`${fx.base}/clusters/root/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GraphiQL');
    expect(html).toContain('/clusters/root/graphql');
  });

  it('executes over graphql-ws on a WebSocket of the same path', async () => {
    const client = fx.graphqlClient('root');
    try {
      const result = await new Promise<GraphQLReply>((resolve, reject) => {
        let got: GraphQLReply = {};
        client.subscribe({ query: '{ v1 { Namespace(name: "default") { metadata { name } } } }' }, { next: (r) => (got = r as GraphQLReply), error: reject, complete: () => resolve(got) });
      });
      expect(result.data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
    } finally {
      await client.dispose();
    }
    // An unknown workspace is refused at the upgrade (to the admin, who may know that it does not exist).
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${fx.base.replace('http', 'ws')}/clusters/root:nowhere/graphql`, 'graphql-transport-ws', { headers: fx.headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(404);
  });
});
