/**
 * graphql-ws subscription fan-out against Atoll in a child process (issue 5): `sockets` graphql-ws
 * clients with `perSocket` subscriptions each to `v1_configmaps(namespace: "default",
 * resourceVersion: <current>)`, then ConfigMap updates over REST (merge PATCH, one ConfigMap per
 * write so each event is known by its name) as a WritePlan says: a steady phase at a fixed pace,
 * then a burst with a few writes in flight. Per (write, subscriber): the time from the write's REST response to the subscriber's
 * `next` callback, p50/p99, and events delivered per second; also how long it took to connect
 * every socket (connection_ack) and to have the first event delivered to every subscription.
 * The subscribers run in the bench process, on the same cores as the server.
 */
import fs from 'node:fs';
import http from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { postableConfigMap, sleep, withTimeout } from './fixtures.js';
import { cpuMark, cpuSince, pct, type CpuUse } from './graphql-cpu.js';
import { expectStatus, type HttpResult } from './http-load.js';
import { figure, note, percentile, type Baseline } from './report.js';

export const WORKSPACE = 'root';
export const API = `/clusters/${WORKSPACE}/api/v1`;
export const GRAPHQL = `/clusters/${WORKSPACE}/graphql`;

/** Unreported writes that also prove every subscription is live before the measured ones. */
const WARM_WRITES = 5;

/** The measured writes of a run: a steady phase at a fixed pace, then a burst with a few in flight. */
export interface WritePlan {
  steadyWrites: number;
  steadySpacingMs: number;
  burstWrites: number;
  burstInFlight: number;
}

/** 25 writes/s: 25,000 deliveries/s with 1,000 subscriptions, about two-thirds of what the server manages. */
export const DEFAULT_PLAN: WritePlan = { steadyWrites: 100, steadySpacingMs: 40, burstWrites: 100, burstInFlight: 8 };
/** The ConfigMaps seeded: enough for any plan. */
const SEEDED = WARM_WRITES + DEFAULT_PLAN.steadyWrites + DEFAULT_PLAN.burstWrites;
const FAN_PREFIX = 'fan-';
/** How long one write may take to reach every subscriber: at least this, more with many subscribers. */
const DELIVERY_TIMEOUT_MS = 20_000;
const DELIVERY_TIMEOUT_MS_PER_SUBSCRIBER = 20;
/**
 * WebSocket handshakes under way at once. All 5,000 at once overflow the server's accept queue
 * (Node's default listen backlog is 511): the kernel drops the excess and those clients retry
 * after SYN retransmission timeouts (1 s, then 3 s...), so the setup time would measure how busy
 * the machine was more than the server's work (2.8 s on a quiet machine, 9.7 s on a busy one).
 */
const CONNECT_WINDOW = 256;
const fanName = (i: number): string => `${FAN_PREFIX}${String(i).padStart(3, '0')}`;
const SUBSCRIPTION = (rv: string): string =>
  `subscription { v1_configmaps(namespace: "default", resourceVersion: "${rv}") { type object { metadata { name resourceVersion } } } }`;

/** Creates the ConfigMaps the fan-out writes update (in `default` of the workspace). */
export function seedFanout(agent: http.Agent, url: string, headers: http.OutgoingHttpHeaders): Promise<HttpResult>[] {
  return Array.from({ length: SEEDED }, (_, i) =>
    expectStatus(agent, url, 'POST', `${API}/namespaces/default/configmaps`, 201, postableConfigMap('default', fanName(i), i), headers),
  );
}

interface Event {
  v1_configmaps?: { type: string; object: { metadata: { name: string; resourceVersion: string } } };
}

