/**
 * The front proxy's overhead (issue 17, docs/shards.md): GET of one ConfigMap and a
 * single-object GraphQL query sent straight to a shard and through `npm start -- proxy` in
 * front of it, alternating in the same run (32 keep-alive requests in flight, warm-up, then
 * two alternating rounds of 3 s per path and target), with the proxy's own CPU per request from /proc.
 * Both children run the compiled main with plain HTTP, as the other suites do.
 */
import http from 'node:http';
import path from 'node:path';
import { ATOLL_MAIN, ATOLL_NODE_FLAGS, ATOLL_READY_MSG, atollArgs, startChild, type ChildServer } from './child-server.js';
import { PathIndex } from '../src/proxy/index.js';
import { feedFigures } from './proxy-feeds.js';
import { adminHeaders, postableConfigMap, settledMemory, withTempDir } from './fixtures.js';
import { cpuMark, cpuSince } from './graphql-cpu.js';
import { graphqlOptions } from './graphql.js';
import { expectStatus, load, mergeLoads, type LoadOptions, type LoadResult } from './http-load.js';
import { figure, note, percentile, type Suite } from './report.js';

const CONCURRENCY = 32;
const WARMUP_MS = 1_000;
const ROUND_MS = 3_000;
const ROUNDS = 2;
const NAME = 'bench-proxy';
const GET_PATH = `/clusters/root/api/v1/namespaces/default/configmaps/${NAME}`;
const GRAPHQL_PATH = '/clusters/root/graphql';
const QUERY = `{ v1 { ConfigMap(name: "${NAME}", namespace: "default") { metadata { name namespace uid resourceVersion creationTimestamp labels } data } } }`;
const PROXY_READY_MSG = 'Atoll front proxy is serving';

interface Measured {
  result: LoadResult;
  /** CPU seconds the proxy used per request it forwarded. */
  proxyCpuPerRequest: number;
}

/** Rounds straight to the shard and through the proxy, alternating, so both see the same machine. */
async function measurePair(shard: ChildServer, proxy: ChildServer, p: string, options: LoadOptions): Promise<[Measured, Measured]> {
  const direct: LoadResult[] = [];
  const proxied: LoadResult[] = [];
  let proxyCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    direct.push(await load(shard.url, p, CONCURRENCY, ROUND_MS, options));
    const mark = cpuMark(proxy.pid);
    const started = performance.now();
    proxied.push(await load(proxy.url, p, CONCURRENCY, ROUND_MS, options));
    proxyCpu += cpuSince(mark, proxy.pid).serverCpu * ((performance.now() - started) / 1000);
  }
  const through = mergeLoads(proxied);
  return [
    { result: mergeLoads(direct), proxyCpuPerRequest: 0 },
    { result: through, proxyCpuPerRequest: proxyCpu / through.count },
  ];
}

function report(what: string, direct: Measured, proxied: Measured): void {
  figure(`${what}, straight to the shard (${direct.result.count})`, direct.result.perSecond, 'req/s');
  figure(`${what}, through the proxy (${proxied.result.count})`, proxied.result.perSecond, 'req/s', { value: direct.result.perSecond, label: 'direct' });
  for (const q of [50, 99]) {
    const d = percentile(direct.result.latencies, q);
    figure(`${what}, straight to the shard p${q}`, d, 'ms');
    figure(`${what}, through the proxy p${q}`, percentile(proxied.result.latencies, q), 'ms', { value: d, label: 'direct' });
  }
  figure(`${what}, proxy CPU per request`, proxied.proxyCpuPerRequest * 1e6, 'µs');
}

const INDEXED = 100_000;

/**
 * The proxy's path index alone, in this process: 100,000 workspaces (a LogicalCluster and a
 * Workspace each, in a tree 10 wide at the top, as orgs of teams) spread over 4 shards — heap per
 * workspace after GC, the time to take one change, and to resolve a canonical and a walked path.
 */
