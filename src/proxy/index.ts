export * from './path-index.js';
export { FrontProxy, type FrontProxyOptions } from './front-proxy.js';
export { ShardFeeds, type FeedLog } from './shard-feeds.js';
export { forward, forwardUpgrade, forwardedHeaders, type Upstream } from './forward.js';
