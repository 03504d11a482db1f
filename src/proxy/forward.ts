/**
 * Forwarding one request to a shard, streaming both ways: the request body as it arrives (large
 * bodies are never buffered here; the shard enforces its own limits), the answer as the shard
 * writes it (a watch's events reach the client as the shard flushes them), and WebSocket
 * upgrades (graphql-ws) spliced socket to socket once the shard has switched protocols.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { AuthUser } from '../auth/index.js';
import { asAuthenticated } from './authentication.js';

/** A shard as the proxy dials it. */
export interface Upstream {
  /** Scheme, host and port. */
  origin: string;
  agent: http.Agent;
  /**
   * The agent presents the front proxy's client certificate, so the shard takes the user from
   * X-Remote-* headers (request-header authentication); without it the client's credentials go on.
   */
  identifies?: boolean;
  /**
   * Credentials of the caller's own to present instead of the client's (a shard sending a
   * provider's request on to the shard holding the consumer, with the shards' token).
   */
  bearer?: string;
}

/** RFC 9110's connection-specific headers, which name this hop only and are never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The headers to send on: the hop-by-hop ones (and those `Connection` names) dropped, `X-Forwarded-*` set. */
export function forwardedHeaders(req: IncomingMessage, keepUpgrade = false): IncomingHttpHeaders {
  const named = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // X-Remote-*: the request-header identity a shard will take from the proxy alone; a client's are dropped.
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || name.startsWith('x-remote-')) continue;
    out[name] = value;
  }
  if (keepUpgrade) {
    out.connection = 'Upgrade';
    out.upgrade = req.headers.upgrade;
  }
  const client = req.socket.remoteAddress ?? '';
  out['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${client}` : client;
  out['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
  if (req.headers.host) out['x-forwarded-host'] = req.headers.host;
  return out;
}

/** The headers with `token` as the only credentials: the client's, and any impersonation, dropped. */
function withBearer(headers: IncomingHttpHeaders, token: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (name !== 'authorization' && !name.startsWith('impersonate-')) out[name] = value;
  out.authorization = `Bearer ${token}`;
  return out;
}

/** Where a request goes on, as whom, and what answers when the shard cannot be reached. */
export interface ForwardTarget {
  upstream: Upstream;
  /** Path and query at the shard. */
  path: string;
  /** Answers the client when the shard cannot be reached before anything was sent. */
  unavailable: (err: Error) => void;
  /** Who the proxy authenticated the client as, passed on when the upstream takes it from the proxy. */
  user?: AuthUser;
  /** Headers of the forwarder's own (Atoll's internal `atoll-*` headers, which a client's request never carries on). */
  set?: Readonly<Record<string, string>>;
}

function open(req: IncomingMessage, headers: IncomingHttpHeaders, { upstream, path, user, set }: ForwardTarget): http.ClientRequest {
  const request = upstream.origin.startsWith('https:') ? https.request : http.request;
  const identified = user && upstream.identifies ? asAuthenticated(headers, user) : upstream.bearer ? withBearer(headers, upstream.bearer) : headers;
  const sent: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(identified)) if (!name.startsWith('atoll-')) sent[name] = value;
  return request(`${upstream.origin}${path}`, { method: req.method ?? 'GET', headers: { ...sent, ...set }, agent: upstream.agent });
}

/**
 * Sends `req` to `target` and the shard's answer back. A connection lost midway ends the
 * client's too, so a watch client re-watches as it would after a shard restart.
 */
export function forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget): void {
  const out = open(req, forwardedHeaders(req), target);
  out.on('response', (answer) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
    // A stream (a watch, SSE: no length) may say nothing for a while: the client should have the
    // headers now. An answer of known length goes out with its body, in one write.
    if (answer.headers['content-length'] === undefined) res.flushHeaders();
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  out.on('error', (err) => {
    if (!res.headersSent) target.unavailable(err);
    else res.destroy();
  });
  // The client went away: so does the request to the shard (a watch stops there too).
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
  req.pipe(out);
}

/** The head of an HTTP/1.1 answer, for a socket that is not a ServerResponse. */
function head(status: number, message: string, headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): string {
  let text = `HTTP/1.1 ${status} ${message}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
  }
  return `${text}\r\n`;
}

/** A Status body as the apiserver writes one. */
export const statusBody = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

/** 503 with `Retry-After: 1` and a Status: a shard that cannot be reached, as the client is told. */
export function sendUnavailable(res: ServerResponse, message: string): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(statusBody(503, 'ServiceUnavailable', message));
}

/** A refusal written on an upgrade's socket (there is no ServerResponse), with `Retry-After: 1`; the socket ends. */
export function refuseUpgradeSocket(socket: Duplex, code: number, reason: string, message: string): void {
  const body = statusBody(code, reason, message);
  socket.end(`${head(code, reason, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'retry-after': '1', connection: 'close' })}${body}`);
}

/**
 * A WebSocket upgrade: asked of the shard with the client's headers; once the shard answers 101,
 * the two sockets are joined. Any other answer is relayed as it is and the client's socket ends.
 */
export function forwardUpgrade(req: IncomingMessage, socket: Duplex, upgradeHead: Buffer, target: ForwardTarget): void {
  const out = open(req, forwardedHeaders(req, true), target);
  out.on('upgrade', (answer, shardSocket, shardHead) => {
    socket.write(head(101, answer.statusMessage ?? 'Switching Protocols', answer.headers));
    if (shardHead.length > 0) socket.write(shardHead);
    if (upgradeHead.length > 0) shardSocket.write(upgradeHead);
    shardSocket.pipe(socket);
    socket.pipe(shardSocket);
    const close = (): void => {
      shardSocket.destroy();
      socket.destroy();
    };
    shardSocket.on('error', close);
    socket.on('error', close);
    shardSocket.on('close', close);
    socket.on('close', close);
  });
  out.on('response', (answer) => {
    const headers = { ...answer.headers, connection: 'close' };
    delete headers['transfer-encoding'];
    socket.write(head(answer.statusCode ?? 502, answer.statusMessage ?? '', headers));
    answer.pipe(socket);
  });
  out.on('error', (err) => target.unavailable(err));
  socket.on('error', () => out.destroy());
  out.end();
}
