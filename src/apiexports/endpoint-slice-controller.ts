/**
 * The APIExportEndpointSlice controller: a slice lists the URL of its export's provider view
 * (`<server>/services/apiexport/<export cluster>/<export>`) once the export exists and has at
 * least one consumer, as each kcp shard publishes its URL only while it holds a binding of the
 * export. A slice may name a Partition (topology.kcp.io) of its workspace: its selector becomes
 * `status.shardSelector`, and the URL is listed only if this server's shard matches it. Atoll is one
 * shard, without Shard objects or labels: it matches a selector that asks for no label to be present.
 */
import { describeError, getIfExists, rewrite, silentLog, thisObject, WatchLoop, WorkQueue, type ControllerLog, type Outcome } from '../controllers/index.js';
import { deepEqual, labelSelectorFromObject, SelectorParseError, type KubeObject, type LabelSelectorObject } from '../meta/index.js';
import { SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import { PARTITION_RESOURCE, partitions, type ClusterResolver } from '../tenancy/index.js';
import type { WatchEvent } from '../storage/index.js';
import { setCondition, type ConditionUpdate } from './conditions.js';
import { APIS_CONTROLLER_MANAGER } from './export-controller.js';
import { apiExportEndpointSlices, apiExports } from './kinds/index.js';
import { ENDPOINT_SLICE_RESOURCE, type Condition, type ExportReference } from './types.js';

export interface EndpointSliceControllerOptions {
  registry: Registry;
  resolver: ClusterResolver;
  /** Whether any workspace binds the export. */
  hasConsumers(exportCluster: string, exportName: string): boolean;
  /** The provider view's URL of an export. */
  viewUrl(exportCluster: string, exportName: string): string;
  log?: ControllerLog;
}

interface Item {
  cluster: string;
  name: string;
}

interface SliceStatus {
  endpoints?: { url: string }[];
  conditions?: Condition[];
  shardSelector?: string;
}

/** The labels of this server's shard (Atoll is one shard, with none). */
const SHARD_LABELS: Readonly<Record<string, string>> = {};

export class EndpointSliceController {
  private readonly queue: WorkQueue<Item>;
  private readonly loops: WatchLoop[];
  readonly synced: Promise<void>;

  constructor(private readonly options: EndpointSliceControllerOptions) {
    const log = options.log ?? silentLog;
    this.queue = new WorkQueue<Item>({
      name: 'apiexport_endpointslice',
      concurrency: 4,
      handle: (item) => this.reconcile(item),
      onError: (item, err) => log.warn({ ...item, err: describeError(err) }, 'APIExportEndpointSlice reconcile failed; retrying'),
    });
    const store = options.registry.store;
    this.loops = [
      new WatchLoop({
        store,
        name: 'apiexportendpointslice-controller',
        log,
        resource: ENDPOINT_SLICE_RESOURCE,
        resync: () => this.requeue(() => true),
        onEvent: (e: WatchEvent) => {
          if (e.key && e.type !== 'DELETED') this.queue.add(`${e.key.cluster}/${e.key.name}`, { cluster: e.key.cluster, name: e.key.name });
        },
      }),
      // A partition's change (or its creation after the slice's) changes what the slices naming it list.
      new WatchLoop({
        store,
        name: 'apiexportendpointslice-controller-partitions',
        log,
        resource: PARTITION_RESOURCE,
        resync: async () => (await store.list({ cluster: '*', resource: PARTITION_RESOURCE, limit: 1 })).revision,
        onEvent: (e: WatchEvent) => {
          const key = e.key;
          if (!key) return;
          this.requeue((o, cluster) => cluster === key.cluster && (o.spec as { partition?: string } | undefined)?.partition === key.name).catch(() => undefined);
        },
      }),
    ];
    this.synced = Promise.all(this.loops.map((l) => l.synced)).then(() => undefined);
  }

  /** Re-examines the slices of an export (its consumers changed). Slices are few: one list finds them. */
  exportChanged(exportName: string): void {
    this.requeue((o) => (o.spec as { export?: ExportReference } | undefined)?.export?.name === exportName).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.queue.stop();
  }

  private async requeue(pick: (o: KubeObject, cluster: string) => boolean): Promise<number> {
    const r = await this.options.registry.store.list({ cluster: '*', resource: ENDPOINT_SLICE_RESOURCE });
    r.items.forEach((o, i) => {
      const cluster = r.clusters?.[i] ?? '';
      if (pick(o, cluster)) this.queue.add(`${cluster}/${o.metadata.name ?? ''}`, { cluster, name: o.metadata.name ?? '' });
    });
    return r.revision;
  }

  private async reconcile({ cluster, name }: Item): Promise<Outcome> {
    const { registry, resolver } = this.options;
    const ctx: RequestContext = { cluster, user: SYSTEM_USER };
    const slice = await getIfExists(registry, ctx, apiExportEndpointSlices, undefined, name);
    if (!slice) return 'done';
    const spec = slice.spec as { export: ExportReference; partition?: string };
    const path = spec.export.path || cluster;
    const exportCluster = await resolver.resolve(path);
    const exp = exportCluster ? await getIfExists(registry, { cluster: exportCluster, user: SYSTEM_USER }, apiExports, undefined, spec.export.name) : undefined;
    const before = (slice.status ?? {}) as SliceStatus;
    const status: SliceStatus = structuredClone(before);
    status.conditions = setCondition(
      status.conditions,
      exp ? { type: 'APIExportValid', status: 'True' } : { type: 'APIExportValid', status: 'False', severity: 'Error', reason: 'APIExportNotFound', message: `Error getting APIExport ${path}|${spec.export.name}` },
    );
    const partition = await this.partition(ctx, spec.partition);
    status.conditions = setCondition(status.conditions, partition.condition);
    if (partition.selector === undefined) delete status.shardSelector;
    else status.shardSelector = partition.selector;
    const listed = exp && exportCluster && partition.matches && this.options.hasConsumers(exportCluster, spec.export.name);
    status.endpoints = listed ? [{ url: this.options.viewUrl(exportCluster, spec.export.name) }] : [];
    if (deepEqual(status, before)) return 'done';
    await rewrite(
      registry,
      ctx,
      apiExportEndpointSlices,
      thisObject(slice),
      (current) => {
        current.status = status as Record<string, unknown>;
        return current;
      },
      { subresource: 'status', fieldManager: APIS_CONTROLLER_MANAGER },
    );
    return 'done';
  }

  /** The slice's partition: whether it is valid, its selector as text, and whether this shard is in it. */
  private async partition(ctx: RequestContext, name: string | undefined): Promise<{ condition: ConditionUpdate; selector?: string; matches: boolean }> {
    const valid: ConditionUpdate = { type: 'PartitionValid', status: 'True' };
    if (!name) return { condition: valid, matches: true };
    const invalid = (message: string) => ({
      condition: { type: 'PartitionValid', status: 'False', severity: 'Error', reason: 'PartitionInvalidReference', message } as ConditionUpdate,
      matches: false,
    });
    const found = await getIfExists(this.options.registry, ctx, partitions, undefined, name);
    if (!found) return invalid(`partitions.topology.kcp.io "${name}" not found`);
    try {
      const selector = labelSelectorFromObject((found.spec as { selector?: LabelSelectorObject } | undefined)?.selector ?? {});
      return { condition: valid, selector: selector.toString(), matches: selector.matches(SHARD_LABELS) };
    } catch (err) {
      if (err instanceof SelectorParseError) return invalid(err.message);
      throw err;
    }
  }
}
