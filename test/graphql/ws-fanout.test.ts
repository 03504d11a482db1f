/**
 * graphql-ws subscriptions sent to in one loop (src/graphql/ws-fanout.ts): their watches are
 * polled, not iterated, the write is answered before its events go out, what a turn has for one
 * socket goes out in one write (ws-transport.ts), each subscription gets
 * every event in order with its own id, one completed mid-stream gets nothing more, and callers
 * who may read different things never share an execution. (Slow subscribers: slow-subscribers.test.ts.)
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Watch } from '../../src/storage/index.js';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-ws-fanout-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['alice-token,alice,4001', 'bob-token,bob,4002'].join('\n') + '\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WS = 'root:ws-fanout';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const LIST = (rv: string, ns = 'default'): string =>
  `subscription { v1_configmaps(namespace: "${ns}", resourceVersion: "${rv}") { type object { metadata { name resourceVersion } namespaceObject { metadata { name } } } } }`;

interface Event {
  type: string;
  object: { metadata: { name: string; resourceVersion: string }; namespaceObject: { metadata: { name: string } } | null };
}
interface Message {
  id?: string;
  type: string;
  payload?: { data?: { v1_configmaps?: Event } | null; errors?: { message: string }[] };
}

/** A raw graphql-ws socket (to see ids and message types), with every message it received per id. */
async function socket(token: string): Promise<{ ws: WebSocket; byId: Map<string, Message[]>; subscribe(id: string, query: string): void; complete(id: string): void }> {
  const ws = new WebSocket(`${fx.base.replace(/^http/, 'ws')}/clusters/${WS}/graphql`, 'graphql-transport-ws');
  const byId = new Map<string, Message[]>();
  let acknowledged = false;
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message;
    if (m.type === 'connection_ack') acknowledged = true;
    if (m.id !== undefined) byId.set(m.id, [...(byId.get(m.id) ?? []), m]);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await eventually(() => expect(acknowledged).toBe(true));
  return {
    ws,
    byId,
    subscribe: (id, query) => ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query } })),
    complete: (id) => ws.send(JSON.stringify({ id, type: 'complete' })),
  };
}

const nexts = (messages: Message[] | undefined): Event[] => (messages ?? []).filter((m) => m.type === 'next').map((m) => m.payload?.data?.v1_configmaps as Event);

async function currentRv(ns = 'default'): Promise<string> {
  const list = await fx.call('GET', CONFIGMAPS(WS, ns));
  return list.body.metadata?.resourceVersion ?? '';
}

const patch = (name: string, n: number, ns = 'default') => fx.call('PATCH', `${CONFIGMAPS(WS, ns)}/${name}`, { data: { n: String(n) } }, 'application/merge-patch+json');

async function bind(name: string, role: string, user: string, namespace?: string, kind = 'ClusterRole'): Promise<void> {
  const url = namespace ? `/clusters/${WS}${RBAC}/namespaces/${namespace}/rolebindings` : `/clusters/${WS}${RBAC}/clusterrolebindings`;
  const body = { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] };
  expect((await fx.call('POST', url, body)).status).toBe(201);
}

beforeAll(async () => {
  await fx.workspace('root', 'ws-fanout');
  expect((await fx.call('POST', `/clusters/${WS}/api/v1/namespaces`, { metadata: { name: 'views' } })).status).toBe(201);
  for (let i = 0; i < 20; i++) expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: `cm-${i}` } })).status).toBe(201);
  expect((await fx.call('POST', CONFIGMAPS(WS, 'views'), { metadata: { name: 'seen' } })).status).toBe(201);
  // alice may read namespaces themselves (view, cluster-wide), bob only the ConfigMaps of `views`.
  for (const user of ['alice', 'bob']) await bind(`${user}-access`, 'system:kcp:workspace:access', user);
  await bind('alice-view', 'view', 'alice');
  const role = { metadata: { name: 'configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] };
  expect((await fx.call('POST', `/clusters/${WS}${RBAC}/namespaces/views/roles`, role)).status).toBe(201);
  await bind('bob-configmaps', 'configmaps', 'bob', 'views', 'Role');
});

