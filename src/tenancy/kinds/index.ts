/** kcp's tenancy and core kinds, served in every workspace. */
import type { ResourceType } from '../../registry/index.js';
import { logicalClusters } from './logical-cluster.js';
import { shards } from './shard.js';
import { partitions, partitionSets } from './topology.js';
import { workspaces } from './workspace.js';
import { workspaceTypes } from './workspace-type.js';

export * from './workspace.js';
export * from './workspace-type.js';
export * from './logical-cluster.js';
export * from './topology.js';
export * from './shard.js';
export { tenancyComponents, TOPOLOGY } from './openapi.js';

export const tenancyResourceTypes: readonly ResourceType[] = [workspaces, workspaceTypes, logicalClusters, shards, partitions, partitionSets];
