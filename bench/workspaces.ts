/**
 * Workspaces at scale (targets from the issue: >= 2,000 workspaces/s sustained, <= 8 KiB RSS per
 * empty workspace, a 10,000-workspace tree deleted in <= 10 s):
 *
 * - creation rate, each workspace counted when it is Ready (its LogicalCluster exists and the
 *   `root:universal` initializer has created its `default` namespace): 1,000 and 100,000
 *   workspaces, flat in root and as a tree of depth 5 (10 organizations; each level's workspaces
 *   are created once their parent is Ready). At most WINDOW workspaces are created-but-not-Ready
 *   at any time, so the figure is sustained throughput, not a burst into the controllers' queue.
 *   Baseline: plain Namespace creates through the same registry (one write each, no controller
 *   work to wait for), same count, same window, fresh server;
 * - RSS and on-disk bytes per empty workspace, 100,000 flat workspaces in a child process (this
 *   file forked with `child`) with its own server: RSS after GC before and after;
 * - GET of `default` in a random workspace over real HTTP with 100,000 workspaces present vs with
 *   1 (the child's server, loaded from this process so the load generator has its own event loop);
 * - deleting a 10,000-workspace tree: from the DELETE of its organization to the organization gone
 *   from root and every logical cluster of the tree purged from the store.
 *
 * The 100,000-workspace tree runs only with ATOLL_BENCH_FULL=1 (it adds minutes).
 */
import { fork } from 'node:child_process';
import type http from 'node:http';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { AtollServer } from '../src/server/index.js';
import { ALL_CLUSTERS, type Watch } from '../src/storage/index.js';
import { LOGICAL_CLUSTER_RESOURCE, ROOT_CLUSTER, WORKSPACE_RESOURCE, workspaces } from '../src/tenancy/index.js';
import { bearer, collectGarbage, dirBytes, sleep, withTempDir, withTimeout } from './fixtures.js';
import { load, type LoadResult } from './http-load.js';
import { figure, formatNumber, note, percentile, type Baseline, type Suite } from './report.js';
import {
  createAndWait,
  flat,
  levelSizes,
  missingDefaultNamespaces,
  namespaceCreateRate,
  pollUntil,
  startServer,
  storedJsonBytes,
  TreePlan,
  withServer,
  type RunningServer,
  type WorkspaceToCreate,
} from './workspace-driver.js';

const SMALL = 1_000;
const WARM_UP = 1_000;
const LARGE = 100_000;
const DELETE_TREE = 10_000;
const DEPTH = 5;
const ORGS = 10;
/** Workspaces created but not yet Ready, at most. */
const WINDOW = 512;
const PROGRESS_EVERY = 10_000;
const FULL = process.env.ATOLL_BENCH_FULL === '1';
const GET_CONCURRENCY = 32;
const GET_WARMUP_MS = 1_000;
const GET_MEASURE_MS = 5_000;
const DELETE_TIMEOUT_MS = 300_000;
const LARGE_TIMEOUT_MS = 30 * 60_000;
const CHILD_ARG = 'child';
const SOLO = 'solo';
const LARGE_PREFIX = 'w-';
const KiB = 1024;
const MiB = 2 ** 20;

const n = (x: number): string => x.toLocaleString('en-US');
const perSecond = (count: number, ms: number): number => count / (ms / 1000);
const getPath = (workspace: string): string => `/clusters/${ROOT_CLUSTER}:${workspace}/api/v1/namespaces/default`;

function noteWarnings(running: RunningServer): void {
  const { count, first } = running.warnings;
  if (count > 0) note(`the server logged ${n(count)} warning/error lines, first: ${first[0]}`);
}

function noteMissing(what: string, missing: number, sampled: number): void {
  if (missing > 0) note(`${what}: ${missing} of ${sampled} sampled Ready workspaces have NO default namespace`);
  else note(`${what}: default namespace present in all ${sampled} sampled Ready workspaces`);
}

// ---- flat and tree creation in this process -------------------------------------------------

async function namespaceBaseline(total: number): Promise<Baseline> {
  const rate = await withServer(({ server }) => namespaceCreateRate(server, total, WINDOW));
  figure(`registry namespace creates, ${n(total)} (baseline)`, rate, 'creates/s');
  return { value: rate, label: 'registry namespace creates' };
}

/** Same work as the first measured run, unreported, so JIT warm-up is not in the 1,000 figures. */
async function warmUp(): Promise<void> {
  await withServer(({ server }) => createAndWait(server, { total: WARM_UP, window: WINDOW, next: flat(ROOT_CLUSTER, WARM_UP, 'warm-') }));
}

