/**
 * What a workspace costs on the GraphQL side when 10,000 of them share one API set (issue 5), in
 * this process (heap figures need --expose-gc, which `npm run bench` passes): an in-process server
 * on a fresh data directory, 10,000 logical clusters created directly (their LogicalCluster objects,
 * through the registry as the workspace controller writes them: the Workspace API creates ~1,000/s,
 * and nothing about a Workspace object concerns GraphQL), then one small query per workspace over
 * real HTTP to `/clusters/<cluster>/graphql`: the endpoint resolves the cluster, takes its API set
 * from the catalog and `schemaFor` it, then yoga parses, validates and executes against the
 * registry. All 10,000 exist before anything is measured, so the figures are the GraphQL side
 * only: heap after GC once 1 workspace has been served (WARM_QUERIES times) vs once all 10,000
 * have, and whether a schema was compiled along the way; then, in-process, every cluster's API set
 * through a catalog like the server's, to show that all 10,000 get the very same schema object.
 */
import http from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { ApiSet, ComposedCatalog } from '../src/apis/index.js';
import { CrdCatalog } from '../src/crd/index.js';
import { cachedSchemaCount, schemaFor } from '../src/graphql/index.js';
import { SYSTEM_USER } from '../src/registry/index.js';
import type { AtollServer } from '../src/server/index.js';
import { LOGICAL_CLUSTER_NAME, lcStatusOf, logicalClusterKey, logicalClusters, PATH_ANNOTATION, storeResolver } from '../src/tenancy/index.js';
import { bearer, settledMemory } from './fixtures.js';
import { cpuMark, cpuSince, pct, type CpuUse } from './graphql-cpu.js';
import { servedEverywhere } from './graphql-schema.js';
import { expectStatus } from './http-load.js';
import { figure, formatNumber, note } from './report.js';
import { pollUntil, withServer } from './workspace-driver.js';

const WORKSPACES = 10_000;
const CREATE_WINDOW = 64;
const QUERY_CONCURRENCY = 32;
/**
 * Queries of one workspace before the 1-workspace heap is taken: JIT-compiled code, inline caches
 * and yoga's document caches grow during the first thousands of requests, whichever workspaces
 * they go to; without this that warm-up would be counted per workspace.
 */
const WARM_QUERIES = 5_000;
const READY_TIMEOUT_MS = 60_000;
const clusterName = (i: number): string => `gqlmem-${String(i).padStart(5, '0')}`;
const QUERY = `{ core_kcp_io { v1alpha1 { LogicalCluster(name: "${LOGICAL_CLUSTER_NAME}") { metadata { name annotations } status { phase } } } } }`;

interface Reply {
  data?: { core_kcp_io?: { v1alpha1?: { LogicalCluster?: { metadata?: { annotations?: Record<string, string> } } } } } | null;
  errors?: unknown[];
}

export interface WorkspaceMemory {
  workspaces: number;
  /** Heap after GC: before and after the logical clusters were created; 1 workspace served; all served. */
  heapEmpty: number;
  heapCreated: number;
  heapOne: number;
  heapServed: number;
  rssOne: number;
  rssServed: number;
  /** Queries per second while serving each workspace once, and the CPU used meanwhile. */
  servedPerSecond: number;
  servingCpu: CpuUse;
  /** Schemas compiled while the 10,000 were served (the cache's growth). */
  compiled: number;
  /** Distinct schema objects the clusters' API sets map to, and whether it is the base set's. */
  distinctSchemas: number;
  sameAsBase: boolean;
  serverWarnings: number;
}

async function createClusters(server: AtollServer, from: number, to: number): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const cluster = clusterName(next++);
      const annotations = { [PATH_ANNOTATION]: cluster };
      await server.registry.create({ cluster, user: SYSTEM_USER }, logicalClusters, undefined, { metadata: { name: LOGICAL_CLUSTER_NAME, annotations }, spec: {} });
    }
  };
  await Promise.all(Array.from({ length: CREATE_WINDOW }, worker));
  // The workspace controller moves each new logical cluster to Ready (one write each): wait for it,
  // so no background work is left when the heap is taken.
  const allReady = async (): Promise<boolean> => {
    for (let i = from; i < to; i++) {
      const lc = await server.store.get(logicalClusterKey(clusterName(i)));
      if (!lc || lcStatusOf(lc).phase !== 'Ready') return false;
    }
    return true;
  };
  if (!(await pollUntil(allReady, 100, READY_TIMEOUT_MS))) throw new Error(`logical clusters ${clusterName(from)}..${clusterName(to - 1)} not Ready after ${READY_TIMEOUT_MS} ms`);
}

