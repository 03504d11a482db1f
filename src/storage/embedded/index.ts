export { EmbeddedStore, type EmbeddedStoreOptions } from './embedded-store.js';
export { DB_FILE } from './database.js';
