/**
 * The GraphQL surface (issue 5), `npm run bench -- graphql`:
 *
 * - schema compile time and size for an API set of 50 kinds vs the set every workspace serves
 *   (graphql-schema.ts, in this process);
 * - JS heap per workspace with 10,000 workspaces sharing one API set vs 1 workspace, and whether
 *   they share one schema object (graphql-memory.ts, in-process server);
 * - reads: GET of one ConfigMap and LIST of a namespace holding 100 ConfigMaps (~600 B each) over
 *   REST, and the same reads as GraphQL queries (POST, JSON body), 32 keep-alive requests in
 *   flight, 1 s warm-up, 5 s measured; req/s, p50/p99 and the ratio GraphQL/REST. Every GraphQL
 *   reply is checked for `errors` (they come with status 200).
 * - subscription fan-out (graphql-fanout.ts): 1,000 graphql-ws subscriptions (10 WebSockets x 100,
 *   graphql-ws multiplexes them) and 5,000 graphql-ws clients (5,000 WebSockets, one subscription
 *   each), then ConfigMap updates over REST; delivery latency p50/p99, events delivered per second,
 *   connect and subscribe time. Baselines: the same with 1 subscription, and the 5,000 clients'
 *   run against a bare graphql-ws server (bare-ws-server.ts: node:http + ws writing one shared
 *   frame to every subscription, nothing else), the floor of one event loop on this machine.
 *
 * For reads and fan-out Atoll runs as a child process (the compiled main, fresh data directory on
 * 127.0.0.1), as in the REST suite, so the load generator and the subscribers do not share its
 * event loop; they do share the machine's cores with it.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ATOLL_MAIN, ATOLL_NODE_FLAGS, ATOLL_READY_MSG, atollArgs, warningLines, withChild } from './child-server.js';
import { adminHeaders, collectGarbage, postableConfigMap, withTempDir } from './fixtures.js';
import { cpuMark, cpuSince, pct, type CpuUse } from './graphql-cpu.js';
import { BARE_WS_MAIN, BARE_WS_READY_MSG } from './bare-ws-server.js';
import { INSPECT_FLAG, measuredProfile, PROFILE_DIR } from './inspector-profile.js';
import { API, fanout, GRAPHQL, openFilesLimit, reportFanout, reportFanoutFloor, seedFanout, type Fanout, type WritePlan } from './graphql-fanout.js';
import { measureWorkspaceMemory, reportWorkspaceMemory } from './graphql-memory.js';
import { measureCompile, reportCompile } from './graphql-schema.js';
import { expectStatus, load, type HttpResult, type LoadOptions, type LoadResult } from './http-load.js';
import { formatNumber, note, reportLoads, type Suite } from './report.js';


const CONCURRENCY = 32;
const WARMUP_MS = 1_000;
const MEASURE_MS = 5_000;
const LIST_SIZE = 100;
const NAMESPACE = 'bench';
const GET_NAME = 'bench-get';
const GET_PATH = `${API}/namespaces/default/configmaps/${GET_NAME}`;
const LIST_PATH = `${API}/namespaces/${NAMESPACE}/configmaps`;
const GET_QUERY = `{ v1 { ConfigMap(name: "${GET_NAME}", namespace: "default") { metadata { name namespace uid resourceVersion creationTimestamp labels } data } } }`;
const LIST_QUERY = `{ v1 { ConfigMaps(namespace: "${NAMESPACE}", limit: ${LIST_SIZE}) { items { metadata { name } data } } } }`;

const SOCKETS = 10;
const SUBS_PER_SOCKET = 100;
/** graphql-ws clients of the large fan-out, one WebSocket and one subscription each. */
const CLIENTS = 5_000;
/**
 * What the 5,000 clients get written: 25 writes/s, as for 1,000 subscriptions, would ask for
 * 125,000 deliveries/s, several times what the server manages over separate sockets, so the
 * steady figure would only measure a queue growing for as long as the phase lasts. Instead one
 * event at a time, spaced so that each one's fan-out is done before the next (the latency of a
 * 5,000-way fan-out), and a shorter burst for capacity (100,000 deliveries).
 */
