/**
 * Lists one resource across every logical cluster, page by page at one revision, telling the
 * logical cluster of each object (the store's wildcard lists return it beside each item).
 */
import type { FieldSelector, KubeObject } from '../meta/index.js';
import { ALL_CLUSTERS, type ObjectKey, type Store } from '../storage/index.js';

/** Objects per page: bounds memory while relisting large resources. */
const PAGE = 500;

export interface ListEverywhereOptions {
  /** Read at exactly this revision (to line several resources up); default: the newest. */
  revision?: number;
  fieldSelector?: FieldSelector;
  onItem(key: ObjectKey, object: KubeObject): void;
}

export interface ListEverywhereResult {
  /** The revision the whole list is consistent at. */
  revision: number;
  /** Objects whose logical cluster could not be told. */
  unplaced: number;
}

export async function listEverywhere(store: Store, resource: string, options: ListEverywhereOptions): Promise<ListEverywhereResult> {
  let cont: string | undefined;
  let revision = options.revision;
  let unplaced = 0;
  do {
    const page = await store.list({
      cluster: ALL_CLUSTERS,
      resource,
      limit: PAGE,
      ...(cont ? { continue: cont } : revision !== undefined ? { revision } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    });
    revision = page.revision;
    for (const [i, object] of page.items.entries()) {
      const cluster = page.clusters?.[i];
      if (!cluster) {
        unplaced++;
        continue;
      }
      options.onItem({ cluster, resource, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' }, object);
    }
    cont = page.continue;
  } while (cont);
  return { revision, unplaced };
}
