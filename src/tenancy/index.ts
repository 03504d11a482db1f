/** Tenancy: logical clusters, the workspace tree, workspace types and their admission rules. */
export * from './root.js';
export * from './resolver.js';
export * from './types.js';
export * from './admission.js';
export * from './kinds/index.js';
export * from './home-name.js';
export * from './home.js';
export { bindWorkspaceOwner, ownerBinding } from './owner-binding.js';
export { registerShard, registryShards, type ShardObjects } from './shard-registration.js';
export { withOtherShards, type OtherShards, type ReplicatedResource } from './other-shards.js';
