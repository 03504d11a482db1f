/**
 * Workspace creation through the front proxy to Ready with 1 and with 2 shards (issue 17): each
 * cluster is `npm run cluster`'s entry point (the compiled main with `cluster`, plain HTTP), the
 * workspaces are created in root through the proxy with a fixed number waiting for Ready, and
 * Ready is seen on one watch of root's Workspaces through the proxy. The two sizes alternate in
 * the same run; the figures are workspaces per second from the first create to the last Ready,
 * and the CPU all of a cluster's processes (from /proc) spent per workspace.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ATOLL_MAIN, ATOLL_NODE_FLAGS, startChild, type ChildServer } from './child-server.js';
import { cpuMark, cpuSince } from './graphql-cpu.js';
import { adminHeaders, withTempDir } from './fixtures.js';
import { drive, expectStatus, mergeLoads, openWatch, type LoadResult } from './http-load.js';
import { figure, note, percentile, type Suite } from './report.js';

const CLUSTER_READY_MSG = 'Atoll cluster is serving';
const WORKSPACES_PATH = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces';
/** Workspaces created and not Ready yet, at most. */
const WINDOW = 64;
const PER_ROUND = 200;
const ROUNDS = 2;
/** Three processes started one after another, on a loaded machine. */
const CLUSTER_START_MS = 90_000;
/** Creating a workspace waits for its Ready this long at most. */
const READY_TIMEOUT_MS = 60_000;

interface WatchedWorkspace {
  type: string;
  object: { metadata: { name: string; annotations?: Record<string, string> }; status?: { phase?: string } };
}

/** Ready workspaces by name, from one watch of root's Workspaces; `whenReady` waits for one. */
class ReadyWatch {
  private readonly ready = new Set<string>();
  private readonly waiting = new Map<string, () => void>();
  /** The shard each Ready workspace was placed on (kcp's annotation), to show the spread. */
  readonly shards = new Map<string, number>();
  private close: (() => void) | undefined;

  async start(url: string, headers: http.OutgoingHttpHeaders): Promise<void> {
    this.close = await openWatch(url, `${WORKSPACES_PATH}?watch=1`, headers, (e) => this.take(e as WatchedWorkspace));
  }