export interface Fanout {
  sockets: number;
  subscribers: number;
  /** From the first subscribe call until every socket has its connection_ack. */
  connectMs: number;
  /** From the first subscribe call until the first (warm-up) write has reached every subscription. */
  setupMs: number;
  /** Connections the kernel dropped meanwhile because a listen queue was full (machine-wide). */
  overflows: number;
  plan: WritePlan;
  /** Per phase: sorted latencies (ms) from each write's REST response to each subscriber's `next`. */
  steady: Phase;
  burst: Phase;
  /** Deliveries whose resourceVersion differs from the one the write's response carried. */
  rvMismatches: number;
  /** Each write that had such deliveries: its response's resourceVersion and what was delivered instead. */
  mismatched: string[];
  /** Events for objects this run did not write, and events after the last expected one. */
  unexpected: number;
}

interface Phase extends CpuUse {
  latencies: Float64Array;
  /** p50 of the REST write's own latency (request sent to response). */
  writeP50: number;
  /** Deliveries per second, from the first write sent to the last delivery. */
  deliveredPerSecond: number;
  /** Deliveries that arrived before the write's response did (negative latency). */
  early: number;
}

let fanoutRuns = 0;

/**
 * Opens `sockets` graphql-ws clients with `perSocket` subscriptions each, from the current
 * resourceVersion, then runs the warm-up, steady and burst writes, recording every delivery.
 * `auth` goes with every REST request and in every socket's connection_init.
 */
