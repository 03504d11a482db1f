/** The API catalog: API sets per logical cluster, and caches of what is derived from them. */
export { ApiSet, sortVersions, type GroupVersions } from './api-set.js';
export { DerivedCache, derivedCaches, type DerivedCacheStats } from './derived-cache.js';
export type { ApiCatalog } from './catalog.js';
export { ComposedCatalog, type ClusterTypes, type TypeSource } from './composed-catalog.js';
