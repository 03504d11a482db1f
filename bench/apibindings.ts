/**
 * APIs for providers at consumer scale: N consumer workspaces (1,000, then 10,000) binding one
 * export, each run in a child process of its own (so heap and RSS per binding are the bindings'):
 *
 * - binds/s from the first APIBinding create until every consumer serves the export's resource
 *   (phase Bound and in its API set), baseline: namespace creates through the same registry, same
 *   count and window;
 * - JS heap and RSS per binding after GC (the workspaces alone are the baseline); ApiSets, bound
 *   ResourceTypes and GraphQL schemas for all consumers (one each is the goal);
 * - the provider's watch across all consumers (one registry watch over ALL_CLUSTERS with the
 *   provider view's visibility, as `/services/apiexport/...` runs it): a write in a random consumer
 *   → its event delivered, p50/p99, vs a watch of one workspace seeing the same writes there;
 * - a list across all consumers (one object each) vs a list in one workspace of the same count.
 *
 * Bindings are created as Atoll's system user (the `bind` check is one cached RBAC decision).
 */
import { schemaFor } from '../src/graphql/index.js';
import type { KubeObject } from '../src/meta/index.js';
import { namespaces, SYSTEM_USER, type RequestContext, type ResourceType } from '../src/registry/index.js';
import { ALL_CLUSTERS } from '../src/storage/index.js';
import { ROOT_CLUSTER } from '../src/tenancy/index.js';
import { apiBindings, apiExports, apiResourceSchemas, exportStatusOf } from '../src/apiexports/index.js';
import type { ApiSet } from '../src/apis/index.js';
import { measureInChild, progress, runAsChild } from './child-measure.js';
import { settledMemory, sleep, widgetsSchema, WIDGETS_GROUP } from './fixtures.js';
import { figure, formatNumber, median, note, percentile, type Suite } from './report.js';
import { createAndWait, flat, namespaceCreateRate, pollUntil, startServer } from './workspace-driver.js';

const SIZES = [1_000, 10_000];
const WINDOW = 512;
const WATCH_WRITES = 400;
const LIST_ROUNDS = 5;
const GROUP = WIDGETS_GROUP;
const MiB = 2 ** 20;
const n = (x: number): string => x.toLocaleString('en-US');

interface Memory {
  rss: number;
  heap: number;
}

interface Result {
  consumers: number;
  bindMs: number;
  nsRate: number;
  memory: { workspaces: Memory; bound: Memory };
  apiSets: number;
  types: number;
  graphqlSchemas: number;
  watch: { acrossP50: number; acrossP99: number; oneP50: number; oneP99: number };
  list: { acrossMs: number; oneMs: number };
  warnings: number;
  firstWarning: string | undefined;
}

const schema = widgetsSchema;

async function memory(): Promise<Memory> {
  const m = await settledMemory();
  return { rss: m.rss, heap: m.heapUsed };
}

