/**
 * A read across every consumer of a provider's view when the installation has more than one
 * shard (docs/shards.md): this shard's list or watch, merged with the same read on each other
 * shard, as one list and one stream.
 *
 * Each shard counts its own revisions, so the merged read's resourceVersion is composite: one
 * revision per shard. A watch resumes from it on every shard where it left off, and a paged list
 * carries it from its first page. Every object the merged read hands out carries a composite
 * position too, with its own shard's revision in it: an informer that resumes from its last
 * object's resourceVersion resumes everywhere, and a write through the view that names it is
 * compared by the object's shard with its own revision (`ownVersion`). A position may be older
 * than what was read (a paged list takes the other shards' revisions before reading them): a watch
 * from it sends some changes again, never misses one.
 */
import type { KubeObject } from '../meta/index.js';
import type { Pollable } from '../storage/index.js';
import { ApiError, errors } from './errors.js';
import type { ListQuery, WatchQuery } from './query.js';
import type { ListResponse } from './registry.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import type { RegistryWatchEvent } from './watch.js';

/** What a watch hands out: the registry's own watch, or one merged across shards; iterated or polled. */
export interface EventStream extends AsyncIterableIterator<RegistryWatchEvent>, Pollable<RegistryWatchEvent> {
  close(): void;
}

/** A list as a shard answers it. */
export type ShardList = Pick<ListResponse, 'items' | 'resourceVersion' | 'continue'>;

/** The same read on the installation's other shards: what the server knows of them. */
export interface ShardReads {
  /** This shard's name: the key of its revisions in a composite resourceVersion. */
  readonly self: string;
  /** The other shards, each of which is read; one that cannot be read fails the whole read. */
  readonly others: readonly string[];
  list(shard: string, t: ResourceType, query: ListQuery): Promise<ShardList>;
  watch(shard: string, t: ResourceType, query: WatchQuery): Promise<EventStream>;
}

/** This shard's own reads, as the registry makes them without the other shards. */
export interface LocalReads {
  list(query: ListQuery): Promise<ShardList>;
  watch(query: WatchQuery): Promise<EventStream>;
}

/** What composite versions and continue tokens of a read across shards start with. */
const PREFIX = 'shards.';

type Positions = Record<string, string>;

/** A composite resourceVersion: each shard's revision, in an opaque, URL-safe token. */
export function compositeVersion(positions: Readonly<Positions>): string {
  const sorted = Object.keys(positions)
    .sort()
    .map((k) => [k, positions[k]]);
  return PREFIX + Buffer.from(JSON.stringify(Object.fromEntries(sorted))).toString('base64url');
}

/** The revisions a composite resourceVersion names; undefined for any other value; 400 when malformed. */
export function parseCompositeVersion(rv: string): Positions | undefined {
  if (!rv.startsWith(PREFIX)) return undefined;
  const parsed = decodeJson(rv.slice(PREFIX.length));
  if (!isPositions(parsed)) throw errors.badRequest(`invalid resource version "${rv}": resource versions are opaque values this server issued`);
  return parsed;
}

/**
 * The revision a write on `shard` compares: a composite resourceVersion's component for it, any
 * other value as it is (a composite without one then matches nothing: a Conflict).
 */
export function ownVersion(rv: string | undefined, shard: string): string | undefined {
  // A client's body may carry anything there (a number): compared as it is, as before.
  if (typeof rv !== 'string' || !rv.startsWith(PREFIX)) return rv;
  const parsed = decodeJson(rv.slice(PREFIX.length));
  return isPositions(parsed) ? (parsed[shard] ?? rv) : rv;
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isPositions(value: unknown): value is Positions {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string' && /^\d+$/.test(v));
}

/** Where a paged list across shards goes on: the shard it is reading, and that shard's own token. */
interface ContinueToken {
  at: Positions;
  shard: string;
  inner?: string;
}

function continueToken(token: ContinueToken): string {
  return PREFIX + Buffer.from(JSON.stringify(token)).toString('base64url');
}

function parseContinueToken(value: string): ContinueToken {
  const parsed = value.startsWith(PREFIX) ? (decodeJson(value.slice(PREFIX.length)) as Partial<ContinueToken> | undefined) : undefined;
  if (!parsed || !isPositions(parsed.at) || typeof parsed.shard !== 'string' || (parsed.inner !== undefined && typeof parsed.inner !== 'string')) {
    throw errors.badRequest('continue key is not valid: it is not one this view issued');
  }
  return parsed as ContinueToken;
}

/** The object with its position: the merged read's revisions, its own shard's being its own. */
function positioned(o: KubeObject, at: Readonly<Positions>, shard: string): KubeObject {
  const own = o.metadata.resourceVersion;
  return { ...o, metadata: { ...o.metadata, resourceVersion: compositeVersion(own === undefined ? at : { ...at, [shard]: own }) } };
}

const selectorsOf = (q: ListQuery): ListQuery => ({
  ...(q.namespace !== undefined ? { namespace: q.namespace } : {}),
  ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
  ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}),
});

