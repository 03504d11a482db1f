/**
 * What the shards of one installation know of each other (docs/shards.md): root's Shards and, for
 * each shard, its logical clusters and workspaces (the path index) and the objects replicated
 * across shards. The front proxy routes by it; each shard places logical clusters and resolves
 * other shards' types and exports by it.
 */
export * from './path-index.js';
export { forwardingEndpoint, indexed, LOGICAL_CLUSTERS_REF, ShardFeeds, type ClientCertificate, type FeedChange, type FeedLog, type ShardEndpoint, type ShardFeedsOptions } from './shard-feeds.js';