export async function fanout(
  url: string,
  serverPid: number | undefined,
  auth: { authorization: string },
  sockets: number,
  perSocket: number,
  plan: WritePlan = DEFAULT_PLAN,
  /** Told when the measured writes start and when they are all delivered (e.g. to profile only those). */
  onMeasuring?: (measuring: boolean) => void,
): Promise<Fanout> {
  const { steadyWrites, steadySpacingMs, burstWrites, burstInFlight } = plan;
  const totalWrites = WARM_WRITES + steadyWrites + burstWrites;
  if (totalWrites > SEEDED) throw new Error(`a plan of ${totalWrites} writes needs more seeded ConfigMaps than ${SEEDED}`);
  // Every run changes each object: a patch that changes nothing writes nothing, and sends no event.
  const run = String(++fanoutRuns);
  const subscribers = sockets * perSocket;
  const agent = new http.Agent({ keepAlive: true, maxSockets: burstInFlight });
  const wsUrl = `${url.replace(/^http/, 'ws')}${GRAPHQL}`;
  const index = new Map<string, number>();
  for (let i = 0; i < totalWrites; i++) index.set(fanName(i), i);
  const sentAt = new Float64Array(totalWrites);
  const respondedAt = new Float64Array(totalWrites);
  const writeRv: string[] = new Array<string>(totalWrites);
  /**
   * Per write, how many deliveries carried each (type, resourceVersion): compared with the write's
   * response once every response is in (a delivery may arrive before it).
   */
  const delivered = Array.from({ length: totalWrites }, () => new Map<string, number>());
  /** Write-major: arrivals[write * subscribers + subscriber]. */
  const arrivals = new Float64Array(totalWrites * subscribers);
  const received = new Uint32Array(totalWrites);
  let rvMismatches = 0;
  let unexpected = 0;
  let failure: Error | undefined;
  let waiter: { write: number; resolve: () => void } | undefined;
  const deliveryTimeoutMs = Math.max(DELIVERY_TIMEOUT_MS, subscribers * DELIVERY_TIMEOUT_MS_PER_SUBSCRIBER);
  const wake = (): void => {
    if (waiter && (failure || (received[waiter.write] as number) >= subscribers)) waiter.resolve();
  };
  /** Resolves once every subscriber has write `i` (and, events being in order, every earlier one). */
  const deliveredUpTo = async (i: number): Promise<void> => {
    if ((received[i] as number) < subscribers) {
      await withTimeout(new Promise<void>((resolve) => (waiter = { write: i, resolve })), deliveryTimeoutMs, `delivery of write ${i} to ${subscribers} subscribers (${received[i]} got it)`);
      waiter = undefined;
    }
    if (failure) throw failure;
  };

  const list = await expectStatus(agent, url, 'GET', `${API}/namespaces/default/configmaps?limit=1`, 200, undefined, auth);
  const rv = (JSON.parse(list.body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const clients: Client[] = [];
  const unsubscribes: (() => void)[] = [];
  let connected = 0;
  let connectMs = NaN;
  try {
    const setupStart = performance.now();
    const overflowsBefore = listenOverflows();
    let opened = 0;
    // At most CONNECT_WINDOW handshakes under way: each connection_ack opens the next socket.
    const onConnected = (): void => {
      if (++connected === sockets) connectMs = performance.now() - setupStart;
      if (opened < sockets) open(opened++);
    };
    const open = (c: number): void => {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { ...auth }, on: { connected: onConnected } });
      clients.push(client);
      for (let k = 0; k < perSocket; k++) {
        const s = c * perSocket + k;
        unsubscribes.push(
          client.subscribe<Event>(
            { query: SUBSCRIPTION(rv) },
            {
              next: (value) => {
                const now = performance.now();
                const event = value.data?.v1_configmaps;
                const meta = event?.object.metadata;
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
                  const seen = delivered[i] as Map<string, number>;
                  const what = `${event?.type} ${meta.resourceVersion}`;
                  seen.set(what, (seen.get(what) ?? 0) + 1);
                }
                wake();
              },
              error: (err) => {
                failure ??= new Error(`subscriber ${s} failed: ${describeFailure(err)}`);
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
    };
    while (opened < Math.min(sockets, CONNECT_WINDOW)) open(opened++);
    const write = async (i: number): Promise<void> => {
      sentAt[i] = performance.now();
      // A write's response waits behind the fan-out of the writes before it (all 5,000 clients'
      // socket callbacks come first), so it gets as long as a delivery: on a loaded machine the
      // default 10 s ended 5,000-client runs in the burst.
      const res = await expectStatus(
        agent,
        url,
        'PATCH',
        `${API}/namespaces/default/configmaps/${fanName(i)}`,
        200,
        { data: { seq: String(i), run } },
        { ...auth, 'content-type': 'application/merge-patch+json' },
        deliveryTimeoutMs,
      );
      respondedAt[i] = performance.now();
      writeRv[i] = (JSON.parse(res.body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    };

    // Warm-up: the first write also tells us every subscription is registered (they start from rv).
    for (let i = 0; i < WARM_WRITES; i++) {
      await write(i);
      await deliveredUpTo(i);
    }
    const setupMs = performance.now() - setupStart;
    const overflows = listenOverflows() - overflowsBefore;
    await sleep(100);

    // Steady: one write every steadySpacingMs, whether or not the previous events are all out.
    const steadyStart = WARM_WRITES;
    onMeasuring?.(true);
    const steadyCpu = cpuMark(serverPid);
    const t0 = performance.now();
    for (let n = 0; n < steadyWrites; n++) {
      const due = t0 + n * steadySpacingMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await write(steadyStart + n);
      if (failure) throw failure;
    }
    await deliveredUpTo(steadyStart + steadyWrites - 1);
    const steadyUse = cpuSince(steadyCpu, serverPid);
    await sleep(200);

    // Burst: burstInFlight writers, each sending its next write when the previous one is answered.
    const burstStart = steadyStart + steadyWrites;
    const burstCpu = cpuMark(serverPid);
    let next = burstStart;
    const writer = async (): Promise<void> => {
      while (next < burstStart + burstWrites) await write(next++);
    };
    await Promise.all(Array.from({ length: burstInFlight }, writer));
    await deliveredUpTo(totalWrites - 1);
    const burstUse = cpuSince(burstCpu, serverPid);
    onMeasuring?.(false);
    await sleep(100);
    if (failure) throw failure;

    const mismatched: string[] = [];
    delivered.forEach((seen, i) => {
      const wrong = [...seen].filter(([what]) => what !== `MODIFIED ${writeRv[i]}`);
      if (wrong.length === 0) return;
      for (const [, n] of wrong) rvMismatches += n;
      mismatched.push(`${fanName(i)}: response ${writeRv[i]}, delivered ${[...seen].map(([what, n]) => `${what} ×${n}`).join(', ')}`);
    });
    const phase = (from: number, count: number, cpu: CpuUse): Phase => {
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
      sockets,
      subscribers,
      connectMs,
      setupMs,
      overflows,
      plan,
      steady: phase(steadyStart, steadyWrites, steadyUse),
      burst: phase(burstStart, burstWrites, burstUse),
      rvMismatches,
      mismatched,
      unexpected,
    };
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.allSettled(clients.map((c) => c.dispose()));
    agent.destroy();
  }
}

const count = (n: number): string => n.toLocaleString('en-US');
const fanoutLabel = (f: Fanout): string => (f.subscribers === 1 ? '1 subscriber' : `${count(f.subscribers)} subs on ${count(f.sockets)} ws`);

/** Each run's figures next to the 1-subscriber baseline, phase by phase. */
export function reportFanout(single: Fanout, runs: readonly Fanout[]): void {
  const baseLabel = fanoutLabel(single);
  const phases = [
    ['steady', (p: WritePlan) => `${p.steadyWrites} writes, 1 per ${p.steadySpacingMs} ms`, (f: Fanout) => f.steady],
    ['burst', (p: WritePlan) => `${p.burstWrites} writes, ${p.burstInFlight} in flight`, (f: Fanout) => f.burst],
  ] as const;
  for (const [name, what, of] of phases) {
    // Runs grouped by what they wrote in this phase.
    const plans = new Map<string, string[]>();
    for (const f of [single, ...runs]) plans.set(what(f.plan), [...(plans.get(what(f.plan)) ?? []), fanoutLabel(f)]);
    const writes = [...plans].map(([w, labels]) => (plans.size === 1 ? w : `${w} (${labels.join(', ')})`)).join('; ');
    note(`${name}: ${writes}; latency from the write's REST response to each subscriber's next()`);
    for (const p of [50, 99]) {
      const base = { value: percentile(of(single).latencies, p), label: baseLabel };
      figure(`${name}, ${baseLabel}, delivery p${p}`, base.value, 'ms');
      for (const f of runs) figure(`${name}, ${fanoutLabel(f)}, delivery p${p}`, percentile(of(f).latencies, p), 'ms', base);
    }
    // At a steady pace the rate is the pace times the subscribers; only the burst shows capacity.
    const rate = { value: of(single).deliveredPerSecond, label: baseLabel };
    figure(`${name}, ${baseLabel}, events delivered`, rate.value, 'events/s');
    for (const f of runs) figure(`${name}, ${fanoutLabel(f)}, events delivered`, of(f).deliveredPerSecond, 'events/s', name === 'burst' ? rate : undefined);
    const write = { value: of(single).writeP50, label: baseLabel };
    figure(`${name}, REST PATCH p50 with ${baseLabel}`, write.value, 'ms');
    for (const f of runs) figure(`${name}, REST PATCH p50 with ${fanoutLabel(f)}`, of(f).writeP50, 'ms', write);
    const all = [single, ...runs];
    note(
      `${name}, CPU (100 % = one core busy): server ${all.map((f) => pct(of(f).serverCpu)).join(' / ')}, ` +
        `bench process ${all.map((f) => pct(of(f).benchCpu)).join(' / ')}, whole machine ${all.map((f) => pct(of(f).machineCpu)).join(' / ')} ` +
        `(${all.map(fanoutLabel).join(' / ')})`,
    );
  }
  for (const f of runs) {
    figure(`connect ${count(f.sockets)} graphql-ws sockets (connection_ack)`, f.connectMs, 'ms');
    figure(`subscribe ${fanoutLabel(f)} + first event to all`, f.setupMs, 'ms');
  }
  const dropped = runs.filter((f) => f.overflows > 0).map((f) => `${fanoutLabel(f)} ${count(f.overflows)}`);
  note(
    `at most ${CONNECT_WINDOW} WebSocket handshakes under way at once (each connection_ack opens the next socket)` +
      (dropped.length > 0 ? `; listen-queue overflows during setup (machine-wide): ${dropped.join(', ')}` : '; no listen-queue overflow during setup'),
  );
  note(`${WARM_WRITES} unreported warm-up writes before each run; the first tells that every subscription is live`);
  for (const f of [single, ...runs]) {
    const early = f.steady.early + f.burst.early;
    if (early > 0) note(`${fanoutLabel(f)}: ${count(early)} deliver${early === 1 ? 'y' : 'ies'} arrived before the write's REST response (counted as negative latency)`);
    if (f.rvMismatches > 0 || f.unexpected > 0) {
      note(`${fanoutLabel(f)}: ${f.rvMismatches} deliveries not the MODIFIED event of the write's response, ${f.unexpected} unexpected events`);
      for (const m of f.mismatched.slice(0, 10)) note(`  ${m}`);
    }
  }
}

/** Server CPU per delivery in a phase, in µs (from /proc over the phase's wall time). */
function cpuPerDelivery(f: Fanout, phase: 'steady' | 'burst'): number {
  const writes = phase === 'steady' ? f.plan.steadyWrites : f.plan.burstWrites;
  return (f[phase].serverCpu * f[phase].seconds * 1e6) / (writes * f.subscribers);
}

/**
 * A run against Atoll next to the same run against the bare graphql-ws server (bare-ws-server.ts):
 * the same clients and writes, so the ratio is what Atoll adds to one event loop's writes.
 */
export function reportFanoutFloor(atoll: Fanout, bare: Fanout): void {
  const label = fanoutLabel(atoll);
  const floor = (value: number): Baseline => ({ value, label: 'bare ws' });
  for (const phase of ['steady', 'burst'] as const) {
    for (const p of [50, 99]) {
      const b = percentile(bare[phase].latencies, p);
      figure(`${phase}, ${label}, bare ws server, delivery p${p}`, b, 'ms');
      figure(`${phase}, ${label}, Atoll, delivery p${p}`, percentile(atoll[phase].latencies, p), 'ms', floor(b));
    }
    const b = cpuPerDelivery(bare, phase);
    figure(`${phase}, ${label}, bare ws server, CPU per delivery`, b, 'µs');
    figure(`${phase}, ${label}, Atoll, CPU per delivery`, cpuPerDelivery(atoll, phase), 'µs', floor(b));
  }
  figure(`burst, ${label}, bare ws server, events delivered`, bare.burst.deliveredPerSecond, 'events/s');
  figure(`burst, ${label}, Atoll, events delivered`, atoll.burst.deliveredPerSecond, 'events/s', floor(bare.burst.deliveredPerSecond));
  note(
    `bare ws server: node:http + ws in its own process, a graphql-ws subscribe registers and each PATCH's event goes to every subscription on the next turn, ` +
      `serialized once, one ws.send each (bench/bare-ws-server.ts); the same clients and writes as Atoll's run, after it`,
  );
}

/** What a graphql-ws client's error callback got: an Error, GraphQL errors, or the socket's CloseEvent (whose fields JSON.stringify does not see). */
function describeFailure(err: unknown): string {
  if (err instanceof Error) return err.message;
  const close = err as { code?: unknown; reason?: unknown };
  if (typeof close === 'object' && close !== null && typeof close.code === 'number') return `socket closed, code ${close.code} ${String(close.reason ?? '')}`;
  return JSON.stringify(err);
}

/** TcpExt ListenOverflows from /proc/net/netstat (machine-wide, Linux); NaN elsewhere. */
function listenOverflows(): number {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    const at = names.indexOf('ListenOverflows');
    return at < 0 ? NaN : Number(values[at]);
  } catch {
    return NaN;
  }
}

/** The soft limit on open files of a process (Linux, from /proc); NaN when unknown. */
export function openFilesLimit(pid: number | 'self' = 'self'): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft === 'unlimited' ? Infinity : Number(soft ?? NaN);
  } catch {
    return NaN;
  }
}
