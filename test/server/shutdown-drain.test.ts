/**
 * The drain, from connections the server accepted before it stopped listening. Idle ones are closed
 * at once; a TLS connection still in its handshake is not idle yet, so it can finish it and send a
 * request during the drain — which is answered 503 ServiceUnavailable (a watch, or a WebSocket
 * upgrade, would otherwise hold the drain open), and the connection closes. A connection that never
 * finishes its handshake is closed when the drain budget is spent, so the stop ends anyway (TLS's
 * own handshake timeout would have held it for two minutes).
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { AtollServer } from '../../src/server/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

/** A TCP connection to `port`, resolved once the server has accepted it (Node's net.server.socket channel). */
async function acceptedConnection(port: number): Promise<net.Socket> {
  const accepted: number[] = [];
  const onAccept = (message: unknown): void => void accepted.push((message as { socket: net.Socket }).socket.remotePort ?? 0);
  diagnostics.subscribe('net.server.socket', onAccept);
  try {
    const raw = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
    await expect.poll(() => accepted.includes(raw.localPort ?? -1)).toBe(true);
    return raw;
  } finally {
    diagnostics.unsubscribe('net.server.socket', onAccept);
  }
}

/** Completes the TLS handshake over `raw`, sends `head` as the request, and returns the status line and headers of the answer. */
async function requestOver(raw: net.Socket, ca: string, head: string): Promise<string> {
  const socket = tls.connect({ socket: raw, ca, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  socket.write(head);
  let text = '';
  socket.setEncoding('utf8');
  await new Promise<void>((resolve) => {
    socket.on('data', (d: string) => {
      text += d;
      if (text.includes('\r\n\r\n')) resolve();
    });
    socket.once('close', () => resolve());
  });
  socket.destroy();
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
}

it('answers requests and upgrades that arrive during the drain 503, and closes what is left at the budget', { timeout: 60_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-drain-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const server = new AtollServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', tls: true }, pino({ level: 'silent' }));
  await server.start();
  cleanups.push(() => server.stop());
  const port = Number(new URL(server.baseUrl).port);
  const ca = server.pki?.ca.cert as string;
  const auth = `authorization: Bearer ${server.adminToken}\r\n`;

  const forWatch = await acceptedConnection(port);
  const forUpgrade = await acceptedConnection(port);
  // This one never says a word: only the drain budget ends it.
  const silent = await acceptedConnection(port);
  cleanups.push(() => void silent.destroy());

  const stopped = server.stop();
  const watch = await requestOver(forWatch, ca, `GET /clusters/root/api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nhost: localhost\r\n${auth}\r\n`);
  expect(watch).toMatch(/^HTTP\/1\.1 503 /);
  expect(watch.toLowerCase()).toContain('connection: close');
  const upgrade = await requestOver(
    forUpgrade,
    ca,
    `GET /clusters/root/graphql HTTP/1.1\r\nhost: localhost\r\n${auth}connection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-protocol: graphql-transport-ws\r\n\r\n`,
  );
  expect(upgrade).toMatch(/^HTTP\/1\.1 503 /);

  // The stop ends, the silent connection closed by the server at the end of the budget.
  const silentClosed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
  await stopped;
  await silentClosed;
});
