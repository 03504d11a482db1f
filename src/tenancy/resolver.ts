/**
 * Resolves the `<path-or-cluster-name>` of `/clusters/<...>` to a logical cluster name. A
 * logical cluster exists when its `cluster` LogicalCluster object does. Paths below root
 * (`root:org:team`) resolve through Workspace objects once workspaces land; until then only
 * `root` is a path.
 */
import type { Store } from '../storage/index.js';
import { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTER_RESOURCE, ROOT_CLUSTER } from './root.js';

export interface ClusterResolver {
  resolve(pathOrName: string): Promise<string | undefined>;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function storeResolver(store: Store): ClusterResolver {
  return {
    async resolve(pathOrName) {
      if (pathOrName.includes(':')) return undefined;
      if (!CLUSTER_NAME.test(pathOrName)) return undefined;
      const lc = await store.get({ cluster: pathOrName, resource: LOGICAL_CLUSTER_RESOURCE, namespace: '', name: LOGICAL_CLUSTER_NAME });
      return lc ? pathOrName : undefined;
    },
  };
}

export { ROOT_CLUSTER };
