/**
 * The front proxy (docs/shards.md): one URL in front of the shards. It answers its own health
 * checks, resolves `/clusters/<path>` by its index to the shard holding the logical cluster and
 * forwards the request there as `/clusters/<cluster-name>/…` (kcp's front proxy rewrites so too);
 * a provider's view (`/services/apiexport/<cluster>/…`) goes to the shard holding the export's
 * cluster. Whatever the index does not know (an unknown path, a home not made yet, requests
 * outside `/clusters`) goes to the root shard, which answers exactly as it would without a proxy.
 * With the installation's CA it authenticates clients itself and names them to the shards in
 * X-Remote-* headers over connections carrying its own certificate (authentication.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { listenUrl } from '../meta/index.js';
import type { AuthUser } from '../auth/index.js';
import type { Connection } from '../sdk/index.js';
import type { ProxyAuthentication } from './authentication.js';
import { forward, forwardUpgrade, refuseUpgradeSocket, sendUnavailable, statusBody, type Upstream } from './forward.js';
import { forwardingEndpoint, PathIndex, ShardFeeds, type ClientCertificate, type FeedLog } from '../shards/index.js';

export interface FrontProxyOptions {
  port: number;
  host: string;
  /**
   * Serve HTTPS with these (the proxy's own serving certificate); plain HTTP when absent. With
   * `ca`, clients are asked for a certificate of that CA (authentication checks it).
   */
  tls?: { key: string; cert: string; ca?: string };
  /** The root shard and the credentials every shard accepts (the feeds use them; forwarded requests never do). */
  root: Connection;
  log: FeedLog;
  /** Who the proxy vouches for by itself; without it (or `forwardAs`) clients' credentials go on as sent. */
  authentication?: ProxyAuthentication;
  /** The proxy's own client certificate (CN atoll-front-proxy), presented on every forwarded request. */
  forwardAs?: ClientCertificate;
}

/**
 * The request's path with dot segments resolved, as the shard's URL parser will see it: routing
 * must look at the same path the shard serves, not at `/clusters/a/../../clusters/b`.
 */
function normalized(url: string | undefined): string {
  const parsed = new URL(url ?? '/', 'http://proxy.invalid');
  return `${parsed.pathname}${parsed.search}`;
}

export class FrontProxy {
  readonly index = new PathIndex();
  private readonly feeds: ShardFeeds;
  private readonly root: Upstream;
  private server: http.Server | undefined;
  private ready = false;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private readonly options: FrontProxyOptions) {
    this.feeds = new ShardFeeds(this.index, { connection: options.root, log: options.log, ...(options.forwardAs ? { forwardAs: options.forwardAs } : {}) });
    this.root = forwardingEndpoint(options.root, options.root.server, options.forwardAs);
  }

  async start(): Promise<void> {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    const tls = this.options.tls;
    // rejectUnauthorized false: a client without a certificate (a token) still comes in.
    const server = tls ? https.createServer({ ...tls, ...(tls.ca ? { requestCert: true, rejectUnauthorized: false } : {}) }, onRequest) : http.createServer(onRequest);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.options.port, host: this.options.host, backlog: 4096 }, () => resolve());
    });
    this.url = listenUrl(this.options.tls !== undefined, this.options.host, (server.address() as AddressInfo).port);
    try {
      await this.feeds.start();
    } catch (err) {
      // A proxy that cannot follow the shards must not stay up answering 503 to everything: it
      // closes, so the process ends and whoever runs it sees why.
      await this.stop();
      throw err;
    }
    this.options.authentication?.start();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.options.authentication?.stop();
    const server = this.server;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    await this.feeds.stop();
    this.root.agent.destroy();
  }

  /** Where a request goes, with its path as that shard is asked. */
  target(url: string): { upstream: Upstream; path: string } | { refused: string } | { unavailable: string } {
    const m = /^\/clusters\/([^/?]+)(.*)$/.exec(url);
    if (m) {
      const ref = decodeURIComponent(m[1] as string);
      if (ref === '*') return { refused: 'requests across all workspaces are served by each shard, not through the front proxy' };
      const route = this.index.resolve(ref);
      if (!route) return { upstream: this.root, path: url };
      const upstream = this.feeds.upstream(route.shard);
      if (!upstream) return { unavailable: `shard ${route.shard} is not known to the front proxy yet` };
      return { upstream, path: `/clusters/${route.cluster}${m[2] ?? ''}` };
    }
    const view = /^\/services\/apiexport\/([^/?]+)\//.exec(url);
    if (view) {
      const route = this.index.resolve(decodeURIComponent(view[1] as string));
      const upstream = route && this.feeds.upstream(route.shard);
      if (upstream) return { upstream, path: url };
    }
    return { upstream: this.root, path: url };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = normalized(req.url);
    if (url === '/healthz' || url === '/livez') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (url === '/readyz') return void res.writeHead(this.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(this.ready ? 'ok' : 'the shards are not indexed yet');
    const target = this.target(url);
    if ('refused' in target) return void res.writeHead(403, { 'content-type': 'application/json' }).end(statusBody(403, 'Forbidden', target.refused));
    if ('unavailable' in target) return sendUnavailable(res, target.unavailable);
    const { upstream, path } = target;
    this.vouch(req, upstream, (user) => {
      if (user && this.options.authentication) res.once('close', this.options.authentication.track(req, user, () => res.destroy()));
      forward(req, res, { upstream, path, unavailable: (err) => sendUnavailable(res, `the shard cannot be reached: ${err.message}`), user });
    });
  }

  /** Calls `then` with the user the proxy authenticated, when the upstream takes it from the proxy; else with none. */
  private vouch(req: IncomingMessage, upstream: Upstream, then: (user: AuthUser | undefined) => void): void {
    const authentication = this.options.authentication;
    if (!authentication || !upstream.identifies) return then(undefined);
    authentication
      .authenticate(req)
      .then(then, () => then(undefined))
      // Forwarding that throws would otherwise be an unhandled rejection (the process's end).
      .catch((err: unknown) => {
        this.options.log.warn({ err: String(err), url: req.url }, 'a request could not be forwarded');
        req.socket.destroy();
      });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = this.target(normalized(req.url));
    const refuse = (code: number, reason: string, message: string): void => refuseUpgradeSocket(socket, code, reason, message);
    if ('refused' in target) return refuse(403, 'Forbidden', target.refused);
    if ('unavailable' in target) return refuse(503, 'ServiceUnavailable', target.unavailable);
    const { upstream, path } = target;
    this.vouch(req, upstream, (user) => {
      if (user && this.options.authentication) socket.once('close', this.options.authentication.track(req, user, () => socket.destroy()));
      forwardUpgrade(req, socket, head, { upstream, path, unavailable: (err) => refuse(503, 'ServiceUnavailable', `the shard cannot be reached: ${err.message}`), user });
    });
  }
}
