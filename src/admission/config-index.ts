/**
 * The AdmissionConfigSource over the six admissionregistration resources: one ClusterIndex per
 * resource (one wildcard watch each), so a request's configurations are looked up, never
 * scanned. A logical cluster gets its own configurations and, for a type bound from an
 * APIExport, those of the export's workspace (kcp applies a provider's policies and webhooks to
 * its resources in every consumer). A cluster with none costs two map lookups and allocates
 * nothing; the arrays handed out are frozen and memoised per index entry, so they stay the same
 * objects until a configuration changes (stages cache what they derive from them).
 *
 * Freshness: a client that writes a configuration and then, at once, a matching object must see
 * it apply, without waiting for the watch. Each admitted configuration write is noted; until a
 * refresh from the store shows it committed (or a short grace period passes, for writes that
 * failed after admission), a request in that workspace — or on a type bound from it — first
 * `settle`s it: only those, so a busy server with configuration churn elsewhere pays nothing.
 */
import { ClusterIndex, type ClusterEntry, type ControllerLog } from '../controllers/index.js';
import type { AdmissionRequest, ResourceType } from '../registry/index.js';
import type { Store } from '../storage/index.js';
import { ADMISSION_GROUP } from './kinds/index.js';
import type { AdmissionConfigSource, ConfigResource, ScopedConfig } from './types.js';

export const CONFIG_RESOURCES: readonly ConfigResource[] = [
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
];

const isConfigResource = (t: ResourceType): boolean => t.group === ADMISSION_GROUP && (CONFIG_RESOURCES as readonly string[]).includes(t.resource);

/** What the index needs of the BindingCatalog: which export each binding of a cluster binds, and its resources. */
export interface BoundExports {
  /** The cluster's bindings that bind something; a new map whenever they change. */
  bindingsOf(cluster: string): ReadonlyMap<string, { exportCluster: string; resources: readonly { group: string; resource: string }[] }> | undefined;
}

export interface ConfigIndexOptions {
  store: Store;
  bindings: BoundExports;
  log?: ControllerLog;
  /** How long a noted write may stay unseen before it is given up (it failed after admission). */
  graceMs?: number;
  now?: () => number;
}

const EMPTY: readonly ScopedConfig[] = Object.freeze([]);
const DEFAULT_GRACE_MS = 10_000;

/** A configuration write admitted but not yet seen by the index. */
interface Noted {
  resource: ConfigResource;
  name: string;
  deleted: boolean;
  /** The stored revision it replaces (updates and deletes). */
  before: string | undefined;
  until: number;
}

