/**
 * The GraphQL surface against the REST surface of the same server, in the same run (issue 5):
 *
 * - reads: GET of one ConfigMap and LIST of a namespace holding 100 ConfigMaps (~600 B each) over
 *   REST, and the same reads as GraphQL queries (POST, JSON body), 32 keep-alive requests in
 *   flight, 1 s warm-up, 5 s measured; req/s, p50/p99 and the ratio GraphQL/REST. Every GraphQL
 *   reply is checked for `errors` (they come with status 200).
 * - subscription fan-out: 1,000 graphql-ws subscriptions (10 WebSockets x 100, graphql-ws
 *   multiplexes them) to `v1_configmaps(namespace: "default", resourceVersion: <current>)`, then
 *   ConfigMap updates over REST (merge PATCH, one ConfigMap per write so each event is known by
 *   its name): 100 at a steady pace and 100 in a burst (8 in flight). Per (write, subscriber):
 *   the time from the write's REST response to the subscriber's `next` callback, p50/p99, and
 *   events delivered per second. Baseline: the same with 1 subscription.
 *
 * Atoll runs as a child process (the compiled main, fresh data directory on 127.0.0.1), as in the
 * REST suite, so the load generator and the subscribers do not share its event loop; they do share
 * the machine's cores with it.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { withChild } from './child-server.js';
import { postableConfigMap, sleep, withTempDir, withTimeout } from './fixtures.js';
import { expectStatus, load, type HttpResult, type LoadOptions, type LoadResult } from './http-load.js';
import { figure, note, percentile, type Suite } from './report.js';

const ATOLL_MAIN = new URL('../src/server/main.js', import.meta.url);
const ATOLL_READY_MSG = 'Atoll is serving';

const CONCURRENCY = 32;
const WARMUP_MS = 1_000;
const MEASURE_MS = 5_000;
const LIST_SIZE = 100;
const NAMESPACE = 'bench';
const GET_NAME = 'bench-get';
const WORKSPACE = 'root';
const API = `/clusters/${WORKSPACE}/api/v1`;
const GRAPHQL = `/clusters/${WORKSPACE}/graphql`;
const GET_PATH = `${API}/namespaces/default/configmaps/${GET_NAME}`;
const LIST_PATH = `${API}/namespaces/${NAMESPACE}/configmaps`;
const GET_QUERY = `{ v1 { ConfigMap(name: "${GET_NAME}", namespace: "default") { metadata { name namespace uid resourceVersion creationTimestamp labels } data } } }`;
const LIST_QUERY = `{ v1 { ConfigMaps(namespace: "${NAMESPACE}", limit: ${LIST_SIZE}) { items { metadata { name } data } } } }`;

const SOCKETS = 10;
const SUBS_PER_SOCKET = 100;
/** Unreported writes that also prove every subscription is live before the measured ones. */
const WARM_WRITES = 5;
const STEADY_WRITES = 100;
const STEADY_SPACING_MS = 40;
const BURST_WRITES = 100;
const BURST_IN_FLIGHT = 8;
const TOTAL_WRITES = WARM_WRITES + STEADY_WRITES + BURST_WRITES;
const FAN_PREFIX = 'fan-';
const DELIVERY_TIMEOUT_MS = 20_000;
const fanName = (i: number): string => `${FAN_PREFIX}${String(i).padStart(3, '0')}`;
const SUBSCRIPTION = (rv: string): string =>
  `subscription { v1_configmaps(namespace: "default", resourceVersion: "${rv}") { type object { metadata { name resourceVersion } } } }`;

async function seed(url: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await expectStatus(agent, url, 'POST', `${API}/namespaces`, 201, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await expectStatus(agent, url, 'POST', `${API}/namespaces/default/configmaps`, 201, postableConfigMap('default', GET_NAME, 0));
    const creates: Promise<HttpResult>[] = [];
    for (let i = 0; i < LIST_SIZE; i++) {
      const name = `cm-${String(i).padStart(3, '0')}`;
      creates.push(expectStatus(agent, url, 'POST', `${API}/namespaces/${NAMESPACE}/configmaps`, 201, postableConfigMap(NAMESPACE, name, i)));
    }
    for (let i = 0; i < TOTAL_WRITES; i++) {
      creates.push(expectStatus(agent, url, 'POST', `${API}/namespaces/default/configmaps`, 201, postableConfigMap('default', fanName(i), i)));
    }
    await Promise.all(creates);
  } finally {
    agent.destroy();
  }
}

