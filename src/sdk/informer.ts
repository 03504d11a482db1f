/**
 * A multi-workspace informer: one list and one watch across every consumer of an export (never
 * one per consumer), a local cache indexed by workspace and namespace, and event handlers.
 *
 * - After a dropped connection it resumes the watch from the last resourceVersion it saw (an
 *   event's or a bookmark's), so nothing is missed and nothing is delivered twice.
 * - When that revision is too old (410 Gone / Expired) it relists, and hands the difference
 *   between the cache and the new list to the handlers (ADDED, MODIFIED, DELETED), as client-go's
 *   Replace does — objects unchanged since the cache saw them are not handed on again.
 * - Any other failure (server down, 5xx, a client that fell behind) is retried with exponential
 *   backoff, keeping the cache.
 */
import { ObjectCache } from './cache.js';
import { isGone } from './errors.js';
import type { Transport } from './transport.js';
import { keyOf, keyString, type KubeObject } from './types.js';

export interface InformerHandlers<T extends KubeObject> {
  add?(o: T): void;
  update?(old: T, o: T): void;
  delete?(o: T): void;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  /** First retry delay after a failure (default 200 ms), doubling up to `maxBackoffMs` (default 30 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Failures the informer retries (default: ignored). */
  onError?(err: unknown): void;
  /**
   * What the cache keeps of each object (default: all of it). Handlers get whole objects as they
   * arrive; an object deleted while the watch was down (found by a relist) reaches `delete` as kept.
   * Keep `metadata.name`, `resourceVersion` and the `kcp.io/cluster` annotation: the cache needs them.
   */
  keep?(o: T): T;
}

export class Informer<T extends KubeObject> {
  readonly cache = new ObjectCache<T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly abort = new AbortController();
  private revision = '';
  private loop: Promise<void> | undefined;
  private synced = false;
  /** Since a list or watch failed, until the server answers again (a list, an event or a bookmark). */
  private failing = false;
  /** How many times the informer listed (the first sync and every relist). */
  lists = 0;

  constructor(
    private readonly transport: Transport<T>,
    private readonly options: InformerOptions<T> = {},
  ) {}

  /** The revision the watch resumes from. */
  get resourceVersion(): string {
    return this.revision;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Synced, and the server answered since the last failure. A watch that reconnects says so with
   * its first event or bookmark (the server sends one at least every minute).
   */
  get healthy(): boolean {
    return this.synced && !this.failing;
  }

  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }

  /**
   * Starts listing and watching; resolves once the first list is in the cache and handed to the
   * handlers, or when stop() comes first (then hasSynced is false).
   */
  start(): Promise<void> {
    if (this.loop) throw new Error('the informer is already started');
    return new Promise((resolve, reject) => {
      this.loop = this.run(resolve).then(resolve, reject);
    });
  }

  /** Ends the watch; the cache stays readable. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.transport.close();
  }

  private async run(onSynced: () => void): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!this.revision) {
          const listed = await this.transport.list(signal);
          this.lists++;
          this.failing = false;
          this.replace(listed.items);
          this.revision = listed.resourceVersion;
          if (!this.synced) {
            this.synced = true;
            onSynced();
          }
        }
        for await (const e of this.transport.watch(this.revision, signal)) {
          this.failing = false;
          this.apply(e.type, e.object);
          this.revision = e.object.metadata.resourceVersion ?? this.revision;
          failures = 0;
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.revision = '';
          continue;
        }
        this.failing = true;
        this.options.onError?.(err);
        const delay = Math.min(this.options.maxBackoffMs ?? 30_000, (this.options.minBackoffMs ?? 200) * 2 ** Math.min(failures++, 20));
        await sleep(delay, signal);
      }
    }
  }

  private apply(type: string, o: T): void {
    if (type === 'BOOKMARK') return;
    if (type === 'DELETED') {
      const old = this.cache.delete(keyOf(o));
      for (const h of this.handlers) h.delete?.(old ?? o);
      return;
    }
    const old = this.cache.set(this.options.keep ? this.options.keep(o) : o);
    for (const h of this.handlers) {
      if (old) h.update?.(old, o);
      else h.add?.(o);
    }
  }

  /** Makes the cache the list, telling the handlers what changed. */
  private replace(items: readonly T[]): void {
    const seen = new Set<string>();
    for (const o of items) {
      const k = keyOf(o);
      seen.add(keyString(k));
      const old = this.cache.get(k);
      if (old && old.metadata.resourceVersion === o.metadata.resourceVersion) continue;
      this.apply(old ? 'MODIFIED' : 'ADDED', o);
    }
    const gone = [...this.cache.list()].filter((o) => !seen.has(keyString(keyOf(o))));
    for (const o of gone) this.apply('DELETED', o);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
