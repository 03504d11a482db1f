/**
 * The GraphQL endpoint against the real server: `/clusters/<path>/graphql` over HTTP POST and GET
 * (GraphQL over HTTP), over graphql-ws on a WebSocket, GraphiQL for browsers, per-workspace
 * isolation, and the objects REST wrote read back typed. Subscriptions and mutations come with
 * the rest of the GraphQL issue.
 */
import { createClient } from 'graphql-ws';
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
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
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
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as GraphQLReply).data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
    const missing = await post('root', CONFIGMAP, { name: 'nope' });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const nowhere = await fetch(`${fx.base}/clusters/root:nowhere/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
    expect(nowhere.status).toBe(404);
    const syntax = await post('root', '{ v1 { ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('serves GraphiQL to browsers, pointed at the workspace’s own endpoint', async () => {
    const res = await fetch(`${fx.base}/clusters/root/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('GraphiQL');
    expect(html).toContain('/clusters/root/graphql');
  });

  it('executes over graphql-ws on a WebSocket of the same path', async () => {
    const client = createClient({ url: `${fx.base.replace('http', 'ws')}/clusters/root/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const result = await new Promise<GraphQLReply>((resolve, reject) => {
        let got: GraphQLReply = {};
        client.subscribe({ query: '{ v1 { Namespace(name: "default") { metadata { name } } } }' }, { next: (r) => (got = r as GraphQLReply), error: reject, complete: () => resolve(got) });
      });
      expect(result.data).toEqual({ v1: { Namespace: { metadata: { name: 'default' } } } });
    } finally {
      await client.dispose();
    }
    // An unknown workspace is refused at the upgrade.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${fx.base.replace('http', 'ws')}/clusters/root:nowhere/graphql`, 'graphql-transport-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(404);
  });
});
