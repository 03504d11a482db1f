/**
 * Shutdown is bounded even while clients re-watch in a tight loop. A REST watch ended by shutdown
 * is re-issued at once over the same kept-alive connection, and a graphql-ws subscription is
 * re-subscribed at once over a new WebSocket; if the server served those during its drain they
 * would keep it alive (once, SIGTERM took 99.8 s and the data directory stayed locked). One more
 * client opened a connection and never started its TLS handshake: only the drain budget ends it
 * (TLS's own handshake timeout is two minutes). The process must exit — before this test's timeout,
 * far above the budget — and a second server must start on the same data directory.
 */
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { requestAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';

const procs: AtollProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const WATCH = '/clusters/root/api/v1/namespaces/default/configmaps?watch=1';
const SUBSCRIPTION = 'subscription { v1_namespaces { type } }';

/** One REST watch, to its end (or its error); `started` is called once it is answered. Resolves with whether it was. */
function watchOnce(atoll: AtollProcess, agent: https.Agent, started: () => void): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.request(new URL(WATCH, atoll.url), { agent, headers: atoll.headers }, (res) => {
      if (res.statusCode === 200) started();
      res.resume();
      res.on('end', () => resolve(true));
      res.on('error', () => resolve(true));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** One graphql-ws subscription, to its end (complete, error, or a closed socket); `started` is called at its first event. Resolves with whether it started. */
function subscribeOnce(atoll: AtollProcess, started: () => void): Promise<boolean> {
  const ca = atoll.ca;
  class TrustingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { ca });
    }
  }
  const client = createClient({
    url: `${atoll.url.replace('https', 'wss')}/clusters/root/graphql`,
    webSocketImpl: TrustingWebSocket,
    retryAttempts: 0,
    connectionParams: atoll.headers,
  });
  return new Promise<boolean>((resolve) => {
    let first = true;
    const next = (): void => {
      if (first) started();
      first = false;
    };
    client.subscribe({ query: SUBSCRIPTION }, { next, error: () => resolve(!first), complete: () => resolve(!first) });
  }).finally(() => client.dispose());
}

it('exits under clients that re-watch and re-subscribe in a tight loop, and frees the data directory', { timeout: 60_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-shutdown-'));
  dirs.push(dataDir);
  const atoll = await startAtoll(['--port', '0', '--data-dir', dataDir]);
  procs.push(atoll);
  const exited = new Promise<number | null>((resolve) => atoll.child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  let watches = 0;
  let subscriptions = 0;
  const watched = (): void => void watches++;
  const subscribed = (): void => void subscriptions++;
  const agents = [0, 1, 2].map(() => new https.Agent({ keepAlive: true, maxSockets: 1, ca: atoll.ca }));
  const loops = [
    // Each REST client keeps one connection and re-watches on it the moment a watch ends.
    ...agents.map(async (agent) => {
      while (!gone) {
        // At once after an answer; a refused connection (the server gone) is retried a little later.
        await sleep((await watchOnce(atoll, agent, watched)) ? 0 : 10);
      }
    }),
    ...[0, 1].map(async () => {
      while (!gone) {
        await sleep((await subscribeOnce(atoll, subscribed)) ? 0 : 10);
      }
    }),
  ];
  const stalled = new net.Socket();
  try {
    // Every client is watching before the signal.
    await expect.poll(() => watches >= agents.length && subscriptions >= 2, { timeout: 30_000 }).toBe(true);
    stalled.on('error', () => undefined);
    await new Promise((resolve) => stalled.connect(Number(new URL(atoll.url).port), '127.0.0.1', () => resolve(undefined)));
    // The server has it once it answers the next request (connections are accepted in order).
    expect((await requestAtoll(atoll, '/clusters/root/api/v1/namespaces/default/configmaps', { method: 'GET', headers: atoll.headers })).status).toBe(200);
    process.kill(-(atoll.child.pid as number), 'SIGTERM');
    // The bound is the server's drain budget; this test's timeout is far above it.
    expect(await exited).toBe(0);
  } finally {
    gone = true;
    await Promise.all(loops);
    for (const agent of agents) agent.destroy();
    stalled.destroy();
  }
  expect(atoll.logs()).toContain('"stopped"');

  // The data directory is free again: a second server starts on it and serves.
  const again = await startAtoll(['--port', '0', '--data-dir', dataDir]);
  procs.push(again);
  expect((await requestAtoll(again, '/readyz')).status).toBe(200);
  expect((await again.stop()).code).toBe(0);
});
