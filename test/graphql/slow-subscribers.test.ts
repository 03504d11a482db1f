/**
 * Subscribers that stop reading while writes go on. Each subscribes without a resourceVersion, so
 * the namespace's big ConfigMaps come first (as ADDED) and fill the socket's buffers; writes then
 * pile up in the watch hub until it cuts the watch off (at 20 events here). When the client reads
 * again it gets every event it was sent — the objects, then the first writes, as many as the
 * buffers took — then a TOO_SLOW error naming the last of them as the resourceVersion to resume
 * from, then complete; resuming from there gets the other writes, so nothing is lost. That holds
 * over graphql-ws (whose keep-alive must not tear such a client down meanwhile) and SSE alike; a
 * REST watch gets the same as an ERROR event. A graphql-ws socket whose unsent data outgrows its
 * bound is closed with 4413 after that data.
 *
 * How many writes the buffers take is the kernel's to decide: loopback buffers grow with the
 * traffic (to tens of MB), and under load they took 83 writes where an idle machine took none.
 * So the tests check that the writes delivered are a prefix of those made, in order with no gap,
 * and that the resume point is the last one delivered, rather than a fixed count.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_GRAPHQL_SETTINGS } from '../../src/graphql/index.js';
import { CLOSE_TOO_SLOW } from '../../src/graphql/ws-transport.js';
import { EmbeddedStore } from '../../src/storage/index.js';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';
import { sseSubscription } from '../support/sse-subscription.js';

const KEEPALIVE_MS = 500;
const MAX_BUFFERED = 1024 * 1024;
const fx = useServer({
  watch: { maxQueuedEvents: 20 },
  graphql: { ...DEFAULT_GRAPHQL_SETTINGS, ws: { keepAliveMs: KEEPALIVE_MS, maxBufferedBytes: MAX_BUFFERED } },
});
const WS = 'root:slow';
/** With `data`: the big ConfigMaps' events are as big as they are. */
const LIST = (rv?: string): string =>
  `subscription { v1_configmaps(namespace: "default"${rv ? `, resourceVersion: "${rv}"` : ''}) { type object { metadata { name resourceVersion } data } } }`;

interface Meta {
  name: string;
  resourceVersion: string;
}
interface Payload {
  data?: { v1_configmaps: { type: string; object: { metadata: Meta; data?: unknown } } | null } | null;
  errors?: { message: string; extensions?: { code?: string; resourceVersion?: string; status?: number } }[];
}
type Message = { id?: string; type: string; payload?: Payload };

/** The server's own watchers (controllers, caches). */
let idle: number;

beforeAll(async () => {
  await fx.workspace('root', 'slow');
  // 12 × 512 KiB: usually more than the kernel buffers a socket, so a subscriber that does not read
  // has data waiting on the server as soon as it is sent the current objects — but the buffers can
  // grow past that (see above), hence the tests take any number of writes delivered before the cut.
  const big = 'x'.repeat(512 * 1024);
  for (let i = 0; i < 12; i++) {
    expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: `fill-${String(i).padStart(2, '0')}` }, data: { big } })).status).toBe(201);
  }
  idle = watchers();
});

const watchers = (): number => (fx.server.store as EmbeddedStore).watcherCount;

/** The namespace's ConfigMaps as a subscription without resourceVersion starts: its ADDED events, and the list's revision. */
async function current(): Promise<{ objects: Meta[]; rv: string }> {
  const list = await fx.call('GET', CONFIGMAPS(WS));
  const items = (list.body.items ?? []) as unknown as { metadata: Meta }[];
  return { objects: items.map((o) => ({ name: o.metadata.name, resourceVersion: o.metadata.resourceVersion })), rv: list.body.metadata?.resourceVersion as string };
}

let written = 0;
/**
 * Writes until the hub is down to `base` watchers again (it cut the test's off); returns them in
 * order. Each carries 16 KiB, so that even when the kernel's loopback buffers have taken all the
 * big ConfigMaps (they grow to several MB on an idle machine) the writes fill them within the bound.
 */
async function writeUntilCutOff(base: number): Promise<Meta[]> {
  const writes: Meta[] = [];
  const filler = 'y'.repeat(16 * 1024);
  while (watchers() > base) {
    if (writes.length > 1_000) throw new Error('the hub never cut the watcher off');
    const r = await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: `w-${written++}` }, data: { filler } });
    expect(r.status).toBe(201);
    writes.push({ name: r.body.metadata?.name as string, resourceVersion: r.body.metadata?.resourceVersion as string });
  }
  return writes;
}

