/**
 * Subscription fan-out executes each event once per distinct operation (src/graphql/shared-events.ts):
 * subscriptions running the same document with the same variables as the same caller share one
 * execution — seen here in the registry reads their `namespaceObject` references make — while
 * another document gets its own, and every subscription still gets the event.
 */
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';
import { countingNamespaceReads as countingReads } from '../support/namespace-reads.js';
import { sseSubscription } from '../support/sse-subscription.js';

const fx = useServer();
let client: Client;

beforeAll(async () => {
  await fx.workspace('root', 'shared-events');
  client = fx.graphqlClient('root:shared-events');
});
afterAll(async () => {
  await client?.dispose();
});

interface Payload {
  data?: Record<string, { type: string; object: { metadata: { name: string }; namespaceObject: { metadata: { name: string } } | null } }> | null;
}

const SAME = (rv: string): string =>
  `subscription { v1_configmaps(namespace: "default", resourceVersion: "${rv}") { type object { metadata { name } namespaceObject { metadata { name } } } } }`;
const OTHER = (rv: string): string =>
  `subscription { e: v1_configmaps(namespace: "default", resourceVersion: "${rv}") { type object { metadata { name } namespaceObject { metadata { name } } } } }`;

type Seen = { type: string; object: { metadata: { name: string }; namespaceObject: { metadata: { name: string } } | null } };

/** Subscriptions over graphql-ws, ended after each test. */
const ending: (() => void)[] = [];
afterEach(() => {
  for (const end of ending.splice(0)) end();
});

/** A subscription, and the events it has received so far. */
function subscription(query: string): Seen[] {
  const got: Seen[] = [];
  ending.push(client.subscribe({ query }, { next: (p) => void got.push(Object.values((p as Payload).data ?? {})[0] as Seen), error: () => undefined, complete: () => undefined }));
  return got;
}

/** How many times the subscriptions read the `default` Namespace while `during` runs. */
const countingNamespaceReads = (during: () => Promise<void>): Promise<number> => countingReads(fx.server.registry, during);

