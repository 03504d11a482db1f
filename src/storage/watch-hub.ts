/**
 * The watch hub: one change feed per store, fanned out in memory (DESIGN.md decision 2).
 *
 * A watcher starts in catch-up mode and reads the store's retained history page by page, only as
 * fast as its consumer pulls, so a watch from an old revision costs bounded memory. Once it has
 * read up to the newest published revision it switches to live mode in the same synchronous step
 * (publishing is synchronous too), so no event is missed or seen twice. A live watcher whose
 * consumer falls `maxQueuedEvents` events or `maxQueuedBytes` bytes of objects behind is cut off
 * with TooSlow carrying the revision to resume from: the count alone would let 10,000 queued
 * 1 MiB objects pin 10 GB for one stalled client. Watchers are indexed by (cluster, resource) so a
 * write only visits watchers that can want it.
 */
import { StorageError } from './errors.js';
import { compileFilter, type ObjectPredicate } from './filter.js';
import { ALL_CLUSTERS, type StoreEvent, type Watch, type WatchEvent, type WatchHubOptions, type WatchOptions } from './types.js';

/** What a backend gives the hub: its retained, revision-ordered history. */
export interface ChangeSource {
  /** Committed events with revision > `after`, oldest first, at most `limit`. */
  readChanges(after: number, limit: number): StoreEvent[] | Promise<StoreEvent[]>;
  /** Events at or below this revision are no longer retained. */
  readonly compactedRevision: number;
}

const CATCH_UP_PAGE = 512;
export const DEFAULT_MAX_QUEUED_EVENTS = 10_000;
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const ANY = '*';

const indexKey = (cluster: string, resource: string): string => `${cluster}\u0000${resource}`;

export class WatchHub {
  private readonly index = new Map<string, Set<HubWatcher>>();
  private readonly bookmarkTimer: NodeJS.Timeout;
  private published: number;
  private closed = false;
  readonly maxQueuedEvents: number;
  readonly maxQueuedBytes: number;

  constructor(
    private readonly source: ChangeSource,
    startRevision: number,
    options: WatchHubOptions = {},
  ) {
    this.published = startRevision;
    this.maxQueuedEvents = options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), options.bookmarkIntervalMs ?? 60_000);
    this.bookmarkTimer.unref();
  }

  /** Newest revision handed to the hub. */
  get revision(): number {
    return this.published;
  }

  get watcherCount(): number {
    let n = 0;
    for (const set of this.index.values()) n += set.size;
    return n;
  }

  /** Called by the backend right after a commit, with the batch's events in revision order. */
  publish(events: readonly StoreEvent[]): void {
    for (const event of events) {
      if (event.revision <= this.published) {
        throw new Error(`watch hub: revision ${event.revision} published after ${this.published}`);
      }
      this.published = event.revision;
      const { cluster, resource } = event.key;
      this.deliver(indexKey(cluster, resource), event);
      this.deliver(indexKey(cluster, ANY), event);
      this.deliver(indexKey(ALL_CLUSTERS, resource), event);
      this.deliver(indexKey(ALL_CLUSTERS, ANY), event);
    }
  }

  private deliver(key: string, event: StoreEvent): void {
    const set = this.index.get(key);
    if (set) for (const w of set) w.offerLive(event);
  }

  watch(options: WatchOptions): Watch {
    const w = new HubWatcher(this, this.source, options);
    if (this.closed) {
      w.end();
      return w;
    }
    const key = indexKey(options.cluster, options.resource ?? ANY);
    let set = this.index.get(key);
    if (!set) this.index.set(key, (set = new Set()));
    set.add(w);
    return w;
  }

  /** @internal */
  detach(w: HubWatcher): void {
    const key = indexKey(w.options.cluster, w.options.resource ?? ANY);
    const set = this.index.get(key);
    if (set?.delete(w) && set.size === 0) this.index.delete(key);
  }

  /** Gives every idle, caught-up bookmark watcher a BOOKMARK at the newest revision. */
  sendBookmarks(): void {
    for (const set of this.index.values()) for (const w of set) w.offerBookmark(this.published);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.bookmarkTimer);
    for (const set of [...this.index.values()]) for (const w of [...set]) w.end();
    this.index.clear();
  }
}