/** Stops reading a streamed answer until the hub has cut its watcher off, then reads it to the end; also returns the writes made meanwhile. */
async function stallUntilCutOff(res: http.IncomingMessage, base: number): Promise<{ text: string; writes: Meta[] }> {
  opened.push(res);
  expect(res.statusCode).toBe(200);
  res.pause();
  await eventually(() => expect(watchers()).toBe(base + 1));
  const writes = await writeUntilCutOff(base);
  res.resume();
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return { text, writes };
}

/** A graphql-transport-ws client on a raw socket, so that it can stop reading (pause the socket). */
async function rawClient(): Promise<{ ws: WebSocket; messages: Message[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${fx.base.replace('http', 'ws')}/clusters/${WS}/graphql`, 'graphql-transport-ws');
  opened.push(ws);
  const messages: Message[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Message));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: fx.headers.authorization } }));
  await eventually(() => expect(messages.some((m) => m.type === 'connection_ack')).toBe(true));
  return { ws, messages, closed };
}

const payloadsOf = (messages: Message[], id: string): Payload[] => messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload as Payload);
const metaOf = (p: Payload | undefined): Meta | undefined => p?.data?.v1_configmaps?.object.metadata;

/**
 * What a cut-off subscriber got before its error: every current object, in order, then the first
 * writes in order with none skipped (however many the socket's buffers took), and not the last 21
 * (the hub cut it off with more than 20 waiting). Returns the writes it did not get and the
 * revision it must be told to resume from: the last it got.
 */
function expectObjectsThenWrites(got: (Meta | undefined)[], start: { objects: Meta[]; rv: string }, writes: Meta[]): { rest: Meta[]; resumeFrom: string } {
  expect(got.slice(0, start.objects.length)).toEqual(start.objects);
  const delivered = got.slice(start.objects.length);
  expect(delivered).toEqual(writes.slice(0, delivered.length));
  expect(writes.length - delivered.length).toBeGreaterThan(20);
  return { rest: writes.slice(delivered.length), resumeFrom: delivered.at(-1)?.resourceVersion ?? start.rv };
}

/** Every current object as ADDED, then the first writes, then the TOO_SLOW error telling to resume from the last of them. */
function expectObjectsThenTooSlow(payloads: Payload[], start: { objects: Meta[]; rv: string }, writes: Meta[]): { rest: Meta[]; resumeFrom: string } {
  const got = expectObjectsThenWrites(payloads.slice(0, -1).map(metaOf), start, writes);
  const error = payloads.at(-1)?.errors?.[0];
  expect(error?.message).toMatch(/fell more than 20 events behind/);
  expect(error?.extensions).toMatchObject({ code: 'TOO_SLOW', status: 429, resourceVersion: got.resumeFrom });
  return got;
}

/** The objects of a REST watch's events, collected as they arrive. */
function restWatch(query: string): Meta[] {
  const got: Meta[] = [];
  http.get(`${fx.base}${CONFIGMAPS(WS)}?${query}`, { headers: fx.headers }, (res) => {
    opened.push(res);
    let text = '';
    res.on('data', (chunk) => {
      text += String(chunk);
      let end: number;
      while ((end = text.indexOf('\n')) >= 0) {
        const { object } = JSON.parse(text.slice(0, end)) as { object: { metadata: Meta } };
        text = text.slice(end + 1);
        got.push({ name: object.metadata.name, resourceVersion: object.metadata.resourceVersion });
      }
    });
  });
  return got;
}

const opened: (WebSocket | http.IncomingMessage)[] = [];
afterEach(async () => {
  for (const client of opened.splice(0)) {
    if (client instanceof WebSocket) client.terminate();
    else client.destroy();
  }
  // Every test starts with the server's own watchers only.
  await eventually(() => expect(watchers()).toBe(idle));
});

describe('a subscriber that stops reading', () => {
  it('over graphql-ws gets its events, then TOO_SLOW with the resourceVersion to resume from, then complete', async () => {
    const base = idle;
    const { ws, messages } = await rawClient();
    const start = await current();
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: LIST() } }));
    ws.pause();
    await eventually(() => expect(watchers()).toBe(base + 1));
    const writes = await writeUntilCutOff(base);
    // Keep-alive rounds without a pong: the client reads slowly, it is not dead, so it stays.
    await sleep(KEEPALIVE_MS * 4);
    ws.resume();
    await eventually(() => expect(messages.at(-1)?.type).toBe('complete'));
    const { rest, resumeFrom } = expectObjectsThenTooSlow(payloadsOf(messages, '1'), start, writes);

    // Subscribing again from that resourceVersion gets every write it missed.
    ws.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: LIST(resumeFrom) } }));
    await eventually(() => expect(payloadsOf(messages, '2').map(metaOf)).toEqual(rest));
  });

  it('over SSE gets its events, then TOO_SLOW with the resourceVersion to resume from, then complete', async () => {
    const base = idle;
    const start = await current();
    const body = JSON.stringify({ query: LIST() });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${fx.base}/clusters/${WS}/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json', accept: 'text/event-stream' } }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    const { text, writes } = await stallUntilCutOff(res, base);
    const blocks = text.split('\n\n').filter((b) => b.startsWith('event:'));
    expect(blocks.at(-1)).toBe('event: complete\ndata:');
    const payloads = blocks.slice(0, -1).map((b) => JSON.parse(b.slice(b.indexOf('data:') + 5)) as Payload);
    const { rest, resumeFrom } = expectObjectsThenTooSlow(payloads, start, writes);

    const resumed = new AbortController();
    const again = sseSubscription<{ object: { metadata: Meta } }>(`${fx.base}/clusters/${WS}/graphql`, fx.headers, LIST(resumeFrom), resumed);
    try {
      await eventually(() => expect(again.map((e) => e.object.metadata)).toEqual(rest));
    } finally {
      resumed.abort();
    }
  });

  it('over a REST watch gets its events, then an ERROR event saying where to resume', async () => {
    const base = idle;
    const start = await current();
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${fx.base}${CONFIGMAPS(WS)}?watch=1`, { headers: fx.headers }, resolve).on('error', reject));
    const { text, writes } = await stallUntilCutOff(res, base);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata?: Meta; message?: string } });
    const got = lines.slice(0, -1).map((l) => ({ name: l.object.metadata?.name, resourceVersion: l.object.metadata?.resourceVersion }) as Meta);
    const { rest, resumeFrom } = expectObjectsThenWrites(got, start, writes);
    expect(lines.at(-1)).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 429, reason: 'TooManyRequests' } });
    expect(lines.at(-1)?.object.message).toMatch(/fell more than 20 events behind/);
    expect(lines.at(-1)?.object.message).toContain(`watch again from revision ${resumeFrom}`);

    const again = restWatch(`watch=1&resourceVersion=${resumeFrom}`);
    await eventually(() => expect(again).toEqual(rest));
  });
});

