/**
 * Storage: the Store contract, its backends and the watch hub. The registry is the only layer
 * that talks to a Store; see types.ts for the contract and test/storage/contract.ts for its tests.
 */
export * from './types.js';
export * from './errors.js';
export { COMMIT_CHANNEL, publishCommit, type CommitMessage } from './commit-channel.js';
export { pollable, type Closable } from './poll-watch.js';
export { WatchHub, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_EVENTS, type ChangeSource } from './watch-hub.js';
export { EmbeddedStore, DB_FILE, type EmbeddedStoreOptions } from './embedded/index.js';
