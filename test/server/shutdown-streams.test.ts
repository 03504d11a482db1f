/**
 * Shutdown with long-running requests open: a REST watch stream and a graphql-ws subscription end
 * cleanly (the watch's chunked body is finished, not cut off; the WebSocket gets a close frame),
 * so clients re-watch at once instead of the server waiting out its drain period and then
 * severing them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { AtollServer } from '../../src/server/index.js';
import { bearer } from '../support/server-fixture.js';

it('ends open watches and subscriptions cleanly when the server stops', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-shutdown-'));
  const server = new AtollServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, pino({ level: 'silent' }));
  try {
    await server.start();
    const headers = bearer(server.adminToken);
    const watch = await fetch(`${server.baseUrl}/clusters/root/api/v1/namespaces?watch=1`, { headers });
    expect(watch.status).toBe(200);
    const reader = watch.body!.getReader();
    await reader.read(); // the ADDED of `default`: the stream is live

    const closed = new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/clusters/root/graphql`, 'graphql-transport-ws', { headers });
      ws.on('close', (code) => resolve(code));
    });
    const client = createClient({
      url: `${server.baseUrl.replace('http', 'ws')}/clusters/root/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: headers,
    });
    const first = new Promise<void>((resolve, reject) => {
      client.subscribe({ query: 'subscription { v1_namespaces { type } }' }, { next: () => resolve(), error: reject, complete: () => undefined });
    });
    await first;

    await server.stop();
    // A clean end of the chunked body reads as done; a severed socket would throw here.
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
    expect(await closed).toBe(1001);
    await client.dispose();
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
