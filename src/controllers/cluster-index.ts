/**
 * An in-memory index of one resource across every logical cluster, kept by one wildcard watch:
 * per cluster, a small value for each object that contributes one (an established CRD's types, a
 * binding's bound resources). Clusters with nothing cost nothing. A request that must not wait for
 * the watch (a client that saw its CRD Established asks for the resource at once) `refresh`es its
 * cluster from the store; entries remember the revision they are consistent at, so an older watch
 * event never undoes a refresh. Each change replaces the cluster's entry object, so callers can
 * memoise what they derive from an entry in a WeakMap keyed by it.
 */
import type { KubeObject } from '../meta/index.js';
import type { ObjectKey, Store, WatchEvent } from '../storage/index.js';
import { listEverywhere } from './cluster-list.js';
import { silentLog, type ControllerLog } from './log.js';
import { WatchLoop } from './watch-loop.js';

export interface ClusterEntry<V> {
  /** By object name. */
  readonly values: ReadonlyMap<string, V>;
  /** The store revision this entry is consistent at: older watch events are already in it. */
  readonly revision: number;
}

export interface ClusterIndexOptions<V> {
  store: Store;
  /** For logs. */
  name: string;
  resource: string;
  /** What an object contributes, or undefined for nothing. */
  value(o: KubeObject, key: ObjectKey): V | undefined;
  /** Whether two values are the same (an unchanged value does not replace the entry). */
  same(a: V, b: V): boolean;
  /** Called after a cluster's entry changed. */
  onChange?(cluster: string): void;
  log?: ControllerLog;
}

export class ClusterIndex<V> {
  private readonly clusters = new Map<string, ClusterEntry<V>>();
  /** Clusters refreshed to "nothing" at a revision the watch has not reached yet. */
  private readonly empty = new Map<string, number>();
  /** The newest revision the watch has delivered. */
  private watched = 0;
  private loop: WatchLoop | undefined;

  constructor(private readonly options: ClusterIndexOptions<V>) {}

  /** Starts following the resource; resolves once every existing object is known. */
  async start(): Promise<void> {
    const { store, resource } = this.options;
    this.loop = new WatchLoop({
      store,
      name: this.options.name,
      log: this.options.log ?? silentLog,
      resource,
      resync: async () => {
        const seen = new Map<string, Map<string, V>>();
        const r = await listEverywhere(store, resource, {
          onItem: (key, o) => {
            const v = this.options.value(o, key);
            if (v === undefined) return;
            const m = seen.get(key.cluster) ?? new Map<string, V>();
            m.set(key.name, v);
            seen.set(key.cluster, m);
          },
        });
        for (const cluster of new Set([...this.clusters.keys(), ...seen.keys()])) this.set(cluster, seen.get(cluster) ?? new Map(), r.revision);
        return r.revision;
      },
      onEvent: (e: WatchEvent) => this.onEvent(e),
    });
    await this.loop.synced;
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  entry(cluster: string): ClusterEntry<V> | undefined {
    return this.clusters.get(cluster);
  }

  /** Every cluster with an entry. */
  clusterNames(): IterableIterator<string> {
    return this.clusters.keys();
  }

  /** Re-reads the cluster's objects from the store instead of waiting for the watch. */
  async refresh(cluster: string): Promise<void> {
    const r = await this.options.store.list({ cluster, resource: this.options.resource });
    const values = new Map<string, V>();
    for (const o of r.items) {
      const name = o.metadata.name ?? '';
      const v = this.options.value(o, { cluster, resource: this.options.resource, namespace: o.metadata.namespace ?? '', name });
      if (v !== undefined) values.set(name, v);
    }
    this.set(cluster, values, r.revision);
  }

  private onEvent(e: WatchEvent): void {
    this.watched = Math.max(this.watched, e.revision);
    if (this.empty.size > 0) for (const [c, r] of this.empty) if (r <= this.watched) this.empty.delete(c);
    if (!e.key) return;
    const current = this.clusters.get(e.key.cluster);
    if (current && e.revision <= current.revision) return;
    if (!current && e.revision <= (this.empty.get(e.key.cluster) ?? 0)) return;
    const value = e.type === 'DELETED' || !e.object ? undefined : this.options.value(e.object, e.key);
    const before = current?.values.get(e.key.name);
    if (before === undefined && value === undefined) return;
    if (before !== undefined && value !== undefined && this.options.same(before, value)) return;
    const values = new Map(current?.values);
    if (value !== undefined) values.set(e.key.name, value);
    else values.delete(e.key.name);
    this.set(e.key.cluster, values, e.revision);
  }

  private set(cluster: string, values: Map<string, V>, revision: number): void {
    if (values.size === 0) {
      const had = this.clusters.delete(cluster);
      // Remember how fresh "nothing" is only while it matters: until the watch has passed it.
      if (revision > this.watched) this.empty.set(cluster, revision);
      if (had) this.options.onChange?.(cluster);
      return;
    }
    this.clusters.set(cluster, { values, revision });
    this.empty.delete(cluster);
    this.options.onChange?.(cluster);
  }
}