// ---- reads ----

/** A GraphQL POST; a reply with `errors` fails the run (cheap check; the full parse is done once, up front). */
const graphqlOptions = (query: string): LoadOptions => ({
  method: 'POST',
  body: { query },
  check: (res) => {
    if (res.body.includes('"errors"')) throw new Error(`GraphQL reply with errors: ${res.body.toString('utf8', 0, 500)}`);
  },
});

interface GraphQLReply {
  data?: { v1?: { ConfigMap?: { metadata?: { name?: string } } | null; ConfigMaps?: { items?: unknown[] } } } | null;
  errors?: unknown[];
}

interface Reads {
  restGet: LoadResult;
  gqlGet: LoadResult;
  restList: LoadResult;
  gqlList: LoadResult;
  bytes: { restGet: number; gqlGet: number; restList: number; gqlList: number };
}

async function measureReads(url: string): Promise<Reads> {
  const agent = new http.Agent({ keepAlive: false });
  let bytes: Reads['bytes'];
  try {
    const restGet = await expectStatus(agent, url, 'GET', GET_PATH, 200);
    const restList = await expectStatus(agent, url, 'GET', LIST_PATH, 200);
    const gqlGet = await expectStatus(agent, url, 'POST', GRAPHQL, 200, { query: GET_QUERY });
    const gqlList = await expectStatus(agent, url, 'POST', GRAPHQL, 200, { query: LIST_QUERY });
    const one = JSON.parse(gqlGet.body.toString('utf8')) as GraphQLReply;
    const many = JSON.parse(gqlList.body.toString('utf8')) as GraphQLReply;
    if (one.errors || one.data?.v1?.ConfigMap?.metadata?.name !== GET_NAME) throw new Error(`unexpected GraphQL GET reply: ${gqlGet.body.toString('utf8', 0, 500)}`);
    if (many.errors || many.data?.v1?.ConfigMaps?.items?.length !== LIST_SIZE) {
      throw new Error(`unexpected GraphQL LIST reply: ${gqlList.body.toString('utf8', 0, 500)}`);
    }
    const restItems = (JSON.parse(restList.body.toString('utf8')) as { items?: unknown[] }).items?.length;
    if (restItems !== LIST_SIZE) throw new Error(`REST LIST returned ${restItems} items, expected ${LIST_SIZE}`);
    bytes = { restGet: restGet.body.length, gqlGet: gqlGet.body.length, restList: restList.body.length, gqlList: gqlList.body.length };
  } finally {
    agent.destroy();
  }
  const run = async (p: string, options?: LoadOptions): Promise<LoadResult> => {
    await load(url, p, CONCURRENCY, WARMUP_MS, options);
    return load(url, p, CONCURRENCY, MEASURE_MS, options);
  };
  return {
    restGet: await run(GET_PATH),
    gqlGet: await run(GRAPHQL, graphqlOptions(GET_QUERY)),
    restList: await run(LIST_PATH),
    gqlList: await run(GRAPHQL, graphqlOptions(LIST_QUERY)),
    bytes,
  };
}

function reportReads(what: string, rest: LoadResult, gql: LoadResult): void {
  figure(`${what}, REST (${rest.count} requests)`, rest.perSecond, 'req/s');
  figure(`${what}, GraphQL (${gql.count} requests)`, gql.perSecond, 'req/s', { value: rest.perSecond, label: 'REST' });
  for (const p of [50, 99]) {
    const base = percentile(rest.latencies, p);
    figure(`${what}, REST latency p${p}`, base, 'ms');
    figure(`${what}, GraphQL latency p${p}`, percentile(gql.latencies, p), 'ms', { value: base, label: 'REST' });
  }
}

// ---- subscription fan-out ----

interface Event {
  v1_configmaps?: { type: string; object: { metadata: { name: string; resourceVersion: string } } };
}

interface Fanout {
  subscribers: number;
  setupMs: number;
  /** Per phase: sorted latencies (ms) from each write's REST response to each subscriber's `next`. */
  steady: Phase;
  burst: Phase;
  /** Deliveries whose resourceVersion differs from the one the write's response carried. */
  rvMismatches: number;
  /** Events for objects this run did not write, and events after the last expected one. */
  unexpected: number;
}