/** The shards in the order a paged list reads them: this one, then the others by name. */
const orderOf = (reads: ShardReads): string[] => [reads.self, ...[...reads.others].sort()];

/**
 * A start the client names: per shard, the revision to read at (or resume after). "" and "0"
 * name none. A resourceVersion that is not composite was not issued across these shards (it may
 * be from before the installation had more than one): 410, so the client lists again.
 */
function startOf(rv: string | undefined, order: readonly string[]): Positions | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  const at = parseCompositeVersion(rv);
  const missing = at ? order.find((s) => at[s] === undefined) : undefined;
  if (!at || missing !== undefined) {
    throw errors.expired(
      `too old resource version: ${rv} does not name a revision of every shard of this view${missing !== undefined ? ` (none for shard "${missing}")` : ''}: list again`,
    );
  }
  return at;
}

/** A merged list: every shard at once, or (with a limit) shard after shard, `limit` objects a page. */
export async function mergedList(reads: ShardReads, local: LocalReads, t: ResourceType, query: ListQuery): Promise<ShardList> {
  const order = orderOf(reads);
  const on = (shard: string, q: ListQuery): Promise<ShardList> => (shard === reads.self ? local.list(q) : reads.list(shard, t, q));
  const selectors = selectorsOf(query);
  const limit = query.limit && query.limit > 0 ? query.limit : undefined;
  let at: Positions;
  let index = 0;
  let inner: string | undefined;
  let first: ShardList | undefined;
  if (query.continue) {
    const token = parseContinueToken(query.continue);
    index = order.indexOf(token.shard);
    if (index < 0) throw errors.expired(`the list's continue key names shard "${token.shard}", which is no longer one of this installation's: list again`);
    ({ at, inner } = token);
  } else {
    const asked = startOf(query.resourceVersion, order);
    const versionOn = (shard: string): ListQuery =>
      asked ? { resourceVersion: asked[shard] as string, ...(query.resourceVersionMatch ? { resourceVersionMatch: query.resourceVersionMatch } : {}) } : {};
    // Every shard's revision before anything else is read: a watch from them misses nothing.
    const pages = await Promise.all(order.map((s, i) => on(s, { ...selectors, ...versionOn(s), ...(limit ? { limit: i === 0 ? limit : 1 } : {}) })));
    at = Object.fromEntries(order.map((s, i) => [s, (pages[i] as ShardList).resourceVersion]));
    if (!limit) {
      return { items: pages.flatMap((p, i) => p.items.map((o) => positioned(o, at, order[i] as string))), resourceVersion: compositeVersion(at) };
    }
    first = pages[0];
  }
  const items: KubeObject[] = [];
  const page = (next: Omit<ContinueToken, 'at'> | undefined): ShardList => ({
    items,
    resourceVersion: compositeVersion(at),
    ...(next ? { continue: continueToken({ at, ...next }) } : {}),
  });
  for (; index < order.length; index++, inner = undefined) {
    const shard = order[index] as string;
    const read = first ?? (await on(shard, { ...selectors, limit: (limit as number) - items.length, ...(inner ? { continue: inner } : {}) }));
    first = undefined;
    for (const o of read.items) items.push(positioned(o, at, shard));
    if (read.continue) return page({ shard, inner: read.continue });
    const next = order[index + 1];
    if (items.length >= (limit as number) && next !== undefined) return page({ shard: next });
  }
  return page(undefined);
}

/**
 * A merged watch. Without a start, every shard is listed first and its objects sent as ADDED
 * (with `sendInitialEvents`, then one bookmark marking their end, once every shard's are sent).
 * Each shard's watch is asked for bookmarks, which move its position; the client gets bookmarks
 * only if it asked. A shard's watch that ends or fails ends the merged one: the client watches
 * again from its last position (410 from a shard reaches it as 410, so it lists again).
 */
export async function mergedWatch(reads: ShardReads, local: LocalReads, t: ResourceType, query: WatchQuery): Promise<EventStream> {
  const order = orderOf(reads);
  const selectors = selectorsOf(query);
  let at = query.sendInitialEvents ? undefined : startOf(query.resourceVersion, order);
  const initial: RegistryWatchEvent[] = [];
  if (!at) {
    const listed = await Promise.all(order.map((s) => (s === reads.self ? local.list(selectors) : reads.list(s, t, selectors))));
    const positions: Positions = Object.fromEntries(order.map((s, i) => [s, (listed[i] as ShardList).resourceVersion]));
    listed.forEach((l, i) => {
      for (const o of l.items) initial.push({ type: 'ADDED', object: positioned(o, positions, order[i] as string) });
    });
    if (query.sendInitialEvents) initial.push({ type: 'BOOKMARK', object: bookmark(t, compositeVersion(positions), true) });
    at = positions;
  }
  const from = at;
  const streams: EventStream[] = [];
  try {
    for (const shard of order) {
      const q: WatchQuery = { ...selectors, resourceVersion: from[shard] as string, allowWatchBookmarks: true };
      streams.push(shard === reads.self ? await local.watch(q) : await reads.watch(shard, t, q));
    }
  } catch (err) {
    for (const s of streams) s.close();
    throw err;
  }
  return new MergedStream(t, order, streams, { ...from }, initial, query.allowWatchBookmarks ?? false);
}