describe('a graphql-ws socket whose unsent data outgrows its bound', () => {
  it('is closed with 4413 after the events it holds, and its subscriptions end at once', async () => {
    const base = idle;
    const { ws, messages, closed } = await rawClient();
    const { rv } = await current();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const id of ids) ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: LIST(rv) } }));
    await eventually(() => expect(watchers()).toBe(base + ids.length));
    ws.pause();
    // Each subscription has one message in flight: together they outgrow the bound. The socket is
    // closed and its subscriptions end while the client still does not read (the hub would cut
    // them off too, but only after 20 more writes).
    const big = 'x'.repeat(512 * 1024);
    const writes: Meta[] = [];
    while (watchers() > base) {
      if (writes.length > 10) throw new Error('the subscriptions did not end');
      const r = await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: `big-${written++}` }, data: { big } });
      writes.push({ name: r.body.metadata?.name as string, resourceVersion: r.body.metadata?.resourceVersion as string });
    }
    ws.resume();
    const { code, reason } = await closed;
    expect(code).toBe(CLOSE_TOO_SLOW);
    expect(reason).toContain(`over ${MAX_BUFFERED} bytes unsent`);
    for (const id of ids) {
      const events = payloadsOf(messages, id).map(metaOf);
      expect(events.length).toBeGreaterThan(0);
      expect(events).toEqual(writes.slice(0, events.length));
    }
  });
});
