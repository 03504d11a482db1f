/**
 * The controller SDK (src/sdk) at consumer scale. Scale: ATOLL_BENCH_SDK_CONSUMERS (default
 * 10,000 consumers, one Widget each), printed with every figure.
 *
 * - Informer memory (a child process of its own, no server): JS heap per cached object, the
 *   objects alone held in an array as the baseline (so the difference is the cache's index); and
 *   per consumer workspace: the same number of objects in one workspace vs one per workspace.
 * - Reconcile throughput (a child with a server): N consumers bind the example's Widget export,
 *   each holds a Widget; the example's controller (REST transport, over HTTPS) starts and sets
 *   every status — reconciles/s from start() (list included) to the last status write.
 * - End-to-end latency: a spec change in a random consumer (a merge patch over HTTPS) → the
 *   controller's status write for that generation returns, p50/p99, sequential writes.
 *
 * The controller runs in the server's process (two cores shared): throughput and latency include
 * the server's work on the same CPU.
 */
import { widgetsController } from '../examples/widgets/controller.js';
import { exportDocuments } from '../examples/widgets/setup.js';
import type { Widget } from '../examples/widgets/widget.js';
import { apiBindings, apiExports, apiResourceSchemas, exportStatusOf } from '../src/apiexports/index.js';
import { SYSTEM_USER, type RequestContext } from '../src/registry/index.js';
import { HttpClient, Informer, type ObjectKey, type Transport, type WatchEvent } from '../src/sdk/index.js';
import { ROOT_CLUSTER } from '../src/tenancy/index.js';
import { measureInChild, progress, runAsChild } from './child-measure.js';
import { settledMemory, sleep } from './fixtures.js';
import { figure, note, percentile, type Suite } from './report.js';
import { createAndWait, flat, pollUntil, startServer } from './workspace-driver.js';

const CONSUMERS = Number(process.env.ATOLL_BENCH_SDK_CONSUMERS ?? 10_000);
const LATENCY_WRITES = 200;
const WINDOW = 512;
const GROUP = 'widgets.example.dev';
const n = (x: number): string => x.toLocaleString('en-US');

// ---- informer memory ----

/** A Widget as the provider's view serves it (managedFields and the cluster annotation included), parsed from JSON as the transport does. */
function viewWidget(workspace: string, name: string, i: number): Widget {
  return JSON.parse(
    JSON.stringify({
      apiVersion: `${GROUP}/v1`,
      kind: 'Widget',
      metadata: {
        name,
        namespace: 'default',
        uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resourceVersion: String(1000 + i),
        generation: 1,
        creationTimestamp: '2026-01-01T00:00:00Z',
        annotations: { 'kcp.io/cluster': workspace },
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: `${GROUP}/v1`, time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:size': {}, 'f:color': {} } } }],
      },
      spec: { size: 3, color: 'red' },
      status: { observedGeneration: 1, ready: true, size: 3, color: 'red', summary: '3 red widgets' },
    }),
  ) as Widget;
}

/** A transport whose list is the given objects and whose watch never sends anything. */
function fixedTransport(items: () => Widget[]): Transport<Widget> {
  return {
    name: 'fixed',
    list: () => Promise.resolve({ items: items(), resourceVersion: '1' }),
    async *watch(_rv, signal) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      yield* [] as WatchEvent<Widget>[];
    },
    close: () => undefined,
  };
}

interface MemoryResult {
  objects: number;
  arrayPerObject: number;
  cachedManyPerObject: number;
  cachedOnePerObject: number;
}

async function heapOf(hold: () => Promise<unknown>): Promise<number> {
  const before = (await settledMemory()).heapUsed;
  const held = await hold();
  const after = (await settledMemory()).heapUsed;
  void held;
  return after - before;
}

