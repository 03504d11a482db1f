export { MongoStore, type MongoStoreOptions } from './mongodb-store.js';