  whenReady(name: string): Promise<void> {
    if (this.ready.has(name)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`workspace ${name} not Ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      this.waiting.set(name, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  stop(): void {
    this.close?.();
  }

  private take(event: WatchedWorkspace): void {
    const { name, annotations } = event.object.metadata;
    if (event.object.status?.phase !== 'Ready' || this.ready.has(name)) return;
    this.ready.add(name);
    const shard = annotations?.['internal.tenancy.kcp.io/shard'] ?? 'root';
    this.shards.set(shard, (this.shards.get(shard) ?? 0) + 1);
    this.waiting.get(name)?.();
    this.waiting.delete(name);
  }
}

interface Running {
  url: string;
  /** The cluster's children (shards and proxy), whose CPU a round is charged. */
  pids: number[];
  headers: http.OutgoingHttpHeaders;
  watch: ReadyWatch;
  stop(): Promise<void>;
  next: number;
}

/** One `npm run cluster` child on its own directory, as its serving line describes it. */
export interface LaunchedCluster {
  child: ChildServer;
  /** The shards by name (root first) with their process ids. */
  shards: { name: string; pid: number }[];
  proxyPid: number | undefined;
  /** The admin's credentials (the cluster's PKI token). */
  headers: http.OutgoingHttpHeaders;
}

export async function launchCluster(dir: string, shards: number): Promise<LaunchedCluster> {
  const child = await startChild(ATOLL_MAIN, ['cluster', '--shards', String(shards), '--port', '0', '--host', '127.0.0.1', '--data-dir', dir, '--plain-http'], CLUSTER_READY_MSG, ATOLL_NODE_FLAGS, CLUSTER_START_MS);
  const line = child
    .output()
    .split('\n')
    .find((l) => l.includes(`"msg":"${CLUSTER_READY_MSG}"`));
  const serving = JSON.parse(line ?? '{}') as { shards?: { name: string; pid: number }[]; proxy?: { pid: number } };
  return { child, shards: serving.shards ?? [], proxyPid: serving.proxy?.pid, headers: adminHeaders(dir) };
}

async function startCluster(dir: string, shards: number): Promise<Running> {
  const { child, shards: running, proxyPid, headers } = await launchCluster(dir, shards);
  const pids = [...running.map((s) => s.pid), ...(proxyPid === undefined ? [] : [proxyPid])];
  const watch = new ReadyWatch();
  try {
    await watch.start(child.url, headers);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    url: child.url,
    pids,
    headers,
    watch,
    next: 0,
    stop: async () => {
      watch.stop();
      await child.stop();
    },
  };
}

interface Round {
  result: LoadResult;
  /** CPU seconds the cluster's processes spent in the round. */
  cpu: number;
}

/** One round: PER_ROUND workspaces created in root through the proxy, WINDOW waiting for Ready at a time. */
async function round(cluster: Running): Promise<Round> {
  const marks = cluster.pids.map((pid) => cpuMark(pid));
  const started = performance.now();
  let left = PER_ROUND;
  const result = await drive(
    WINDOW,
    () => left-- > 0,
    async (agent) => {
      const name = `bench-${cluster.next++}`;
      await expectStatus(agent, cluster.url, 'POST', WORKSPACES_PATH, 201, { metadata: { name } }, cluster.headers);
      await cluster.watch.whenReady(name);
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cluster.pids.reduce((sum, pid, i) => sum + cpuSince(marks[i] as ReturnType<typeof cpuMark>, pid).serverCpu * seconds, 0);
  return { result, cpu };
}

async function workspaceCreationFigures(): Promise<void> {
  await withTempDir(async (dir) => {
    const clusters = [await startCluster(path.join(dir, 'one'), 1), await startCluster(path.join(dir, 'two'), 2)];
    try {
      const results: Round[][] = [[], []];
      for (let r = 0; r < ROUNDS; r++) {
        for (const [i, cluster] of clusters.entries()) results[i]?.push(await round(cluster));
      }
      const [one, two] = results.map((runs) => mergeLoads(runs.map((x) => x.result))) as [LoadResult, LoadResult];
      const [cpuOne, cpuTwo] = results.map((runs) => runs.reduce((sum, x) => sum + x.cpu, 0)) as [number, number];
      figure(`workspaces to Ready through the proxy, 1 shard (${one.count})`, one.perSecond, '/s');
      figure(`workspaces to Ready through the proxy, 2 shards (${two.count})`, two.perSecond, '/s', { value: one.perSecond, label: '1 shard' });
      figure('create to Ready p50, 1 shard', percentile(one.latencies, 50), 'ms');
      figure('create to Ready p50, 2 shards', percentile(two.latencies, 50), 'ms', { value: percentile(one.latencies, 50), label: '1 shard' });
      figure('CPU of all the cluster’s processes per workspace, 1 shard', (cpuOne / one.count) * 1000, 'ms');
      figure('CPU of all the cluster’s processes per workspace, 2 shards', (cpuTwo / two.count) * 1000, 'ms', { value: (cpuOne / one.count) * 1000, label: '1 shard' });
      const spread = [...(clusters[1]?.watch.shards ?? new Map<string, number>())].map(([s, n]) => `${s} ${n}`).join(', ');
      note(`2 shards: workspaces placed on ${spread}; both clusters run at once, rounds alternate; ${WINDOW} waiting for Ready; load average ${os.loadavg()[0]?.toFixed(1)}`);
    } finally {
      for (const c of clusters) await c.stop();
    }
  });
}

export const proxyWorkspacesSuite: Suite = {
  name: 'proxy-workspaces',
  title: 'workspaces created through the front proxy to Ready: npm run cluster with 1 vs 2 shards',
  run: workspaceCreationFigures,
};
