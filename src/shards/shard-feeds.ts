/**
 * What keeps a PathIndex current, and the objects shards replicate to each other: root's Shards,
 * listed and watched on the root shard, and for each shard one list-and-watch of its
 * LogicalClusters, one of its Workspaces and one per replicated kind across all its logical
 * clusters (the shard's privileged wildcard). A Shard added starts its feeds, one whose address
 * changed restarts them, one deleted stops them and leaves the index. Requests never wait on a
 * shard for routing (docs/shards.md). The front proxy follows every shard; a shard follows every
 * other one (its own store is authoritative for itself).
 */
import { agentFor, ApiStatusError, CLUSTER_ANNOTATION, HttpClient, Informer, RestTransport, type Connection, type KubeObject, type ResourceRef, type Transport } from '../sdk/index.js';
import { PATH_ANNOTATION, ROOT_CLUSTER } from '../tenancy/index.js';
import type { Agent as HttpAgent } from 'node:http';
import type { PathIndex } from './path-index.js';

const SHARDS: ResourceRef = { group: 'core.kcp.io', version: 'v1alpha1', resource: 'shards', namespaced: false };
export const LOGICAL_CLUSTERS_REF: ResourceRef = { group: 'core.kcp.io', version: 'v1alpha1', resource: 'logicalclusters', namespaced: false };
const WORKSPACES: ResourceRef = { group: 'tenancy.kcp.io', version: 'v1alpha1', resource: 'workspaces', namespaced: false };

/** Logs what the feeds cannot do by themselves (a shard unreachable: they retry). */
export interface FeedLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Where requests forwarded to a shard go: its origin, and the agent they are sent with. */
export interface ShardEndpoint {
  origin: string;
  agent: HttpAgent;
  /** The agent presents the front proxy's client certificate: the shard takes the user from X-Remote-* headers. */
  identifies?: boolean;
}

/** A client certificate and its key (PEM). */
export interface ClientCertificate {
  cert: string;
  key: string;
}

/**
 * Where requests forwarded to `server` go. The agent trusts what `connection` trusts but never
 * presents its credentials (a forwarded request without any of its own must not become the
 * connection's user); it presents `forwardAs`, the front proxy's certificate, when given.
 */
export function forwardingEndpoint(connection: Connection, server: string, forwardAs?: ClientCertificate): ShardEndpoint {
  const { ca, insecureSkipTlsVerify, servername } = connection;
  const agent = agentFor({
    server,
    ...(ca ? { ca } : {}),
    ...(insecureSkipTlsVerify ? { insecureSkipTlsVerify } : {}),
    ...(servername ? { servername } : {}),
    ...(forwardAs ? { clientCertificate: forwardAs.cert, clientKey: forwardAs.key } : {}),
  });
  const origin = new URL(server).origin;
  return { origin, agent, identifies: forwardAs !== undefined && origin.startsWith('https:') };
}

/** A change of an object a followed shard holds: its LogicalClusters and the replicated kinds. */
export interface FeedChange {
  shard: string;
  resource: string;
  object: KubeObject;
  deleted: boolean;
}

export interface ShardFeedsOptions {
  /** The root shard, and the credentials every shard accepts (the shards share one PKI). */
  connection: Connection;
  log: FeedLog;
  /** This process's own shard: not followed (its own store is authoritative). */
  self?: string;
  /** Kinds followed on every shard besides LogicalClusters and Workspaces (cluster-scoped). */
  replicate?: readonly ResourceRef[];
  /** Told of every change of a followed shard's LogicalClusters and replicated objects. */
  onChange?: (change: FeedChange) => void;
  /** Whether `start` waits for every shard's feeds to list (the proxy's readiness); default true. */
  waitForShards?: boolean;
  /** Where root's Shards are read: the root shard's API by default; the root shard reads its own store. */
  shards?: Transport<KubeObject>;
  /** The certificate requests forwarded to the shards present (the front proxy's: upstream()). */
  forwardAs?: ClientCertificate;
  /**
   * Whether the LogicalClusters' whole objects are kept (a shard's scheduler mirrors their status);
   * default false: only what the index needs, as Workspaces always are.
   */
  keepLogicalClusters?: boolean;
}

