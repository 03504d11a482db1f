/**
 * `npm run cluster`: the topology of docs/shards.md on one machine — N shard processes (the root
 * shard first, then `shard-1` … `shard-(N-1)`) sharing one PKI, and the front proxy in front of
 * them on the given port, all children of this process. It writes `<data-dir>/admin.kubeconfig`
 * pointing at the proxy as `npm start` writes its own, forwards the children's logs as JSON lines
 * with their role, takes the cluster down (exit 1) when a child dies, and on SIGTERM/SIGINT stops
 * the proxy first and the root shard last (a second signal kills them).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { listenUrl } from '../meta/index.js';
import { agentFor, HttpClient, loadKubeconfig, type Connection } from '../sdk/index.js';
import { ClusterChild, describeExit, textLine, type LineSink } from './cluster-children.js';
import { ConfigError, parseFlags, portOf } from './flags.js';
import { isLogFormat, isTextFormat, LOG_FORMATS, type LogFormat } from './logger.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import { startupSummary } from './startup-summary.js';

/** More shards than this on one machine is a typo, not a plan: each is a Node process. */
export const MAX_CLUSTER_SHARDS = 64;
/** MongoDB's longest database name is 63 bytes; each shard's is `<NAME>-<shard-name>`. */
const MAX_DB_NAME = 63;
export const ROOT_SHARD_NAME = 'root';
const SHARD_SERVING = 'Atoll is serving';
const PROXY_SERVING = 'Atoll front proxy is serving';
export const CLUSTER_SERVING = 'Atoll cluster is serving';

export const CLUSTER_USAGE = `Usage: npm run cluster -- [--shards 2] [--port 6443] [--host 127.0.0.1] [--data-dir .atoll-cluster]
                          [--plain-http] [--store embedded|mongodb://HOST:PORT/NAME] [--log-format auto]

Starts a front proxy and N shards (the root shard included) as processes on this machine, and
writes <data-dir>/admin.kubeconfig pointing at the proxy. Ctrl-C or SIGTERM stops them all.

  --shards     how many shards, the root shard included: 1-${MAX_CLUSTER_SHARDS} (env ATOLL_SHARDS, default 2)
  --port       the front proxy's port, where clients connect (env ATOLL_PORT, default 6443; 0
               picks a free one); the shards listen on free ports of their own
  --host       the address the proxy and the shards listen on (env ATOLL_HOST, default 127.0.0.1)
  --data-dir   the cluster's directory (env ATOLL_DATA_DIR, default .atoll-cluster): pki/ (the CA,
               signing keys and admin token every shard and the proxy share), one directory per
               shard (root/, shard-1/, …), proxy/, and admin.kubeconfig
  --plain-http every process serves plain HTTP (env ATOLL_PLAIN_HTTP=true)
  --store      embedded (each shard's SQLite in its directory) or a MongoDB URL naming a database
               NAME: each shard keeps its objects in its own database, NAME-<shard-name>
               (NAME-root, NAME-shard-1, …) (env ATOLL_STORE, default embedded)
  --log-format json (every process's log lines as JSON lines, each with its "role": root,
               shard-1, …, proxy, cluster), text (readable lines, "[role] message") or auto:
               text on a terminal, json otherwise (env ATOLL_LOG_FORMAT, default auto)`;

export interface ClusterConfig {
  shards: number;
  port: number;
  host: string;
  dataDir: string;
  tls: boolean;
  /** A MongoDB URL naming the database the shards' databases are named after; embedded when absent. */
  store?: string;
  logFormat: LogFormat;
}

/** `mongodb[+srv]://<authority>/<NAME>[?options]` → its parts, or undefined when it names no database. */
const MONGODB_URL = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/([^?]*)(\?.*)?$/;

export function parseClusterConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ClusterConfig | 'help' {
  const values = parseFlags(argv, {
        shards: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'plain-http': { type: 'boolean' },
        store: { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      });
  if (values.help) return 'help';
  const shardsText = values.shards ?? env.ATOLL_SHARDS ?? '2';
  const shards = Number(shardsText);
  if (!/^\d+$/.test(shardsText) || shards < 1 || shards > MAX_CLUSTER_SHARDS) {
    throw new ConfigError(`invalid number of shards "${shardsText}": expected 1-${MAX_CLUSTER_SHARDS} (the root shard counts as one)`);
  }
  const port = portOf(values.port, env);
  const dataDir = values['data-dir'] ?? env.ATOLL_DATA_DIR ?? '.atoll-cluster';
  if (dataDir.trim() === '') throw new ConfigError('the data directory must not be empty');
  const resolved = path.resolve(cwd, dataDir);
  if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) throw new ConfigError(`the data directory ${resolved} exists and is not a directory`);
  const store = values.store ?? env.ATOLL_STORE ?? 'embedded';
  if (store !== 'embedded') {
    const m = MONGODB_URL.exec(store);
    if (!m || !m[2]) throw new ConfigError(`invalid store "${store}": expected embedded or a MongoDB URL naming a database, mongodb://HOST:PORT/NAME (each shard uses NAME-<shard-name>)`);
    const longest = `${decodeURIComponent(m[2])}-${shardName(shards - 1)}`;
    if (Buffer.byteLength(longest) > MAX_DB_NAME) throw new ConfigError(`the database name "${m[2]}" is too long: each shard's, such as "${longest}", must fit MongoDB's ${MAX_DB_NAME} bytes`);
  }
  const logFormat = values['log-format'] ?? env.ATOLL_LOG_FORMAT ?? 'auto';
  if (!isLogFormat(logFormat)) throw new ConfigError(`invalid log format "${logFormat}": expected one of ${LOG_FORMATS.join(', ')}`);
  return {
    shards,
    port,
    host: values.host ?? env.ATOLL_HOST ?? '127.0.0.1',
    dataDir: resolved,
    tls: !(values['plain-http'] ?? env.ATOLL_PLAIN_HTTP === 'true'),
    ...(store === 'embedded' ? {} : { store }),
    logFormat,
  };
}

