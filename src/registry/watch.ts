/**
 * A registry watch: the initial objects as ADDED (when the client asked for state first), then the
 * store's events, with storage errors translated to API errors and bookmarks shaped as objects of
 * the watched kind carrying only a resourceVersion (as the apiserver sends them).
 */
import type { KubeObject } from '../meta/index.js';
import { pollable, type Pollable, type Watch, type WatchEvent, type WatchEventType } from '../storage/index.js';
import { fromStorage } from './errors.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';

/**
 * The logical cluster an object lives in, as kcp annotates every object it serves (cluster-aware
 * clients and informers key on it). Writes store it; reads add it to objects stored before that.
 */
export const CLUSTER_ANNOTATION = 'kcp.io/cluster';

/** A copy of a stored (shared) object annotated with its logical cluster. */
export function withCluster(o: KubeObject, cluster: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [CLUSTER_ANNOTATION]: cluster } } };
}

/** The object itself when it already names its cluster (the common case: no copy), else an annotated copy. */
export const annotated = (o: KubeObject, cluster: string): KubeObject => (o.metadata.annotations?.[CLUSTER_ANNOTATION] === cluster ? o : withCluster(o, cluster));

export interface RegistryWatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** Read either way: iterated (REST's watch stream) or polled (a subscription fan-out, Pollable). */
export class RegistryWatch implements AsyncIterableIterator<RegistryWatchEvent>, Pollable<RegistryWatchEvent> {
  private next_ = 0;
  private readonly inner: Watch & Pollable<WatchEvent>;

  private endBookmark: string | undefined;

  /**
   * @param initialEventsEnd the list revision, when the client asked (`sendInitialEvents`) for a
   *   BOOKMARK annotated `k8s.io/initial-events-end` after the initial objects.
   */
  constructor(
    private readonly type: ResourceType,
    private readonly initial: KubeObject[],
    inner: Watch,
    initialEventsEnd?: string,
    /** Converts stored objects to the served shape (kinds with `storedAs`). */
    private readonly convert?: (o: KubeObject) => KubeObject,
  ) {
    this.endBookmark = initialEventsEnd;
    this.inner = pollable(inner);
  }

  private bookmark(resourceVersion: string, annotations?: Record<string, string>): KubeObject {
    return {
      apiVersion: apiVersionOf(this.type),
      kind: this.type.kind,
      metadata: annotations ? { resourceVersion, annotations } : { resourceVersion },
    };
  }

  /** The initial objects and their closing BOOKMARK, while any is left. */
  private initialEvent(): IteratorResult<RegistryWatchEvent> | undefined {
    if (this.next_ < this.initial.length) {
      return { value: { type: 'ADDED', object: this.initial[this.next_++] as KubeObject }, done: false };
    }
    if (this.endBookmark !== undefined) {
      const rv = this.endBookmark;
      this.endBookmark = undefined;
      return { value: { type: 'BOOKMARK', object: this.bookmark(rv, { 'k8s.io/initial-events-end': 'true' }) }, done: false };
    }
    return undefined;
  }

  private event(r: IteratorResult<WatchEvent>): IteratorResult<RegistryWatchEvent> {
    if (r.done) return { value: undefined, done: true };
    const e = r.value;
    if (!e.object) return { value: { type: e.type, object: this.bookmark(String(e.revision)) }, done: false };
    const object = e.key ? annotated(e.object, e.key.cluster) : e.object;
    return { value: { type: e.type, object: this.convert ? this.convert(object) : object }, done: false };
  }

  async next(): Promise<IteratorResult<RegistryWatchEvent>> {
    const initial = this.initialEvent();
    if (initial) return initial;
    try {
      return this.event(await this.inner.next());
    } catch (err) {
      throw fromStorage(err, this.type, '');
    }
  }

  poll(): IteratorResult<RegistryWatchEvent> | undefined {
    const initial = this.initialEvent();
    if (initial) return initial;
    let r: IteratorResult<WatchEvent> | undefined;
    try {
      r = this.inner.poll();
    } catch (err) {
      throw fromStorage(err, this.type, '');
    }
    return r && this.event(r);
  }

  onReady(listener: () => void): void {
    this.inner.onReady(listener);
  }

  async return(): Promise<IteratorResult<RegistryWatchEvent>> {
    this.close();
    return { value: undefined, done: true };
  }

  close(): void {
    this.inner.close();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
