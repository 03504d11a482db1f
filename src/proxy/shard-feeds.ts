/**
 * What keeps the proxy's index current: root's Shards, listed and watched on the root shard, and
 * for each shard one list-and-watch of its LogicalClusters and one of its Workspaces across all
 * its logical clusters (the shard's privileged wildcard). A Shard added starts its feeds, one
 * whose address changed restarts them, one deleted stops them and leaves the index. Requests
 * never wait on a shard for routing (docs/shards.md).
 */
import { agentFor, CLUSTER_ANNOTATION, HttpClient, Informer, RestTransport, type Connection, type KubeObject, type ResourceRef } from '../sdk/index.js';
import { PATH_ANNOTATION, ROOT_CLUSTER } from '../tenancy/index.js';
import type { Upstream } from './forward.js';
import type { PathIndex } from './path-index.js';

const SHARDS: ResourceRef = { group: 'core.kcp.io', version: 'v1alpha1', resource: 'shards', namespaced: false };
const LOGICAL_CLUSTERS: ResourceRef = { group: 'core.kcp.io', version: 'v1alpha1', resource: 'logicalclusters', namespaced: false };
const WORKSPACES: ResourceRef = { group: 'tenancy.kcp.io', version: 'v1alpha1', resource: 'workspaces', namespaced: false };

/** Logs what the feeds cannot do by themselves (a shard unreachable: they retry). */
export interface FeedLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

interface ShardFeed {
  baseURL: string;
  upstream: Upstream;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const clusterOf = (o: KubeObject): string | undefined => o.metadata.annotations?.[CLUSTER_ANNOTATION];

export class ShardFeeds {
  private readonly feeds = new Map<string, ShardFeed>();
  /** Each shard's changes (follow, move, drop), in the order they came. */
  private readonly chains = new Map<string, Promise<void>>();
  private shardInformer: Informer<KubeObject> | undefined;
  private readonly rootHttp: HttpClient;

  /** `connection`: the root shard and the credentials every shard accepts (the shards share one PKI). */
  constructor(
    private readonly index: PathIndex,
    private readonly connection: Connection,
    private readonly log: FeedLog,
  ) {
    this.rootHttp = new HttpClient(connection);
  }

  /** The shard to send a request to, by name. */
  upstream(shard: string): Upstream | undefined {
    return this.feeds.get(shard)?.upstream;
  }

  /** Resolves once root's Shards are listed and every shard's feeds have listed once. */
  async start(): Promise<void> {
    const informer = new Informer<KubeObject>(new RestTransport(this.rootHttp, undefined, SHARDS), {
      onError: (err) => this.log.warn({ err: String(err) }, 'watching the Shards on the root shard failed; retrying'),
    });
    this.shardInformer = informer;
    const started: Promise<void>[] = [];
    informer.addHandlers({
      // Only root's Shards name shards: a tenant's namesake in its own workspace is ignored.
      add: (o) => void (clusterOf(o) === ROOT_CLUSTER && started.push(this.ensure(o))),
      update: (_old, o) => void (clusterOf(o) === ROOT_CLUSTER && started.push(this.ensure(o))),
      delete: (o) => void (clusterOf(o) === ROOT_CLUSTER && this.drop(o.metadata.name)),
    });
    await informer.start();
    await Promise.all(started);
  }

  async stop(): Promise<void> {
    await this.shardInformer?.stop();
    await Promise.all([...this.feeds.keys()].map((name) => this.drop(name)));
    this.rootHttp.close();
  }

  /**
   * Follows a Shard at its current address. A shard's changes run one after another (a feed is
   * stopped and its part of the index dropped before the next starts), so two quick moves of a
   * shard cannot leave a feed behind; resolves once the feed has listed.
   */
  private ensure(shard: KubeObject): Promise<void> {
    const name = shard.metadata.name;
    const baseURL = (shard as { spec?: { baseURL?: string } }).spec?.baseURL;
    if (!baseURL) return Promise.resolve();
    let synced = Promise.resolve();
    return this.serially(name, async () => {
      if (this.feeds.get(name)?.baseURL === baseURL) return;
      await this.stopFeed(name);
      const feed = this.follow(name, baseURL);
      this.feeds.set(name, feed);
      this.log.info({ shard: name, baseURL }, 'following a shard');
      // Not awaited here: a shard that does not answer must not hold up its own drop.
      synced = feed.start();
    }).then(() => synced);
  }

  private drop(name: string): Promise<void> {
    return this.serially(name, () => this.stopFeed(name));
  }

  private serially(name: string, step: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(name) ?? Promise.resolve()).then(step);
    this.chains.set(name, next.catch(() => undefined));
    return next;
  }

  private async stopFeed(name: string): Promise<void> {
    const feed = this.feeds.get(name);
    if (!feed) return;
    this.feeds.delete(name);
    await feed.stop();
    this.index.removeShard(name);
  }

  /** A shard's two informers feeding the index, and the agent requests to it go through. */
  private follow(name: string, baseURL: string): ShardFeed {
    const connection: Connection = { ...this.connection, server: baseURL };
    const client = new HttpClient(connection);
    const onError = (what: string) => (err: unknown) => this.log.warn({ shard: name, baseURL, err: String(err) }, `watching the ${what} of a shard failed; retrying`);
    const clusters = new Informer<KubeObject>(new RestTransport(client, undefined, LOGICAL_CLUSTERS), { onError: onError('logical clusters') });
    const workspaces = new Informer<KubeObject>(new RestTransport(client, undefined, WORKSPACES), { onError: onError('workspaces') });
    const setCluster = (o: KubeObject): void => {
      const cluster = clusterOf(o);
      const path = o.metadata.annotations?.[PATH_ANNOTATION];
      if (cluster) this.index.setCluster(name, { name: cluster, ...(path ? { path } : {}) });
    };
    clusters.addHandlers({
      add: setCluster,
      update: (_old, o) => setCluster(o),
      delete: (o) => {
        const cluster = clusterOf(o);
        if (cluster) this.index.deleteCluster(name, cluster);
      },
    });
    const setWorkspace = (o: KubeObject): void => {
      const parent = clusterOf(o);
      const child = (o as { spec?: { cluster?: string } }).spec?.cluster;
      if (parent) this.index.setWorkspace(name, { parent, name: o.metadata.name, ...(child ? { cluster: child } : {}) });
    };
    workspaces.addHandlers({
      add: setWorkspace,
      update: (_old, o) => setWorkspace(o),
      delete: (o) => {
        const parent = clusterOf(o);
        if (parent) this.index.deleteWorkspace(name, parent, o.metadata.name);
      },
    });
    const agent = agentFor(connection);
    return {
      baseURL,
      upstream: { origin: new URL(baseURL).origin, agent },
      start: async () => {
        await Promise.all([clusters.start(), workspaces.start()]);
      },
      stop: async () => {
        await Promise.all([clusters.stop(), workspaces.stop()]);
        client.close();
        agent.destroy();
      },
    };
  }
}
