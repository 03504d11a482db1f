/**
 * The APIExportEndpointSlice controller: a slice lists the URL of its export's provider view
 * (`<server>/services/apiexport/<export cluster>/<export>`) once the export exists and has at
 * least one consumer, as each kcp shard publishes its URL only while it holds a binding of the
 * export. Atoll is one shard; partitions (topology.kcp.io) are not served.
 */
import { describeError, getIfExists, rewrite, silentLog, thisObject, WatchLoop, WorkQueue, type ControllerLog, type Outcome } from '../controllers/index.js';
import { deepEqual, type KubeObject } from '../meta/index.js';
import { SYSTEM_USER, type Registry, type RequestContext } from '../registry/index.js';
import type { ClusterResolver } from '../tenancy/index.js';
import type { WatchEvent } from '../storage/index.js';
import { setCondition } from './conditions.js';
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
}

export class EndpointSliceController {
  private readonly queue: WorkQueue<Item>;
  private readonly loop: WatchLoop;
  readonly synced: Promise<void>;

  constructor(private readonly options: EndpointSliceControllerOptions) {
    const log = options.log ?? silentLog;
    this.queue = new WorkQueue<Item>({
      concurrency: 4,
      handle: (item) => this.reconcile(item),
      onError: (item, err) => log.warn({ ...item, err: describeError(err) }, 'APIExportEndpointSlice reconcile failed; retrying'),
    });
    this.loop = new WatchLoop({
      store: options.registry.store,
      name: 'apiexportendpointslice-controller',
      log,
      resource: ENDPOINT_SLICE_RESOURCE,
      resync: () => this.requeue(() => true),
      onEvent: (e: WatchEvent) => {
        if (e.key && e.type !== 'DELETED') this.queue.add(`${e.key.cluster}/${e.key.name}`, { cluster: e.key.cluster, name: e.key.name });
      },
    });
    this.synced = this.loop.synced;
  }

  /** Re-examines the slices of an export (its consumers changed). Slices are few: one list finds them. */
  exportChanged(exportName: string): void {
    this.requeue((o) => (o.spec as { export?: ExportReference } | undefined)?.export?.name === exportName).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private async requeue(pick: (o: KubeObject) => boolean): Promise<number> {
    const r = await this.options.registry.store.list({ cluster: '*', resource: ENDPOINT_SLICE_RESOURCE });
    r.items.forEach((o, i) => {
      const cluster = r.clusters?.[i] ?? '';
      if (pick(o)) this.queue.add(`${cluster}/${o.metadata.name ?? ''}`, { cluster, name: o.metadata.name ?? '' });
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
    status.conditions = setCondition(
      status.conditions,
      spec.partition
        ? { type: 'PartitionValid', status: 'False', severity: 'Error', reason: 'PartitionInvalidReference', message: 'partitions (topology.kcp.io) are not served: this server is a single shard' }
        : { type: 'PartitionValid', status: 'True' },
    );
    const listed = exp && exportCluster && !spec.partition && this.options.hasConsumers(exportCluster, spec.export.name);
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
}