const CLIENTS_PLAN: WritePlan = { steadyWrites: 20, steadySpacingMs: 500, burstWrites: 20, burstInFlight: 8 };
/** The server children's node flags: npm start's, and the inspector when profiles are asked for. */
const nodeFlags = PROFILE_DIR === undefined ? ATOLL_NODE_FLAGS : [...ATOLL_NODE_FLAGS, INSPECT_FLAG];
/** File descriptors either process needs besides the sockets (store, logs, HTTP agents). */
const SPARE_FDS = 200;

async function seed(url: string, headers: http.OutgoingHttpHeaders): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await expectStatus(agent, url, 'POST', `${API}/namespaces`, 201, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, headers);
    await expectStatus(agent, url, 'POST', `${API}/namespaces/default/configmaps`, 201, postableConfigMap('default', GET_NAME, 0), headers);
    const creates: Promise<HttpResult>[] = [];
    for (let i = 0; i < LIST_SIZE; i++) {
      const name = `cm-${String(i).padStart(3, '0')}`;
      creates.push(expectStatus(agent, url, 'POST', `${API}/namespaces/${NAMESPACE}/configmaps`, 201, postableConfigMap(NAMESPACE, name, i), headers));
    }
    creates.push(...seedFanout(agent, url, headers));
    await Promise.all(creates);
  } finally {
    agent.destroy();
  }
}

// ---- reads ----

/** A GraphQL POST; a reply with `errors` fails the run (cheap check; the full parse is done once, up front). */
export const graphqlOptions = (query: string, headers?: http.OutgoingHttpHeaders): LoadOptions => ({
  method: 'POST',
  body: { query },
  ...(headers ? { headers } : {}),
  check: (res) => {
    if (res.body.includes('"errors"')) throw new Error(`GraphQL reply with errors: ${res.body.toString('utf8', 0, 500)}`);
  },
});

interface GraphQLReply {
  data?: { v1?: { ConfigMap?: { metadata?: { name?: string } } | null; ConfigMaps?: { items?: unknown[] } } } | null;
  errors?: unknown[];
}

interface Reads {
  /** CPU use during each measured load, in the order of `figures`. */
  cpu: { what: string; use: CpuUse }[];
  restGet: LoadResult;
  gqlGet: LoadResult;
  restList: LoadResult;
  gqlList: LoadResult;
  bytes: { restGet: number; gqlGet: number; restList: number; gqlList: number };
}