/** The i-th shard's name: `root` first, then `shard-1`, `shard-2`, … */
export function shardName(i: number): string {
  return i === 0 ? ROOT_SHARD_NAME : `shard-${i}`;
}

/** A shard's own database: the cluster's URL with `-<shard-name>` after the database's name. */
export function shardStore(store: string, shard: string): string {
  const m = MONGODB_URL.exec(store);
  if (!m) throw new ConfigError(`invalid store "${store}"`);
  return `${m[1]}/${m[2]}-${shard}${m[3] ?? ''}`;
}

/**
 * The environment of a child: the cluster's, without the settings it gives each child by flag
 * (flags win anyway) or that must not reach some of them — the root shard must not be told of a
 * root shard kubeconfig, nor two shards given one base URL.
 */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const key of ['ATOLL_ROOT_SHARD_KUBECONFIG', 'ATOLL_SHARD_BASE_URL', 'ATOLL_SHARD_EXTERNAL_URL', 'ATOLL_SHARD_NAME', 'ATOLL_PKI_DIR', 'ATOLL_STORE', 'ATOLL_PORT', 'ATOLL_DATA_DIR', 'ATOLL_LOG_FORMAT', 'ATOLL_SHARDS']) {
    delete out[key];
  }
  return out;
}

/** A free port on `host`, for the proxy when asked for port 0: the shards must know its URL first. */
function pickPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The status of a GET, over the connection's TLS settings. */
function statusOf(connection: Connection, urlPath: string): Promise<number> {
  const agent = agentFor(connection);
  const get = connection.server.startsWith('https:') ? https.get : http.get;
  return new Promise<number>((resolve, reject) => {
    get(new URL(urlPath, connection.server), { agent }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  }).finally(() => agent.destroy());
}

/** The names of root's Shards. */
async function shardNames(connection: Connection): Promise<string[]> {
  const client = new HttpClient(connection);
  try {
    const list = await client.json<{ items: { metadata: { name: string } }[] }>('GET', '/clusters/root/apis/core.kcp.io/v1alpha1/shards');
    return list.items.map((s) => s.metadata.name);
  } finally {
    client.close();
  }
}

/** What is serving once the cluster is up. */
export interface RunningCluster {
  url: string;
  kubeconfig: string;
  /** Every child, in start order: the shards (root first), then the proxy. */
  children: ClusterChild[];
}

export class Cluster {
  readonly children: ClusterChild[] = [];
  private stopping = false;
  /** Resolves with the exit code once every child is gone: 0 after a signal, 1 after a child died. */
  readonly done: Promise<number>;
  private finish: (code: number) => void = () => undefined;

  constructor(
    private readonly config: ClusterConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly sink: LineSink,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** The cluster's own log line, in the children's shape. */
  log(level: 'info' | 'error' | 'fatal', msg: string, fields: Record<string, unknown> = {}): void {
    const levels = { info: 30, error: 50, fatal: 60 };
    this.sink(JSON.stringify({ role: 'cluster', level: levels[level], time: Date.now(), ...fields, msg }));
  }

  async start(): Promise<RunningCluster> {
    const { config } = this;
    fs.mkdirSync(config.dataDir, { recursive: true });
    const port = config.port === 0 ? await pickPort(config.host) : config.port;
    const proxyUrl = listenUrl(config.tls, config.host, port);
    const pkiDir = path.join(config.dataDir, 'pki');
    const common = ['--host', config.host, ...(config.tls ? [] : ['--plain-http'])];
    const shardArgs = (name: string): string[] => [
      '--shard-name', name,
      '--port', '0',
      '--data-dir', path.join(config.dataDir, name),
      '--pki-dir', pkiDir,
      '--shard-external-url', proxyUrl,
      '--log-format', 'json',
      '--store', config.store ? shardStore(config.store, name) : 'embedded',
      ...common,
    ];
    const root = this.spawn(ROOT_SHARD_NAME, shardArgs(ROOT_SHARD_NAME), SHARD_SERVING);
    const rootServing = await root.untilServing();
    const rootKubeconfig = rootServing.kubeconfig;
    const others = Array.from({ length: config.shards - 1 }, (_, i) => {
      const name = shardName(i + 1);
      return this.spawn(name, [...shardArgs(name), '--root-shard-kubeconfig', rootKubeconfig], SHARD_SERVING);
    });
    await Promise.all(others.map((c) => c.untilServing()));
    const proxy = this.spawn(
      'proxy',
      // A root shard on plain HTTP makes no CA, and the proxy takes a PKI directory only with
      // one: without it, the proxy passes tokens on for the shards to check.
      ['proxy', '--root-shard-kubeconfig', rootKubeconfig, ...(config.tls ? ['--pki-dir', pkiDir] : []), '--data-dir', path.join(config.dataDir, 'proxy'), '--port', String(port), ...common],
      PROXY_SERVING,
    );
    const proxyServing = await proxy.untilServing();
    // The proxy's kubeconfig carries its CA and the shared admin token; the cluster's names the proxy too.
    const connection = { ...loadKubeconfig({ file: proxyServing.kubeconfig }), server: proxyServing.url };
    if (!connection.token) throw new Error(`${proxyServing.kubeconfig} carries no token`);
    // Every shard registered before the proxy started, so a ready proxy has listed each of them.
    const ready = await statusOf(connection, '/readyz');
    if (ready !== 200) throw new Error(`the front proxy answers /readyz with ${ready}`);
    const names = this.children.filter((c) => c !== proxy).map((c) => c.role);
    const listed = await shardNames(connection);
    const missing = names.filter((n) => !listed.includes(n));
    if (missing.length > 0) throw new Error(`root's Shards, read through the front proxy, lack ${missing.join(', ')}`);
    const kubeconfig = writeAdminKubeconfig(config.dataDir, proxyServing.url, connection.token, connection.ca);
    return { url: proxyServing.url, kubeconfig, children: this.children };
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private spawn(role: string, args: string[], servingMsg: string): ClusterChild {
    // A child started after the stop began would be left out of it.
    if (this.stopping) throw new Error(`not starting ${role}: the cluster is stopping`);
    const child = new ClusterChild(role, args, childEnv(this.env), servingMsg, this.sink);
    this.children.push(child);
    this.log('info', `started ${role}`, { child: role, pid: child.pid });
    void child.exited.then((exit) => {
      if (this.stopping) return;
      this.log('fatal', `${role} exited (${describeExit(exit)}): stopping the cluster`, { child: role, pid: child.pid });
      void this.stop(1);
    });
    void child.fatal.then((msg) => {
      if (this.stopping) return;
      this.log('fatal', `${role} failed (${msg}): stopping the cluster`, { child: role, pid: child.pid });
      void this.stop(1);
    });
    return child;
  }

  /** Stops the proxy, then the other shards, then the root shard, each waited for; `code` is what the cluster exits with. */
  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const proxy = this.children.filter((c) => c.role === 'proxy');
    const root = this.children.filter((c) => c.role === ROOT_SHARD_NAME);
    const shards = this.children.filter((c) => !proxy.includes(c) && !root.includes(c));
    for (const group of [proxy, shards, root]) {
      await Promise.all(group.map((c) => c.stop('SIGTERM')));
    }
    this.finish(code);
  }

  /** A second signal: every child still running is killed at once. */
  kill(): void {
    for (const c of this.children) void c.stop('SIGKILL');
  }
}

/** `npm run cluster -- …`: returns the exit code. */
export async function clusterMain(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseClusterConfig(argv, process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`atoll cluster: ${err.message}\n\n${CLUSTER_USAGE}\n`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(`${CLUSTER_USAGE}\n`);
    return 0;
  }
  const text = isTextFormat(config.logFormat, process.stdout.isTTY === true);
  const cluster = new Cluster(config, process.env, text ? (line) => process.stdout.write(textLine(line)) : (line) => process.stdout.write(`${line}\n`));
  // A cluster that itself ends unexpectedly takes its children along rather than leave them serving.
  process.on('exit', () => cluster.kill());
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      cluster.log('error', 'second signal: killing every process of the cluster', { signal });
      cluster.kill();
      process.exit(1);
    }
    signalled = true;
    cluster.log('info', 'signal received: stopping the proxy, then the shards, the root shard last', { signal });
    void cluster.stop(0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const running = await Promise.race([cluster.start(), cluster.done.then(() => undefined)]);
    if (running) {
      const shards = running.children.filter((c) => c.role !== 'proxy').map((c) => ({ name: c.role, url: c.url, pid: c.pid }));
      const proxy = running.children.find((c) => c.role === 'proxy');
      cluster.log('info', CLUSTER_SERVING, { url: running.url, kubeconfig: running.kubeconfig, dataDir: config.dataDir, shards, proxy: { url: proxy?.url, pid: proxy?.pid } });
      if (text) process.stdout.write(startupSummary({ baseUrl: running.url, kubeconfig: running.kubeconfig, dataDir: config.dataDir }));
    }
  } catch (err) {
    // A signal or a child's death during the start has said why already.
    if (!cluster.isStopping) cluster.log('fatal', `could not start the cluster: ${err instanceof Error ? err.message : String(err)}`);
    void cluster.stop(1);
  }
  return cluster.done;
}