interface Phase {
  latencies: Float64Array;
  /** p50 of the REST write's own latency (request sent to response). */
  writeP50: number;
  /** Deliveries per second, from the first write sent to the last delivery. */
  deliveredPerSecond: number;
  /** Deliveries that arrived before the write's response did (negative latency). */
  early: number;
  /** CPU time over the phase's wall time (1 = one core busy): the server, and this process (writer and subscribers). */
  serverCpu: number;
  benchCpu: number;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux; assumes 100 clock ticks/s); NaN elsewhere. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface CpuMark {
  wall: number;
  server: number;
  bench: NodeJS.CpuUsage;
}

function cpuMark(serverPid: number | undefined): CpuMark {
  return { wall: performance.now(), server: processCpuSeconds(serverPid), bench: process.cpuUsage() };
}

function cpuSince(mark: CpuMark, serverPid: number | undefined): { serverCpu: number; benchCpu: number } {
  const seconds = (performance.now() - mark.wall) / 1000;
  const bench = process.cpuUsage(mark.bench);
  return { serverCpu: (processCpuSeconds(serverPid) - mark.server) / seconds, benchCpu: (bench.user + bench.system) / 1e6 / seconds };
}

/**
 * Opens `sockets` graphql-ws clients with `perSocket` subscriptions each, from the current
 * resourceVersion, then runs the warm-up, steady and burst writes, recording every delivery.
 */
let fanoutRuns = 0;

