/**
 * Subscriptions under authentication and RBAC, on a real server: authorized when they start (a
 * refused one gets a FORBIDDEN payload and ends), and ended with UNAUTHENTICATED when the token
 * that started them is revoked (removed from the token file) — over graphql-ws, whether the token
 * came with the connection or with the operation (as GraphiQL sends it), and over SSE — while
 * subscriptions of other tokens run on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-gql-revoke-'));
const tokenFile = path.join(dir, 'tokens.csv');
const USERS = ['bob-token,bob,3001,"viewers"', 'sub-token,subber,3002,"viewers"', 'op-token,opper,3003,"viewers"', 'sse-token,sser,3004,"viewers"'];
const writeTokens = (users: string[]): void => fs.writeFileSync(tokenFile, `${users.join('\n')}\n`);
writeTokens(USERS);

const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WS = 'root:gql-revoke';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

interface Payload {
  data?: { v1_configmaps?: { type: string; object: { metadata: { name: string } } } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A graphql-ws subscription's payloads and how it ended. */
interface Collected {
  payloads: Payload[];
  completed: boolean;
  /** The WebSocket close code, when the connection was closed on it. */
  closed?: number;
  stop: () => void;
}

function subscribe(client: Client, query: string, extensions?: Record<string, unknown>): Collected {
  const c: Collected = { payloads: [], completed: false, stop: () => undefined };
  c.stop = client.subscribe(
    { query, ...(extensions ? { extensions } : {}) },
    {
      next: (p) => c.payloads.push(p as Payload),
      error: (e) => {
        if (Array.isArray(e)) c.payloads.push({ errors: e as Payload['errors'] });
        else c.closed = (e as { code?: number }).code;
        c.completed = true;
      },
      complete: () => (c.completed = true),
    },
  );
  return c;
}

const named = (c: Collected, name: string): boolean => c.payloads.some((p) => p.data?.v1_configmaps?.object.metadata.name === name);
const lastCode = (c: Collected): string | undefined => c.payloads.at(-1)?.errors?.[0]?.extensions?.code;

const clients: Client[] = [];
function client(params?: Record<string, unknown>): Client {
  const c = createClient({ url: `${fx.base.replace('http', 'ws')}/clusters/${WS}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, ...(params ? { connectionParams: params } : {}) });
  clients.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

const WATCH = (namespace: string): string => `subscription { v1_configmaps(namespace: "${namespace}") { type object { metadata { name } } } }`;

beforeAll(async () => {
  await fx.workspace('root', 'gql-revoke');
  const group = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'viewers' }];
  const ref = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });
  expect((await fx.call('POST', `/clusters/${WS}${RBAC}/clusterrolebindings`, { metadata: { name: 'viewers-access' }, roleRef: ref('system:kcp:workspace:access'), subjects: group })).status).toBe(201);
  expect((await fx.call('POST', `/clusters/${WS}${RBAC}/namespaces/default/rolebindings`, { metadata: { name: 'viewers-view' }, roleRef: ref('view'), subjects: group })).status).toBe(201);
  expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: 'first' } })).status).toBe(201);
  await eventually(async () => expect((await fx.callAs('bob-token', 'GET', CONFIGMAPS(WS))).status).toBe(200));
});

describe('subscriptions and credentials', () => {
  it('are authorized when they start: a refused one gets FORBIDDEN and ends', async () => {
    const refused = subscribe(client({ authorization: 'Bearer bob-token' }), WATCH('kube-system'));
    await eventually(() => expect(refused.completed).toBe(true));
    expect(refused.payloads).toEqual([
      {
        data: { v1_configmaps: null },
        errors: [
          expect.objectContaining({
            message: 'configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "kube-system"',
            extensions: { code: 'FORBIDDEN', status: 403 },
          }),
        ],
      },
    ]);
  });

  it('end with UNAUTHENTICATED when their token is revoked, over graphql-ws and SSE, and others run on', async () => {
    const bob = subscribe(client({ authorization: 'Bearer bob-token' }), WATCH('default'));
    const byConnection = subscribe(client({ authorization: 'Bearer sub-token' }), WATCH('default'));
    const byOperation = subscribe(client(), WATCH('default'), { headers: { Authorization: 'Bearer op-token' } });
    const sse = await fetch(`${fx.base}/clusters/${WS}/graphql`, {
      method: 'POST',
      headers: { authorization: 'Bearer sse-token', 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: WATCH('default') }),
    });
    expect(sse.status).toBe(200);
    const reader = sse.body!.getReader();
    let streamed = '';
    const sseEnded = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        streamed += new TextDecoder().decode(value);
      }
    })();
    for (const s of [bob, byConnection, byOperation]) await eventually(() => expect(named(s, 'first')).toBe(true));
    await eventually(() => expect(streamed).toContain('"first"'));
    expect(fx.server.auth!.sessions.size).toBe(4);

    writeTokens(USERS.filter((u) => u.startsWith('bob')));
    await fx.server.auth!.reloadTokenFile();
    for (const s of [byConnection, byOperation]) {
      await eventually(() => expect(s.completed).toBe(true));
      expect(lastCode(s)).toBe('UNAUTHENTICATED');
      expect(s.payloads.at(-1)?.errors?.[0]?.message).toContain('revoked');
    }
    await sseEnded;
    expect(streamed).toContain('UNAUTHENTICATED');

    // bob's token is still good: his subscription sees what comes next.
    expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: 'after' } })).status).toBe(201);
    await eventually(() => expect(named(bob, 'after')).toBe(true));
    expect(bob.completed).toBe(false);
    expect(fx.server.auth!.sessions.size).toBe(1);
    bob.stop();
    await eventually(() => expect(fx.server.auth!.sessions.size).toBe(0));
    // A revoked token starts nothing new: a connection that brings it is closed as Unauthorized,
    // an operation that brings it is refused.
    const again = subscribe(client({ authorization: 'Bearer sub-token' }), WATCH('default'));
    await eventually(() => expect(again.completed).toBe(true));
    expect(again.closed).toBe(4401);
    const op = subscribe(client(), WATCH('default'), { headers: { Authorization: 'Bearer op-token' } });
    await eventually(() => expect(op.completed).toBe(true));
    expect(lastCode(op)).toBe('UNAUTHENTICATED');
  });
});