describe('graphql-ws fan-out', () => {
  it('polls the watches of graphql-ws subscriptions, and answers a write before sending its events', async () => {
    const s = await socket(fx.adminToken);
    try {
      const rv = await currentRv();
      for (const id of ['a', 'b', 'c']) s.subscribe(id, LIST(rv));
      expect((await patch('cm-0', 1)).status).toBe(200);
      await eventually(() => expect(['a', 'b', 'c'].map((id) => nexts(s.byId.get(id)).length)).toEqual([1, 1, 1]));

      // The hub's watchers, as the store hands them out.
      const probe = fx.server.registry.store.watch({ cluster: WS });
      const watcher = Object.getPrototypeOf(probe) as Required<Watch>;
      probe.close();
      const next = vi.spyOn(watcher, 'next');
      const poll = vi.spyOn(watcher, 'poll');
      const calls = { next: 0, poll: 0 };
      // The order in which the PATCH's response and the `next` messages are handed to their sockets.
      const order: string[] = [];
      const realEnd = http.ServerResponse.prototype.end;
      const realSend = WebSocket.prototype.send;
      http.ServerResponse.prototype.end = function (this: http.ServerResponse, ...args: Parameters<typeof realEnd>) {
        if (this.req.method === 'PATCH') order.push('response');
        return realEnd.apply(this, args);
      } as typeof realEnd;
      WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<typeof realSend>) {
        if (String(args[0]).includes('"type":"next"')) order.push('next');
        return realSend.apply(this, args);
      } as typeof realSend;
      try {
        expect((await patch('cm-0', 2)).status).toBe(200);
        await eventually(() => expect(['a', 'b', 'c'].map((id) => nexts(s.byId.get(id)).length)).toEqual([2, 2, 2]));
      } finally {
        http.ServerResponse.prototype.end = realEnd;
        WebSocket.prototype.send = realSend;
        calls.next = next.mock.calls.length;
        calls.poll = poll.mock.calls.length;
        next.mockRestore();
        poll.mockRestore();
      }
      expect(calls.next).toBe(0);
      expect(calls.poll).toBeGreaterThanOrEqual(3);
      expect(order).toEqual(['response', 'next', 'next', 'next']);
    } finally {
      s.ws.close();
    }
  });

  it('sends what one turn has for a socket in one write', async () => {
    const s = await socket(fx.adminToken);
    try {
      const rv = await currentRv();
      for (const id of ['a', 'b', 'c']) s.subscribe(id, LIST(rv));
      expect((await patch('cm-4', 1)).status).toBe(200);
      await eventually(() => expect(['a', 'b', 'c'].map((id) => nexts(s.byId.get(id)).length)).toEqual([1, 1, 1]));
      // The server's end of this connection is the socket whose peer is the client's end.
      const port = (s.ws as unknown as { _socket: net.Socket })._socket.localPort;
      const writes: number[] = [];
      const proto = net.Socket.prototype as unknown as { _writev: (this: net.Socket, ...a: unknown[]) => void; _write: (this: net.Socket, ...a: unknown[]) => void };
      const { _writev, _write } = proto;
      proto._writev = function (this: net.Socket, ...a: unknown[]) {
        if (this.remotePort === port) writes.push((a[0] as unknown[]).length);
        return _writev.apply(this, a);
      };
      proto._write = function (this: net.Socket, ...a: unknown[]) {
        if (this.remotePort === port) writes.push(1);
        return _write.apply(this, a);
      };
      try {
        expect((await patch('cm-4', 2)).status).toBe(200);
        await eventually(() => expect(['a', 'b', 'c'].map((id) => nexts(s.byId.get(id)).length)).toEqual([2, 2, 2]));
      } finally {
        proto._writev = _writev;
        proto._write = _write;
      }
      // Three messages, each a frame header and its payload: one write of six pieces.
      expect(writes).toEqual([6]);
    } finally {
      s.ws.close();
    }
  });

  it('sends each subscription every event of a burst, in order, with its own id and payload', async () => {
    const s = await socket(fx.adminToken);
    try {
      const rv = await currentRv();
      const ids = ['x', 'y"', 'z\\'];
      for (const id of ids) s.subscribe(id, LIST(rv));
      expect((await patch('cm-1', 0)).status).toBe(200);
      await eventually(() => expect(ids.map((id) => nexts(s.byId.get(id)).length)).toEqual([1, 1, 1]));
      // Twenty writes at once: several events reach each subscription in one loop.
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => patch(`cm-${i}`, 100 + i)));
      const versions = replies.map((r) => r.body.metadata?.resourceVersion).sort((a, b) => Number(a) - Number(b));
      await eventually(() => expect(ids.map((id) => nexts(s.byId.get(id)).length)).toEqual([21, 21, 21]));
      for (const id of ids) {
        const events = nexts(s.byId.get(id)).slice(1);
        expect(events.map((e) => e.object.metadata.resourceVersion)).toEqual(versions);
        for (const e of events) expect(e).toMatchObject({ type: 'MODIFIED', object: { namespaceObject: { metadata: { name: 'default' } } } });
        expect((s.byId.get(id) ?? []).every((m) => m.id === id)).toBe(true);
      }
    } finally {
      s.ws.close();
    }
  });

  it('sends nothing more to a subscription completed during a fan-out, and goes on with the others', async () => {
    const s = await socket(fx.adminToken);
    try {
      const rv = await currentRv();
      s.subscribe('stays', LIST(rv));
      s.subscribe('goes', LIST(rv));
      expect((await patch('cm-2', 0)).status).toBe(200);
      await eventually(() => expect(['stays', 'goes'].map((id) => nexts(s.byId.get(id)).length)).toEqual([1, 1]));
      // The client completes `goes` as soon as it sees the first event of a burst.
      let completed = false;
      s.ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Message;
        if (!completed && m.id === 'goes' && m.type === 'next' && nexts(s.byId.get('goes')).length > 1) {
          completed = true;
          s.complete('goes');
        }
      });
      await Promise.all(Array.from({ length: 20 }, (_, i) => patch(`cm-${i}`, 200 + i)));
      await eventually(() => expect(nexts(s.byId.get('stays')).length).toBe(21));
      expect(completed).toBe(true);
      const before = nexts(s.byId.get('goes')).length;
      // A write after the complete (which the server took before this subscribe) reaches `stays` and the new one only.
      s.subscribe('later', LIST(await currentRv()));
      expect((await patch('cm-3', 300)).status).toBe(200);
      await eventually(() => expect(nexts(s.byId.get('later')).length).toBe(1));
      await eventually(() => expect(nexts(s.byId.get('stays')).length).toBe(22));
      expect(nexts(s.byId.get('goes')).length).toBe(before);
      // The server sends no `complete` for what the client completed, nor an error.
      expect((s.byId.get('goes') ?? []).map((m) => m.type).filter((t) => t !== 'next')).toEqual([]);
      expect(s.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      s.ws.close();
    }
  });

  it('never shares an execution between callers who may read different things, whoever subscribes first', async () => {
    for (const first of ['alice', 'bob']) {
      const order = first === 'alice' ? ['alice', 'bob'] : ['bob', 'alice'];
      const sockets = new Map<string, Awaited<ReturnType<typeof socket>>>();
      for (const user of order) sockets.set(user, await socket(`${user}-token`));
      try {
        const rv = await currentRv('views');
        for (const user of order) (sockets.get(user) as Awaited<ReturnType<typeof socket>>).subscribe('s', LIST(rv, 'views'));
        expect((await patch('seen', first === 'alice' ? 1 : 2, 'views')).status).toBe(200);
        const got = (user: string): Message[] => (sockets.get(user) as Awaited<ReturnType<typeof socket>>).byId.get('s') ?? [];
        await eventually(() => expect([got('alice').length, got('bob').length]).toEqual([1, 1]));
        // alice reads the namespace the ConfigMap is in; bob may not, and is told so.
        expect(got('alice')[0]?.payload?.data?.v1_configmaps?.object.namespaceObject).toEqual({ metadata: { name: 'views' } });
        expect(got('alice')[0]?.payload?.errors).toBeUndefined();
        expect(got('bob')[0]?.payload?.data?.v1_configmaps?.object.namespaceObject).toBeNull();
        expect(got('bob')[0]?.payload?.errors?.length).toBeGreaterThan(0);
      } finally {
        for (const s of sockets.values()) s.ws.close();
      }
    }
  });
});
