/**
 * Where the workspace scheduler places logical clusters (docs/shards.md): on this shard, or on
 * another shard of the installation, reached through its API. The server implements it over the
 * shards' feeds; without one (a lone shard) everything is placed here.
 */
import type { KubeObject, LabelSelector } from '../../meta/index.js';

export interface Placement {
  /** This shard's name. */
  readonly self: string;
  /**
   * The shard for a new logical cluster: among root's Shards whose labels `selector` matches, the
   * one holding the fewest logical clusters (`localCount` is this shard's). Undefined when none matches.
   */
  choose(selector: LabelSelector, localCount: number): string | undefined;
  /** Where users reach workspaces on `shard` (its Shard's externalURL), when known. */
  externalUrl(shard: string): string | undefined;
  /** Whether `shard`'s logical clusters are known in full (its feed has listed): only then is an absent one gone. */
  knows(shard: string): boolean;
  /** Another shard's LogicalCluster of `cluster`, as its feed last said. */
  logicalCluster(shard: string, cluster: string): KubeObject | undefined;
  /** Creates the LogicalCluster on `shard` (one already there is left as it is). */
  createLogicalCluster(shard: string, cluster: string, lc: KubeObject): Promise<void>;
  /** Starts the deletion of the LogicalCluster on `shard`, if it is still the one with `uid`. */
  deleteLogicalCluster(shard: string, cluster: string, uid: string): Promise<void>;
  /** Makes `username` cluster-admin in `cluster` on `shard` (the creator's `workspace-admin` binding). */
  bindOwner(shard: string, cluster: string, username: string): Promise<void>;
  /** Whether the creator's binding exists in `cluster` on `shard`. */
  ownerBound(shard: string, cluster: string): Promise<boolean>;
  /** Calls back for every change of another shard's LogicalClusters (their owners look again). */
  onLogicalCluster(listener: (lc: KubeObject) => void): void;
}