async function createFlatSmall(): Promise<number> {
  const r = await withServer(async (running) => {
    const result = await createAndWait(running.server, { total: SMALL, window: WINDOW, next: flat(ROOT_CLUSTER, SMALL, 'flat-') });
    const missing = await missingDefaultNamespaces(running.server, result.sample);
    noteWarnings(running);
    return { ...result, missing };
  });
  const baseline = await namespaceBaseline(SMALL);
  const rate = perSecond(SMALL, r.ms);
  figure(`create flat ${n(SMALL)} → Ready`, rate, 'ws/s', baseline);
  noteMissing(`flat ${n(SMALL)}`, r.missing, r.sample.length);
  return rate;
}

async function createTree(total: number, baseline: Baseline | undefined): Promise<void> {
  const sizes = levelSizes(total, ORGS, DEPTH);
  const plan = new TreePlan(sizes);
  const r = await withServer(async (running) => {
    const result = await createAndWait(running.server, {
      total,
      window: WINDOW,
      next: plan.next,
      onReady: plan.onReady,
      progressEvery: total >= LARGE ? PROGRESS_EVERY : 0,
      onProgress: (ready, ms) => note(`tree ${n(total)}: ${n(ready)} Ready after ${(ms / 1000).toFixed(1)} s (${formatNumber(perSecond(ready, ms))} ws/s so far)`),
    });
    const missing = await missingDefaultNamespaces(running.server, result.sample);
    noteWarnings(running);
    return { ...result, missing };
  });
  figure(`create tree ${n(total)} (depth ${DEPTH}) → Ready`, perSecond(total, r.ms), 'ws/s', baseline);
  note(`tree levels ${sizes.map(n).join(' / ')}; a level's workspaces are created once their parent is Ready`);
  noteMissing(`tree ${n(total)}`, r.missing, r.sample.length);
}

// ---- 100,000 flat, memory, disk and GET latency in a child process ---------------------------

interface ChildResult {
  total: number;
  readyMs: number;
  /** Serialized JSON of one empty workspace's objects (sampled average). */
  jsonBytes: number;
  sampled: number;
  missing: number;
  rssBefore: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
  diskBefore: number;
  diskAfter: number;
  diskClosed: number;
  warnings: number;
  firstWarning: string | undefined;
}

type FromChild =
  | { kind: 'progress'; text: string }
  | { kind: 'load'; label: 'one' | 'many'; baseUrl: string; headers: { authorization: string } }
  | { kind: 'result'; result: ChildResult };

interface ToChild {
  kind: 'loaded';
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await sleep(100);
  }
  return process.memoryUsage();
}

function send(message: FromChild): void {
  process.send?.(message);
}

/** Asks the parent to load the server with GETs (as its admin) and waits until it has. */
function askForLoad(label: 'one' | 'many', server: AtollServer): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: ToChild): void => {
      if (message.kind !== 'loaded') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    send({ kind: 'load', label, baseUrl: server.baseUrl, headers: bearer(server.adminToken) });
  });
}

/** Runs in the child process, on a data directory the parent created (and removes). */
async function measureChild(dataDir: string): Promise<ChildResult> {
  const running = await startServer(dataDir);
  const { server } = running;
  let stopped = false;
  try {
    let solo = false;
    const next = (): WorkspaceToCreate | undefined => (solo ? undefined : ((solo = true), { cluster: ROOT_CLUSTER, name: SOLO }));
    await createAndWait(server, { total: 1, window: 1, next });
    await askForLoad('one', server);
    await sleep(1_000);
    const before = await settledMemory();
    const diskBefore = dirBytes(dataDir);
    const run = await createAndWait(server, {
      total: LARGE,
      window: WINDOW,
      next: flat(ROOT_CLUSTER, LARGE, LARGE_PREFIX),
      progressEvery: PROGRESS_EVERY,
      onProgress: (ready, ms) =>
        send({ kind: 'progress', text: `flat ${n(LARGE)}: ${n(ready)} Ready after ${(ms / 1000).toFixed(1)} s (${formatNumber(perSecond(ready, ms))} ws/s so far)` }),
    });
    const missing = await missingDefaultNamespaces(server, run.sample);
    const jsonBytes = await storedJsonBytes(server, run.sample);
    // Let the controllers' queues drain and the store's group commits settle before measuring.
    await sleep(2_000);
    const after = await settledMemory();
    const diskAfter = dirBytes(dataDir);
    await askForLoad('many', server);
    await server.stop();
    stopped = true;
    return {
      total: LARGE,
      readyMs: run.ms,
      jsonBytes,
      sampled: run.sample.length,
      missing,
      rssBefore: before.rss,
      rssAfter: after.rss,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
      diskBefore,
      diskAfter,
      diskClosed: dirBytes(dataDir),
      warnings: running.warnings.count,
      firstWarning: running.warnings.first[0],
    };
  } finally {
    if (!stopped) await server.stop();
  }
}