function bookmark(t: ResourceType, resourceVersion: string, initialEventsEnd = false): KubeObject {
  return {
    apiVersion: apiVersionOf(t),
    kind: t.kind,
    metadata: initialEventsEnd ? { resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } } : { resourceVersion },
  };
}

/** How many events a source may have waiting before it is read no further until the client catches up. */
const HIGH_WATER = 1_000;

/**
 * Events from one or more sources, queued for a reader who iterates or polls. A source that ends
 * or fails ends the stream, after what is queued (its failure is thrown then). A source is not
 * read further while `HIGH_WATER` events wait.
 */
class QueuedStream implements EventStream {
  private readonly queue: RegistryWatchEvent[];
  private waiter: (() => void) | undefined;
  private listener: (() => void) | undefined;
  /** Sources waiting for the reader to take events. */
  private readonly full: (() => void)[] = [];
  private failure: unknown;
  private ended = false;

  constructor(
    initial: RegistryWatchEvent[],
    private readonly onClose: () => void,
  ) {
    this.queue = initial;
  }

  /** Reads `source` into the queue through `take` (which pushes what it makes of each event). */
  protected async pump(source: AsyncIterable<RegistryWatchEvent>, take: (e: RegistryWatchEvent) => void, failed: (err: unknown) => ApiError): Promise<void> {
    try {
      for await (const e of source) {
        if (this.ended) return;
        take(e);
        while (this.queue.length >= HIGH_WATER && !this.ended) await new Promise<void>((resolve) => this.full.push(resolve));
      }
      this.end(undefined);
    } catch (err) {
      this.end(err instanceof ApiError ? err : failed(err));
    }
  }

  protected push(e: RegistryWatchEvent): void {
    this.queue.push(e);
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
    this.listener?.();
  }

  private end(failure: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    this.onClose();
    this.drained();
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
    this.listener?.();
  }

  private drained(): void {
    for (const resume of this.full.splice(0)) resume();
  }

  poll(): IteratorResult<RegistryWatchEvent> | undefined {
    const e = this.queue.shift();
    if (e) {
      if (this.queue.length < HIGH_WATER / 2) this.drained();
      return { value: e, done: false };
    }
    if (!this.ended) return undefined;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    return { value: undefined, done: true };
  }

  onReady(listener: () => void): void {
    this.listener = listener;
  }

  async next(): Promise<IteratorResult<RegistryWatchEvent>> {
    for (;;) {
      const r = this.poll();
      if (r) return r;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async return(): Promise<IteratorResult<RegistryWatchEvent>> {
    this.close();
    return { value: undefined, done: true };
  }

  close(): void {
    this.queue.length = 0;
    this.end(undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** A source of watch events as an EventStream; `close` stops the source (an HTTP watch's abort). */
export function eventStream(source: AsyncIterable<RegistryWatchEvent>, close: () => void, failed: (err: unknown) => ApiError): EventStream {
  return new SourceStream(source, close, failed);
}

class SourceStream extends QueuedStream {
  constructor(source: AsyncIterable<RegistryWatchEvent>, close: () => void, failed: (err: unknown) => ApiError) {
    super([], close);
    void this.pump(source, (e) => this.push(e), failed);
  }
}

/** Every shard's watch as one stream, each event's object carrying the merged position after it. */
class MergedStream extends QueuedStream {
  constructor(
    private readonly t: ResourceType,
    order: readonly string[],
    streams: readonly EventStream[],
    private readonly at: Positions,
    initial: RegistryWatchEvent[],
    private readonly bookmarks: boolean,
  ) {
    super(initial, () => {
      for (const s of streams) s.close();
    });
    streams.forEach((s, i) => {
      const shard = order[i] as string;
      void this.pump(s, (e) => this.take(shard, e), (err) => new ApiError('ServiceUnavailable', `the watch on shard "${shard}" failed: ${(err as Error).message}`));
    });
  }

  private take(shard: string, e: RegistryWatchEvent): void {
    const rv = e.object.metadata.resourceVersion;
    if (rv !== undefined) this.at[shard] = rv;
    if (e.type !== 'BOOKMARK') this.push({ type: e.type, object: positioned(e.object, this.at, shard) });
    else if (this.bookmarks) this.push({ type: 'BOOKMARK', object: bookmark(this.t, compositeVersion(this.at)) });
  }
}