async function measureMemory(count: number): Promise<MemoryResult> {
  const make = (many: boolean): Widget[] => Array.from({ length: count }, (_, i) => viewWidget(many ? `consumer${i}` : 'consumer0', many ? 'widget' : `widget-${i}`, i));
  let keep: unknown;
  const arrayBytes = await heapOf(async () => (keep = make(true)));
  keep = undefined;
  const cached = async (many: boolean): Promise<number> => {
    let informer: Informer<Widget> | undefined = new Informer<Widget>(fixedTransport(() => make(many)));
    const bytes = await heapOf(async () => {
      await informer?.start();
      return informer;
    });
    await informer.stop();
    if (informer.cache.size !== count) throw new Error(`cached ${informer.cache.size} of ${count}`);
    informer = undefined;
    return bytes;
  };
  const many = await cached(true);
  const one = await cached(false);
  void keep;
  return { objects: count, arrayPerObject: arrayBytes / count, cachedManyPerObject: many / count, cachedOnePerObject: one / count };
}

// ---- reconcile throughput and latency ----

interface ReconcileResult {
  consumers: number;
  startMs: number;
  reconcileMs: number;
  latencies: number[];
  errors: number;
}

async function measureReconcile(dataDir: string, consumers: number): Promise<ReconcileResult> {
  const { server } = await startServer(dataDir);
  const sys = (cluster: string): RequestContext => ({ cluster, user: SYSTEM_USER });
  const http = new HttpClient({ server: server.baseUrl, token: server.adminToken, ...(server.pki ? { ca: server.pki.ca.cert } : {}) });
  try {
    // Converted first: a broken SDL fails the run before minutes of workspace creation.
    const docs = exportDocuments();
    const clusters: string[] = [];
    await createAndWait(server, { total: consumers + 1, window: WINDOW, next: flat(ROOT_CLUSTER, consumers + 1, 'c-'), onReady: (_p, child) => clusters.push(child) });
    const provider = clusters.pop() as string;
    progress(`${n(consumers)} consumer workspaces Ready`);
    for (const schema of docs.schemas) await server.registry.create(sys(provider), apiResourceSchemas, undefined, schema);
    await server.registry.create(sys(provider), apiExports, undefined, docs.export);
    if (!(await pollUntil(async () => !!exportStatusOf(await server.registry.get(sys(provider), apiExports, undefined, 'widgets')).identityHash, 20, 30_000))) throw new Error('the export got no identity');
    let next = 0;
    const bindAll = async (): Promise<void> => {
      while (next < clusters.length) {
        const c = clusters[next++] as string;
        await server.registry.create(sys(c), apiBindings, undefined, { metadata: { name: 'widgets' }, spec: { reference: { export: { path: provider, name: 'widgets' } } } });
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, bindAll));
    const catalog = server['catalog'];
    let pending = clusters;
    const served = await pollUntil(
      async () => {
        const left: string[] = [];
        for (const c of pending) if ((await catalog.forCluster(c)).find(GROUP, 'v1', 'widgets') === undefined) left.push(c);
        pending = left;
        return left.length === 0;
      },
      50,
      10 * 60_000,
    );
    if (!served) throw new Error(`${n(pending.length)} bindings not served`);
    next = 0;
    const fill = async (): Promise<void> => {
      while (next < clusters.length) {
        const c = clusters[next++] as string;
        await http.json('POST', `/clusters/${c}/apis/${GROUP}/v1/namespaces/default/widgets`, { body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'widget' }, spec: { size: 1 } } });
      }
    };
    await Promise.all(Array.from({ length: 64 }, fill));
    progress(`${n(consumers)} bindings served, one Widget in each`);
    await sleep(1_000);

    // Status writes, by key and generation, as the controller reports them.
    const waiters = new Map<string, () => void>();
    let written = 0;
    let allDone: () => void = () => undefined;
    const everyone = new Promise<void>((resolve) => (allDone = resolve));
    const onStatusWritten = (key: ObjectKey, w: Widget): void => {
      written++;
      if (written === consumers) allDone();
      const k = `${key.workspace}@${w.metadata.generation}`;
      waiters.get(k)?.();
      waiters.delete(k);
    };
    let errors = 0;
    const controller = widgetsController({
      connection: http.connection,
      exportCluster: provider,
      onStatusWritten,
      onError: () => errors++,
      tuning: { workers: 32, rateLimit: { qps: 100_000, burst: 10_000 } },
    });
    const t0 = performance.now();
    await controller.start();
    const startMs = performance.now() - t0;
    await everyone;
    const reconcileMs = performance.now() - t0;
    progress(`${n(consumers)} reconciled`);

    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const c = clusters[Math.floor(Math.random() * clusters.length)] as string;
      const t = performance.now();
      const before = await http.json<Widget>('PATCH', `/clusters/${c}/apis/${GROUP}/v1/namespaces/default/widgets/widget`, { body: { spec: { size: 2 + i } }, contentType: 'application/merge-patch+json' });
      await new Promise<void>((resolve) => waiters.set(`${c}@${before.metadata.generation}`, resolve));
      latencies.push(performance.now() - t);
    }
    await controller.stop();
    return { consumers, startMs, reconcileMs, latencies: latencies.sort((a, b) => a - b), errors };
  } finally {
    http.close();
    await server.stop();
  }
}

