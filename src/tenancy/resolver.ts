/**
 * Resolves the `<path-or-cluster-name>` of `/clusters/<...>` to a logical cluster name, as kcp
 * does: `root` and logical cluster names resolve directly, `user:<name>` is that user's home; a path `root:org:team` walks the
 * Workspace objects from its first segment, each naming the next logical cluster. A logical
 * cluster exists while its `cluster` LogicalCluster object does, so a workspace still being
 * scheduled, or already purged, does not resolve. Every step is a keyed store read — no cache to
 * go stale, and a workspace is reachable the moment its logical cluster exists.
 */
import { fromStorage } from '../registry/index.js';
import type { ObjectKey, Store } from '../storage/index.js';
import { HOME_PATH_PREFIX, homeClusterName } from './home-name.js';
import { specOf, WORKSPACE_RESOURCE } from './kinds/index.js';
import { LOGICAL_CLUSTER_RESOURCE, logicalClusterKey, ROOT_CLUSTER } from './root.js';

export interface ClusterResolver {
  /** The logical cluster a path or cluster name names, or undefined when there is none. */
  resolve(pathOrName: string): Promise<string | undefined>;
}

/** One path segment: a workspace name or a logical cluster name (DNS label rules, lower case). */
const SEGMENT = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Deeper paths than this are refused rather than walked (a request cannot make us read without bound). */
export const MAX_PATH_DEPTH = 32;

/** True for a syntactically valid workspace path or cluster name. */
export function isValidPath(pathOrName: string): boolean {
  const segments = pathOrName.split(':');
  return segments.length <= MAX_PATH_DEPTH && segments.every((s) => SEGMENT.test(s));
}

/**
 * Where resolving a path starts and which Workspace names it walks from there: the first segment
 * is a logical cluster name (`root` among them), except kcp's `user:<name>:...`, which starts at
 * that user's home. Undefined for an invalid path.
 */
export function pathWalk(pathOrName: string): { start: string; names: string[] } | undefined {
  if (!isValidPath(pathOrName)) return undefined;
  const [first, ...rest] = pathOrName.split(':') as [string, ...string[]];
  if (first === HOME_PATH_PREFIX && rest.length > 0) return { start: homeClusterName(rest[0] as string), names: rest.slice(1) };
  return { start: first, names: rest };
}

export function storeResolver(store: Store): ClusterResolver {
  // A store that cannot be read (MongoDB away) answers as every registry read does: 503, not 500.
  const read = async (key: ObjectKey) => {
    try {
      return await store.get(key);
    } catch (err) {
      throw fromStorage(err, { group: 'tenancy.kcp.io', resource: 'workspaces', kind: 'Workspace' }, key.name);
    }
  };
  return {
    async resolve(pathOrName) {
      const walk = pathWalk(pathOrName);
      if (!walk) return undefined;
      let cluster = walk.start;
      for (const name of walk.names) {
        const ws = await read({ cluster, resource: WORKSPACE_RESOURCE, namespace: '', name });
        const next = ws ? specOf(ws).cluster : undefined;
        if (!next) return undefined;
        cluster = next;
      }
      return (await read(logicalClusterKey(cluster))) ? cluster : undefined;
    },
  };
}

export { ROOT_CLUSTER };

/**
 * What a create must find when it commits: its logical cluster's LogicalCluster (none for the
 * LogicalCluster itself). With this the store refuses a create racing its workspace's purge,
 * instead of leaving rows no path reaches.
 */
export function requiredLogicalCluster(key: ObjectKey): ObjectKey | undefined {
  if (key.resource === LOGICAL_CLUSTER_RESOURCE) return undefined;
  return logicalClusterKey(key.cluster);
}
