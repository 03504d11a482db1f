/**
 * What a shard reads of the other shards of its installation (docs/shards.md): their paths, and
 * the few kinds replicated to every shard — WorkspaceTypes, APIExports and APIResourceSchemas —
 * so a workspace here can be of a type, and bind an export, that another shard holds. kcp
 * replicates the same kinds through its cache server; here each shard follows the others' lists.
 */
import type { KubeObject } from '../meta/index.js';
import type { ClusterResolver } from './resolver.js';

/** The replicated kinds, by plural resource name (all cluster-scoped). */
export type ReplicatedResource = 'workspacetypes' | 'apiexports' | 'apiresourceschemas';

export interface OtherShards {
  /**
   * The logical cluster a path or cluster name names through another shard: held there, or held
   * here under a workspace another shard holds (a path this shard cannot walk alone).
   */
  resolve(pathOrName: string): string | undefined;
  /** A replicated object of another shard's logical cluster, as its feed last said. */
  get(resource: ReplicatedResource, cluster: string, name: string): KubeObject | undefined;
  /** Every replicated object of `resource` the other shards hold, with its logical cluster. */
  list(resource: ReplicatedResource): { cluster: string; object: KubeObject }[];
  /** Calls back whenever a replicated object of `resource` changes on another shard. */
  onChange(resource: ReplicatedResource, listener: () => void): void;
}

/** Resolves here first, then on the other shards. */
export function withOtherShards(local: ClusterResolver, others: OtherShards | undefined): ClusterResolver {
  if (!others) return local;
  return { resolve: async (pathOrName) => (await local.resolve(pathOrName)) ?? others.resolve(pathOrName) };
}
