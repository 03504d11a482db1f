/**
 * A provider's view across shards through the front proxy (issue 17, docs/shards.md "The
 * provider's view across shards"): two `npm run cluster` installations up at once, each with one
 * export and the same consumers and objects — the baseline with 1 shard (no merge: every consumer
 * is on the export's shard) and the merged one with 3 (the export on shard-1, the consumers spread
 * over root, shard-1 and shard-2, so the export's shard merges its own with two other shards').
 * Rounds alternate between the two. Figures, merged against baseline: a list of every object
 * across consumers (req/s with a few in flight, p50, the CPU all shard processes spent per list
 * from /proc), the same list walked in pages of 100, and watch delivery (a write through the proxy
 * in a consumer on another shard than the export's → its event on a watch across all consumers,
 * one write at a time, then a burst over every consumer: events per second, each ADDED once).
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { cpuMark, cpuSince, type CpuMark } from './graphql-cpu.js';
import { sleep, widgetsSchema, WIDGETS_GROUP, withTempDir } from './fixtures.js';
import { drive, expectStatus, load, mergeLoads, openWatch, request, type LoadResult } from './http-load.js';
import { launchCluster, type LaunchedCluster } from './proxy-workspaces.js';
import { figure, note, percentile, type Baseline, type Suite } from './report.js';
import { pollUntil } from './workspace-driver.js';

const CONSUMERS = 30;
const PER_CONSUMER = 20;
const OBJECTS = CONSUMERS * PER_CONSUMER;
const PAGE = 100;
/** Lists in flight at once. */
const CONCURRENCY = 4;
/**
 * Warm-up by count, not time: the same work for both installations. Warmed for a second each, the
 * 3-shard proxy (slower lists, so fewer of them) was still compiling when measured, and its CPU
 * per paged walk came out up to 2.9x the other's; warmed, both spend about 0.3 ms a page.
 */
const WARMUP_LISTS = 300;
const WARMUP_WALKS = 100;
const ROUND_MS = 3_000;
const ROUNDS = 2;
/** How long the installations' CPU is read while idle (feeds, leases and timers run on). */
const IDLE_MS = 3_000;
const WATCH_WRITES = 200;
const WATCH_ROUNDS = 4;
/** Creates sent at once, SETUP_WINDOW in flight, over every consumer: the events the watch delivers per second. */
const BURST_WRITES = 300;
/** Requests in flight while setting up (workspaces, bindings, objects). */
const SETUP_WINDOW = 8;
const READY_TIMEOUT_MS = 60_000;
const EVENT_TIMEOUT_MS = 10_000;
const GROUP = WIDGETS_GROUP;
const EXPORT_SHARD = 'shard-1';
const WORKSPACES = (parent: string): string => `/clusters/${parent}/apis/tenancy.kcp.io/v1alpha1/workspaces`;
const WIDGETS = (workspace: string): string => `/clusters/root:${workspace}/apis/${GROUP}/v1/namespaces/default/widgets`;

const schema = widgetsSchema;
const widget = (name: string, size: number): object => ({ apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name }, spec: { size } });

interface Installation {
  label: string;
  cluster: LaunchedCluster;
  url: string;
  headers: http.OutgoingHttpHeaders;
  /** The list across all consumers, through the proxy. */
  all: string;
  /** The consumer the watch's writes go to: on another shard than the export's when there is one. */
  writeTo: string;
  consumers: string[];
}

/** Creates `name` in root on `shard` (by the label this suite gives each shard) and waits for Ready; its logical cluster. */
async function readyWorkspace(agent: http.Agent, inst: Omit<Installation, 'all' | 'writeTo' | 'consumers'>, name: string, shard: string): Promise<string> {
  const body = { metadata: { name }, spec: { location: { selector: { matchLabels: { 'bench-shard': shard } } } } };
  await expectStatus(agent, inst.url, 'POST', WORKSPACES('root'), 201, body, inst.headers);
  let cluster = '';
  const ready = await pollUntil(
    async () => {
      const got = JSON.parse((await expectStatus(agent, inst.url, 'GET', `${WORKSPACES('root')}/${name}`, 200, undefined, inst.headers)).body.toString()) as { spec?: { cluster?: string }; status?: { phase?: string } };
      cluster = got.spec?.cluster ?? '';
      return got.status?.phase === 'Ready';
    },
    50,
    READY_TIMEOUT_MS,
  );
  // The proxy's index follows the shards' feeds: the workspace answers through it a moment later.
  const reachable = ready && (await pollUntil(async () => (await request(agent, inst.url, 'GET', `/clusters/root:${name}/api/v1/namespaces/default`, undefined, inst.headers)).status === 200, 50, READY_TIMEOUT_MS));
  if (!reachable) throw new Error(`workspace ${name} on ${shard}: not Ready and reachable through the proxy after ${READY_TIMEOUT_MS} ms`);
  return cluster;
}