/** A subscription over SSE, and what it has received so far. */
function sse(query: string, controller: AbortController): Seen[] {
  return sseSubscription<Seen>(`${fx.base}/clusters/root:shared-events/graphql`, fx.headers, query, controller);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

describe('subscription fan-out', () => {
  it('executes an event once per distinct operation, and delivers it to every subscription', async () => {
    const list = await fx.call('GET', CONFIGMAPS('root:shared-events'));
    const rv = (list.body.metadata?.resourceVersion ?? '') as string;
    const subs = [subscription(SAME(rv)), subscription(SAME(rv)), subscription(SAME(rv)), subscription(OTHER(rv))];
    // Each watch starts from rv, so every subscription gets this first write whenever its watch
    // opened (read back from the change log if it opened later); after it they are all live.
    expect((await fx.call('POST', CONFIGMAPS('root:shared-events'), { metadata: { name: 'warm-up' } })).status).toBe(201);
    await until(() => subs.every((s) => s.length === 1));
    await new Promise((r) => setTimeout(r, 100));

    const namespaceReads = await countingNamespaceReads(async () => {
      // An update: a create would also read the namespace (namespace lifecycle admission).
      expect((await fx.call('PATCH', `${CONFIGMAPS('root:shared-events')}/warm-up`, { data: { n: '1' } }, 'application/merge-patch+json')).status).toBe(200);
      await until(() => subs.every((s) => s.length === 2));
    });
    for (const s of subs) expect(s[1]).toEqual({ type: 'MODIFIED', object: { metadata: { name: 'warm-up' }, namespaceObject: { metadata: { name: 'default' } } } });
    // The three alike share one execution (one read of the namespace), the aliased one has its own.
    expect(namespaceReads).toBe(2);
  });

  it('serializes a shared result once, and sends each subscription its own id with it', async () => {
    const list = await fx.call('GET', CONFIGMAPS('root:shared-events'));
    const rv = (list.body.metadata?.resourceVersion ?? '') as string;
    const VARS = 'subscription ($ns: String, $rv: String) { v1_configmaps(namespace: $ns, resourceVersion: $rv) { type object { metadata { name } namespaceObject { metadata { name } } } } }';
    const got: { id: string; payload: Payload }[] = [];
    // Raw graphql-ws messages, to see the ids the server puts on each `next`.
    const socket = new WebSocket(`${fx.base.replace(/^http/, 'ws')}/clusters/root:shared-events/graphql`, 'graphql-transport-ws');
    let acknowledged = false;
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id?: string; type: string; payload?: Payload };
      if (m.type === 'next') got.push({ id: m.id as string, payload: m.payload as Payload });
      else if (m.type === 'connection_ack') acknowledged = true;
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: fx.headers.authorization } }));
    await until(() => acknowledged);
    const subscribe = (id: string, query: string, variables?: Record<string, unknown>): void =>
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, ...(variables ? { variables } : {}) } }));
    subscribe('a', SAME(rv));
    subscribe('bb', SAME(rv));
    subscribe('c"\\', SAME(rv));
    subscribe('other', OTHER(rv));
    subscribe('vars', VARS, { ns: 'default', rv });
    const others = [subscription(SAME(rv))];
    try {
      expect((await fx.call('POST', CONFIGMAPS('root:shared-events'), { metadata: { name: 'json-warm-up' } })).status).toBe(201);
      await until(() => got.length === 5 && others.every((s) => s.length === 1));
      await new Promise((r) => setTimeout(r, 100));
      got.length = 0;

      // What the server stringifies: graphql-ws' whole `next` messages, or a shared payload on its own.
      const messages: unknown[] = [];
      const payloads: unknown[] = [];
      const calls: unknown[] = [];
      const stringify = vi.spyOn(JSON, 'stringify');
      try {
        expect((await fx.call('PATCH', `${CONFIGMAPS('root:shared-events')}/json-warm-up`, { data: { n: '1' } }, 'application/merge-patch+json')).status).toBe(200);
        await until(() => got.length === 5 && others.every((s) => s.length === 2));
      } finally {
        calls.push(...stringify.mock.calls.map(([value]) => value));
        stringify.mockRestore();
      }
      for (const value of calls) {
        if (typeof value !== 'object' || value === null) continue;
        const data = (value as { data?: unknown }).data;
        if ((value as { type?: unknown }).type === 'next') messages.push(value);
        else if (typeof data === 'object' && data !== null && ('v1_configmaps' in data || 'e' in data)) payloads.push(value);
      }
      const event = { type: 'MODIFIED', object: { metadata: { name: 'json-warm-up' }, namespaceObject: { metadata: { name: 'default' } } } };
      expect(got.map((m) => m.id).sort()).toEqual(['a', 'bb', 'c"\\', 'other', 'vars'].sort());
      for (const m of got) expect(m.payload).toEqual({ data: { [m.id === 'other' ? 'e' : 'v1_configmaps']: event } });
      expect(others[0]?.[1]).toEqual(event);
      // Three kinds of operation (the same document ×4 on two sockets, the aliased one, the one
      // with variables): three payloads serialized, and no message serialized per subscription.
      expect(messages).toEqual([]);
      expect(payloads).toHaveLength(3);
    } finally {
      socket.close();
    }
  });

  it('shares them among subscriptions over SSE too', async () => {
    const list = await fx.call('GET', CONFIGMAPS('root:shared-events'));
    const rv = (list.body.metadata?.resourceVersion ?? '') as string;
    const controller = new AbortController();
    try {
      const subs = [sse(SAME(rv), controller), sse(SAME(rv), controller), sse(SAME(rv), controller)];
      expect((await fx.call('POST', CONFIGMAPS('root:shared-events'), { metadata: { name: 'sse-warm-up' } })).status).toBe(201);
      await until(() => subs.every((s) => s.length === 1));
      await new Promise((r) => setTimeout(r, 100));
      const namespaceReads = await countingNamespaceReads(async () => {
        expect((await fx.call('PATCH', `${CONFIGMAPS('root:shared-events')}/sse-warm-up`, { data: { n: '1' } }, 'application/merge-patch+json')).status).toBe(200);
        await until(() => subs.every((s) => s.length === 2));
      });
      for (const s of subs) expect(s[1]).toEqual({ type: 'MODIFIED', object: { metadata: { name: 'sse-warm-up' }, namespaceObject: { metadata: { name: 'default' } } } });
      expect(namespaceReads).toBe(1);

      // The shared result's JSON (yoga writes each event's `data:` line with it) is made once.
      const stringify = vi.spyOn(JSON, 'stringify');
      let payloads: unknown[];
      try {
        expect((await fx.call('PATCH', `${CONFIGMAPS('root:shared-events')}/sse-warm-up`, { data: { n: '2' } }, 'application/merge-patch+json')).status).toBe(200);
        await until(() => subs.every((s) => s.length === 3));
      } finally {
        payloads = stringify.mock.calls.map(([value]) => value).filter((value) => {
          const data = typeof value === 'object' && value !== null ? (value as { data?: unknown }).data : undefined;
          return typeof data === 'object' && data !== null && 'v1_configmaps' in data;
        });
        stringify.mockRestore();
      }
      expect(payloads).toHaveLength(1);
    } finally {
      controller.abort();
    }
  });
});
