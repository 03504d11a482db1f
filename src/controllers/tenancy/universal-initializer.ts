/**
 * The `root:universal` initializer: gives every new workspace of a type extending `universal` its
 * `default` namespace, then lets it go Ready. Ordinary controller work — one watch on
 * LogicalClusters across every logical cluster, one work queue; a workspace costs a queue entry
 * only while it waits for this initializer (DESIGN decision 5).
 */
import { isApiError, namespaces, SYSTEM_USER, type Registry } from '../../registry/index.js';
import type { WatchEvent } from '../../storage/index.js';
import { LOGICAL_CLUSTER_RESOURCE, lcStatusOf } from '../../tenancy/index.js';
import type { KubeObject } from '../../meta/index.js';
import { listEverywhere } from '../cluster-list.js';
import { describeError, silentLog, type ControllerLog } from '../log.js';
import { WatchLoop } from '../watch-loop.js';
import { WorkQueue, type Outcome } from '../work-queue.js';
import { finishInitializer, INITIALIZER_MANAGER } from './initializers.js';

export const UNIVERSAL_INITIALIZER = 'root:universal';

export interface UniversalInitializerOptions {
  registry: Registry;
  log?: ControllerLog;
  /** Logical clusters initialized at once (default 64: each waits mostly on group commits). */
  concurrency?: number;
}

export class UniversalInitializer {
  private readonly queue: WorkQueue<string>;
  private readonly loop: WatchLoop;
  readonly synced: Promise<void>;

  constructor(private readonly options: UniversalInitializerOptions) {
    const log = options.log ?? silentLog;
    this.queue = new WorkQueue<string>({
      name: 'universal_initializer',
      concurrency: options.concurrency ?? 64,
      handle: (cluster) => this.initialize(cluster),
      onError: (cluster, err) => log.warn({ cluster, err: describeError(err) }, 'universal initializer failed; retrying'),
    });
    this.loop = new WatchLoop({
      store: options.registry.store,
      name: 'universal-initializer',
      log,
      resource: LOGICAL_CLUSTER_RESOURCE,
      resync: async () =>
        (await listEverywhere(options.registry.store, LOGICAL_CLUSTER_RESOURCE, { onItem: (key, lc) => this.consider(key.cluster, lc) })).revision,
      onEvent: (e: WatchEvent) => {
        if (e.type !== 'DELETED' && e.key && e.object) this.consider(e.key.cluster, e.object);
      },
    });
    this.synced = this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.queue.stop();
  }

  private consider(cluster: string, lc: KubeObject): void {
    const status = lcStatusOf(lc);
    if (lc.metadata.deletionTimestamp || status.phase !== 'Initializing') return;
    if ((status.initializers ?? []).includes(UNIVERSAL_INITIALIZER)) this.queue.add(cluster, cluster);
  }

  private async initialize(cluster: string): Promise<Outcome> {
    const { registry } = this.options;
    try {
      await registry.create({ cluster, user: SYSTEM_USER }, namespaces, undefined, { metadata: { name: 'default' } }, { fieldManager: INITIALIZER_MANAGER });
    } catch (err) {
      // NotFound: the logical cluster was deleted meanwhile, and nothing is left to initialize.
      if (isApiError(err) && err.reason === 'NotFound') return 'done';
      if (!(isApiError(err) && err.reason === 'AlreadyExists')) throw err;
    }
    await finishInitializer(registry, cluster, UNIVERSAL_INITIALIZER);
    return 'done';
  }
}
