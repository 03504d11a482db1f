/**
 * Every delivered event is one acknowledged write, in order, once. Several writers patch a few
 * ConfigMaps concurrently (so writes to one object race and the registry retries them); graphql-ws
 * subscribers (list and single-object, several on one socket), SSE subscribers and REST watches
 * record what they get, some of them starting mid-way from the same resourceVersion (they catch up
 * from the change log while writes go on). Each one's sequence of (name, resourceVersion, data)
 * must be exactly the acknowledged writes it watches, in resourceVersion order: no gap, no
 * duplicate, no event carrying another write's object or resourceVersion. And what an event
 * references (`namespaceObject`) is read for that event, not kept from the subscription's first.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
const WS = 'root:order';
const OBJECTS = ['o0', 'o1', 'o2', 'o3'];
const WRITERS = 6;
const WRITES_PER_WRITER = 40;

/** What a write was acknowledged with, and what an event carried. */
interface Seen {
  name: string;
  rv: string;
  /** The writer and its write number, from the object's data: whose object this is. */
  data: string;
}

const LIST = (rv: string): string =>
  `subscription { v1_configmaps(namespace: "default", resourceVersion: "${rv}") { type object { metadata { name resourceVersion } data } } }`;
const ONE = (name: string, rv: string): string =>
  `subscription { v1_configmap(name: "${name}", namespace: "default", resourceVersion: "${rv}") { type object { metadata { name resourceVersion } data } } }`;

interface Event {
  type: string;
  object: { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> };
}
const seen = (e: Event): Seen => ({ name: e.object.metadata.name, rv: e.object.metadata.resourceVersion, data: `${e.object.data?.w}/${e.object.data?.i}` });

const clients: Client[] = [];
const aborts: AbortController[] = [];
let start: string;

beforeAll(async () => {
  await fx.workspace('root', 'order');
  for (const name of OBJECTS) expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name } })).status).toBe(201);
  start = (await fx.call('GET', CONFIGMAPS(WS))).body.metadata?.resourceVersion as string;
});
afterAll(async () => {
  for (const a of aborts) a.abort();
  await Promise.all(clients.map((c) => c.dispose()));
});

/** A graphql-ws subscription recording its events (and failing the test on an error or an early end). */
function subscribe(client: Client, query: string, field: string): Seen[] {
  const got: Seen[] = [];
  client.subscribe<Record<string, Event>>(
    { query },
    {
      next: (p) => got.push(p.errors || !p.data ? { name: 'ERROR', rv: '', data: JSON.stringify(p.errors) } : seen(p.data[field] as Event)),
      error: (err) => got.push({ name: 'ERROR', rv: '', data: JSON.stringify(err) }),
      complete: () => got.push({ name: 'COMPLETE', rv: '', data: '' }),
    },
  );
  return got;
}

/** Reads a streamed response (REST watch lines or SSE `data:` lines) in the background, recording its events. */
function stream(url: string, init: RequestInit, eventOf: (line: string) => Event | undefined): Seen[] {
  const got: Seen[] = [];
  const abort = new AbortController();
  aborts.push(abort);
  void (async () => {
    const res = await fetch(url, { ...init, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() as string;
      for (const line of lines) {
        const event = eventOf(line);
        if (event) got.push(seen(event));
      }
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) got.push({ name: 'ERROR', rv: '', data: String(err) });
  });
  return got;
}

const sse = (): Seen[] =>
  stream(
    `${fx.base}/clusters/${WS}/graphql`,
    { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: LIST(start) }) },
    (line) => (line.startsWith('data: {') ? (JSON.parse(line.slice(6)) as { data: { v1_configmaps: Event } }).data.v1_configmaps : undefined),
  );
const restWatch = (): Seen[] =>
  stream(`${fx.base}${CONFIGMAPS(WS)}?watch=1&resourceVersion=${start}`, { headers: fx.headers }, (line) => (line ? (JSON.parse(line) as Event) : undefined));

