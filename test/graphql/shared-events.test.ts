/**
 * Subscription fan-out executes each event once per distinct operation (src/graphql/shared-events.ts):
 * subscriptions running the same document with the same variables as the same caller share one
 * execution — seen here in the registry reads their `namespaceObject` references make — while
 * another document gets its own, and every subscription still gets the event.
 */
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../../src/registry/index.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

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
async function countingNamespaceReads(during: () => Promise<void>): Promise<number> {
  const registry: Registry = fx.server.registry;
  let reads = 0;
  const get = registry.get.bind(registry);
  registry.get = (ctx, type, namespace, name) => {
    // Reads as the subscriber (admission's own read of the namespace, for the write, has no user).
    if (type.kind === 'Namespace' && name === 'default' && ctx.user) reads++;
    return get(ctx, type, namespace, name);
  };
  try {
    await during();
  } finally {
    registry.get = get;
  }
  return reads;
}

/** A subscription over SSE, and the `data:` payloads it has received so far. */
function sseSubscription(query: string, controller: AbortController): Seen[] {
  const got: Seen[] = [];
  void (async () => {
    const res = await fetch(`${fx.base}/clusters/root:shared-events/graphql`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const data = text.slice(0, end).split('\n').find((l) => l.startsWith('data:'));
        text = text.slice(end + 2);
        if (data && data.length > 5) got.push(Object.values((JSON.parse(data.slice(5)) as Payload).data ?? {})[0] as Seen);
      }
    }
  })().catch(() => undefined);
  return got;
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

  it('shares them among subscriptions over SSE too', async () => {
    const list = await fx.call('GET', CONFIGMAPS('root:shared-events'));
    const rv = (list.body.metadata?.resourceVersion ?? '') as string;
    const controller = new AbortController();
    try {
      const subs = [sseSubscription(SAME(rv), controller), sseSubscription(SAME(rv), controller), sseSubscription(SAME(rv), controller)];
      expect((await fx.call('POST', CONFIGMAPS('root:shared-events'), { metadata: { name: 'sse-warm-up' } })).status).toBe(201);
      await until(() => subs.every((s) => s.length === 1));
      await new Promise((r) => setTimeout(r, 100));
      const namespaceReads = await countingNamespaceReads(async () => {
        expect((await fx.call('PATCH', `${CONFIGMAPS('root:shared-events')}/sse-warm-up`, { data: { n: '1' } }, 'application/merge-patch+json')).status).toBe(200);
        await until(() => subs.every((s) => s.length === 2));
      });
      for (const s of subs) expect(s[1]).toEqual({ type: 'MODIFIED', object: { metadata: { name: 'sse-warm-up' }, namespaceObject: { metadata: { name: 'default' } } } });
      expect(namespaceReads).toBe(1);
    } finally {
      controller.abort();
    }
  });
});