/** Runs `each` over `items`, SETUP_WINDOW at a time. */
async function inWindow<T>(items: readonly T[], each: (agent: http.Agent, item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await drive(SETUP_WINDOW, () => next < items.length, (agent) => each(agent, items[next++] as T));
}

/**
 * An installation of `shards` shards: the export on EXPORT_SHARD (root with one shard), the
 * consumers placed round-robin over every shard, each bound and holding PER_CONSUMER objects.
 */
async function install(dir: string, label: string, shards: number): Promise<Installation> {
  const cluster = await launchCluster(dir, shards);
  const base = { label, cluster, url: cluster.child.url, headers: cluster.headers };
  try {
    const agent = new http.Agent({ keepAlive: true });
    const names = cluster.shards.map((s) => s.name);
    for (const shard of names) {
      const labels = { metadata: { labels: { 'bench-shard': shard } } };
      await expectStatus(agent, base.url, 'PATCH', `/clusters/root/apis/core.kcp.io/v1alpha1/shards/${shard}`, 200, labels, { ...base.headers, 'content-type': 'application/merge-patch+json' });
    }
    const exportShard = names.includes(EXPORT_SHARD) ? EXPORT_SHARD : (names[0] as string);
    const provider = await readyWorkspace(agent, base, 'provider', exportShard);
    const apis = '/clusters/root:provider/apis/apis.kcp.io';
    await expectStatus(agent, base.url, 'POST', `${apis}/v1alpha1/apiresourceschemas`, 201, schema, base.headers);
    const exported = { apiVersion: 'apis.kcp.io/v1alpha2', kind: 'APIExport', metadata: { name: 'widgets' }, spec: { resources: [{ name: 'widgets', group: GROUP, schema: schema.metadata.name, storage: { crd: {} } }] } };
    await expectStatus(agent, base.url, 'POST', `${apis}/v1alpha2/apiexports`, 201, exported, base.headers);
    agent.destroy();
    const consumers = Array.from({ length: CONSUMERS }, (_, i) => ({ name: `consumer-${i}`, shard: names[i % names.length] as string }));
    await inWindow(consumers, async (a, c) => {
      await readyWorkspace(a, base, c.name, c.shard);
      const binding = { apiVersion: 'apis.kcp.io/v1alpha2', kind: 'APIBinding', metadata: { name: 'widgets' }, spec: { reference: { export: { path: 'root:provider', name: 'widgets' } } } };
      await expectStatus(a, base.url, 'POST', `/clusters/root:${c.name}/apis/apis.kcp.io/v1alpha2/apibindings`, 201, binding, base.headers);
      // The binding serves the resource once it is Bound: the first create waits for that.
      const first = await pollUntil(async () => (await request(a, base.url, 'POST', WIDGETS(c.name), widget('w-0', 1), base.headers)).status === 201, 50, READY_TIMEOUT_MS);
      if (!first) throw new Error(`${c.name} on ${c.shard}: widgets not served after ${READY_TIMEOUT_MS} ms`);
      for (let i = 1; i < PER_CONSUMER; i++) await expectStatus(a, base.url, 'POST', WIDGETS(c.name), 201, widget(`w-${i}`, i), base.headers);
    });
    const writeTo = consumers.find((c) => c.shard !== exportShard) ?? (consumers[0] as { name: string });
    const inst: Installation = { ...base, all: `/services/apiexport/${provider}/widgets/clusters/*/apis/${GROUP}/v1/widgets`, writeTo: writeTo.name, consumers: consumers.map((c) => c.name) };
    const listed = await listAll(inst);
    if (listed.items !== OBJECTS) throw new Error(`${label}: the list across consumers holds ${listed.items} objects, expected ${OBJECTS}`);
    return inst;
  } catch (err) {
    await cluster.child.stop();
    throw err;
  }
}

async function listAll(inst: Installation): Promise<{ items: number; resourceVersion: string; bytes: number }> {
  const agent = new http.Agent();
  try {
    const res = await expectStatus(agent, inst.url, 'GET', inst.all, 200, undefined, inst.headers);
    const list = JSON.parse(res.body.toString()) as { items: unknown[]; metadata: { resourceVersion: string } };
    return { items: list.items.length, resourceVersion: list.metadata.resourceVersion, bytes: res.body.length };
  } finally {
    agent.destroy();
  }
}

/** Every page of the list across consumers, `PAGE` objects a page; fails unless it holds every object. Each page's size. */
async function walkPages(agent: http.Agent, inst: Installation): Promise<number[]> {
  let token: string | undefined;
  let seen = 0;
  const sizes: number[] = [];
  do {
    const p = `${inst.all}?limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const page = JSON.parse((await expectStatus(agent, inst.url, 'GET', p, 200, undefined, inst.headers)).body.toString()) as { items: unknown[]; metadata: { continue?: string } };
    seen += page.items.length;
    sizes.push(page.items.length);
    token = page.metadata.continue || undefined;
  } while (token);
  if (seen !== OBJECTS) throw new Error(`${inst.label}: the paged list held ${seen} objects, expected ${OBJECTS}`);
  return sizes;
}

/** `more` for `drive`: true for the next `ms`. */
function forMs(ms: number): () => boolean {
  const until = performance.now() + ms;
  return () => performance.now() < until;
}

interface Measured {
  result: LoadResult;
  /** CPU seconds per operation, all shard processes together, and the proxy's. */
  shardCpu: number;
  proxyCpu: number;
}

/** CPU seconds `pid` used since `mark`. */
const cpuUsed = (mark: CpuMark, pid: number | undefined): number => cpuSince(mark, pid).serverCpu * ((performance.now() - mark.wall) / 1000);

/** CPU (1 = one core) the installation's shards together, and its proxy, use while nothing is asked of them. */
async function idleCpu(inst: Installation): Promise<{ shards: number; proxy: number }> {
  const shardMarks = inst.cluster.shards.map((s) => cpuMark(s.pid));
  const proxyMark = cpuMark(inst.cluster.proxyPid);
  await sleep(IDLE_MS);
  const shards = inst.cluster.shards.reduce((sum, s, k) => sum + cpuUsed(shardMarks[k] as CpuMark, s.pid), 0);
  return { shards: shards / (IDLE_MS / 1000), proxy: cpuUsed(proxyMark, inst.cluster.proxyPid) / (IDLE_MS / 1000) };
}

/** Rounds of `run` on each installation in turn, with the CPU each installation's processes spent. */
async function alternate(installs: readonly Installation[], run: (inst: Installation) => Promise<LoadResult>): Promise<Measured[]> {
  const results = installs.map(() => ({ loads: [] as LoadResult[], shardCpu: 0, proxyCpu: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, inst] of installs.entries()) {
      const r = results[i] as (typeof results)[number];
      const shardMarks = inst.cluster.shards.map((s) => cpuMark(s.pid));
      const proxyMark = cpuMark(inst.cluster.proxyPid);
      r.loads.push(await run(inst));
      r.shardCpu += inst.cluster.shards.reduce((sum, s, k) => sum + cpuUsed(shardMarks[k] as CpuMark, s.pid), 0);
      r.proxyCpu += cpuUsed(proxyMark, inst.cluster.proxyPid);
    }
  }
  return results.map((r) => {
    const result = mergeLoads(r.loads);
    return { result, shardCpu: r.shardCpu / result.count, proxyCpu: r.proxyCpu / result.count };
  });
}

function report(what: string, unit: string, [base, merged]: Measured[], [b, m]: readonly Installation[]): void {
  if (!base || !merged || !b || !m) return;
  const vs = (value: number): Baseline => ({ value, label: b.label });
  figure(`${what}, ${b.label} (${base.result.count})`, base.result.perSecond, unit);
  figure(`${what}, ${m.label} (${merged.result.count})`, merged.result.perSecond, unit, vs(base.result.perSecond));
  const p50 = percentile(base.result.latencies, 50);
  figure(`${what} p50, ${b.label}`, p50, 'ms');
  figure(`${what} p50, ${m.label}`, percentile(merged.result.latencies, 50), 'ms', vs(p50));
  figure(`${what}: CPU of the shards, ${b.label}`, base.shardCpu * 1000, 'ms');
  figure(`${what}: CPU of the shards, ${m.label}`, merged.shardCpu * 1000, 'ms', vs(base.shardCpu * 1000));
  figure(`${what}: CPU of the proxy, ${b.label}`, base.proxyCpu * 1000, 'ms');
  figure(`${what}: CPU of the proxy, ${m.label}`, merged.proxyCpu * 1000, 'ms', vs(base.proxyCpu * 1000));
}

/** A watch across all consumers through the proxy; `seen(name)` resolves with the time the ADDED event of `name` arrived. */
class ViewWatch {
  private readonly waiting = new Map<string, (at: number) => void>();
  /** ADDED events by object name: a merged watch must send each once. */
  readonly added = new Map<string, number>();
  private failure: Error | undefined;
  private close: (() => void) | undefined;

  async start(inst: Installation): Promise<void> {
    const { resourceVersion } = await listAll(inst);
    const take = (e: unknown): void => {
      const event = e as { type: string; object: { metadata: { name: string } } };
      if (event.type !== 'ADDED') return;
      this.added.set(event.object.metadata.name, (this.added.get(event.object.metadata.name) ?? 0) + 1);
      this.waiting.get(event.object.metadata.name)?.(performance.now());
      this.waiting.delete(event.object.metadata.name);
    };
    this.close = await openWatch(inst.url, `${inst.all}?watch=1&resourceVersion=${encodeURIComponent(resourceVersion)}`, inst.headers, take, (err) => {
      this.failure = err;
    });
  }

  seen(name: string): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure ?? new Error(`no event for ${name} after ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
      this.waiting.set(name, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  stop(): void {
    this.close?.();
  }
}

interface Delivery {
  /** Write sent → its event, one write at a time, sorted. */
  latencies: Float64Array;
  /** Events per second of a burst, from its first write sent to its last event. */
  burstPerSecond: number;
  /** Objects whose ADDED came more than once. */
  repeated: number;
}

/**
 * WATCH_WRITES creates, one after another in rounds alternating between the installations (write
 * sent → event received), then a burst of BURST_WRITES over every consumer on each.
 */
async function watchDelivery(installs: readonly Installation[]): Promise<Delivery[]> {
  const watches = installs.map(() => new ViewWatch());
  const latencies: number[][] = installs.map(() => []);
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (const [i, inst] of installs.entries()) await watches[i]?.start(inst);
    let n = 0;
    for (let round = 0; round < WATCH_ROUNDS; round++) {
      for (const [i, inst] of installs.entries()) {
        for (let k = 0; k < WATCH_WRITES / WATCH_ROUNDS; k++) {
          const name = `watched-${n++}`;
          const seen = (watches[i] as ViewWatch).seen(name);
          const sent = performance.now();
          const [, at] = await Promise.all([expectStatus(agent, inst.url, 'POST', WIDGETS(inst.writeTo), 201, widget(name, 1), inst.headers), seen]);
          latencies[i]?.push(at - sent);
        }
      }
    }
    // In halves alternating between the installations, as the rest.
    const burstMs = installs.map(() => 0);
    for (let half = 0; half < 2; half++) {
      for (const [i, inst] of installs.entries()) {
        const watch = watches[i] as ViewWatch;
        let k = 0;
        const started = performance.now();
        let last = started;
        await drive(SETUP_WINDOW, () => k < BURST_WRITES / 2, async (a) => {
          const j = k++;
          const name = `burst-${half}-${j}`;
          const seen = watch.seen(name);
          const [, at] = await Promise.all([expectStatus(a, inst.url, 'POST', WIDGETS(inst.consumers[j % inst.consumers.length] as string), 201, widget(name, 1), inst.headers), seen]);
          last = Math.max(last, at);
        });
        burstMs[i] = (burstMs[i] ?? 0) + (last - started);
      }
    }
    return installs.map((_, i) => ({
      latencies: Float64Array.from(latencies[i] ?? []).sort(),
      burstPerSecond: BURST_WRITES / ((burstMs[i] ?? NaN) / 1000),
      repeated: [...(watches[i] as ViewWatch).added.values()].filter((n) => n > 1).length,
    }));
  } finally {
    for (const w of watches) w.stop();
    agent.destroy();
  }
}

async function viewFigures(): Promise<void> {
  await withTempDir(async (dir) => {
    const installs: Installation[] = [];
    try {
      installs.push(await install(path.join(dir, 'one'), '1 shard', 1));
      installs.push(await install(path.join(dir, 'three'), '3 shards', 3));
      const [b, m] = installs as [Installation, Installation];
      const idle = [];
      for (const inst of installs) idle.push(await idleCpu(inst));
      for (const inst of installs) {
        let lists = WARMUP_LISTS;
        await drive(CONCURRENCY, () => lists-- > 0, (a) => expectStatus(a, inst.url, 'GET', inst.all, 200, undefined, inst.headers).then(() => undefined));
        let walks = WARMUP_WALKS;
        await drive(CONCURRENCY, () => walks-- > 0, (a) => walkPages(a, inst).then(() => undefined));
      }
      const lists = await alternate(installs, (inst) => load(inst.url, inst.all, CONCURRENCY, ROUND_MS, { headers: inst.headers }));
      const pages = await alternate(installs, (inst) => drive(CONCURRENCY, forMs(ROUND_MS), (a) => walkPages(a, inst).then(() => undefined)));
      report('list all', 'lists/s', lists, installs);
      report(`all pages of ${PAGE}`, 'walks/s', pages, installs);
      const agent = new http.Agent({ keepAlive: true });
      const walks = await Promise.all(installs.map((inst) => walkPages(agent, inst)));
      const sizes = await Promise.all(installs.map(async (inst) => (await listAll(inst)).bytes));
      agent.destroy();
      // The watch's writes add objects: the lists are measured before it.
      const [wb, wm] = (await watchDelivery(installs)) as [Delivery, Delivery];
      for (const q of [50, 99]) {
        const base = percentile(wb.latencies, q);
        figure(`watch all: write → event p${q}, ${b.label}`, base, 'ms');
        figure(`watch all: write → event p${q}, ${m.label}`, percentile(wm.latencies, q), 'ms', { value: base, label: b.label });
      }
      figure(`watch all: burst of ${BURST_WRITES}, ${b.label}`, wb.burstPerSecond, 'events/s');
      figure(`watch all: burst of ${BURST_WRITES}, ${m.label}`, wm.burstPerSecond, 'events/s', { value: wb.burstPerSecond, label: b.label });
      if (wb.repeated + wm.repeated > 0) note(`objects whose ADDED came twice: ${wb.repeated} (${b.label}), ${wm.repeated} (${m.label})`);
      for (const [i, inst] of installs.entries()) {
        const at = idle[i] as { shards: number; proxy: number };
        note(`${inst.label} idle: the shards use ${(at.shards * 100).toFixed(1)} % of a core, the proxy ${(at.proxy * 100).toFixed(1)} % (included in the CPU per list above)`);
      }
      for (const [i, inst] of installs.entries()) note(`${inst.label}: the list's body is ${((sizes[i] ?? 0) / 1024).toFixed(0)} KiB; a walk's pages hold ${walks[i]?.join(', ')} objects`);
      note(`all = the ${OBJECTS} objects of ${CONSUMERS} consumers × ${PER_CONSUMER}, through the proxy; 3 shards: the export on ${EXPORT_SHARD}, consumers round-robin on root, shard-1, shard-2, writes in ${m.writeTo}; ${CONCURRENCY} lists in flight, ${ROUNDS} rounds of ${ROUND_MS / 1000} s alternating; ${WATCH_WRITES} writes each, one at a time, then ${BURST_WRITES} with ${SETUP_WINDOW} in flight over every consumer`);
      note(`both installations (6 processes) run at once on the same cores as this load generator; load average ${os.loadavg()[0]?.toFixed(1)}`);
    } finally {
      for (const inst of installs) await inst.cluster.child.stop();
    }
  });
}

export const proxyViewSuite: Suite = {
  name: 'proxy-view',
  title: 'a provider’s view across shards through the front proxy: consumers on the export’s shard (1 shard) vs spread over 3',
  run: viewFigures,
};