it('delivers to every subscriber exactly the acknowledged writes of what it watches, in order, under concurrent writers', async () => {
  // Three sockets with a list subscription each; the first also carries two single-object ones.
  for (let i = 0; i < 3; i++) clients.push(fx.graphqlClient(WS));
  const lists = clients.map((c) => subscribe(c, LIST(start), 'v1_configmaps'));
  const singles = new Map(['o1', 'o2'].map((name) => [name, subscribe(clients[0] as Client, ONE(name, start), 'v1_configmap')]));
  const streams = [sse(), restWatch()];

  // Writer w patches object (w + i) % 4 at its i-th write: every object is written by several writers at once.
  const acks: Seen[] = [];
  const writing = Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        const name = OBJECTS[(w + i) % OBJECTS.length] as string;
        const r = await fx.call('PATCH', `${CONFIGMAPS(WS)}/${name}`, { data: { w: String(w), i: String(i) } }, 'application/merge-patch+json');
        expect(r.status).toBe(200);
        acks.push({ name, rv: r.body.metadata?.resourceVersion as string, data: `${w}/${i}` });
      }
    }),
  );
  // Late subscribers from the same resourceVersion catch up from the change log while writes go
  // on, and turn live in the middle of them.
  await eventually(() => expect(acks.length).toBeGreaterThanOrEqual((WRITERS * WRITES_PER_WRITER) / 3));
  clients.push(fx.graphqlClient(WS));
  lists.push(subscribe(clients[3] as Client, LIST(start), 'v1_configmaps'));
  streams.push(sse(), restWatch());
  await writing;
  acks.sort((a, b) => Number(a.rv) - Number(b.rv));
  expect(new Set(acks.map((a) => a.rv)).size).toBe(WRITERS * WRITES_PER_WRITER);

  const expectExactly = async (got: Seen[], expected: Seen[]): Promise<void> => {
    await eventually(() => expect(got.length).toBeGreaterThanOrEqual(expected.length));
    expect(got).toEqual(expected);
  };
  for (const got of [...lists, ...streams]) await expectExactly(got, acks);
  for (const [name, got] of singles) await expectExactly(got, acks.filter((a) => a.name === name));
});

it("reads each event's references anew: a subscription does not keep serving the namespace it read first", async () => {
  const client = fx.graphqlClient(WS);
  clients.push(client);
  const got: (string | undefined)[] = [];
  const from = (await fx.call('GET', CONFIGMAPS(WS))).body.metadata?.resourceVersion as string;
  client.subscribe<{ v1_configmap: { object: { namespaceObject: { metadata: { labels?: Record<string, string> } } | null } } }>(
    { query: `subscription { v1_configmap(name: "o0", namespace: "default", resourceVersion: "${from}") { object { namespaceObject { metadata { labels } } } } }` },
    {
      next: (p) => got.push(p.errors ? JSON.stringify(p.errors) : p.data?.v1_configmap.object.namespaceObject?.metadata.labels?.phase),
      error: (err) => got.push(`error ${JSON.stringify(err)}`),
      complete: () => got.push('complete'),
    },
  );
  const patch = (path: string, body: unknown): Promise<unknown> => fx.call('PATCH', path, body, 'application/merge-patch+json');
  await patch(`/clusters/${WS}/api/v1/namespaces/default`, { metadata: { labels: { phase: 'one' } } });
  await patch(`${CONFIGMAPS(WS)}/o0`, { data: { ref: 'one' } });
  await eventually(() => expect(got.at(-1)).toBe('one'));
  await patch(`/clusters/${WS}/api/v1/namespaces/default`, { metadata: { labels: { phase: 'two' } } });
  await patch(`${CONFIGMAPS(WS)}/o0`, { data: { ref: 'two' } });
  await eventually(() => expect(got.at(-1)).toBe('two'));
});
