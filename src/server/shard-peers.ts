/**
 * A shard's view of the other shards of its installation (docs/shards.md): it follows root's
 * Shards and, for each other shard, that shard's logical clusters, workspaces and replicated
 * kinds (src/shards). It is where the workspace scheduler places logical clusters (Placement) and
 * where types and exports held elsewhere are read (OtherShards). Requests to another shard carry
 * the shards' own token (system:masters), never a user's.
 */
import type { Logger } from 'pino';
import type { Placement } from '../controllers/index.js';
import type { KubeObject, LabelSelector } from '../meta/index.js';
import { ApiError, SYSTEM_USER, type Registry } from '../registry/index.js';
import { ApiStatusError, isConflict, isNotFound, type Connection, type HttpClient, type KubeObject as WireObject, type ListResult, type ResourceRef, type Transport, type WatchEvent } from '../sdk/index.js';
import { LOGICAL_CLUSTERS_REF, PathIndex, ShardFeeds, type FeedChange } from '../shards/index.js';
import { LOGICAL_CLUSTER_NAME, OWNER_BINDING, ownerBinding, shards as shardType, type OtherShards, type ReplicatedResource, type ShardObjects } from '../tenancy/index.js';

const REPLICATED: readonly ResourceRef[] = [
  { group: 'tenancy.kcp.io', version: 'v1alpha1', resource: 'workspacetypes', namespaced: false },
  // v1alpha2: the version APIExports are stored in (v1alpha1 names its schemas differently).
  { group: 'apis.kcp.io', version: 'v1alpha2', resource: 'apiexports', namespaced: false },
  { group: 'apis.kcp.io', version: 'v1alpha1', resource: 'apiresourceschemas', namespaced: false },
];

/** The SDK's objects are the same JSON, typed for clients (its metadata has no index signature). */
const fromWire = (o: WireObject | undefined): KubeObject | undefined => o as KubeObject | undefined;

const LC_PATH = (cluster: string): string => `/clusters/${cluster}/apis/core.kcp.io/v1alpha1/logicalclusters`;
const CRB_PATH = (cluster: string): string => `/clusters/${cluster}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings`;

export class ShardPeers implements Placement, OtherShards {
  readonly index = new PathIndex();
  /** Made at start: the root shard's address is known only then (the root shard's own, once listening). */
  private feeds: ShardFeeds | undefined;
  private readonly lcListeners: ((lc: KubeObject) => void)[] = [];
  private readonly listeners = new Map<string, (() => void)[]>();

  constructor(
    readonly self: string,
    private readonly log: Logger,
  ) {}

  /**
   * Follows root's Shards, and through them the other shards: `connection` names the root shard
   * with the shards' token and the installation's CA; `shards`, when given, is where root's Shards
   * are read instead (the root shard reads its own store). Resolves once the Shards are listed;
   * each other shard's feed lists on its own.
   */
  async start(connection: Connection, shards?: Transport<WireObject>): Promise<void> {
    this.feeds = new ShardFeeds(this.index, {
      connection,
      ...(shards ? { shards } : {}),
      log: this.log,
      self: this.self,
      replicate: REPLICATED,
      waitForShards: false,
      // The scheduler mirrors other shards' LogicalClusters (phase, owner): whole objects.
      keepLogicalClusters: true,
      onChange: (change) => this.changed(change),
    });
    await this.feeds.start();
  }

  async stop(): Promise<void> {
    await this.feeds?.stop();
  }

  private changed(change: FeedChange): void {
    if (change.resource === LOGICAL_CLUSTERS_REF.resource) {
      const lc = fromWire(change.object) as KubeObject;
      for (const listener of this.lcListeners) listener(lc);
      return;
    }
    for (const listener of this.listeners.get(change.resource) ?? []) listener();
  }

  // ---- Placement ------------------------------------------------------------------------------

  choose(selector: LabelSelector, localCount: number): string | undefined {
    let best: { name: string; load: number } | undefined;
    const feeds = this.feeds;
    // Before the Shards are listed this shard is all there is.
    if (!feeds) return this.self;
    for (const shard of feeds.shards()) {
      const name = shard.metadata.name;
      if (!selector.matches(shard.metadata.labels)) continue;
      // A shard whose feed has not listed yet, or fails now, has an unknown load and may not answer.
      if (name !== this.self && !feeds.healthy(name)) continue;
      const load = name === this.self ? localCount : this.index.clusterCount(name);
      // Ties go to this shard (no request to make), then by name, so choices are repeatable.
      if (!best || load < best.load || (load === best.load && (name === this.self || (best.name !== this.self && name < best.name)))) best = { name, load };
    }
    return best?.name;
  }

  externalUrl(shard: string): string | undefined {
    const found = this.feeds?.shards().find((s) => s.metadata.name === shard) as { spec?: { externalURL?: string; baseURL?: string } } | undefined;
    const spec = found?.spec;
    return spec?.externalURL ?? spec?.baseURL;
  }

  /** The other shard holding a logical cluster, by the shards' index; undefined when this one does (or none). */
  holderOf(cluster: string): string | undefined {
    const route = this.index.resolve(cluster);
    return route && route.shard !== this.self ? route.shard : undefined;
  }

  /** The installation's other shards, by name, as root's Shards list them. */
  otherShards(): string[] {
    return (this.feeds?.shards() ?? []).map((s) => s.metadata.name).filter((name) => name !== this.self);
  }