async function indexFigures(): Promise<void> {
  const before = (await settledMemory()).heapUsed;
  const index = new PathIndex();
  const name = (i: number): string => `c${i.toString(36).padStart(8, '0')}`;
  index.setCluster('shard-0', { name: 'root', path: 'root' });
  const started = performance.now();
  for (let i = 0; i < INDEXED; i++) {
    const org = i % 10;
    const parent = i < 10 ? 'root' : name(org);
    const path = i < 10 ? `root:org-${i}` : `root:org-${org}:ws-${i}`;
    const shard = `shard-${i % 4}`;
    index.setWorkspace(shard, { parent, name: i < 10 ? `org-${i}` : `ws-${i}`, cluster: name(i) });
    index.setCluster(shard, { name: name(i), path });
  }
  const perChange = ((performance.now() - started) * 1000) / (INDEXED * 2);
  const after = (await settledMemory()).heapUsed;
  figure(`index of ${INDEXED.toLocaleString('en-US')} workspaces: heap per workspace`, (after - before) / INDEXED, 'B');
  figure('index: one watch event taken (set a cluster or a workspace)', perChange, 'µs');
  const lookups = 200_000;
  let t = performance.now();
  for (let i = 0; i < lookups; i++) index.resolve(`root:org-${i % 10}:ws-${10 + (i % (INDEXED - 10))}`);
  figure('index: resolve a canonical path', ((performance.now() - t) * 1000) / lookups, 'µs');
  t = performance.now();
  for (let i = 0; i < lookups; i++) index.resolve(`${name(i % 10)}:ws-${10 + (i % (INDEXED - 10))}`);
  figure('index: resolve a path by walking its workspaces', ((performance.now() - t) * 1000) / lookups, 'µs');
  if (!index.resolve(`root:org-3:ws-13`)) throw new Error('the index does not resolve what it was given');
}

export const proxySuite: Suite = {
  name: 'proxy',
  title: 'front proxy overhead: GET and GraphQL straight to a shard vs through npm start -- proxy',
  run: async () => {
    await indexFigures();
    await feedFigures();
    await withTempDir(async (dir) => {
      const shardDir = path.join(dir, 'shard');
      const shard = await startChild(ATOLL_MAIN, atollArgs(shardDir), ATOLL_READY_MSG, ATOLL_NODE_FLAGS);
      let proxy: ChildServer | undefined;
      try {
        const kubeconfig = path.join(shardDir, 'admin.kubeconfig');
        proxy = await startChild(
          ATOLL_MAIN,
          ['proxy', '--root-shard-kubeconfig', kubeconfig, '--port', '0', '--host', '127.0.0.1', '--data-dir', path.join(dir, 'proxy'), '--plain-http'],
          PROXY_READY_MSG,
          ATOLL_NODE_FLAGS,
        );
        const headers = adminHeaders(shardDir);
        const agent = new http.Agent({ keepAlive: true });
        await expectStatus(agent, shard.url, 'POST', '/clusters/root/api/v1/namespaces/default/configmaps', 201, postableConfigMap('default', NAME, 0), headers);
        agent.destroy();
        const get: LoadOptions = { headers };
        const gql = graphqlOptions(QUERY, headers);
        for (const url of [shard.url, proxy.url]) {
          await load(url, GET_PATH, CONCURRENCY, WARMUP_MS, get);
          await load(url, GRAPHQL_PATH, CONCURRENCY, WARMUP_MS, gql);
        }
        const [getDirect, getProxied] = await measurePair(shard, proxy, GET_PATH, get);
        const [gqlDirect, gqlProxied] = await measurePair(shard, proxy, GRAPHQL_PATH, gql);
        report('GET one ConfigMap', getDirect, getProxied);
        report('GraphQL single-object query', gqlDirect, gqlProxied);
        note('the proxy, the shard and the load generator share the machine’s cores; the ratio is the cost a client sees, the CPU figure what the proxy spends');
      } finally {
        await proxy?.stop();
        await shard.stop();
      }
    });
  },
};