/**
 * What a lean feed keeps of a LogicalCluster or Workspace: what the index and the informer's
 * relist need (name, revision, cluster and path annotations, the child cluster) — a few hundred
 * bytes instead of the whole object.
 */
export function indexed(o: KubeObject): KubeObject {
  const annotations = o.metadata.annotations ?? {};
  const path = annotations[PATH_ANNOTATION];
  const cluster = annotations[CLUSTER_ANNOTATION];
  const child = (o as { spec?: { cluster?: string } }).spec?.cluster;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: o.metadata.name,
      ...(o.metadata.resourceVersion ? { resourceVersion: o.metadata.resourceVersion } : {}),
      annotations: { ...(cluster ? { [CLUSTER_ANNOTATION]: cluster } : {}), ...(path ? { [PATH_ANNOTATION]: path } : {}) },
    },
    ...(child ? { spec: { cluster: child } } : {}),
  } as KubeObject;
}

interface ShardFeed {
  baseURL: string;
  endpoint: ShardEndpoint;
  http: HttpClient;
  /** Informers by resource: logicalclusters, workspaces and each replicated kind. */
  informers: Map<string, Informer<KubeObject>>;
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
  private readonly connection: Connection;
  private readonly log: FeedLog;

  constructor(
    private readonly index: PathIndex,
    private readonly options: ShardFeedsOptions,
  ) {
    this.connection = options.connection;
    this.log = options.log;
    this.rootHttp = new HttpClient(this.connection);
  }

  /** The shard to send a request to, by name. */
  upstream(shard: string): ShardEndpoint | undefined {
    return this.feeds.get(shard)?.endpoint;
  }

  /** A client for a followed shard's API, with the installation's credentials. */
  http(shard: string): HttpClient | undefined {
    return this.feeds.get(shard)?.http;
  }

  /** Root's Shard objects as last listed (only those in root name shards). */
  shards(): KubeObject[] {
    return [...(this.shardInformer?.cache.list() ?? [])].filter((o) => clusterOf(o) === ROOT_CLUSTER);
  }

  /** Whether a followed shard's feeds have listed (what they hold is then its whole state). */
  synced(shard: string): boolean {
    const feed = this.feeds.get(shard);
    return feed !== undefined && [...feed.informers.values()].every((i) => i.hasSynced);
  }

  /** Whether a followed shard's feeds have listed and its server answers (not since failing). */
  healthy(shard: string): boolean {
    const feed = this.feeds.get(shard);
    return feed !== undefined && [...feed.informers.values()].every((i) => i.healthy);
  }

  /** An object a followed shard holds: a LogicalCluster, a Workspace or a replicated kind. */
  object(shard: string, resource: string, cluster: string, name: string): KubeObject | undefined {
    return this.feeds.get(shard)?.informers.get(resource)?.cache.get({ workspace: cluster, namespace: '', name });
  }

  /** Every object of a replicated kind a followed shard holds, with its logical cluster, as its feed last said. */
  objects(shard: string, resource: string): { cluster: string; object: KubeObject }[] {
    const out: { cluster: string; object: KubeObject }[] = [];
    for (const object of this.feeds.get(shard)?.informers.get(resource)?.cache.list() ?? []) {
      const cluster = clusterOf(object);
      if (cluster) out.push({ cluster, object });
    }
    return out;
  }

