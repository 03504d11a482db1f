/**
 * The types each logical cluster's established CustomResourceDefinitions serve, as a source of
 * the composed API catalog (src/apis), kept by one wildcard watch on CRDs (clusters without CRDs
 * cost nothing). An entry's key is made of its CRDs' spec hashes, so clusters holding the same
 * CRDs share one ApiSet.
 */
import type { ClusterTypes, TypeSource } from '../apis/index.js';
import type { KubeObject } from '../meta/index.js';
import { groupResource, type ResourceType } from '../registry/index.js';
import type { Store } from '../storage/index.js';
import { ClusterIndex, type ClusterEntry, type ControllerLog } from '../controllers/index.js';
import { crdSpecOf, isEstablished } from './crd-types.js';
import { customResourceDefinitions } from './crd-kind.js';
import { servedTypes, specHash } from './served-types.js';

export const CRD_RESOURCE = groupResource(customResourceDefinitions);

interface Served {
  hash: string;
  types: ResourceType[];
  terminating: boolean;
}

export interface CrdCatalogOptions {
  store: Store;
  log?: ControllerLog;
}

export class CrdCatalog implements TypeSource {
  private readonly index: ClusterIndex<Served>;
  private readonly derived = new WeakMap<ClusterEntry<Served>, ClusterTypes>();

  constructor(options: CrdCatalogOptions) {
    this.index = new ClusterIndex<Served>({
      store: options.store,
      name: 'crd-catalog',
      resource: CRD_RESOURCE,
      value: served,
      same: (a, b) => a.hash === b.hash && a.terminating === b.terminating,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  /** Starts following CRDs; resolves once every existing CRD is known. */
  start(): Promise<void> {
    return this.index.start();
  }

  stop(): Promise<void> {
    return this.index.stop();
  }

  /**
   * Reads the cluster's CRDs from the store instead of waiting for the watch: a client that saw
   * its CRD become Established may ask for the new resource before the catalog's event arrives.
   */
  refresh(cluster: string): Promise<void> {
    return this.index.refresh(cluster);
  }

  /** Whether the CRD serving `groupResource` in the cluster is being deleted (no new objects then). */
  isTerminating(cluster: string, resource: string): boolean {
    return this.index.entry(cluster)?.values.get(resource)?.terminating ?? false;
  }

  typesOf(cluster: string): ClusterTypes | undefined {
    const entry = this.index.entry(cluster);
    if (!entry) return undefined;
    let types = this.derived.get(entry);
    if (!types) {
      const names = [...entry.values.keys()].sort();
      types = {
        key: names.map((n) => entry.values.get(n)?.hash).join(','),
        types: names.flatMap((n) => entry.values.get(n)?.types ?? []),
      };
      this.derived.set(entry, types);
    }
    return types;
  }
}

/** What an established CRD serves; undefined while it is not established. */
function served(o: KubeObject): Served | undefined {
  if (!isEstablished(o)) return undefined;
  const spec = crdSpecOf(o);
  const hash = specHash(spec);
  return { hash, types: servedTypes(spec, hash), terminating: o.metadata.deletionTimestamp !== undefined };
}
