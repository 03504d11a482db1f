/**
 * What an initializer controller does when its work in a logical cluster is done: remove its
 * name from the LogicalCluster's `status.initializers`, and — when it was the last one — move
 * the logical cluster to Ready in the same write (one write instead of kcp's two; the phases an
 * observer sees are the same). `amend` adds the initializer's own last word (a condition) to that
 * same write.
 */
import { SYSTEM_USER, type Registry } from '../../registry/index.js';
import { LOGICAL_CLUSTER_NAME, lcStatusOf, logicalClusters } from '../../tenancy/index.js';
import { rewrite } from '../registry-client.js';

export const INITIALIZER_MANAGER = 'atoll-workspace-initializer';

export async function finishInitializer(
  registry: Registry,
  cluster: string,
  initializer: string,
  amend: (status: Record<string, unknown>) => Record<string, unknown> = (s) => s,
): Promise<void> {
  await rewrite(
    registry,
    { cluster, user: SYSTEM_USER },
    logicalClusters,
    { namespace: undefined, name: LOGICAL_CLUSTER_NAME },
    (lc) => {
      const status = lcStatusOf(lc);
      const initializers = status.initializers ?? [];
      if (!initializers.includes(initializer)) return undefined;
      const rest = initializers.filter((i) => i !== initializer);
      lc.status = amend({ ...status, initializers: rest, ...(rest.length === 0 && status.phase === 'Initializing' ? { phase: 'Ready' } : {}) });
      return lc;
    },
    { subresource: 'status', fieldManager: INITIALIZER_MANAGER },
  );
}
