/**
 * Subscription fan-out executes each event once per distinct operation (src/graphql/shared-events.ts):
 * subscriptions running the same document with the same variables as the same caller share one
 * execution — seen here in the registry reads their `namespaceObject` references make — while
 * another document gets its own, and every subscription still gets the event.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** A subscription, and the events it has received so far. */
function subscription(query: string): Seen[] {
  const got: Seen[] = [];
  client.subscribe({ query }, { next: (p) => void got.push(Object.values((p as Payload).data ?? {})[0] as Seen), error: () => undefined, complete: () => undefined });
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

    const registry: Registry = fx.server.registry;
    let namespaceReads = 0;
    const get = registry.get.bind(registry);
    registry.get = (ctx, type, namespace, name) => {
      // Reads as the subscriber (admission's own read of the namespace, for the write, has no user).
      if (type.kind === 'Namespace' && name === 'default' && ctx.user) namespaceReads++;
      return get(ctx, type, namespace, name);
    };
    try {
      // An update: a create would also read the namespace (namespace lifecycle admission).
      expect((await fx.call('PATCH', `${CONFIGMAPS('root:shared-events')}/warm-up`, { data: { n: '1' } }, 'application/merge-patch+json')).status).toBe(200);
      await until(() => subs.every((s) => s.length === 2));
    } finally {
      registry.get = get;
    }
    for (const s of subs) expect(s[1]).toEqual({ type: 'MODIFIED', object: { metadata: { name: 'warm-up' }, namespaceObject: { metadata: { name: 'default' } } } });
    // The three alike share one execution (one read of the namespace), the aliased one has its own.
    expect(namespaceReads).toBe(2);
  });
});