/** Queries workspaces `from`..`to - 1` once each over HTTP, QUERY_CONCURRENCY at a time; queries/s. */
async function serve(url: string, headers: http.OutgoingHttpHeaders, from: number, to: number, times = 1): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: QUERY_CONCURRENCY });
  let next = 0;
  const total = (to - from) * times;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const cluster = clusterName(from + (next++ % (to - from)));
      const res = await expectStatus(agent, url, 'POST', `/clusters/${cluster}/graphql`, 200, { query: QUERY }, headers);
      const reply = JSON.parse(res.body.toString('utf8')) as Reply;
      if (reply.errors || reply.data?.core_kcp_io?.v1alpha1?.LogicalCluster?.metadata?.annotations?.[PATH_ANNOTATION] !== cluster) {
        throw new Error(`unexpected reply from ${cluster}: ${res.body.toString('utf8', 0, 500)}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, total) }, worker));
  } finally {
    agent.destroy();
  }
  return total / ((performance.now() - start) / 1000);
}

/** Every cluster's schema as the endpoint gets it: resolve, API set from a CRD catalog, schemaFor. */
async function schemasOf(server: AtollServer, count: number): Promise<{ distinct: number; sameAsBase: boolean }> {
  const resolver = storeResolver(server.store);
  const crds = new CrdCatalog({ store: server.store });
  const catalog = new ComposedCatalog(servedEverywhere, [crds]);
  await crds.start();
  try {
    const schemas = new Set<GraphQLSchema>();
    for (let i = 0; i < count; i++) {
      const cluster = await resolver.resolve(clusterName(i));
      if (!cluster) throw new Error(`${clusterName(i)} does not resolve`);
      schemas.add(schemaFor(await catalog.forCluster(cluster)));
    }
    const base = schemaFor(new ApiSet(servedEverywhere));
    return { distinct: schemas.size, sameAsBase: schemas.size === 1 && schemas.has(base) };
  } finally {
    await crds.stop();
  }
}

export async function measureWorkspaceMemory(): Promise<WorkspaceMemory> {
  return withServer(async ({ server, warnings }) => {
    const url = server.baseUrl;
    const admin = bearer(server.adminToken);
    const empty = await settledMemory();
    await createClusters(server, 0, WORKSPACES);
    const created = await settledMemory();
    await serve(url, admin, 0, 1, WARM_QUERIES);
    const one = await settledMemory();
    const schemasBefore = cachedSchemaCount();
    const mark = cpuMark(undefined);
    const servedPerSecond = await serve(url, admin, 0, WORKSPACES);
    const servingCpu = cpuSince(mark, undefined);
    const served = await settledMemory();
    const compiled = cachedSchemaCount() - schemasBefore;
    const { distinct, sameAsBase } = await schemasOf(server, WORKSPACES);
    return {
      workspaces: WORKSPACES,
      heapEmpty: empty.heapUsed,
      heapCreated: created.heapUsed,
      heapOne: one.heapUsed,
      heapServed: served.heapUsed,
      rssOne: one.rss,
      rssServed: served.rss,
      servedPerSecond,
      servingCpu,
      compiled,
      distinctSchemas: distinct,
      sameAsBase,
      serverWarnings: warnings.count,
    };
  });
}

export function reportWorkspaceMemory(m: WorkspaceMemory): void {
  const MiB = 2 ** 20;
  const n = formatNumber(m.workspaces);
  note(`${n} logical clusters created directly (LogicalCluster objects through the registry, not the Workspace API) before anything is measured; in-process server, queries over HTTP`);
  const one = { value: m.heapOne / MiB, label: '1 workspace' };
  figure(`JS heap after GC, 1 workspace served ${formatNumber(WARM_QUERIES)}x`, one.value, 'MiB');
  figure(`JS heap after GC, ${n} workspaces served`, m.heapServed / MiB, 'MiB', one);
  figure('JS heap per workspace served', (m.heapServed - m.heapOne) / (m.workspaces - 1), 'B');
  note('a few hundred KiB either way (some tens of bytes per workspace) is noise: heap after GC moves that much between rounds of the same requests');
  figure(`RSS, ${n} workspaces served`, m.rssServed / MiB, 'MiB', { value: m.rssOne / MiB, label: '1 workspace' });
  figure(`one query in each of ${n} workspaces (${QUERY_CONCURRENCY} in flight)`, m.servedPerSecond, 'req/s');
  note(`CPU meanwhile (100 % = one core busy): this process (server and client) ${pct(m.servingCpu.benchCpu)}, whole machine ${pct(m.servingCpu.machineCpu)}`);
  note(
    `schemas compiled while serving ${n} workspaces: ${m.compiled}; their API sets map to ${m.distinctSchemas} schema object(s)` +
      `${m.sameAsBase ? ', the very one schemaFor gives the built-in set (identity)' : ' — NOT one shared object'}`,
  );
  note(`for scale: creating the ${n} logical clusters grew the heap by ${((m.heapCreated - m.heapEmpty) / MiB).toFixed(1)} MiB (controller and create-path warm-up included), before any GraphQL; serving the first workspace ${formatNumber(WARM_QUERIES)}x (warm-up) ${((m.heapOne - m.heapCreated) / MiB).toFixed(1)} MiB`);
  if (m.serverWarnings > 0) note(`the server logged ${m.serverWarnings} warning/error lines`);
}
