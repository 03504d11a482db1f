/**
 * The API catalog answers "what does logical cluster X serve?". Today every cluster serves the
 * built-in set; CRDs (per workspace) and APIBindings will make the answer per cluster, keeping
 * one shared ApiSet instance per distinct combination.
 */
import { builtinResourceTypes } from '../registry/index.js';
import { ApiSet } from './api-set.js';

export interface ApiCatalog {
  forCluster(cluster: string): Promise<ApiSet>;
}

export function builtinCatalog(): ApiCatalog {
  const set = new ApiSet(builtinResourceTypes);
  return { forCluster: async () => set };
}
