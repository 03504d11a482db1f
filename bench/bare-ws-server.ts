/**
 * The fan-out benchmark's floor, run as its own process (`node dist/bench/bare-ws-server.js`): a
 * node:http server with `ws` that speaks just enough of graphql-transport-ws and of the REST
 * fan-out's requests for `fanout()` (graphql-fanout.ts) to run against it unchanged, and does
 * nothing else. What the same graphql-ws clients see from it is what one event loop writing one
 * frame to each of N sockets costs on this machine, so Atoll's fan-out can be read against it.
 *
 * - GET of the ConfigMap list answers an empty list with the current resourceVersion.
 * - PATCH of a ConfigMap counts the resourceVersion up and answers `{metadata: {name,
 *   resourceVersion}}`; on the next turn of the event loop (as Atoll's hub does, so the response
 *   leaves first) every subscription gets a `next` with the MODIFIED event of that name and version,
 *   the payload serialized once and shared, each message `ws.send` on its own.
 * - graphql-ws: `connection_init` → `connection_ack`; `subscribe` registers (socket, id) whatever
 *   the query, and first sends the events after the `resourceVersion: "<n>"` the query names (the
 *   bench subscribes from a version and writes before every subscription is in, as a watch
 *   allows); `complete` removes it; `ping` → `pong`. No auth, no keep-alive, no schema.
 *
 * Logs `{"msg":"bare graphql-ws server is serving","url":...}` once listening; SIGTERM stops it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export const BARE_WS_READY_MSG = 'bare graphql-ws server is serving';
export const BARE_WS_MAIN = new URL('./bare-ws-server.js', import.meta.url);

const PROTOCOL = 'graphql-transport-ws';
const FROM_VERSION = /resourceVersion:\s*"(\d+)"/;
const CONFIGMAPS = /^\/clusters\/[^/]+\/api\/v1\/namespaces\/default\/configmaps(?:\/([^/?]+))?(?:\?.*)?$/;

function main(): void {
  let revision = 1;
  const subscriptions = new Map<WebSocket, Set<string>>();
  /** Every event's payload; the one of revision r at r - 2 (the first write makes revision 2). */
  const history: string[] = [];
  const next = (id: string, payload: string): string => `{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`;

  const publish = (name: string, resourceVersion: string): void => {
    const payload = JSON.stringify({ data: { v1_configmaps: { type: 'MODIFIED', object: { metadata: { name, resourceVersion } } } } });
    history.push(payload);
    for (const [socket, ids] of subscriptions) {
      for (const id of ids) socket.send(next(id, payload));
    }
  };

  const server = http.createServer((req, res) => {
    const match = CONFIGMAPS.exec(req.url ?? '');
    const reply = (status: number, body: object): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    req.resume();
    req.on('end', () => {
      if (match && req.method === 'GET' && match[1] === undefined) {
        reply(200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: String(revision) }, items: [] });
      } else if (match && req.method === 'PATCH' && match[1] !== undefined) {
        const name = decodeURIComponent(match[1]);
        const resourceVersion = String(++revision);
        reply(200, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace: 'default', resourceVersion } });
        setImmediate(() => publish(name, resourceVersion));
      } else {
        reply(404, { kind: 'Status', status: 'Failure', code: 404 });
      }
    });
  });
  server.keepAliveTimeout = 65_000;

  const wss = new WebSocketServer({ server, handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false) });
  wss.on('connection', (socket) => {
    const ids = new Set<string>();
    socket.on('message', (data) => {
      let message: { type?: unknown; id?: unknown };
      try {
        message = JSON.parse(data.toString()) as { type?: unknown; id?: unknown };
      } catch {
        socket.close(4400, 'message is not JSON');
        return;
      }
      if (message.type === 'connection_init') {
        socket.send('{"type":"connection_ack"}');
      } else if (message.type === 'subscribe' && typeof message.id === 'string') {
        const query = (message as { payload?: { query?: unknown } }).payload?.query;
        const from = typeof query === 'string' ? Number(FROM_VERSION.exec(query)?.[1] ?? revision) : revision;
        for (const payload of history.slice(Math.max(0, from - 1))) socket.send(next(message.id, payload));
        ids.add(message.id);
        subscriptions.set(socket, ids);
      } else if (message.type === 'complete' && typeof message.id === 'string') {
        ids.delete(message.id);
      } else if (message.type === 'ping') {
        socket.send('{"type":"pong"}');
      } else if (message.type !== 'pong') {
        socket.close(4400, 'unexpected message');
      }
    });
    socket.on('close', () => subscriptions.delete(socket));
  });

  server.listen({ port: 0, host: '127.0.0.1' }, () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ msg: BARE_WS_READY_MSG, url: `http://127.0.0.1:${port}` }));
  });
  process.once('SIGTERM', () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.close();
    server.closeAllConnections();
  });
}

// Imported by the suite for its constants; runs only as the child's main module.
if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === BARE_WS_MAIN.href) main();
