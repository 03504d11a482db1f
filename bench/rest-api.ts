/**
 * Throughput of the Kubernetes REST surface over real HTTP: requests/s with 32 keep-alive requests
 * in flight (closed loop, 1 s warm-up, then 4 s measured) for GET of one ConfigMap and LIST of a
 * namespace holding 100 ConfigMaps, with p50/p99 latency. Target from the issue: GET at >= 0.5x
 * the bare baseline.
 *
 * Atoll runs as a child process (the compiled main, fresh data directory on 127.0.0.1) and is
 * seeded through its own REST API. Baseline, measured in the same run: a bare node:http child
 * process answering the same paths with the exact bytes, status and headers Atoll returned, i.e.
 * the ceiling for any node HTTP server sending those payloads. The load generator (node:http in
 * this process) shares the machine's cores with the server being measured, for both targets.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BARE_READY_MSG, type Routes } from './bare-routes.js';
import { ATOLL_MAIN, ATOLL_READY_MSG, atollArgs, warningLines, withChild, type ChildServer } from './child-server.js';
import { adminHeaders, postableConfigMap, withTempDir } from './fixtures.js';
import { expectStatus, load, type HttpResult, type LoadResult } from './http-load.js';
import { figure, note, percentile, type Suite } from './report.js';

const BARE_SERVER = new URL('./bare-server.js', import.meta.url);

export const CONCURRENCY = 32;
export const WARMUP_MS = 1_000;
const MEASURE_MS = 4_000;
const LIST_SIZE = 100;
const NAMESPACE = 'bench';
/** The ConfigMap every GET reads, in namespace `default` of root. */
export const GET_NAME = 'bench-get';
const API = '/clusters/root/api/v1';
export const GET_PATH = `${API}/namespaces/default/configmaps/${GET_NAME}`;
const LIST_PATH = `${API}/namespaces/${NAMESPACE}/configmaps`;
const PATHS = [GET_PATH, LIST_PATH] as const;
/** Headers node:http sets per connection or per response; the bare server sets its own. */
const PER_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

interface Measured {
  get: LoadResult;
  list: LoadResult;
}

async function seed(url: string, headers: http.OutgoingHttpHeaders): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await expectStatus(agent, url, 'POST', `${API}/namespaces`, 201, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, headers);
    await expectStatus(agent, url, 'POST', `${API}/namespaces/default/configmaps`, 201, postableConfigMap('default', GET_NAME, 0), headers);
    const creates = Array.from({ length: LIST_SIZE }, (_, i) => {
      const name = `cm-${String(i).padStart(3, '0')}`;
      return expectStatus(agent, url, 'POST', `${API}/namespaces/${NAMESPACE}/configmaps`, 201, postableConfigMap(NAMESPACE, name, i), headers);
    });
    await Promise.all(creates);
  } finally {
    agent.destroy();
  }
}

/** One GET of each path, kept as the canned responses the bare server will send. */
async function capture(url: string, headers: http.OutgoingHttpHeaders): Promise<Map<string, HttpResult>> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const captured = new Map<string, HttpResult>();
    for (const p of PATHS) captured.set(p, await expectStatus(agent, url, 'GET', p, 200, undefined, headers));
    return captured;
  } finally {
    agent.destroy();
  }
}

function toRoutes(captured: Map<string, HttpResult>): Routes {
  const routes: Routes = {};
  for (const [p, res] of captured) {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !PER_RESPONSE_HEADERS.has(name)) headers[name] = value;
    }
    routes[p] = { status: res.status, headers, bodyBase64: res.body.toString('base64') };
  }
  return routes;
}

/**
 * Warm-up, then the measured run, for each path. Both servers get the same requests, credentials
 * included (the bare one ignores them), so the baseline parses the same bytes.
 */
async function measure(url: string, headers: http.OutgoingHttpHeaders): Promise<Measured> {
  const run = async (p: string): Promise<LoadResult> => {
    await load(url, p, CONCURRENCY, WARMUP_MS, { headers });
    return load(url, p, CONCURRENCY, MEASURE_MS, { headers });
  };
  return { get: await run(GET_PATH), list: await run(LIST_PATH) };
}

/** Fails unless the bare server sends what Atoll sent, so the baseline is the same work on the wire. */
async function checkSameBytes(bare: ChildServer, captured: Map<string, HttpResult>): Promise<void> {
  const again = await capture(bare.url, {});
  for (const [p, atoll] of captured) {
    const res = again.get(p);
    if (!res || !res.body.equals(atoll.body) || res.headers['content-type'] !== atoll.headers['content-type']) {
      throw new Error(`the bare server's response to ${p} differs from Atoll's`);
    }
  }
}


function report(what: string, atoll: LoadResult, bare: LoadResult): void {
  figure(`${what}, bare node:http (${bare.count} requests)`, bare.perSecond, 'req/s');
  figure(`${what}, atoll (${atoll.count} requests)`, atoll.perSecond, 'req/s', { value: bare.perSecond, label: 'bare' });
  for (const [label, r] of [['bare', bare], ['atoll', atoll]] as const) {
    figure(`${what}, ${label} latency p50`, percentile(r.latencies, 50), 'ms');
    figure(`${what}, ${label} latency p99`, percentile(r.latencies, 99), 'ms');
  }
}

export const restApi: Suite = {
  name: 'rest',
  title: `Kubernetes REST GET/LIST req/s at ${CONCURRENCY} in flight, Atoll vs bare node:http (child processes)`,
  async run() {
    await withTempDir(async (tmp) => {
      const dataDir = path.join(tmp, 'data');
      const { captured, atoll, headers, logWarnings } = await withChild(ATOLL_MAIN, atollArgs(dataDir), ATOLL_READY_MSG, async (server) => {
        const headers = adminHeaders(dataDir);
        await seed(server.url, headers);
        const captured = await capture(server.url, headers);
        const atoll = await measure(server.url, headers);
        return { captured, atoll, headers, logWarnings: warningLines(server.output()) };
      });
      const routesFile = path.join(tmp, 'routes.json');
      fs.writeFileSync(routesFile, JSON.stringify(toRoutes(captured)));
      const bare = await withChild(BARE_SERVER, [routesFile], BARE_READY_MSG, async (server) => {
        await checkSameBytes(server, captured);
        return measure(server.url, headers);
      });

      report('GET 1 ConfigMap', atoll.get, bare.get);
      report(`LIST ${LIST_SIZE} ConfigMaps`, atoll.list, bare.list);
      const ratio = atoll.get.perSecond / bare.get.perSecond;
      note(`target: GET >= 0.5x bare: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
      const getBody = captured.get(GET_PATH);
      const listBody = captured.get(LIST_PATH);
      const items = listBody ? (JSON.parse(listBody.body.toString('utf8')) as { items?: unknown[] }).items?.length : undefined;
      note(`bodies: GET ${getBody?.body.length} B, LIST ${listBody?.body.length} B with ${items} items; content-type ${getBody?.headers['content-type']}`);
      note(`${CONCURRENCY} keep-alive requests in flight, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s per figure; every response checked for 200`);
      note('Atoll over plain HTTP with RBAC, every request with the admin bearer token (group system:kcp:admin, cluster-admin); the auth suite compares an ordinary user with auth off');
      note(`${os.availableParallelism()} CPUs shared by the load generator and the server under test`);
      if (logWarnings.length > 0) note(`Atoll logged ${logWarnings.length} warning/error lines, first: ${logWarnings[0]?.slice(0, 300)}`);
    });
  },
};