async function measureReads(url: string, serverPid: number | undefined, headers: http.OutgoingHttpHeaders): Promise<Reads> {
  const agent = new http.Agent({ keepAlive: false });
  let bytes: Reads['bytes'];
  try {
    const restGet = await expectStatus(agent, url, 'GET', GET_PATH, 200, undefined, headers);
    const restList = await expectStatus(agent, url, 'GET', LIST_PATH, 200, undefined, headers);
    const gqlGet = await expectStatus(agent, url, 'POST', GRAPHQL, 200, { query: GET_QUERY }, headers);
    const gqlList = await expectStatus(agent, url, 'POST', GRAPHQL, 200, { query: LIST_QUERY }, headers);
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
  const cpu: Reads['cpu'] = [];
  const run = async (what: string, p: string, options: LoadOptions = { headers }): Promise<LoadResult> => {
    await load(url, p, CONCURRENCY, WARMUP_MS, options);
    const mark = cpuMark(serverPid);
    const result = await load(url, p, CONCURRENCY, MEASURE_MS, options);
    cpu.push({ what, use: cpuSince(mark, serverPid) });
    return result;
  };
  return {
    restGet: await run('REST GET', GET_PATH),
    gqlGet: await run('GraphQL GET', GRAPHQL, graphqlOptions(GET_QUERY, headers)),
    restList: await run('REST LIST', LIST_PATH),
    gqlList: await run('GraphQL LIST', GRAPHQL, graphqlOptions(LIST_QUERY, headers)),
    bytes,
    cpu,
  };
}

function reportReads(what: string, rest: LoadResult, gql: LoadResult): void {
  reportLoads(what, { label: 'REST', result: rest }, { label: 'GraphQL', result: gql });
}


export const graphqlSuite: Suite = {
  name: 'graphql',
  title: `schema compile for 50 kinds, heap of 10,000 workspaces, GraphQL vs REST reads, graphql-ws fan-out to ${formatNumber(CLIENTS)} clients`,
  async run() {
    reportCompile(await measureCompile());
    collectGarbage();
    reportWorkspaceMemory(await measureWorkspaceMemory());
    collectGarbage();
    await withTempDir(async (tmp) => {
      const dataDir = path.join(tmp, 'data');
      await withChild(ATOLL_MAIN, atollArgs(dataDir), ATOLL_READY_MSG, async (server) => {
        const admin = adminHeaders(dataDir);
        await seed(server.url, admin);
        const reads = await measureReads(server.url, server.pid, admin);
        reportReads('GET 1 ConfigMap', reads.restGet, reads.gqlGet);
        reportReads(`LIST ${LIST_SIZE} ConfigMaps`, reads.restList, reads.gqlList);
        const b = reads.bytes;
        note(`bodies: GET REST ${b.restGet} B, GraphQL ${b.gqlGet} B; LIST REST ${b.restList} B, GraphQL ${b.gqlList} B (items { metadata { name } data })`);
        note(`${CONCURRENCY} keep-alive requests in flight, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s per figure; GraphQL is POST with a JSON body`);
        note(`CPU (100 % = one core busy) server / bench process / whole machine: ${reads.cpu.map(({ what, use }) => `${what} ${pct(use.serverCpu)} / ${pct(use.benchCpu)} / ${pct(use.machineCpu)}`).join(', ')}`);

        const single = await fanout(server.url, server.pid, admin, 1, 1);
        const runs: Fanout[] = [await fanout(server.url, server.pid, admin, SOCKETS, SUBS_PER_SOCKET)];
        // Each client socket is a file descriptor here and one in the server.
        const limits = { bench: openFilesLimit(), server: server.pid === undefined ? NaN : openFilesLimit(server.pid) };
        const fdNote = `open-files limit ${formatNumber(limits.bench)} (bench process) / ${formatNumber(limits.server)} (server); ${formatNumber(CLIENTS)} sockets need as many on each side`;
        if (Math.min(limits.bench, limits.server) < CLIENTS + SPARE_FDS) {
          note(`${formatNumber(CLIENTS)}-client fan-out SKIPPED: ${fdNote} (raise it with ulimit -n before npm run bench)`);
        } else {
          const profile = await measuredProfile(server, 'fanout-atoll');
          runs.push(await fanout(server.url, server.pid, admin, CLIENTS, 1, CLIENTS_PLAN, profile.onMeasuring));
          await profile.finish();
        }
        reportFanout(single, runs);
        const clients = runs.find((f) => f.sockets === CLIENTS);
        if (clients) {
          const bare = await withChild(BARE_WS_MAIN, [], BARE_WS_READY_MSG, async (b) => {
            const profile = await measuredProfile(b, 'fanout-bare-ws');
            const run = await fanout(b.url, b.pid, admin, CLIENTS, 1, CLIENTS_PLAN, profile.onMeasuring);
            await profile.finish();
            return run;
          }, nodeFlags);
          reportFanoutFloor(clients, bare);
        }
        note(`graphql-ws subscriptions to v1_configmaps in one workspace, from the current resourceVersion: ${SOCKETS} WebSockets x ${SUBS_PER_SOCKET}, and ${formatNumber(CLIENTS)} WebSockets x 1; ${fdNote}`);
        note(`${os.availableParallelism()} CPUs shared by the load generator, the subscribers and the server under test`);
        note(`the server runs with node ${ATOLL_NODE_FLAGS.join(' ')}, as npm start runs it`);
        const logWarnings = warningLines(server.output());
        if (logWarnings.length > 0) note(`Atoll logged ${logWarnings.length} warning/error lines, first: ${logWarnings[0]?.slice(0, 300)}`);
      }, nodeFlags);
    });
  },
};
