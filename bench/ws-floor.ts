/**
 * What one event to 5,000 WebSockets costs this machine with nothing but the sockets, `npm run
 * bench -- ws-floor`: the floor under the `graphql` suite's 5,000-client fan-out (issue 19).
 *
 * Server processes run `ws` and nothing else; on the suite's word each writes one prebuilt ~150-byte
 * frame (a graphql-ws `next` message as Atoll sends it, with the send time in it) to each of its
 * sockets in one synchronous loop. Client processes hold raw `ws` clients whose message handler only
 * parses the JSON and notes the latency (no graphql-ws client, which does more per message). Latency: from just before a server's loop starts to the client's handler, on the
 * machine-wide monotonic clock (`process.hrtime`). Layouts: 1 server × 1 client process, and 2 × 2
 * (sockets spread over two event loops on each side). 3 unreported events, then 20, 300 ms apart.
 *
 * The server and client roles are this module forked with `server` / `clients <ports> <n>`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { sleep, withTimeout } from './fixtures.js';
import { openFilesLimit } from './graphql-fanout.js';
import { figure, formatNumber, note, percentile, type Suite } from './report.js';

const SOCKETS = 5_000;
const WARM_EVENTS = 3;
const EVENTS = 20;
const SPACING_MS = 300;
const LAYOUTS: readonly (readonly [servers: number, clients: number])[] = [
  [1, 1],
  [2, 2],
];
/** Client connections opened at once, per client process (the servers' listen queue is 4,096). */
const CONNECT_BATCH = 200;
const STEP_TIMEOUT_MS = 60_000;

type ToServer = { type: 'send' };
type FromServer = { type: 'listening'; port: number } | { type: 'sent'; loopMs: number; cpuUs: number; sockets: number };
type FromClients = { type: 'open' } | { type: 'latencies'; ms: number[] };

function serve(): void {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', backlog: 4096 });
  const sockets: WebSocket[] = [];
  wss.on('connection', (socket) => sockets.push(socket));
  wss.on('listening', () => {
    const address = wss.address();
    if (typeof address === 'object' && address !== null) process.send?.({ type: 'listening', port: address.port } satisfies FromServer);
  });
  process.on('message', (m: ToServer) => {
    if (m.type !== 'send') return;
    const cpu = process.cpuUsage();
    const sentAt = process.hrtime.bigint();
    const payload = { data: { v1_configmaps: { type: 'MODIFIED', object: { metadata: { name: 'fan-001', resourceVersion: '12345' } } } } };
    const frame = Buffer.from(JSON.stringify({ id: 'a1b2c3d4-0000-4000-8000-000000000000', type: 'next', payload, sentAt: String(sentAt) }));
    for (const socket of sockets) socket.send(frame, { binary: false });
    const loopMs = Number(process.hrtime.bigint() - sentAt) / 1e6;
    // The write callbacks of what the kernel took at once run on this turn's completion.
    setImmediate(() => {
      const used = process.cpuUsage(cpu);
      process.send?.({ type: 'sent', loopMs, cpuUs: used.user + used.system, sockets: sockets.length } satisfies FromServer);
    });
  });
}

async function holdClients(ports: number[], count: number): Promise<void> {
  let latencies: number[] = [];
  let open = 0;
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(`ws://127.0.0.1:${ports[i % ports.length]}`);
    socket.on('open', () => {
      if (++open === count) process.send?.({ type: 'open' } satisfies FromClients);
    });
    socket.on('message', (data: Buffer) => {
      const now = process.hrtime.bigint();
      const { sentAt } = JSON.parse(data.toString()) as { sentAt: string };
      latencies.push(Number(now - BigInt(sentAt)) / 1e6);
      if (latencies.length === count) {
        process.send?.({ type: 'latencies', ms: latencies } satisfies FromClients);
        latencies = [];
      }
    });
    socket.on('error', (err) => {
      console.error(`client socket: ${err.message}`);
      process.exit(1);
    });
    if (i % CONNECT_BATCH === CONNECT_BATCH - 1) await sleep(20);
  }
}