export class AdmissionConfigIndex implements AdmissionConfigSource {
  private readonly indexes = new Map<ConfigResource, ClusterIndex<ScopedConfig>>();
  private readonly arrays = new WeakMap<ClusterEntry<ScopedConfig>, readonly ScopedConfig[]>();
  /** Per bindings map of a cluster: per type, the export's cluster (null: not bound, or bound from itself). */
  private readonly exporters = new WeakMap<object, WeakMap<ResourceType, string | null>>();
  private readonly joined = new WeakMap<readonly ScopedConfig[], WeakMap<readonly ScopedConfig[], readonly ScopedConfig[]>>();
  private readonly noted = new Map<string, Noted[]>();
  private readonly settling = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: ConfigIndexOptions) {
    this.now = options.now ?? Date.now;
    for (const resource of CONFIG_RESOURCES) {
      this.indexes.set(
        resource,
        new ClusterIndex<ScopedConfig>({
          store: options.store,
          name: `admission-${resource}`,
          resource: `${resource}.${ADMISSION_GROUP}`,
          value: (object, key) => Object.freeze({ cluster: key.cluster, object }),
          same: (a, b) => a.object.metadata.resourceVersion === b.object.metadata.resourceVersion,
          ...(options.log ? { log: options.log } : {}),
        }),
      );
    }
  }

  async start(): Promise<void> {
    await Promise.all([...this.indexes.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.indexes.values()].map((i) => i.stop()));
  }

  configs(resource: ConfigResource, cluster: string, t: ResourceType): readonly ScopedConfig[] {
    const index = this.indexes.get(resource) as ClusterIndex<ScopedConfig>;
    const own = this.arrayOf(index.entry(cluster));
    const exporter = this.exporterOf(cluster, t);
    if (exporter === null) return own;
    const provided = this.arrayOf(index.entry(exporter));
    if (provided.length === 0) return own;
    if (own.length === 0) return provided;
    let byProvided = this.joined.get(own);
    if (!byProvided) this.joined.set(own, (byProvided = new WeakMap()));
    let both = byProvided.get(provided);
    if (!both) byProvided.set(provided, (both = Object.freeze([...own, ...provided])));
    return both;
  }

  private arrayOf(entry: ClusterEntry<ScopedConfig> | undefined): readonly ScopedConfig[] {
    if (!entry) return EMPTY;
    let a = this.arrays.get(entry);
    if (!a) this.arrays.set(entry, (a = Object.freeze([...entry.values.values()])));
    return a;
  }

  /** The workspace `t` is bound from in `cluster`, or null; memoised per bindings map. */
  private exporterOf(cluster: string, t: ResourceType): string | null {
    const bindings = this.options.bindings.bindingsOf(cluster);
    if (!bindings) return null;
    let byResource = this.exporters.get(bindings);
    if (!byResource) this.exporters.set(bindings, (byResource = new WeakMap()));
    let exporter = byResource.get(t);
    if (exporter === undefined) {
      exporter = null;
      for (const b of bindings.values()) {
        if (b.exportCluster !== cluster && b.resources.some((r) => r.group === t.group && r.resource === t.resource)) exporter = b.exportCluster;
      }
      byResource.set(t, exporter);
    }
    return exporter;
  }

  /**
   * Notes an admitted write of a configuration (the chain's validating hook calls it), so the
   * requests after it do not depend on the watch's delay. Other writes are ignored.
   */
  noteWrite(request: AdmissionRequest): void {
    if (request.dryRun || !isConfigResource(request.type) || request.subresource) return;
    const o = request.object ?? request.oldObject;
    const name = o?.metadata.name;
    if (!name) return;
    const cluster = request.context.cluster;
    // Notes of workspaces no request came to again are dropped here, once expired.
    const now = this.now();
    for (const [c, notes] of this.noted) if (notes.every((n) => n.until <= now)) this.noted.delete(c);
    const list = this.noted.get(cluster) ?? [];
    list.push({
      resource: request.type.resource as ConfigResource,
      name,
      deleted: request.operation === 'DELETE',
      before: request.oldObject?.metadata.resourceVersion,
      until: now + (this.options.graceMs ?? DEFAULT_GRACE_MS),
    });
    this.noted.set(cluster, list);
  }

  /** Whether configuration writes the request may depend on are still unseen (then `settle` it first). */
  unsettled(request: AdmissionRequest): boolean {
    if (this.noted.size === 0) return false;
    const exporter = this.exporterOf(request.context.cluster, request.type);
    return this.noted.has(request.context.cluster) || (exporter !== null && this.noted.has(exporter));
  }

  /** Refreshes from the store the workspaces whose unseen configuration writes the request may depend on. */
  async settle(request: AdmissionRequest): Promise<void> {
    const exporter = this.exporterOf(request.context.cluster, request.type);
    const clusters = exporter === null ? [request.context.cluster] : [request.context.cluster, exporter];
    // A second round when writes stay unseen: a refresh already running may have read the store
    // before the write this request follows.
    for (let round = 0; round < 2; round++) {
      const pending = clusters.filter((c) => this.noted.has(c));
      if (pending.length === 0) return;
      await Promise.all(pending.map((c) => this.settleCluster(c)));
    }
  }

  /** Whether no configuration write anywhere is unseen. */
  get settled(): boolean {
    return this.noted.size === 0;
  }

  private settleCluster(cluster: string): Promise<void> {
    const running = this.settling.get(cluster);
    if (running) return running;
    const run = (async () => {
      const list = this.noted.get(cluster) ?? [];
      const resources = new Set(list.map((n) => n.resource));
      await Promise.all([...resources].map((r) => (this.indexes.get(r) as ClusterIndex<ScopedConfig>).refresh(cluster)));
      const now = this.now();
      const left = (this.noted.get(cluster) ?? []).filter((n) => n.until > now && !this.seen(cluster, n));
      if (left.length > 0) this.noted.set(cluster, left);
      else this.noted.delete(cluster);
    })().finally(() => this.settling.delete(cluster));
    this.settling.set(cluster, run);
    return run;
  }

  /** Whether the index shows the noted write: the object is there (or gone) in a newer revision. */
  private seen(cluster: string, n: Noted): boolean {
    const current = (this.indexes.get(n.resource) as ClusterIndex<ScopedConfig>).entry(cluster)?.values.get(n.name);
    if (n.deleted) return !current || current.object.metadata.resourceVersion !== n.before;
    return current !== undefined && current.object.metadata.resourceVersion !== n.before;
  }
}
