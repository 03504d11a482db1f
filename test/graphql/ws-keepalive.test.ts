/**
 * The graphql-ws keep-alive tells a dead peer from a live one whose process was held up: a client
 * that never answers a ping is terminated, but one whose pong arrived while the server's event
 * loop was blocked is not — after a block, timers run before the sockets are read, so the pong is
 * there, unread, when the next tick looks for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_GRAPHQL_SETTINGS } from '../../src/graphql/index.js';
import { useServer } from '../support/server-fixture.js';

const KEEPALIVE_MS = 200;
const fx = useServer({ graphql: { ...DEFAULT_GRAPHQL_SETTINGS, ws: { keepAliveMs: KEEPALIVE_MS } } });

const opened: WebSocket[] = [];
afterEach(() => {
  for (const ws of opened.splice(0)) ws.terminate();
});

/** A graphql-transport-ws connection, acknowledged. */
async function connect(options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(`${fx.base.replace('http', 'ws')}/clusters/root/graphql`, 'graphql-transport-ws', options);
  opened.push(ws);
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: fx.headers.authorization } }));
  await new Promise<void>((resolve) => ws.once('message', (d) => (JSON.parse(String(d)) as { type: string }).type === 'connection_ack' && resolve()));
  return ws;
}

/** Resolves once `ws` has been pinged `n` times; rejects if it closes first. */
const pinged = (ws: WebSocket, n: number, onPing: (count: number) => void = () => undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    let count = 0;
    ws.on('ping', () => {
      onPing(++count);
      if (count === n) resolve();
    });
    ws.once('close', (code) => reject(new Error(`closed with ${code} after ${count} pings`)));
  });

const closeCode = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.once('close', resolve));

describe('the graphql-ws keep-alive', () => {
  it('keeps a client whose pong came while the process was blocked', async () => {
    const ws = await connect();
    // ws has answered the first ping before emitting it; the process then stays busy for two
    // keep-alive intervals (server included), so the pong waits unread while the next tick is due.
    await pinged(ws, 4, (count) => {
      if (count !== 1) return;
      const until = Date.now() + KEEPALIVE_MS * 2;
      while (Date.now() < until);
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('terminates a client that answers no ping', async () => {
    const ws = await connect({ autoPong: false });
    expect(await closeCode(ws)).toBe(1006);
  });
});
