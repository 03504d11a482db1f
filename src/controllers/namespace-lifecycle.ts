/**
 * NamespaceLifecycle admission, as the apiserver's plugin of that name (with kcp's workspace
 * twist): no content in a namespace that does not exist, no new content in one that is being
 * terminated, and the immortal namespaces (`default`, `kube-system`, `kube-public`) cannot be
 * deleted — except while their whole logical cluster is being deleted, as kcp's
 * WorkspaceNamespaceLifecycle allows.
 *
 * The namespace is read from storage on every request instead of from a watch-fed cache: a
 * primary-key read from the embedded store costs microseconds, costs no memory per workspace
 * (DESIGN decision 5), and is never stale, so the apiserver's "force live lookup after a delete"
 * dance is not needed.
 */
import { ApiError, errors, namespaces, type AdmissionHook, type AdmissionRequest, type Registry } from '../registry/index.js';
import { logicalClusterKey } from '../tenancy/root.js';
import { hasReason } from './registry-client.js';

/** Namespaces Kubernetes never lets a client delete (kube-apiserver's immortal namespaces). */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** The status cause a create into a terminating namespace carries (core/v1 NamespaceTerminatingCause). */
export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

/**
 * Resources that reveal nothing about a namespace and must work whether it exists or not, or
 * "not found" would let anyone probe for namespace names (the apiserver's access reviews).
 */
const ACCESS_REVIEWS = new Set(['localsubjectaccessreviews.authorization.k8s.io']);

export interface NamespaceLifecycleOptions {
  /** Whether a logical cluster is being deleted; default: its LogicalCluster has a deletionTimestamp. */
  clusterDeleting?(cluster: string): Promise<boolean>;
}

export function namespaceLifecycle(registry: Registry, options: NamespaceLifecycleOptions = {}): AdmissionHook {
  const clusterDeleting =
    options.clusterDeleting ??
    (async (cluster: string) => {
      const lc = await registry.store.get(logicalClusterKey(cluster));
      return !!lc?.metadata.deletionTimestamp;
    });

  return async (request: AdmissionRequest): Promise<void> => {
    const t = request.type;
    const isNamespace = t.group === '' && t.kind === 'Namespace';
    if (isNamespace) {
      const name = request.oldObject?.metadata.name ?? '';
      if (request.operation === 'DELETE' && IMMORTAL_NAMESPACES.has(name) && !(await clusterDeleting(request.context.cluster))) {
        throw errors.forbidden(t, name, 'this namespace may not be deleted');
      }
      return;
    }
    if (!t.namespaced || request.operation === 'DELETE') return;
    if (ACCESS_REVIEWS.has(t.group ? `${t.resource}.${t.group}` : t.resource)) return;

    const object = request.object ?? request.oldObject;
    const namespace = object?.metadata.namespace;
    if (!namespace) return;
    let ns;
    try {
      ns = await registry.get({ cluster: request.context.cluster }, namespaces, undefined, namespace);
    } catch (err) {
      // The apiserver answers with the namespace's own NotFound: `namespaces "x" not found`.
      if (hasReason(err, 'NotFound')) throw errors.notFound(namespaces, namespace);
      throw err;
    }
    if (request.operation !== 'CREATE') return;
    const phase = (ns.status as { phase?: string } | undefined)?.phase;
    if (phase !== 'Terminating' && !ns.metadata.deletionTimestamp) return;

    const name = object?.metadata.name || object?.metadata.generateName || '';
    const forbidden = errors.forbidden(t, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    throw new ApiError(forbidden.reason, forbidden.message, {
      ...forbidden.details,
      causes: [{ reason: NAMESPACE_TERMINATING_CAUSE, message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  };
}