type Waiter = { resolve: (r: IteratorResult<WatchEvent>) => void; reject: (e: unknown) => void };

class HubWatcher implements Watch {
  private queue: (WatchEvent | undefined)[] = [];
  /** Each queued event's size (StoreEvent.bytes), index for index with `queue`. */
  private sizes: number[] = [];
  private head = 0;
  /** Sum of the sizes of the events not yet delivered. */
  private queuedBytes = 0;
  private mode: 'catchup' | 'live' | 'done';
  /** Highest revision this watcher has examined (whether or not it matched). */
  private examined: number;
  /** Highest revision the consumer has received: where a TooSlow watcher resumes. */
  private consumed: number;
  private reading = false;
  private failure: StorageError | undefined;
  private waiter: Waiter | undefined;
  /** Told when an event is queued or the watch ends (`onReady`), for a consumer that polls. */
  private listener: (() => void) | undefined;
  private readonly matches: ObjectPredicate;

  constructor(
    private readonly hub: WatchHub,
    private readonly source: ChangeSource,
    readonly options: WatchOptions,
  ) {
    this.matches = compileFilter(options);
    const from = options.fromRevision ?? hub.revision;
    this.examined = from;
    this.consumed = from;
    if (from < source.compactedRevision) {
      this.mode = 'done';
      this.failure = expired(from, source.compactedRevision);
    } else {
      this.mode = from >= hub.revision ? 'live' : 'catchup';
    }
  }

  private get pending(): number {
    return this.queue.length - this.head;
  }