/** The next message of `type` from `child`, or an error when it exits first or takes too long. */
function message<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: T): void => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null): void => reject(new Error(`a ${type} was awaited from a child that exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    }),
    STEP_TIMEOUT_MS,
    `${type} from a child`,
  );
}

interface Floor {
  latencies: Float64Array;
  /** Per event, the slowest server's loop over its sockets. */
  loopMs: number[];
  /** Server CPU per socket written, per event (all servers). */
  cpuPerDeliveryUs: number[];
}

async function measure(servers: number, clientProcesses: number): Promise<Floor> {
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  try {
    const serving = Array.from({ length: servers }, () => fork(self, ['server'], { execArgv: [] }));
    children.push(...serving);
    const ports = (await Promise.all(serving.map((s) => message<Extract<FromServer, { type: 'listening' }>>(s, 'listening')))).map((m) => m.port);
    const clients = Array.from({ length: clientProcesses }, () => fork(self, ['clients', ports.join(','), String(SOCKETS / clientProcesses)], { execArgv: [] }));
    children.push(...clients);
    await Promise.all(clients.map((c) => message(c, 'open')));
    const latencies: number[] = [];
    const loopMs: number[] = [];
    const cpuPerDeliveryUs: number[] = [];
    for (let e = 0; e < WARM_EVENTS + EVENTS; e++) {
      const received = clients.map((c) => message<Extract<FromClients, { type: 'latencies' }>>(c, 'latencies'));
      const sent = serving.map((s) => message<Extract<FromServer, { type: 'sent' }>>(s, 'sent'));
      for (const s of serving) s.send({ type: 'send' } satisfies ToServer);
      const [got, done] = await Promise.all([Promise.all(received), Promise.all(sent)]);
      if (e >= WARM_EVENTS) {
        for (const g of got) latencies.push(...g.ms);
        loopMs.push(Math.max(...done.map((d) => d.loopMs)));
        cpuPerDeliveryUs.push(done.reduce((sum, d) => sum + d.cpuUs, 0) / done.reduce((sum, d) => sum + d.sockets, 0));
      }
      await sleep(SPACING_MS);
    }
    return { latencies: Float64Array.from(latencies).sort(), loopMs, cpuPerDeliveryUs };
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

export const wsFloor: Suite = {
  name: 'ws-floor',
  title: `one event to ${formatNumber(SOCKETS)} WebSockets with nothing but ws: bare servers and raw clients in their own processes (the floor under GraphQL fan-out)`,
  async run() {
    if (openFilesLimit() < SOCKETS + 200) {
      note(`SKIPPED: open-files limit ${formatNumber(openFilesLimit())}; ${formatNumber(SOCKETS)} sockets need as many in each process (raise it with ulimit -n)`);
      return;
    }
    let base: number | undefined;
    for (const [servers, clients] of LAYOUTS) {
      const f = await measure(servers, clients);
      const label = `${servers} server${servers === 1 ? '' : 's'} × ${clients} client process${clients === 1 ? '' : 'es'}`;
      const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
      for (const p of [50, 99]) {
        const value = percentile(f.latencies, p);
        figure(`${label}, delivery p${p}`, value, 'ms', p === 99 && base !== undefined ? { value: base, label: '1 × 1' } : undefined);
        if (p === 99) base ??= value;
      }
      figure(`${label}, server loop over its sockets (median)`, percentile(sorted(f.loopMs), 50), 'ms');
      figure(`${label}, server CPU per delivery (median)`, percentile(sorted(f.cpuPerDeliveryUs), 50), 'µs');
    }
    note(`${EVENTS} events ${SPACING_MS} ms apart after ${WARM_EVENTS} unreported; latency from the start of the server's loop to each client's handler`);
    note("the clients only parse each frame; the graphql suite's subscribers are graphql-ws clients, which do more per message on the same cores");
  },
};

const [role, ports, count] = process.argv.slice(2);
if (process.send && role === 'server') serve();
else if (process.send && role === 'clients' && ports !== undefined && count !== undefined) void holdClients(ports.split(',').map(Number), Number(count));
