/**
 * The `root` logical cluster exists from the first start, like kcp's: its LogicalCluster object
 * (`cluster`, annotated with its path) and its `default` namespace. Idempotent on every start.
 */
import { randomUUID } from 'node:crypto';
import { isApiError, namespaces, type Registry } from '../registry/index.js';
import { isAlreadyExists } from '../storage/index.js';
import { rfc3339 } from '../meta/index.js';
import { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTER_RESOURCE, PATH_ANNOTATION } from './kinds/logical-cluster.js';

export const ROOT_CLUSTER = 'root';
export { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTER_RESOURCE, PATH_ANNOTATION } from './kinds/logical-cluster.js';

export async function ensureRootCluster(registry: Registry, now: () => Date = () => new Date()): Promise<void> {
  const key = { cluster: ROOT_CLUSTER, resource: LOGICAL_CLUSTER_RESOURCE, namespace: '', name: LOGICAL_CLUSTER_NAME };
  if (!(await registry.store.get(key))) {
    // Written straight to the store until LogicalCluster is a served kind (workspaces issue).
    await registry.store
      .create(key, {
        apiVersion: 'core.kcp.io/v1alpha1',
        kind: 'LogicalCluster',
        metadata: {
          name: LOGICAL_CLUSTER_NAME,
          uid: randomUUID(),
          creationTimestamp: rfc3339(now()),
          generation: 1,
          annotations: { [PATH_ANNOTATION]: ROOT_CLUSTER },
        },
        spec: {},
        status: { phase: 'Ready' },
      })
      .catch((e: unknown) => {
        if (!isAlreadyExists(e)) throw e;
      });
  }
  await registry.create({ cluster: ROOT_CLUSTER }, namespaces, undefined, { metadata: { name: 'default' } }).catch((e: unknown) => {
    if (!(isApiError(e) && e.reason === 'AlreadyExists')) throw e;
  });
}
