/**
 * What the shards' feeds keep besides the path index (docs/shards.md): 20,000 workspaces'
 * LogicalClusters and Workspaces in two informers' caches, whole (as a shard keeps other shards'
 * LogicalClusters for its scheduler) and lean (what the front proxy keeps: only what the index and
 * a relist need). Heap per workspace after GC, in this process.
 */
import { Informer, type KubeObject, type ListResult, type Transport, type WatchEvent } from '../src/sdk/index.js';
import { indexed } from '../src/shards/index.js';
import { settledMemory } from './fixtures.js';
import { figure } from './report.js';

const FED = 20_000;

/** A LogicalCluster and its Workspace as a shard serves them (managed fields, conditions and all). */
function servedPair(i: number): [KubeObject, KubeObject] {
  const cluster = `c${i.toString(36).padStart(15, '0')}`;
  const time = '2026-12-07T02:38:07Z';
  const field = (manager: string, fields: Record<string, unknown>, subresource?: string) => ({
    manager,
    operation: 'Update',
    apiVersion: 'core.kcp.io/v1alpha1',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  });
  const uid = `0c5dc466-e1f3-4998-850d-${String(i).padStart(12, '0')}`;
  const owner = { apiVersion: 'tenancy.kcp.io/v1alpha1', resource: 'workspaces', name: `ws-${i}`, cluster: 'root', UID: uid };
  const lc = {
    apiVersion: 'core.kcp.io/v1alpha1',
    kind: 'LogicalCluster',
    metadata: {
      name: 'cluster',
      uid: `ef85e775-1441-4530-8d70-${String(i).padStart(12, '0')}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: time,
      generation: 1,
      annotations: { 'kcp.io/cluster': cluster, 'kcp.io/path': `root:ws-${i}`, 'internal.tenancy.kcp.io/type': 'root:universal', 'experimental.tenancy.kcp.io/owner': '{"username":"kcp-admin"}' },
      managedFields: [field('atoll-workspace-controller', { 'f:spec': { 'f:owner': {} } }), field('atoll-workspace-initializer', { 'f:status': { 'f:phase': {} } }, 'status')],
    },
    spec: { owner, initializers: ['root:universal', 'system:apibindings'], terminators: [] },
    status: { phase: 'Ready', initializers: [], terminators: [], conditions: [{ type: 'WorkspaceAPIBindingsInitialized', status: 'True', lastTransitionTime: time }] },
  } as KubeObject;
  const ws = {
    apiVersion: 'tenancy.kcp.io/v1alpha1',
    kind: 'Workspace',
    metadata: {
      name: `ws-${i}`,
      uid,
      resourceVersion: String(900 + i),
      creationTimestamp: time,
      generation: 1,
      finalizers: ['tenancy.kcp.io/logicalcluster'],
      annotations: { 'kcp.io/cluster': 'root', 'experimental.tenancy.kcp.io/owner': '{"username":"kcp-admin"}', 'internal.tenancy.kcp.io/shard': 'shard-1' },
      managedFields: [field('', { 'f:spec': { 'f:cluster': {} } }), field('atoll-workspace-controller', { 'f:status': { 'f:phase': {} } }, 'status')],
    },
    spec: { cluster, type: { name: 'universal', path: 'root' }, URL: `https://proxy.example:443/clusters/root:ws-${i}` },
    status: { phase: 'Ready', initializers: [], terminators: [] },
  } as KubeObject;
  return [lc, ws];
}

/** Lists `items` once, handing them over, then waits for the stop: a shard's list, for the bench. */
function listOnly(items: KubeObject[]): Transport<KubeObject> {
  return {
    name: 'bench',
    list: async (): Promise<ListResult<KubeObject>> => ({ items: items.splice(0), resourceVersion: '1' }),
    watch: (_rv: string, signal: AbortSignal): AsyncIterable<WatchEvent<KubeObject>> => ({
      // No changes: the watch ends when the informer stops.
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<WatchEvent<KubeObject>>>((resolve) => signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true })),
      }),
    }),
    close: () => undefined,
  };
}

export async function feedFigures(): Promise<void> {
  for (const lean of [false, true]) {
    const before = (await settledMemory()).heapUsed;
    const pairs = Array.from({ length: FED }, (_, i) => servedPair(i));
    // The transports hand their lists over: after the start only what the caches keep is left.
    const lists = [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
    pairs.length = 0;
    const informers = lists.map((items) => new Informer<KubeObject>(listOnly(items), lean ? { keep: indexed } : {}));
    await Promise.all(informers.map((i) => i.start()));
    const after = (await settledMemory()).heapUsed;
    figure(`feeds' caches of ${FED.toLocaleString('en-US')} workspaces, ${lean ? 'lean (the proxy)' : 'whole objects (a shard’s LogicalClusters)'}: heap per workspace`, (after - before) / FED, 'B');
    await Promise.all(informers.map((i) => i.stop()));
  }
}
