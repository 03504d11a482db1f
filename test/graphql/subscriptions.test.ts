/**
 * Subscriptions against the real server: graphql-ws (the client library over a WebSocket) and
 * GraphQL over SSE (a plain HTTP client reading the event stream). Events arrive in order as the
 * registry's watch delivers them, start with the current objects when no resourceVersion is
 * given, resume after one when it is, and end with a coded error when the watch is refused.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
let client: Client;

interface Payload {
  data?: { [field: string]: { type: string; object: { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> } } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

beforeAll(async () => {
  await fx.workspace('root', 'subs');
  client = fx.graphqlClient('root:subs');
});
afterAll(async () => {
  await client?.dispose();
});

/** Collects payloads of a graphql-ws subscription until `until` says stop. */
function collect(query: string, until: (got: Payload[]) => boolean): { done: Promise<Payload[]>; started: Promise<void> } {
  const got: Payload[] = [];
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const done = new Promise<Payload[]>((resolve, reject) => {
    const stop = client.subscribe<Payload['data']>({ query }, {
      next: (p) => {
        got.push(p as Payload);
        started();
        if (until(got)) {
          stop();
          resolve(got);
        }
      },
      error: reject,
      complete: () => resolve(got),
    });
  });
  return { done, started: startedP };
}

const LIST = (extra = ''): string => `subscription { v1_configmaps(namespace: "default"${extra}) { type object { metadata { name resourceVersion } data } } }`;
const events = (ps: Payload[]): string[] => ps.map((p) => `${p.data?.v1_configmaps?.type} ${p.data?.v1_configmaps?.object.metadata.name}`);

describe('subscriptions over graphql-ws', () => {
  it('sends current objects as ADDED, then ADDED/MODIFIED/DELETED in order, and resumes from a resourceVersion', async () => {
    expect((await fx.call('POST', CONFIGMAPS('root:subs'), { metadata: { name: 'before' }, data: { v: '0' } })).status).toBe(201);
    const sub = collect(LIST(), (got) => got.length >= 4);
    await sub.started;
    expect((await fx.call('POST', CONFIGMAPS('root:subs'), { metadata: { name: 'live' }, data: { v: '1' } })).status).toBe(201);
    expect((await fx.call('PATCH', `${CONFIGMAPS('root:subs')}/live`, { data: { v: '2' } }, 'application/merge-patch+json')).status).toBe(200);
    expect((await fx.call('DELETE', `${CONFIGMAPS('root:subs')}/live`)).status).toBe(200);
    const got = await sub.done;
    expect(events(got)).toEqual(['ADDED before', 'ADDED live', 'MODIFIED live', 'DELETED live']);
    expect(got[2]?.data?.v1_configmaps?.object.data).toEqual({ v: '2' });

    // Resume right after the creation of "live": the two later events, nothing before.
    const from = got[1]?.data?.v1_configmaps?.object.metadata.resourceVersion as string;
    const resumed = await collect(LIST(`, resourceVersion: "${from}"`), (g) => g.length >= 2).done;
    expect(events(resumed)).toEqual(['MODIFIED live', 'DELETED live']);
  });

  it('watches one object by name', async () => {
    const sub = collect('subscription { v1_configmap(name: "solo", namespace: "default") { type object { metadata { name } } } }', (got) => got.length >= 1);
    expect((await fx.call('POST', CONFIGMAPS('root:subs'), { metadata: { name: 'other' } })).status).toBe(201);
    expect((await fx.call('POST', CONFIGMAPS('root:subs'), { metadata: { name: 'solo' } })).status).toBe(201);
    const got = await sub.done;
    expect(got[0]?.data).toEqual({ v1_configmap: { type: 'ADDED', object: { metadata: { name: 'solo' } } } });
  });

  it('ends with a coded error when the watch is refused', async () => {
    const got = await collect(LIST(', resourceVersion: "not-a-number"'), () => false).done;
    expect(got.at(-1)?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('subscriptions over SSE', () => {
  it('streams events to a plain HTTP client', async () => {
    const controller = new AbortController();
    const res = await fetch(`${fx.base}/clusters/root:subs/graphql`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: LIST(', labelSelector: "sse=yes"') }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect((await fx.call('POST', CONFIGMAPS('root:subs'), { metadata: { name: 'streamed', labels: { sse: 'yes' } } })).status).toBe(201);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"streamed"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = text.split('\n').find((l) => l.startsWith('data:') && l.includes('streamed')) as string;
    expect(JSON.parse(data.slice(5)) as Payload).toMatchObject({ data: { v1_configmaps: { type: 'ADDED', object: { metadata: { name: 'streamed' } } } } });
  });
});
