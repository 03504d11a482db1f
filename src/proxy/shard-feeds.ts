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
  stop(): Promise<void>;
}

const clusterOf = (o: KubeObject): string | undefined => o.metadata.annotations?.[CLUSTER_ANNOTATION];

export class ShardFeeds {
  private readonly feeds = new Map<string, ShardFeed>();
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

  private async ensure(shard: KubeObject): Promise<void> {
    const name = shard.metadata.name;
    const baseURL = (shard as { spec?: { baseURL?: string } }).spec?.baseURL;
    if (!baseURL || this.feeds.get(name)?.baseURL === baseURL) return;
    await this.drop(name);
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
    const origin = new URL(baseURL).origin;
    const agent = agentFor(connection);
    this.feeds.set(name, {
      baseURL,
      upstream: { origin, agent },
      stop: async () => {
        await Promise.all([clusters.stop(), workspaces.stop()]);
        client.close();
        agent.destroy();
      },
    });
    this.log.info({ shard: name, baseURL }, 'following a shard');
    await Promise.all([clusters.start(), workspaces.start()]);
  }

  private async drop(name: string): Promise<void> {
    const feed = this.feeds.get(name);
    if (!feed) return;
    this.feeds.delete(name);
    await feed.stop();
    this.index.removeShard(name);
  }
}