async function fanout(url: string, serverPid: number | undefined, sockets: number, perSocket: number): Promise<Fanout> {
  // Every run changes each object: a patch that changes nothing writes nothing, and sends no event.
  const run = String(++fanoutRuns);
  const subscribers = sockets * perSocket;
  const agent = new http.Agent({ keepAlive: true, maxSockets: BURST_IN_FLIGHT });
  const wsUrl = `${url.replace(/^http/, 'ws')}${GRAPHQL}`;
  const index = new Map<string, number>();
  for (let i = 0; i < TOTAL_WRITES; i++) index.set(fanName(i), i);
  const sentAt = new Float64Array(TOTAL_WRITES);
  const respondedAt = new Float64Array(TOTAL_WRITES);
  const writeRv: string[] = new Array<string>(TOTAL_WRITES);
  const deliveredRv: string[] = new Array<string>(TOTAL_WRITES);
  /** Write-major: arrivals[write * subscribers + subscriber]. */
  const arrivals = new Float64Array(TOTAL_WRITES * subscribers);
  const received = new Uint32Array(TOTAL_WRITES);
  let rvMismatches = 0;
  let unexpected = 0;
  let failure: Error | undefined;
  let waiter: { write: number; resolve: () => void } | undefined;
  const wake = (): void => {
    if (waiter && (failure || (received[waiter.write] as number) >= subscribers)) waiter.resolve();
  };
  /** Resolves once every subscriber has write `i` (and, events being in order, every earlier one). */
  const deliveredUpTo = async (i: number): Promise<void> => {
    if ((received[i] as number) < subscribers) {
      await withTimeout(new Promise<void>((resolve) => (waiter = { write: i, resolve })), DELIVERY_TIMEOUT_MS, `delivery of write ${i} to ${subscribers} subscribers (${received[i]} got it)`);
      waiter = undefined;
    }
    if (failure) throw failure;
  };

  const list = await expectStatus(agent, url, 'GET', `${API}/namespaces/default/configmaps?limit=1`, 200);
  const rv = (JSON.parse(list.body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const clients: Client[] = [];
  const unsubscribes: (() => void)[] = [];
  try {
    const setupStart = performance.now();
    for (let c = 0; c < sockets; c++) {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
      clients.push(client);
      for (let k = 0; k < perSocket; k++) {
        const s = c * perSocket + k;
        unsubscribes.push(
          client.subscribe<Event>(
            { query: SUBSCRIPTION(rv) },
            {
              next: (value) => {
                const now = performance.now();
                const meta = value.data?.v1_configmaps?.object.metadata;
                const i = meta === undefined ? undefined : index.get(meta.name);
                if (value.errors || meta === undefined) {
                  failure ??= new Error(`subscriber ${s}: ${JSON.stringify(value).slice(0, 500)}`);
                } else if (i === undefined) {
                  unexpected++;
                } else if (arrivals[i * subscribers + s] !== 0) {
                  unexpected++;
                } else {
                  arrivals[i * subscribers + s] = now;
                  received[i] = (received[i] as number) + 1;
                  if (deliveredRv[i] === undefined) deliveredRv[i] = meta.resourceVersion;
                  else if (deliveredRv[i] !== meta.resourceVersion) rvMismatches++;
                }
                wake();
              },
              error: (err) => {
                failure ??= new Error(`subscriber ${s} failed: ${err instanceof Error ? err.message : JSON.stringify(err)}`);
                wake();
              },
              complete: () => {
                failure ??= new Error(`subscriber ${s} completed early`);
                wake();
              },
            },
          ),
        );
      }
    }
    const write = async (i: number): Promise<void> => {
      sentAt[i] = performance.now();
      const res = await expectStatus(agent, url, 'PATCH', `${API}/namespaces/default/configmaps/${fanName(i)}`, 200, { data: { seq: String(i), run } }, {
        'content-type': 'application/merge-patch+json',
      });
      respondedAt[i] = performance.now();
      writeRv[i] = (JSON.parse(res.body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    };

    // Warm-up: the first write also tells us every subscription is registered (they start from rv).
    for (let i = 0; i < WARM_WRITES; i++) {
      await write(i);
      await deliveredUpTo(i);
    }
    const setupMs = performance.now() - setupStart;
    await sleep(100);

    // Steady: one write every STEADY_SPACING_MS, whether or not the previous events are all out.
    const steadyStart = WARM_WRITES;
    const steadyCpu = cpuMark(serverPid);
    const t0 = performance.now();
    for (let n = 0; n < STEADY_WRITES; n++) {
      const due = t0 + n * STEADY_SPACING_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await write(steadyStart + n);
      if (failure) throw failure;
    }
    await deliveredUpTo(steadyStart + STEADY_WRITES - 1);
    const steadyUse = cpuSince(steadyCpu, serverPid);
    await sleep(200);

    // Burst: BURST_IN_FLIGHT writers, each sending its next write when the previous one is answered.
    const burstStart = steadyStart + STEADY_WRITES;
    const burstCpu = cpuMark(serverPid);
    let next = burstStart;
    const writer = async (): Promise<void> => {
      while (next < burstStart + BURST_WRITES) await write(next++);
    };
    await Promise.all(Array.from({ length: BURST_IN_FLIGHT }, writer));
    await deliveredUpTo(TOTAL_WRITES - 1);
    const burstUse = cpuSince(burstCpu, serverPid);
    await sleep(100);
    if (failure) throw failure;

    for (let i = 0; i < TOTAL_WRITES; i++) if (deliveredRv[i] !== writeRv[i]) rvMismatches++;
    const phase = (from: number, count: number, cpu: { serverCpu: number; benchCpu: number }): Phase => {
      const latencies = new Float64Array(count * subscribers);
      let last = 0;
      let early = 0;
      for (let i = from; i < from + count; i++) {
        for (let s = 0; s < subscribers; s++) {
          const at = arrivals[i * subscribers + s] as number;
          const latency = at - (respondedAt[i] as number);
          if (latency < 0) early++;
          latencies[(i - from) * subscribers + s] = latency;
          last = Math.max(last, at);
        }
      }
      const writes = Float64Array.from({ length: count }, (_, k) => (respondedAt[from + k] as number) - (sentAt[from + k] as number)).sort();
      return {
        latencies: latencies.sort(),
        writeP50: percentile(writes, 50),
        deliveredPerSecond: (count * subscribers) / ((last - (sentAt[from] as number)) / 1000),
        early,
        ...cpu,
      };
    };
    return {
      subscribers,
      setupMs,
      steady: phase(steadyStart, STEADY_WRITES, steadyUse),
      burst: phase(burstStart, BURST_WRITES, burstUse),
      rvMismatches,
      unexpected,
    };
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.allSettled(clients.map((c) => c.dispose()));
    agent.destroy();
  }
}

function reportFanout(single: Fanout, many: Fanout): void {
  const label = (f: Fanout): string => `${f.subscribers.toLocaleString('en-US')} subscriber${f.subscribers === 1 ? '' : 's'}`;
  const phases = [
    ['steady', `${STEADY_WRITES} writes, 1 per ${STEADY_SPACING_MS} ms`, (f: Fanout) => f.steady],
    ['burst', `${BURST_WRITES} writes, ${BURST_IN_FLIGHT} in flight`, (f: Fanout) => f.burst],
  ] as const;
  for (const [name, what, of] of phases) {
    note(`${name}: ${what}; latency from the write's REST response to each subscriber's next()`);
    for (const p of [50, 99]) {
      const base = { value: percentile(of(single).latencies, p), label: '1 subscriber' };
      figure(`${name}, ${label(single)}, delivery p${p}`, base.value, 'ms');
      figure(`${name}, ${label(many)}, delivery p${p}`, percentile(of(many).latencies, p), 'ms', base);
    }
    // At a steady pace the rate is the pace times the subscribers; only the burst shows capacity.
    const base = name === 'burst' ? { value: of(single).deliveredPerSecond, label: '1 subscriber' } : undefined;
    figure(`${name}, ${label(single)}, events delivered`, of(single).deliveredPerSecond, 'events/s');
    figure(`${name}, ${label(many)}, events delivered`, of(many).deliveredPerSecond, 'events/s', base);
    figure(`${name}, REST PATCH p50 with ${label(single)}`, of(single).writeP50, 'ms');
    figure(`${name}, REST PATCH p50 with ${label(many)}`, of(many).writeP50, 'ms', { value: of(single).writeP50, label: '1 subscriber' });
    const pct = (x: number): string => `${Math.round(x * 100)} %`;
    note(`${name}, CPU (100 % = one core busy): server ${pct(of(single).serverCpu)} / ${pct(of(many).serverCpu)}, bench process ${pct(of(single).benchCpu)} / ${pct(of(many).benchCpu)} (1 / ${label(many)})`);
  }
  figure(`subscribe ${label(many)} + first event to all`, many.setupMs, 'ms');
  for (const f of [single, many]) {
    const early = f.steady.early + f.burst.early;
    if (early > 0) note(`${label(f)}: ${early} deliver${early === 1 ? 'y' : 'ies'} arrived before the write's REST response (counted as negative latency)`);
    if (f.rvMismatches > 0 || f.unexpected > 0) note(`${label(f)}: ${f.rvMismatches} resourceVersion mismatches, ${f.unexpected} unexpected events`);
  }
}

/** Log lines at warn (pino level 40) or above. */
function warnings(output: string): string[] {
  return output.split('\n').filter((line) => {
    try {
      const { level } = JSON.parse(line) as { level?: unknown };
      return typeof level === 'number' && level >= 40;
    } catch {
      return line.trim() !== '';
    }
  });
}

export const graphqlSuite: Suite = {
  name: 'graphql',
  title: `GraphQL vs REST reads at ${CONCURRENCY} in flight, and graphql-ws subscription fan-out (child process)`,
  async run() {
    await withTempDir(async (tmp) => {
      const dataDir = path.join(tmp, 'data');
      const args = ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'info'];
      await withChild(ATOLL_MAIN, args, ATOLL_READY_MSG, async (server) => {
        await seed(server.url);
        const reads = await measureReads(server.url);
        reportReads('GET 1 ConfigMap', reads.restGet, reads.gqlGet);
        reportReads(`LIST ${LIST_SIZE} ConfigMaps`, reads.restList, reads.gqlList);
        const b = reads.bytes;
        note(`bodies: GET REST ${b.restGet} B, GraphQL ${b.gqlGet} B; LIST REST ${b.restList} B, GraphQL ${b.gqlList} B (items { metadata { name } data })`);
        note(`${CONCURRENCY} keep-alive requests in flight, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s per figure; GraphQL is POST with a JSON body`);

        const single = await fanout(server.url, server.pid, 1, 1);
        const many = await fanout(server.url, server.pid, SOCKETS, SUBS_PER_SOCKET);
        reportFanout(single, many);
        note(`${SOCKETS} WebSockets x ${SUBS_PER_SOCKET} graphql-ws subscriptions to v1_configmaps in one workspace, from the current resourceVersion; ${WARM_WRITES} unreported warm-up writes`);
        note(`${os.availableParallelism()} CPUs shared by the load generator, the subscribers and the server under test`);
        const logWarnings = warnings(server.output());
        if (logWarnings.length > 0) note(`Atoll logged ${logWarnings.length} warning/error lines, first: ${logWarnings[0]?.slice(0, 300)}`);
      });
    });
  },
};
