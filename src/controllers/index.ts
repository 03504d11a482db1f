/**
 * Controllers: reconcilers that use the registry like any client. The server starts them once
 * per shard (not per workspace: each watches every logical cluster through one wildcard watch)
 * and installs the namespace lifecycle admission hook on its registry.
 */
import type { Registry } from '../registry/index.js';
import { GarbageCollector } from './garbage-collector.js';
import { silentLog, type ControllerLog } from './log.js';
import { NamespaceDeletionController } from './namespace-deletion.js';
import type { TypesFor } from './resource-lookup.js';

export { GarbageCollector, type GarbageCollectorOptions } from './garbage-collector.js';
export { NamespaceDeletionController, type NamespaceDeletionOptions } from './namespace-deletion.js';
export {
  IMMORTAL_NAMESPACES,
  NAMESPACE_TERMINATING_CAUSE,
  namespaceLifecycle,
  type NamespaceLifecycleOptions,
} from './namespace-lifecycle.js';
export {
  DEFAULT_SERVICE_ACCOUNT,
  NamespaceDefaultsController,
  ROOT_CA_CONFIGMAP,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  type IssueToken,
  type NamespaceDefaultsOptions,
} from './namespace-defaults.js';
export { isTokenSecret, SA_NAME_ANNOTATION } from './token-secrets.js';
export { describeError, silentLog, type ControllerLog } from './log.js';
export type { TypesFor } from './resource-lookup.js';
// Building blocks for controllers of other layers (CRDs).
export { WatchLoop, type WatchLoopOptions } from './watch-loop.js';
export { WorkQueue, workQueueDepths, type Outcome } from './work-queue.js';
export { listEverywhere } from './cluster-list.js';
export { ClusterIndex, type ClusterEntry, type ClusterIndexOptions } from './cluster-index.js';
export { deleteEvery, getIfExists, hasReason, listPages, rewrite, thisObject, withoutFinalizer, type RewriteOptions } from './registry-client.js';

export interface ControllerOptions {
  registry: Registry;
  /** The API set of a logical cluster: which namespaced types to empty, which kinds owners are. */
  typesFor: TypesFor;
  log?: ControllerLog;
  /** Group-resources the garbage collector lists at start (see GarbageCollectorOptions.resources). */
  resources?: () => Promise<readonly string[]>;
}

export interface RunningControllers {
  /** Resolves once every controller has listed its starting state. */
  readonly synced: Promise<void>;
  /** Stops watching and waits for work in progress to finish. */
  stop(): Promise<void>;
}

export function startControllers(options: ControllerOptions): RunningControllers {
  const log = options.log ?? silentLog;
  const namespaces = new NamespaceDeletionController({ registry: options.registry, typesFor: options.typesFor, log });
  const gc = new GarbageCollector({
    registry: options.registry,
    typesFor: options.typesFor,
    log,
    ...(options.resources ? { resources: options.resources } : {}),
  });
  return {
    synced: Promise.all([namespaces.synced, gc.synced]).then(() => undefined),
    stop: async () => {
      await Promise.all([namespaces.stop(), gc.stop()]);
    },
  };
}
export * from './tenancy/index.js';
