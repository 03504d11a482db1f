/**
 * The API catalog answers "what does logical cluster X serve?". Today every cluster serves the
 * built-in set; CRDs (per workspace) and APIBindings will make the answer per cluster, keeping
 * one shared ApiSet instance per distinct combination.
 */
import { builtinResourceTypes, type ResourceType } from '../registry/index.js';
import { ApiSet } from './api-set.js';

export interface ApiCatalog {
  forCluster(cluster: string): Promise<ApiSet>;
  /**
   * Re-reads what the cluster serves, for a request naming a resource its API set lacks: the
   * resource may have been added a moment ago (a CRD just established).
   */
  refresh?(cluster: string): Promise<ApiSet>;
}

/** Every cluster serves the built-in kinds plus `extra` (the server adds kcp's tenancy kinds). */
export function builtinCatalog(extra: readonly ResourceType[] = []): ApiCatalog {
  const set = new ApiSet([...builtinResourceTypes, ...extra]);
  return { forCluster: async () => set };
}