async function measure(dataDir: string, args: string[]): Promise<Result> {
  const consumers = Number(args[0]);
  const running = await startServer(dataDir);
  const { server } = running;
  const sys = (cluster: string): RequestContext => ({ cluster, user: SYSTEM_USER });
  try {
    const catalog = server['catalog'];
    const clusters: string[] = [];
    await createAndWait(server, { total: consumers + 1, window: WINDOW, next: flat(ROOT_CLUSTER, consumers + 1, 'ws-'), onReady: (_p, child) => clusters.push(child) });
    const provider = clusters.pop() as string;
    await server.registry.create(sys(provider), apiResourceSchemas, undefined, schema);
    await server.registry.create(sys(provider), apiExports, undefined, {
      metadata: { name: 'widgets' },
      spec: { resources: [{ name: 'widgets', group: GROUP, schema: schema.metadata.name, storage: { crd: {} } }] },
    });
    const identified = await pollUntil(async () => !!exportStatusOf(await server.registry.get(sys(provider), apiExports, undefined, 'widgets')).identityHash, 20, 30_000);
    if (!identified) throw new Error('the export got no identity');
    await sleep(1_000);
    const workspaces = await memory();

    const start = performance.now();
    let next = 0;
    const createBindings = async (): Promise<void> => {
      while (next < clusters.length) {
        const cluster = clusters[next++] as string;
        await server.registry.create(sys(cluster), apiBindings, undefined, { metadata: { name: 'widgets' }, spec: { reference: { export: { path: provider, name: 'widgets' } } } });
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, createBindings));
    progress(`${n(consumers)} bindings created after ${((performance.now() - start) / 1000).toFixed(1)} s`);
    let pending = clusters;
    const serves = (set: ApiSet): boolean => set.find(GROUP, 'v1', 'widgets') !== undefined;
    const bound = await pollUntil(
      async () => {
        const left: string[] = [];
        for (const c of pending) if (!serves(await catalog.forCluster(c))) left.push(c);
        pending = left;
        return left.length === 0;
      },
      20,
      10 * 60_000,
    );
    if (!bound) throw new Error(`${n(pending.length)} of ${n(consumers)} bindings not served`);
    const bindMs = performance.now() - start;
    await sleep(1_000);
    const boundMemory = await memory();

    const sets = new Set<ApiSet>();
    const types = new Set<ResourceType>();
    const schemas = new Set<unknown>();
    for (const c of clusters) {
      const set = await catalog.forCluster(c);
      sets.add(set);
      const t = set.find(GROUP, 'v1', 'widgets');
      if (t) types.add(t);
    }
    for (const set of sets) schemas.add(schemaFor(set));
    const widgets = [...types][0] as ResourceType;

    // The provider's watch across all consumers, and a watch of one workspace, over the same writes there.
    const bindings = server.bindings;
    const visible = (cluster: string): boolean => bindings.bindingsOfExport(cluster, provider, 'widgets').length > 0;
    const across = await server.registry.watch({ cluster: ALL_CLUSTERS, user: SYSTEM_USER, visible }, widgets, { resourceVersion: String(server.store.revision) });
    const one = clusters[0] as string;
    const single = await server.registry.watch(sys(one), widgets, { resourceVersion: String(server.store.revision) });
    const lat = async (w: AsyncIterableIterator<{ object: KubeObject }>, writes: (i: number) => Promise<unknown>): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < WATCH_WRITES; i++) {
        const t = performance.now();
        await writes(i);
        await w.next();
        out.push(performance.now() - t);
      }
      return out.sort((a, b) => a - b);
    };
    const widget = (name: string) => ({ metadata: { name, namespace: 'default' }, spec: { size: 1 } });
    const acrossLat = await lat(across, (i) => server.registry.create(sys(clusters[Math.floor(Math.random() * clusters.length)] as string), widgets, 'default', widget(`w-${i}`)));
    const oneLat = await lat(single, (i) => server.registry.create(sys(one), widgets, 'default', widget(`s-${i}`)));
    across.return?.();
    single.return?.();

    // One widget in every consumer vs the same count in one workspace.
    next = 0;
    const fill = async (): Promise<void> => {
      while (next < clusters.length) {
        const c = clusters[next++] as string;
        await server.registry.create(sys(c), widgets, 'default', widget('listed')).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, fill));
    const base = clusters[1] as string;
    for (let i = 0; i < consumers; i += WINDOW) {
      await Promise.all(Array.from({ length: Math.min(WINDOW, consumers - i) }, (_, k) => server.registry.create(sys(base), namespaces, undefined, { metadata: { name: `n-${i + k}` } })));
    }
    const timeList = async (ctx: RequestContext, t: ResourceType): Promise<number> => {
      const times: number[] = [];
      for (let r = 0; r < LIST_ROUNDS; r++) {
        const s = performance.now();
        await server.registry.list(ctx, t, {});
        times.push(performance.now() - s);
      }
      return median(times);
    };
    const acrossMs = await timeList({ cluster: ALL_CLUSTERS, user: SYSTEM_USER, visible }, widgets);
    const oneMs = await timeList(sys(base), namespaces);

    return {
      consumers,
      bindMs,
      nsRate: await namespaceCreateRate(server, consumers, WINDOW),
      memory: { workspaces, bound: boundMemory },
      apiSets: sets.size,
      types: types.size,
      graphqlSchemas: schemas.size,
      watch: { acrossP50: percentile(acrossLat, 50), acrossP99: percentile(acrossLat, 99), oneP50: percentile(oneLat, 50), oneP99: percentile(oneLat, 99) },
      list: { acrossMs, oneMs },
      warnings: running.warnings.count,
      firstWarning: running.warnings.first[0],
    };
  } finally {
    await server.stop();
  }
}

function report(r: Result): void {
  const c = n(r.consumers);
  const ns = { value: r.nsRate, label: 'namespace creates' };
  figure(`registry namespace creates, ${c} (baseline)`, r.nsRate, 'creates/s');
  figure(`${c} APIBindings → Bound and served`, (r.consumers * 1000) / r.bindMs, 'binds/s', ns);
  const { workspaces, bound } = r.memory;
  figure('JS heap per binding', (bound.heap - workspaces.heap) / r.consumers / 1024, 'KiB');
  figure('RSS per binding', (bound.rss - workspaces.rss) / r.consumers / 1024, 'KiB');
  note(`RSS after GC ${formatNumber(workspaces.rss / MiB)} → ${formatNumber(bound.rss / MiB)} MiB, JS heap ${formatNumber(workspaces.heap / MiB)} → ${formatNumber(bound.heap / MiB)} MiB (RSS includes SQLite's page cache filling with the bindings)`);
  const ok = (good: boolean): string => (good ? 'ok' : 'NOT SHARED');
  note(`${n(r.apiSets)} ApiSet(s), ${n(r.types)} Widget ResourceType(s), ${n(r.graphqlSchemas)} GraphQL schema(s) for ${c} consumers (${ok(r.apiSets === 1 && r.types === 1 && r.graphqlSchemas === 1)})`);
  figure('write → event, watch of one workspace p50 (baseline)', r.watch.oneP50, 'ms');
  figure(`write → event, provider watch across ${c} p50`, r.watch.acrossP50, 'ms', { value: r.watch.oneP50, label: 'one workspace' });
  figure('write → event, watch of one workspace p99 (baseline)', r.watch.oneP99, 'ms');
  figure(`write → event, provider watch across ${c} p99`, r.watch.acrossP99, 'ms', { value: r.watch.oneP99, label: 'one workspace' });
  figure(`list of ${c} in one workspace (baseline)`, r.list.oneMs, 'ms');
  figure(`list across ${c} consumers, one each`, r.list.acrossMs, 'ms', { value: r.list.oneMs, label: 'one workspace' });
  note(`in-process registry calls, ${WATCH_WRITES} sequential writes per watch, lists median of ${LIST_ROUNDS}`);
  if (r.warnings > 0) note(`the server logged ${n(r.warnings)} warning/error lines, first: ${r.firstWarning}`);
}

export const apiBindingsSuite: Suite = {
  name: 'apibindings',
  title: `${SIZES.map(n).join(' and ')} consumers binding one export: binds/s, memory per binding, shared schemas, the provider's watch and list across consumers`,
  async run() {
    for (const size of SIZES) report(await measureInChild<Result>(import.meta.url, `${n(size)} bindings`, 15 * 60_000, [String(size)]));
  },
};

runAsChild(import.meta.url, measure);