async function measure(dataDir: string, args: string[]): Promise<MemoryResult | ReconcileResult> {
  const count = Number(args[1]);
  return args[0] === 'memory' ? measureMemory(count) : measureReconcile(dataDir, count);
}

export const sdkSuite: Suite = {
  name: 'sdk',
  title: `controller SDK: informer memory per cached object and per consumer, reconcile throughput and write → status latency (${n(CONSUMERS)} consumers; ATOLL_BENCH_SDK_CONSUMERS)`,
  async run() {
    const m = await measureInChild<MemoryResult>(import.meta.url, 'informer memory', 10 * 60_000, ['memory', String(CONSUMERS)]);
    const c = n(m.objects);
    figure(`${c} Widgets held in an array (baseline)`, m.arrayPerObject / 1024, 'KiB/obj');
    figure(`informer cache, ${c} consumers × 1 Widget`, m.cachedManyPerObject / 1024, 'KiB/obj', { value: m.arrayPerObject / 1024, label: 'array' });
    figure(`informer cache, 1 consumer × ${c} Widgets`, m.cachedOnePerObject / 1024, 'KiB/obj', { value: m.arrayPerObject / 1024, label: 'array' });
    figure('cache index per cached object', (m.cachedOnePerObject - m.arrayPerObject) / 1024, 'KiB');
    figure('cache index per consumer workspace', (m.cachedManyPerObject - m.cachedOnePerObject) / 1024, 'KiB');
    note('JS heap after GC; a Widget as the view serves it (managedFields, kcp.io/cluster annotation, status) is ~1 KiB of JSON');

    const r = await measureInChild<ReconcileResult>(import.meta.url, 'reconcile', 30 * 60_000, ['reconcile', String(CONSUMERS)]);
    const rc = n(r.consumers);
    figure(`controller start (list of ${rc}) → synced`, r.startMs, 'ms');
    figure(`reconcile ${rc} Widgets in ${rc} consumers`, (r.consumers * 1000) / r.reconcileMs, 'reconciles/s');
    figure(`write → status set, p50 (${rc} consumers)`, percentile(r.latencies, 50), 'ms');
    figure(`write → status set, p99 (${rc} consumers)`, percentile(r.latencies, 99), 'ms');
    note(`REST transport over HTTPS, 32 workers, rate limit lifted (the SDK's default is 50/s); each reconcile is one status PUT; ${LATENCY_WRITES} sequential merge patches for latency; ${r.errors} reconcile errors`);
  },
};

runAsChild(import.meta.url, measure);
