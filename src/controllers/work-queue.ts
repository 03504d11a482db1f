/**
 * A keyed work queue, client-go's workqueue reduced to what the controllers here need:
 *
 * - an item is pending at most once (adding it again while queued is a no-op);
 * - adding an item while its handler runs marks it dirty, so it runs once more afterwards with
 *   the newest state, never twice at the same time;
 * - at most `concurrency` handlers run at once;
 * - a handler that asks to retry (or throws) waits with exponential backoff, and adding the item
 *   again while it waits wakes it at once (a watch event is newer information than a timer).
 *
 * Memory and timers exist only for pending items: an item that succeeds is forgotten with its
 * failure count, so idle namespaces and objects cost the queue nothing (DESIGN decision 5).
 */

/** What a handler reports: finished, or try again later (not an error, e.g. content remaining). */
export type Outcome = 'done' | 'retry';

export interface WorkQueueOptions<T> {
  /** What the metrics call it (`atoll_workqueue_depth{name}`): the controller it serves. */
  name?: string;
  concurrency: number;
  handle(item: T): Promise<Outcome>;
  /** Called when a handler throws; the item is retried with backoff. */
  onError?(item: T, err: unknown): void;
  /** First retry delay (default 100 ms); doubles per consecutive retry up to `maxDelayMs`. */
  minDelayMs?: number;
  /** Longest retry delay (default 30 s). */
  maxDelayMs?: number;
}

type State = 'queued' | 'running' | 'waiting';

interface Entry<T> {
  item: T;
  state: State;
  dirty: boolean;
  retries: number;
  timer?: NodeJS.Timeout;
}

/** What a live queue tells the metrics. */
interface Depth {
  readonly name: string;
  readonly size: number;
}

/** Queues that have not been stopped, for the metrics endpoint. */
const live = new Set<Depth>();

/** Items held by each named kind of queue (summed over its instances): queued, running or waiting to retry. */
export function workQueueDepths(): Map<string, number> {
  const depths = new Map<string, number>();
  for (const q of live) depths.set(q.name, (depths.get(q.name) ?? 0) + q.size);
  return depths;
}

export class WorkQueue<T> implements Depth {
  private readonly entries = new Map<string, Entry<T>>();
  /** Keys in state `queued`, in arrival order (a Set: O(1) removal from the front). */
  private readonly ready = new Set<string>();
  private running = 0;
  private stopped = false;
  private idle: (() => void)[] = [];
  private readonly minDelay: number;
  private readonly maxDelay: number;

  readonly name: string;

  constructor(private readonly options: WorkQueueOptions<T>) {
    this.minDelay = options.minDelayMs ?? 100;
    this.maxDelay = options.maxDelayMs ?? 30_000;
    this.name = options.name ?? 'unnamed';
    live.add(this);
  }

  /** Queues the item under `key`, or wakes it if it waits for a retry. */
  add(key: string, item: T): void {
    if (this.stopped) return;
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { item, state: 'queued', dirty: false, retries: 0 });
      this.ready.add(key);
      this.pump();
      return;
    }
    entry.item = item;
    if (entry.state === 'running') {
      entry.dirty = true;
    } else if (entry.state === 'waiting') {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.state = 'queued';
      this.ready.add(key);
      this.pump();
    }
  }

  /** Whether the key is queued, running or waiting for a retry. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops everything pending and resolves once running handlers have returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    live.delete(this);
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
    this.ready.clear();
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.concurrency && this.ready.size > 0) {
      const key = this.ready.values().next().value as string;
      this.ready.delete(key);
      const entry = this.entries.get(key);
      if (!entry || entry.state !== 'queued') continue;
      entry.state = 'running';
      entry.dirty = false;
      this.running++;
      void this.run(key, entry);
    }
  }

  private async run(key: string, entry: Entry<T>): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.options.handle(entry.item);
    } catch (err) {
      outcome = 'retry';
      this.options.onError?.(entry.item, err);
    }
    this.running--;
    if (!this.stopped) this.settle(key, entry, outcome);
    if (this.running === 0 && this.stopped) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
    this.pump();
  }

  private settle(key: string, entry: Entry<T>, outcome: Outcome): void {
    if (outcome === 'done') entry.retries = 0;
    if (entry.dirty) {
      // Something changed while the handler ran: look again now, with the newest item.
      entry.state = 'queued';
      this.ready.add(key);
    } else if (outcome === 'done') {
      this.entries.delete(key);
    } else {
      const delay = Math.min(this.maxDelay, this.minDelay * 2 ** Math.min(entry.retries, 30));
      entry.retries++;
      entry.state = 'waiting';
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        entry.state = 'queued';
        this.ready.add(key);
        this.pump();
      }, delay);
      // A pending retry must not keep the process alive on its own; stop() clears it anyway.
      entry.timer.unref();
    }
  }
}
