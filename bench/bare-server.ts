/**
 * The REST benchmark's ceiling, run as its own process (`node dist/bench/bare-server.js
 * <routes.json>`): a bare node:http server on 127.0.0.1 that answers each known path with bytes
 * captured from Atoll (same status, content type, headers and body) and does nothing else, so the
 * difference to Atoll is the cost of Atoll's request handling, not of HTTP or of the payload.
 * Logs `{"msg":"bare server is serving","url":...}` once listening; SIGTERM stops it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BARE_READY_MSG, type Routes } from './bare-routes.js';

interface Prepared {
  status: number;
  headers: Record<string, string | string[] | number>;
  body: Buffer;
}

function main(routesFile: string): void {
  const routes = JSON.parse(fs.readFileSync(routesFile, 'utf8')) as Routes;
  const prepared = new Map<string, Prepared>();
  for (const [path, canned] of Object.entries(routes)) {
    const body = Buffer.from(canned.bodyBase64, 'base64');
    prepared.set(path, { status: canned.status, headers: { ...canned.headers, 'content-length': body.length }, body });
  }
  const server = http.createServer((req, res) => {
    const route = prepared.get(req.url ?? '');
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
      res.end('not found');
      return;
    }
    res.writeHead(route.status, route.headers);
    res.end(route.body);
  });
  // As Atoll's server does, so idle keep-alive sockets behave the same.
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ msg: BARE_READY_MSG, url: `http://127.0.0.1:${port}` }));
  });
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
  });
}

const routesFile = process.argv[2];
if (routesFile === undefined) {
  console.error('usage: node dist/bench/bare-server.js <routes.json>');
  process.exitCode = 2;
} else {
  main(routesFile);
}
