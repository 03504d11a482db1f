/**
 * The types each logical cluster's established CustomResourceDefinitions serve, as a source of
 * the composed API catalog (src/apis). One wildcard watch on CRDs keeps a small entry per cluster
 * that has any (clusters without CRDs cost nothing); an entry's key is made of its CRDs' spec
 * hashes, so clusters holding the same CRDs share one ApiSet.
 */
import type { ClusterTypes, TypeSource } from '../apis/index.js';
import type { KubeObject } from '../meta/index.js';
import { groupResource, type ResourceType } from '../registry/index.js';
import type { ObjectKey, Store, WatchEvent } from '../storage/index.js';
import { listEverywhere, silentLog, WatchLoop, type ControllerLog } from '../controllers/index.js';
import { crdSpecOf, isEstablished } from './crd-types.js';
import { customResourceDefinitions } from './crd-kind.js';
import { servedTypes, specHash } from './served-types.js';

export const CRD_RESOURCE = groupResource(customResourceDefinitions);

interface Served {
  hash: string;
  types: ResourceType[];
  terminating: boolean;
}

interface ClusterEntry {
  /** By CRD name. */
  crds: Map<string, Served>;
  /** The store revision this entry is consistent at: older watch events are already in it. */
  revision: number;
  /** What the entry adds, made on first use. */
  types?: ClusterTypes;
}

export interface CrdCatalogOptions {
  store: Store;
  log?: ControllerLog;
}

export class CrdCatalog implements TypeSource {
  private readonly clusters = new Map<string, ClusterEntry>();
  private loop: WatchLoop | undefined;
  /** Clusters refreshed to "no CRDs" at a revision the watch has not reached yet. */
  private readonly empty = new Map<string, number>();
  /** The newest revision the watch has delivered. */
  private watched = 0;

  constructor(private readonly options: CrdCatalogOptions) {}

  /** Starts following CRDs; resolves once every existing CRD is known. */
  async start(): Promise<void> {
    const { store } = this.options;
    this.loop = new WatchLoop({
      store,
      name: 'crd-catalog',
      log: this.options.log ?? silentLog,
      resource: CRD_RESOURCE,
      resync: async () => {
        const seen = new Map<string, Map<string, KubeObject>>();
        const r = await listEverywhere(store, CRD_RESOURCE, {
          onItem: (key, o) => {
            const m = seen.get(key.cluster) ?? new Map<string, KubeObject>();
            m.set(key.name, o);
            seen.set(key.cluster, m);
          },
        });
        for (const cluster of new Set([...this.clusters.keys(), ...seen.keys()])) this.replace(cluster, seen.get(cluster) ?? new Map(), r.revision);
        return r.revision;
      },
      onEvent: (e: WatchEvent) => this.onEvent(e),
    });
    await this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  /**
   * Reads the cluster's CRDs from the store instead of waiting for the watch: a client that saw
   * its CRD become Established may ask for the new resource before the catalog's event arrives.
   */
  async refresh(cluster: string): Promise<void> {
    const r = await this.options.store.list({ cluster, resource: CRD_RESOURCE });
    this.replace(cluster, new Map(r.items.map((o) => [o.metadata.name ?? '', o])), r.revision);
  }

  /** Whether the CRD serving `groupResource` in the cluster is being deleted (no new objects then). */
  isTerminating(cluster: string, resource: string): boolean {
    return this.clusters.get(cluster)?.crds.get(resource)?.terminating ?? false;
  }

  private onEvent(e: WatchEvent): void {
    this.watched = Math.max(this.watched, e.revision);
    if (this.empty.size > 0) for (const [c, r] of this.empty) if (r <= this.watched) this.empty.delete(c);
    if (!e.key) return;
    this.put(e.key, e.type === 'DELETED' ? undefined : e.object, e.revision);
  }

  private replace(cluster: string, crds: Map<string, KubeObject>, revision: number): void {
    const entry: ClusterEntry = { crds: new Map(), revision };
    for (const [name, o] of crds) {
      const served = this.served(o);
      if (served) entry.crds.set(name, served);
    }
    this.store(cluster, entry);
  }

  private put(key: ObjectKey, o: KubeObject | undefined, revision: number): void {
    const current = this.clusters.get(key.cluster);
    if (current && revision <= current.revision) return;
    if (!current && revision <= this.emptySince(key.cluster)) return;
    const served = o ? this.served(o) : undefined;
    const before = current?.crds.get(key.name);
    if (before?.hash === served?.hash && before?.terminating === served?.terminating) return;
    const crds = new Map(current?.crds);
    if (served) crds.set(key.name, served);
    else crds.delete(key.name);
    this.store(key.cluster, { crds, revision });
  }

  private store(cluster: string, entry: ClusterEntry): void {
    if (entry.crds.size === 0) {
      this.clusters.delete(cluster);
      // Remember how fresh "no CRDs" is only while it matters: until the watch has passed it.
      if (entry.revision > this.watched) this.empty.set(cluster, entry.revision);
    } else {
      this.clusters.set(cluster, entry);
      this.empty.delete(cluster);
    }
  }

  private emptySince(cluster: string): number {
    return this.empty.get(cluster) ?? 0;
  }

  /** What an established CRD serves; undefined while it is not established. */
  private served(o: KubeObject): Served | undefined {
    if (!isEstablished(o)) return undefined;
    const spec = crdSpecOf(o);
    const hash = specHash(spec);
    return { hash, types: servedTypes(spec, hash), terminating: o.metadata.deletionTimestamp !== undefined };
  }

  typesOf(cluster: string): ClusterTypes | undefined {
    const entry = this.clusters.get(cluster);
    if (!entry) return undefined;
    if (!entry.types) {
      const names = [...entry.crds.keys()].sort();
      entry.types = {
        key: names.map((n) => entry.crds.get(n)?.hash).join(','),
        types: names.flatMap((n) => entry.crds.get(n)?.types ?? []),
      };
    }
    return entry.types;
  }
}