  private push(event: WatchEvent, bytes: number): void {
    this.queue.push(event);
    this.sizes.push(bytes);
    this.queuedBytes += bytes;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value: this.shift(), done: false });
    } else {
      this.listener?.();
    }
  }

  private shift(): WatchEvent {
    const event = this.queue[this.head] as WatchEvent;
    this.queuedBytes -= this.sizes[this.head] as number;
    this.queue[this.head++] = undefined;
    // Drop references to delivered events promptly: 10,000 watchers each holding a backlog of
    // consumed events would pin gigabytes.
    if (this.head === this.queue.length) {
      this.clearQueue();
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    if (event.revision > this.consumed) this.consumed = event.revision;
    return event;
  }

  /** Filters one committed event into zero or one watch event, as the apiserver's cacher does. */
  private offer(event: StoreEvent): void {
    this.examined = event.revision;
    const { cluster, resource } = this.options;
    if (cluster !== ALL_CLUSTERS && event.key.cluster !== cluster) return;
    if (resource !== undefined && event.key.resource !== resource) return;
    const now = event.type !== 'DELETED' && this.matches(event.key, event.object);
    const before =
      event.type === 'DELETED'
        ? this.matches(event.key, event.object)
        : event.type === 'MODIFIED' && event.prevObject !== undefined && this.matches(event.key, event.prevObject);
    const { revision, key, bytes } = event;
    // Plain literals with one property order: spread-built objects each get their own hidden
    // class in V8, which made fan-out to 10,000 watchers several times slower.
    if (now) {
      this.push({ type: before ? 'MODIFIED' : 'ADDED', revision, key, object: event.object }, bytes);
    } else if (before) {
      // An object that stops matching leaves this watcher's view: DELETED with its last matching
      // state, stamped with the revision at which it left (sized as the new state: close enough).
      const last = event.type === 'DELETED' ? event.object : (event.prevObject as StoreEvent['object']);
      const object =
        event.type === 'DELETED'
          ? last
          : { ...last, metadata: { ...last.metadata, resourceVersion: String(event.revision) } };
      this.push({ type: 'DELETED', revision, key, object }, bytes);
    }
  }

  /** @internal Called by the hub for each published event. */
  offerLive(event: StoreEvent): void {
    if (this.mode !== 'live' || event.revision <= this.examined) return;
    this.offer(event);
    const { maxQueuedEvents, maxQueuedBytes } = this.hub;
    const behind =
      this.pending > maxQueuedEvents
        ? `${maxQueuedEvents} events`
        : this.pending > 1 && this.queuedBytes > maxQueuedBytes
          ? `${maxQueuedBytes} bytes of objects`
          : undefined;
    if (behind !== undefined) {
      this.fail(new StorageError('TooSlow', `watcher fell more than ${behind} behind and was closed; watch again from revision ${this.consumed}`, this.consumed));
    }
  }

  /** @internal */
  offerBookmark(revision: number): void {
    if (this.options.bookmarks && this.mode === 'live' && this.pending === 0 && revision >= this.examined) {
      this.push({ type: 'BOOKMARK', revision }, 0);
    }
  }

  private async catchUp(): Promise<void> {
    if (this.reading || this.mode !== 'catchup') return;
    this.reading = true;
    try {
      // Half the byte budget at most, as a page is far below the event budget: a watcher that
      // turns live with a full queue would be cut off by the next write.
      const budget = this.hub.maxQueuedBytes / 2;
      while (this.mode === 'catchup' && this.pending < CATCH_UP_PAGE && this.queuedBytes < budget) {
        if (this.examined < this.source.compactedRevision) {
          this.fail(expired(this.examined, this.source.compactedRevision));
          return;
        }
        const events = await this.source.readChanges(this.examined, CATCH_UP_PAGE);
        if (this.mode !== 'catchup') return;
        for (const e of events) {
          // Past the budget the rest of the page is left for the next read (from `examined`).
          if (this.pending > 0 && this.queuedBytes >= budget) break;
          if (e.revision > this.examined) this.offer(e);
        }
        // Same synchronous step as the check: nothing can be published in between.
        if (this.examined >= this.hub.revision) this.mode = 'live';
        else if (events.length === 0) await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      this.fail(err instanceof StorageError ? err : new StorageError('Internal', `watch failed: ${String(err)}`));
    } finally {
      this.reading = false;
    }
  }

  private fail(err: StorageError): void {
    if (this.mode === 'done') return;
    this.failure = err;
    this.clearQueue();
    this.end();
  }

  /** @internal Ends the watch; queued events are still delivered unless it failed. */
  end(): void {
    this.mode = 'done';
    this.hub.detach(this);
    const waiter = this.waiter;
    if (waiter && this.pending === 0) {
      this.waiter = undefined;
      this.settleDone(waiter);
    } else {
      this.listener?.();
    }
  }

  private settleDone(waiter: Waiter): void {
    if (this.failure) {
      const err = this.failure;
      this.failure = undefined;
      waiter.reject(err);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    if (this.pending > 0) return Promise.resolve(this.poll() as IteratorResult<WatchEvent>);
    if (this.waiter) return Promise.reject(new Error('watch: next() called while another next() is pending'));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.mode === 'done') {
        this.settleDone(waiter);
        return;
      }
      this.waiter = waiter;
      if (this.mode === 'catchup') void this.catchUp();
    });
  }

  poll(): IteratorResult<WatchEvent> | undefined {
    if (this.pending > 0) {
      const value = this.shift();
      if (this.mode === 'catchup') void this.catchUp();
      return { value, done: false };
    }
    if (this.mode === 'done') {
      const err = this.failure;
      this.failure = undefined;
      if (err) throw err;
      return { value: undefined, done: true };
    }
    if (this.mode === 'catchup') void this.catchUp();
    return undefined;
  }

  onReady(listener: () => void): void {
    this.listener = listener;
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    this.failure = undefined;
    this.clearQueue();
    this.end();
  }

  private clearQueue(): void {
    this.queue = [];
    this.sizes = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

function expired(from: number, compacted: number): StorageError {
  return new StorageError(
    'Expired',
    `too old resource version: ${from} (${compacted + 1}); the history before revision ${compacted + 1} is no longer retained`,
    compacted,
  );
}