  knows(shard: string): boolean {
    return this.feeds?.synced(shard) ?? false;
  }

  logicalCluster(shard: string, cluster: string): KubeObject | undefined {
    return fromWire(this.feeds?.object(shard, LOGICAL_CLUSTERS_REF.resource, cluster, LOGICAL_CLUSTER_NAME));
  }

  async createLogicalCluster(shard: string, cluster: string, lc: KubeObject): Promise<void> {
    await this.http(shard)
      .json('POST', LC_PATH(cluster), { body: lc })
      .catch((err: unknown) => {
        if (!isConflict(err)) throw err;
      });
  }

  async deleteLogicalCluster(shard: string, cluster: string, uid: string): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } };
    await this.http(shard)
      .json('DELETE', `${LC_PATH(cluster)}/${LOGICAL_CLUSTER_NAME}`, { body })
      .catch((err: unknown) => {
        if (!isConflict(err) && !isNotFound(err)) throw err;
      });
  }

  async bindOwner(shard: string, cluster: string, username: string): Promise<void> {
    await this.http(shard)
      .json('POST', CRB_PATH(cluster), { body: ownerBinding(username) })
      .catch((err: unknown) => {
        if (!isConflict(err)) throw err;
      });
  }

  async ownerBound(shard: string, cluster: string): Promise<boolean> {
    return this.http(shard)
      .json('GET', `${CRB_PATH(cluster)}/${OWNER_BINDING}`)
      .then(
        () => true,
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      );
  }

  onLogicalCluster(listener: (lc: KubeObject) => void): void {
    this.lcListeners.push(listener);
  }

  /** A client for another shard's API, with the shards' token. */
  http(shard: string): HttpClient {
    const client = this.feeds?.http(shard);
    if (!client) throw new Error(`shard "${shard}" is not known (yet): no Shard of that name in root, or its address is missing`);
    return client;
  }

  // ---- OtherShards ----------------------------------------------------------------------------

  resolve(pathOrName: string): string | undefined {
    const route = this.index.resolve(pathOrName);
    if (route) return route.shard !== this.self ? route.cluster : undefined;
    // A path whose last workspace is on another shard may name a logical cluster held here,
    // which this shard does not index: the walk says which (the caller reads it here).
    return this.index.walk(pathOrName);
  }

  get(resource: ReplicatedResource, cluster: string, name: string): KubeObject | undefined {
    const route = this.index.resolve(cluster);
    return route ? fromWire(this.feeds?.object(route.shard, resource, cluster, name)) : undefined;
  }

  list(resource: ReplicatedResource): { cluster: string; object: KubeObject }[] {
    const feeds = this.feeds;
    if (!feeds) return [];
    return feeds
      .shards()
      .filter((s) => s.metadata.name !== this.self)
      .flatMap((s) => feeds.objects(s.metadata.name, resource))
      .map(({ cluster, object }) => ({ cluster, object: fromWire(object) as KubeObject }));
  }

  onChange(resource: ReplicatedResource, listener: () => void): void {
    const list = this.listeners.get(resource) ?? [];
    list.push(listener);
    this.listeners.set(resource, list);
  }
}

/** Root's Shards through the root shard's API: how a shard other than root registers itself. */
export function remoteShardObjects(root: HttpClient): ShardObjects {
  const path = '/clusters/root/apis/core.kcp.io/v1alpha1/shards';
  const unlessConflict = (err: unknown): boolean => {
    if (isConflict(err)) return false;
    throw err;
  };
  return {
    create: (o) => root.json('POST', path, { body: { apiVersion: 'core.kcp.io/v1alpha1', kind: 'Shard', ...o } }).then(() => true, unlessConflict),
    get: (name) => root.json<KubeObject>('GET', `${path}/${name}`),
    update: (o) => root.json('PUT', `${path}/${o.metadata.name ?? ''}`, { body: o }).then(() => true, unlessConflict),
  };
}

/**
 * Root's Shards read from the root shard's own store: it follows them as every shard does, without
 * a watch over HTTP to itself (which would also count as an open stream of the shards' token).
 */
export function localShards(registry: Registry): Transport<WireObject> {
  const ctx = { cluster: 'root', user: SYSTEM_USER };
  // The informer relists on 410 Gone as the SDK reports it; the registry's ApiError says the same.
  const wire = (err: unknown): unknown => (err instanceof ApiError && err.code === 410 ? new ApiStatusError(410, err.reason, err.message) : err);
  return {
    name: 'local',
    list: async (): Promise<ListResult<WireObject>> => {
      const r = await registry.list(ctx, shardType).catch((err: unknown) => Promise.reject(wire(err)));
      return { items: r.items as unknown as WireObject[], resourceVersion: r.resourceVersion };
    },
    async *watch(resourceVersion: string, signal: AbortSignal): AsyncGenerator<WatchEvent<WireObject>> {
      const w = await registry.watch(ctx, shardType, { resourceVersion, allowWatchBookmarks: true }).catch((err: unknown) => Promise.reject(wire(err)));
      const onAbort = (): void => w.close();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        for await (const e of w) yield e as unknown as WatchEvent<WireObject>;
      } catch (err) {
        throw wire(err);
      } finally {
        signal.removeEventListener('abort', onAbort);
        w.close();
      }
    },
    close: () => undefined,
  };
}