/** Warm-up, then the measured run. */
async function getLoad(baseUrl: string, pathFor: () => string, headers: http.OutgoingHttpHeaders): Promise<LoadResult> {
  await load(baseUrl, pathFor, GET_CONCURRENCY, GET_WARMUP_MS, { headers });
  return load(baseUrl, pathFor, GET_CONCURRENCY, GET_MEASURE_MS, { headers });
}

/** Forks the child on a fresh data directory, answers its load requests, and removes the directory when it is gone. */
function runChild(): Promise<{ result: ChildResult; one: LoadResult; many: LoadResult }> {
  return withTempDir((tmp) => superviseChild(path.join(tmp, 'data')));
}

async function superviseChild(dataDir: string): Promise<{ result: ChildResult; one: LoadResult; many: LoadResult }> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_ARG, dataDir], { execArgv: ['--expose-gc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const loads: Partial<Record<'one' | 'many', LoadResult>> = {};
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('message', (message: FromChild) => {
      if (message.kind === 'progress') note(message.text);
      else if (message.kind === 'result') resolve(message.result);
      else {
        const pathFor = message.label === 'one' ? () => getPath(SOLO) : () => getPath(`${LARGE_PREFIX}${Math.floor(Math.random() * LARGE)}`);
        getLoad(message.baseUrl, pathFor, message.headers).then(
          (r) => {
            loads[message.label] = r;
            child.send({ kind: 'loaded' } satisfies ToChild);
          },
          reject,
        );
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`workspaces child exited with code ${code} before reporting`)));
  });
  try {
    const result = await withTimeout(done, LARGE_TIMEOUT_MS, 'workspaces child');
    const { one, many } = loads;
    if (!one || !many) throw new Error('workspaces child reported without both GET loads');
    return { result, one, many };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

async function createFlatLarge(): Promise<number> {
  const { result: r, one, many } = await runChild();
  const baseline = await namespaceBaseline(LARGE);
  const rate = perSecond(r.total, r.readyMs);
  figure(`create flat ${n(LARGE)} → Ready`, rate, 'ws/s', baseline);
  noteMissing(`flat ${n(LARGE)}`, r.missing, r.sampled);
  if (r.warnings > 0) note(`the server logged ${n(r.warnings)} warning/error lines, first: ${r.firstWarning}`);

  const rssPer = (r.rssAfter - r.rssBefore) / r.total;
  figure(`RSS per empty workspace at ${n(LARGE)} (after GC)`, rssPer / KiB, 'KiB/ws');
  figure(`JS heap (used) per empty workspace`, (r.heapAfter - r.heapBefore) / r.total / KiB, 'KiB/ws');
  figure('RSS with 1 workspace (after GC)', r.rssBefore / MiB, 'MiB');
  figure(`RSS with ${n(LARGE + 1)} workspaces (after GC)`, r.rssAfter / MiB, 'MiB');
  const json = { value: r.jsonBytes, label: 'JSON' };
  figure('JSON of Workspace + LogicalCluster + Namespace', r.jsonBytes, 'B/ws');
  figure(`on disk per empty workspace, server running (db+WAL)`, (r.diskAfter - r.diskBefore) / r.total, 'B/ws', json);
  figure('on disk, whole data dir after stop / workspaces', r.diskClosed / r.total, 'B/ws', json);
  note(`target: <= 8 KiB RSS per empty workspace: ${rssPer <= 8 * KiB ? 'met' : 'NOT met'} (${(rssPer / KiB).toFixed(2)} KiB)`);
  note('an empty workspace stores a Workspace, a LogicalCluster and a Namespace, plus change-log rows for its ~6 writes (5 min retention)');

  const oneWs = { value: one.perSecond, label: '1 workspace' };
  figure(`GET default ns, 1 workspace (${n(one.count)} requests)`, one.perSecond, 'req/s');
  figure(`GET default ns, random of ${n(LARGE)} (${n(many.count)} requests)`, many.perSecond, 'req/s', oneWs);
  figure('GET latency p50, 1 workspace', percentile(one.latencies, 50), 'ms');
  figure(`GET latency p50, ${n(LARGE)} workspaces`, percentile(many.latencies, 50), 'ms', { value: percentile(one.latencies, 50), label: '1 workspace' });
  figure('GET latency p99, 1 workspace', percentile(one.latencies, 99), 'ms');
  figure(`GET latency p99, ${n(LARGE)} workspaces`, percentile(many.latencies, 99), 'ms', { value: percentile(one.latencies, 99), label: '1 workspace' });
  note(
    `GET /clusters/root:<ws>/api/v1/namespaces/default, ${GET_CONCURRENCY} keep-alive requests in flight, ` +
      `${GET_WARMUP_MS / 1000} s warm-up + ${GET_MEASURE_MS / 1000} s; server in a child process, load generator here`,
  );
  return rate;
}

// ---- deletion -------------------------------------------------------------------------------

async function deleteTree(): Promise<void> {
  const sizes = levelSizes(DELETE_TREE, 1, DEPTH);
  const plan = new TreePlan(sizes);
  const org = plan.roots[0] as string;
  await withServer(async (running) => {
    const { server } = running;
    const created = await createAndWait(server, { total: DELETE_TREE, window: WINDOW, next: plan.next, onReady: plan.onReady });
    figure(`create tree ${n(DELETE_TREE)} (1 org, depth ${DEPTH}) → Ready`, perSecond(DELETE_TREE, created.ms), 'ws/s');

    let purged = 0;
    const watch: Watch = server.store.watch({ cluster: ALL_CLUSTERS, resource: LOGICAL_CLUSTER_RESOURCE, fromRevision: server.store.revision });
    void (async () => {
      try {
        for await (const e of watch) if (e.type === 'DELETED') purged++;
      } catch {
        // Only counts progress; a cut-off watch leaves the count low.
      }
    })();
    const orgKey = { cluster: ROOT_CLUSTER, resource: WORKSPACE_RESOURCE, namespace: '', name: org };
    const start = performance.now();
    let orgGoneMs: number | undefined;
    let lastNote = start;
    await server.registry.delete({ cluster: ROOT_CLUSTER }, workspaces, undefined, org);
    const complete = await pollUntil(
      async () => {
        const now = performance.now();
        if (now - lastNote > 10_000) {
          lastNote = now;
          note(`delete: ${n(purged)} of ${n(DELETE_TREE)} logical clusters purged after ${((now - start) / 1000).toFixed(1)} s`);
        }
        if (orgGoneMs === undefined) {
          if (await server.store.get(orgKey)) return false;
          orgGoneMs = now - start;
        }
        const ws = await server.store.list({ cluster: ALL_CLUSTERS, resource: WORKSPACE_RESOURCE, limit: 1 });
        if (ws.items.length > 0) return false;
        const lcs = await server.store.list({ cluster: ALL_CLUSTERS, resource: LOGICAL_CLUSTER_RESOURCE, limit: 2 });
        return lcs.items.length === 1;
      },
      20,
      DELETE_TIMEOUT_MS,
    );
    const ms = performance.now() - start;
    watch.close();
    if (!complete) {
      note(`delete ${n(DELETE_TREE)}-workspace tree: NOT complete after ${DELETE_TIMEOUT_MS / 1000} s (${n(purged)} logical clusters purged)`);
      return;
    }
    figure(`delete ${n(DELETE_TREE)}-workspace tree`, ms / 1000, 's');
    note(`target: <= 10 s: ${ms <= 10_000 ? 'met' : 'NOT met'}; org Workspace gone from root after ${((orgGoneMs ?? ms) / 1000).toFixed(2)} s, ${n(purged)} logical clusters purged`);
    note(`tree levels ${sizes.map(n).join(' / ')}; done = no Workspace left anywhere and only root's LogicalCluster`);
    noteWarnings(running);
  });
}

export const workspacesSuite: Suite = {
  name: 'workspaces',
  title: `workspace creation to Ready (flat, depth-${DEPTH} tree), RSS/disk per workspace, GET with ${n(LARGE)} workspaces, tree deletion`,
  async run() {
    note(`in-process server on a fresh on-disk data dir per run; at most ${WINDOW} workspaces created but not yet Ready at a time; ${n(WARM_UP)} unreported warm-up creates first`);
    await warmUp();
    const small = await createFlatSmall();
    await createTree(SMALL, { value: small, label: `flat ${n(SMALL)}` });
    const large = await createFlatLarge();
    if (FULL) await createTree(LARGE, { value: large, label: `flat ${n(LARGE)}` });
    else note(`tree of ${n(LARGE)} skipped (set ATOLL_BENCH_FULL=1 to run it)`);
    await deleteTree();
  },
};

if (process.argv[2] === CHILD_ARG && process.argv[3] && process.argv[1] === fileURLToPath(import.meta.url)) {
  measureChild(process.argv[3]).then(
    (result) => process.send?.({ kind: 'result', result } satisfies FromChild, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
