/**
 * `onlyOnSelectedChange` on subscriptions, through the real server over graphql-ws and SSE: a
 * MODIFIED that changes nothing the subscription selected is not sent, one that does is; the
 * default still sends every event; and subscriptions of the same operation still share each
 * event's execution (shared-events.ts), the comparison included.
 */
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';
import { countingNamespaceReads } from '../support/namespace-reads.js';
import { sseSubscription } from '../support/sse-subscription.js';

const fx = useServer();
const WS = 'root:selected-change';
let client: Client;

beforeAll(async () => {
  await fx.workspace('root', 'selected-change');
  client = fx.graphqlClient(WS);
});
afterAll(async () => {
  await client?.dispose();
});

interface Seen {
  type: string;
  object: { metadata: { name: string }; data?: Record<string, string> | null; namespaceObject?: { metadata: { name: string } } | null };
}
type Payload = { data?: Record<string, Seen> | null };

const ending: (() => void)[] = [];
afterEach(() => {
  for (const end of ending.splice(0)) end();
});

const DOC = (rv: string, extra: string, select = 'metadata { name } data'): string =>
  `subscription { v1_configmaps(namespace: "default", labelSelector: "t=sc", resourceVersion: "${rv}"${extra}) { type object { ${select} } } }`;

function subscription(query: string): Seen[] {
  const got: Seen[] = [];
  ending.push(client.subscribe({ query }, { next: (p) => void got.push(Object.values((p as Payload).data ?? {})[0] as Seen), error: () => undefined, complete: () => undefined }));
  return got;
}

/** A subscription over SSE, and what it has received so far. */
function sse(query: string, controller: AbortController): Seen[] {
  return sseSubscription<Seen>(`${fx.base}/clusters/${WS}/graphql`, fx.headers, query, controller);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

const currentRv = async (): Promise<string> => (await fx.call('GET', CONFIGMAPS(WS))).body.metadata?.resourceVersion as string;
const merge = (name: string, patch: unknown) => fx.call('PATCH', `${CONFIGMAPS(WS)}/${name}`, patch, 'application/merge-patch+json');

/** Create, a label-only change, a data change, delete: what a subscriber selecting name and data sees. */
async function lifecycle(name: string): Promise<void> {
  expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name, labels: { t: 'sc' } }, data: { n: '1' } })).status).toBe(201);
  expect((await merge(name, { metadata: { labels: { other: 'x' } } })).status).toBe(200);
  expect((await merge(name, { data: { n: '2' } })).status).toBe(200);
  expect((await fx.call('DELETE', `${CONFIGMAPS(WS)}/${name}`)).status).toBe(200);
}

const summary = (got: Seen[]): string[] => got.map((e) => `${e.type} ${e.object.metadata.name} ${JSON.stringify(e.object.data ?? null)}`);

describe('onlyOnSelectedChange', () => {
  it('drops MODIFIED events that change nothing selected, over graphql-ws; the default sends them all', async () => {
    const rv = await currentRv();
    const changesOnly = subscription(DOC(rv, ', onlyOnSelectedChange: true'));
    const every = subscription(DOC(rv, ''));
    await lifecycle('ws');
    await until(() => changesOnly.at(-1)?.type === 'DELETED' && every.at(-1)?.type === 'DELETED');
    expect(summary(changesOnly)).toEqual(['ADDED ws {"n":"1"}', 'MODIFIED ws {"n":"2"}', 'DELETED ws {"n":"2"}']);
    expect(summary(every)).toEqual(['ADDED ws {"n":"1"}', 'MODIFIED ws {"n":"1"}', 'MODIFIED ws {"n":"2"}', 'DELETED ws {"n":"2"}']);
  });

  it('sends a change to any selected field, labels included', async () => {
    const rv = await currentRv();
    const got = subscription(DOC(rv, ', onlyOnSelectedChange: true', 'metadata { name labels } data'));
    await lifecycle('labels');
    await until(() => got.at(-1)?.type === 'DELETED');
    expect(got.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('works over SSE', async () => {
    const rv = await currentRv();
    const controller = new AbortController();
    try {
      const got = sse(DOC(rv, ', onlyOnSelectedChange: true'), controller);
      await lifecycle('sse');
      await until(() => got.at(-1)?.type === 'DELETED');
      expect(summary(got)).toEqual(['ADDED sse {"n":"1"}', 'MODIFIED sse {"n":"2"}', 'DELETED sse {"n":"2"}']);
    } finally {
      controller.abort();
    }
  });

  it('keeps sharing each event among subscriptions of the same operation, the comparison included', async () => {
    const rv = await currentRv();
    const doc = DOC(rv, ', onlyOnSelectedChange: true', 'metadata { name } data namespaceObject { metadata { name } }');
    const subs = [subscription(doc), subscription(doc), subscription(doc)];
    expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: 'shared', labels: { t: 'sc' } }, data: { n: '1' } })).status).toBe(201);
    // A watch that opened after the create read it back from the change log, as its own copy; after
    // this change every watch is live and they all hold the one object the hub hands them.
    expect((await merge('shared', { data: { n: '1b' } })).status).toBe(200);
    await until(() => subs.every((s) => s.length === 2));
    const reads = await countingNamespaceReads(fx.server.registry, async () => {
      expect((await merge('shared', { metadata: { labels: { other: 'x' } } })).status).toBe(200);
      expect((await merge('shared', { data: { n: '2' } })).status).toBe(200);
      await until(() => subs.every((s) => s.length === 3));
    });
    for (const s of subs) expect(summary(s)).toEqual(['ADDED shared {"n":"1"}', 'MODIFIED shared {"n":"1b"}', 'MODIFIED shared {"n":"2"}']);
    // Each change is executed once for all three subscriptions, and the object before it was
    // executed when it came: two executions (per subscription, it would be twelve).
    expect(reads).toBe(2);
  });
});
