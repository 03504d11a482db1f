/**
 * A controller over every consumer of an export: an informer (one list+watch across consumers),
 * a rate-limited work queue keyed by {workspace, namespace, name}, and `reconcile` handlers.
 *
 * The queue is the project's WorkQueue (src/controllers/work-queue.ts): a key is queued at most
 * once, never handled by two workers at a time (a change while it runs makes it run once more
 * afterwards, with the newest object), and a reconcile that throws or asks to retry waits with
 * per-item exponential backoff. A token bucket in front of the workers bounds reconciles per
 * second overall.
 *
 * With `leaderElection`, nothing is listed or reconciled until this process holds the Lease; if
 * the Lease is lost the controller stops (as client-go's OnStoppedLeading usually does).
 * `stop()` is the graceful shutdown: stop the watch, let running reconciles finish (queued ones
 * are dropped — the next leader's list finds them again), release the Lease.
 */
import { setMaxListeners } from 'node:events';
import { WorkQueue } from '../controllers/work-queue.js';
import { ResourceClient } from './client.js';
import { GraphQLTransport, type GraphQLTransportOptions } from './graphql-transport.js';
import { HttpClient } from './http.js';
import { Informer } from './informer.js';
import { loadKubeconfig, type Connection } from './kubeconfig.js';
import { LeaderElector, type LeaderElectionOptions } from './leader.js';
import { TokenBucket, type RateLimit } from './rate-limit.js';
import { RestTransport } from './rest-transport.js';
import type { Transport } from './transport.js';
import { keyOf, keyString, type KubeObject, type ObjectKey, type ResourceRef, type ViewRef } from './types.js';

/** What a reconcile gets besides the key. */
export interface ReconcileContext<T extends KubeObject> {
  /** The object as the informer last saw it; undefined when it is gone. */
  object: T | undefined;
  /** Writes in the object's consumer (status with conflict retry, finalizers). */
  client: ResourceClient<T>;
  /** Aborted when the controller stops: long reconciles should give up. */
  signal: AbortSignal;
  /** The informer's cache, for reading other objects of any consumer. */
  informer: Informer<T>;
}

/** `retry`: run again later, with backoff (as throwing does, without the error). */
export type ReconcileResult = void | 'retry';

export type Reconciler<T extends KubeObject> = (ctx: ReconcileContext<T>, key: ObjectKey) => Promise<ReconcileResult>;

export interface ControllerOptions<T extends KubeObject> {
  /** Names the queue in metrics and logs. */
  name: string;
  /** Where to connect (default: the kubeconfig kubectl would use). */
  connection?: Connection;
  view: ViewRef;
  resource: ResourceRef;
  reconcile: Reconciler<T>;
  /** `rest` (default: bookmarks, full objects) or `graphql` (a graphql-ws subscription; needs `graphql`). */
  transport?: 'rest' | 'graphql';
  graphql?: Omit<GraphQLTransportOptions, 'resource'>;
  /** Reconciles at once (default 4). */
  workers?: number;
  /** Reconciles per second overall (default 50, bursts of 100). */
  rateLimit?: RateLimit;
  /** Per-item retry backoff (default 100 ms doubling to 30 s). */
  backoff?: { minMs?: number; maxMs?: number };
  leaderElection?: LeaderElectionOptions;
  /** Failed reconciles (retried) and informer failures (retried). */
  onError?(err: unknown, key?: ObjectKey): void;
  /** The Lease was lost; the controller has stopped. */
  onStoppedLeading?(): void;
}

export class Controller<T extends KubeObject> {
  readonly http: HttpClient;
  readonly client: ResourceClient<T>;
  readonly informer: Informer<T>;
  private readonly queue: WorkQueue<ObjectKey>;
  private readonly bucket: TokenBucket;
  private readonly abort = new AbortController();
  private readonly elector: LeaderElector | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ControllerOptions<T>) {
    // Every worker's request in flight listens to the signal: as many listeners as workers, not a leak.
    setMaxListeners(0, this.abort.signal);
    this.http = new HttpClient(options.connection ?? loadKubeconfig());
    this.client = new ResourceClient<T>(this.http, options.view, options.resource);
    const transport: Transport<T> =
      options.transport === 'graphql'
        ? new GraphQLTransport<T>(this.http, options.view, { ...requireGraphQL(options.graphql), resource: options.resource })
        : new RestTransport<T>(this.http, options.view, options.resource);
    this.informer = new Informer<T>(transport, { onError: (err) => options.onError?.(err) });
    this.bucket = new TokenBucket(options.rateLimit ?? { qps: 50, burst: 100 });
    this.queue = new WorkQueue<ObjectKey>({
      name: `sdk:${options.name}`,
      concurrency: options.workers ?? 4,
      minDelayMs: options.backoff?.minMs ?? 100,
      maxDelayMs: options.backoff?.maxMs ?? 30_000,
      handle: (key) => this.handle(key),
      onError: (key, err) => options.onError?.(err, key),
    });
    const enqueue = (o: T): void => this.enqueue(keyOf(o));
    this.informer.addHandlers({ add: enqueue, update: (_old, o) => enqueue(o), delete: enqueue });
    this.elector = options.leaderElection ? new LeaderElector(this.http, options.leaderElection) : undefined;
  }

  /** Queues a key (e.g. from another informer's handler). */
  enqueue(key: ObjectKey): void {
    this.queue.add(keyString(key), key);
  }

  /** Items queued, running or waiting for a retry. */
  get queueDepth(): number {
    return this.queue.size;
  }

  /**
   * Waits for leadership (with leaderElection), then lists, and resolves once the cache is synced
   * and every object is queued; reconciling goes on until stop(). Resolves false if stopped before
   * it could lead or sync.
   */
  async start(): Promise<boolean> {
    if (this.elector && !(await this.elector.acquire(() => this.lost()))) return false;
    await this.informer.start();
    return this.informer.hasSynced;
  }

  /** Graceful shutdown: stop watching, let running reconciles finish, release the Lease. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.informer.stop();
      await this.queue.stop();
      await this.elector?.release();
      this.http.close();
    })();
    return this.stopping;
  }

  private lost(): void {
    void this.stop().then(() => this.options.onStoppedLeading?.());
  }

  private async handle(key: ObjectKey): Promise<'done' | 'retry'> {
    try {
      await this.bucket.take(this.abort.signal);
      if (this.abort.signal.aborted) return 'done';
      const ctx: ReconcileContext<T> = { object: this.informer.cache.get(key), client: this.client, signal: this.abort.signal, informer: this.informer };
      const result = await this.options.reconcile(ctx, key);
      return result === 'retry' ? 'retry' : 'done';
    } catch (err) {
      // Cut short by stop() (its requests aborted): not a failure — the next start lists it again.
      if (this.abort.signal.aborted) return 'done';
      throw err;
    }
  }
}

function requireGraphQL(g: ControllerOptions<KubeObject>['graphql']): Omit<GraphQLTransportOptions, 'resource'> {
  if (!g) throw new Error("transport 'graphql' needs the graphql options (kind and the object's selection set)");
  return g;
}
