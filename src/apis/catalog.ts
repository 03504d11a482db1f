/**
 * The API catalog answers "what does logical cluster X serve?": the server's is the
 * ComposedCatalog (base types plus each cluster's CRDs and bound APIs), which keeps one shared
 * ApiSet instance per distinct combination.
 */
import type { ApiSet } from './api-set.js';

export interface ApiCatalog {
  forCluster(cluster: string): Promise<ApiSet>;
  /**
   * Re-reads what the cluster serves, for a request naming a resource its API set lacks: the
   * resource may have been added a moment ago (a CRD just established).
   */
  refresh?(cluster: string): Promise<ApiSet>;
}
