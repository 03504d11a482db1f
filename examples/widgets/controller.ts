/**
 * The widgets controller: in every consumer that binds the export, each Widget's `status` reports
 * its `spec` for the generation it saw. A widget whose `status.observedGeneration` is its
 * `metadata.generation` is already done, which is what lets a restarted controller relist
 * everything and repeat no work.
 */
import { Controller, type Connection, type ControllerOptions, type ObjectKey, type ReconcileContext } from '../../src/sdk/index.js';
import { WIDGET_SELECTION, WIDGETS, type Widget, type WidgetStatus } from './widget.js';

export interface WidgetsControllerOptions {
  connection?: Connection;
  /** The provider workspace's logical cluster name (the view's address). */
  exportCluster: string;
  /** The provider workspace's path, for the leader election Lease (default: no election). */
  leaseWorkspace?: string;
  identity?: string;
  transport?: 'rest' | 'graphql';
  /** Told of every status the controller writes (tests and benchmarks count them). */
  onStatusWritten?(key: ObjectKey, widget: Widget): void;
  onError?(err: unknown, key?: ObjectKey): void;
  /** Workers and rate limit (the SDK's defaults otherwise). */
  tuning?: Pick<ControllerOptions<Widget>, 'workers' | 'rateLimit'>;
}

/** The status a spec gets. */
export function statusOf(w: Widget): WidgetStatus {
  const size = w.spec.size ?? 3;
  return {
    observedGeneration: w.metadata.generation ?? 0,
    ready: true,
    size,
    ...(w.spec.color ? { color: w.spec.color } : {}),
    summary: `${size} ${w.spec.color ?? 'plain'} widget${size === 1 ? '' : 's'}`,
  };
}

export async function reconcileWidget(ctx: ReconcileContext<Widget>, key: ObjectKey, onWritten?: (key: ObjectKey, w: Widget) => void): Promise<void> {
  const cached = ctx.object;
  if (!cached || cached.metadata.deletionTimestamp) return;
  const written = await ctx.client.mutateStatus(
    key,
    (w) => {
      // Computed from the object being written: after a conflict, from the fresh read.
      if (w.status?.observedGeneration === w.metadata.generation) return undefined;
      w.status = statusOf(w);
      return w;
    },
    { current: cached, signal: ctx.signal },
  );
  if (written) onWritten?.(key, written);
}

export function widgetsController(options: WidgetsControllerOptions): Controller<Widget> {
  return new Controller<Widget>({
    name: 'widgets',
    ...(options.connection ? { connection: options.connection } : {}),
    view: { exportCluster: options.exportCluster, exportName: 'widgets' },
    resource: WIDGETS,
    transport: options.transport ?? 'rest',
    graphql: { kind: 'Widget', selection: WIDGET_SELECTION },
    reconcile: (ctx, key) => reconcileWidget(ctx, key, options.onStatusWritten),
    ...(options.leaseWorkspace ? { leaderElection: { workspace: options.leaseWorkspace, name: 'widgets-controller', ...(options.identity ? { identity: options.identity } : {}) } } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...options.tuning,
  });
}