  /** Resolves once root's Shards are listed and (unless told not to wait) every shard's feeds have listed once. */
  async start(): Promise<void> {
    // The root shard away or not up yet is waited for; credentials it refuses never get better.
    let refused: (err: Error) => void = () => undefined;
    const refusal = new Promise<never>((_, reject) => (refused = reject));
    const informer = new Informer<KubeObject>(this.options.shards ?? new RestTransport(this.rootHttp, undefined, SHARDS), {
      onError: (err) => {
        if (!informer.hasSynced && err instanceof ApiStatusError && (err.code === 401 || err.code === 403)) {
          refused(new Error(`the root shard refuses these credentials (${err.code} ${err.reason}: ${err.message}); check the kubeconfig's token`));
          return;
        }
        this.log.warn({ err: String(err) }, 'watching the Shards on the root shard failed; retrying');
      },
    });
    this.shardInformer = informer;
    const started: Promise<void>[] = [];
    const follows = (o: KubeObject): boolean => clusterOf(o) === ROOT_CLUSTER && o.metadata.name !== this.options.self;
    informer.addHandlers({
      // Only root's Shards name shards: a tenant's namesake in its own workspace is ignored.
      add: (o) => void (follows(o) && started.push(this.ensure(o))),
      update: (_old, o) => void (follows(o) && started.push(this.ensure(o))),
      delete: (o) => void (follows(o) && this.drop(o.metadata.name)),
    });
    try {
      await Promise.race([informer.start(), refusal]);
    } catch (err) {
      await informer.stop();
      throw err;
    }
    if (this.options.waitForShards !== false) await Promise.all(started);
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
    // What the shard held is no longer known here: those who act on it look again.
    for (const [resource, informer] of feed.informers) {
      if (resource === WORKSPACES.resource) continue;
      for (const object of informer.cache.list()) this.options.onChange?.({ shard: name, resource, object, deleted: true });
    }
  }

  /** A shard's informers feeding the index and the replicas, and the agent requests to it go through. */
  private follow(name: string, baseURL: string): ShardFeed {
    const connection: Connection = { ...this.connection, server: baseURL };
    const client = new HttpClient(connection);
    const onError = (what: string) => (err: unknown) => this.log.warn({ shard: name, baseURL, err: String(err) }, `watching the ${what} of a shard failed; retrying`);
    const informers = new Map<string, Informer<KubeObject>>();
    const informer = (ref: ResourceRef, lean = false): Informer<KubeObject> => {
      const i = new Informer<KubeObject>(new RestTransport(client, undefined, ref), { onError: onError(ref.resource), ...(lean ? { keep: indexed } : {}) });
      informers.set(ref.resource, i);
      return i;
    };
    const changed = (resource: string, object: KubeObject, deleted: boolean): void => this.options.onChange?.({ shard: name, resource, object, deleted });
    const clusters = informer(LOGICAL_CLUSTERS_REF, !this.options.keepLogicalClusters);
    const workspaces = informer(WORKSPACES, true);
    const setCluster = (o: KubeObject): void => {
      const cluster = clusterOf(o);
      const path = o.metadata.annotations?.[PATH_ANNOTATION];
      if (cluster) this.index.setCluster(name, { name: cluster, ...(path ? { path } : {}) });
      changed(LOGICAL_CLUSTERS_REF.resource, o, false);
    };
    clusters.addHandlers({
      add: setCluster,
      update: (_old, o) => setCluster(o),
      delete: (o) => {
        const cluster = clusterOf(o);
        if (cluster) this.index.deleteCluster(name, cluster);
        changed(LOGICAL_CLUSTERS_REF.resource, o, true);
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
    for (const ref of this.options.replicate ?? []) {
      informer(ref).addHandlers({
        add: (o) => changed(ref.resource, o, false),
        update: (_old, o) => changed(ref.resource, o, false),
        delete: (o) => changed(ref.resource, o, true),
      });
    }
    const endpoint = forwardingEndpoint(connection, baseURL, this.options.forwardAs);
    return {
      baseURL,
      endpoint,
      http: client,
      informers,
      start: async () => {
        await Promise.all([...informers.values()].map((i) => i.start()));
      },
      stop: async () => {
        await Promise.all([...informers.values()].map((i) => i.stop()));
        client.close();
        endpoint.agent.destroy();
      },
    };
  }
}
