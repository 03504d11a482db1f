/**
 * The workspaces benchmark's machinery: an in-process AtollServer on a fresh on-disk data
 * directory, a driver that keeps a bounded window of workspaces "created but not yet Ready" and
 * detects Ready through one wildcard store watch on Workspaces, plans for flat and depth-5 trees,
 * and a closed-loop HTTP load whose path is picked per request.
 */
import path from 'node:path';
import { pino } from 'pino';
import { namespaces } from '../src/registry/index.js';
import { AtollServer } from '../src/server/index.js';
import { ALL_CLUSTERS, isTooSlow, type Watch } from '../src/storage/index.js';
import {
  LOGICAL_CLUSTER_NAME,
  LOGICAL_CLUSTER_RESOURCE,
  lcSpecOf,
  ROOT_CLUSTER,
  specOf,
  statusOf,
  WORKSPACE_RESOURCE,
  workspaces,
} from '../src/tenancy/index.js';
import { sleep, withTempDir } from './fixtures.js';

/** A workspace to create: its name in the parent logical cluster `cluster`. */
export interface WorkspaceToCreate {
  cluster: string;
  name: string;
}

export interface RunningServer {
  server: AtollServer;
  dataDir: string;
  /** Warn/error log lines the server wrote (controllers log failed steps at warn before retrying). */
  warnings: { count: number; first: string[] };
}

/** Starts a server on a fresh data directory; the caller stops it (`server.stop()`). */
export async function startServer(dataDir: string): Promise<RunningServer> {
  const warnings = { count: 0, first: [] as string[] };
  const destination = {
    write(line: string): void {
      warnings.count++;
      if (warnings.first.length < 3) warnings.first.push(line.slice(0, 300));
    },
  };
  const server = new AtollServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn' }, pino({ level: 'warn' }, destination));
  await server.start();
  return { server, dataDir, warnings };
}

/** Runs `fn` with a started server on a fresh temp data directory; always stops it and removes the directory. */
export async function withServer<T>(fn: (running: RunningServer) => Promise<T>): Promise<T> {
  return withTempDir(async (tmp) => {
    const running = await startServer(path.join(tmp, 'data'));
    try {
      return await fn(running);
    } finally {
      await running.server.stop();
    }
  });
}

type ReadyListener = (parent: string, child: string, name: string) => void;

/**
 * Counts workspaces of one run reaching phase Ready, from a watch started before the first create.
 * Only workspaces registered with `created` (by their child logical cluster) count, each once; a
 * Ready event that beats the create's acknowledgement is kept until the acknowledgement arrives.
 * Holds state only for workspaces not yet Ready, so it adds nothing per workspace once they are.
 */
class ReadyWatcher {
  ready = 0;
  failure: Error | undefined;
  private readonly pending = new Set<string>();
  private readonly early = new Map<string, { parent: string; name: string }>();
  private waiter: (() => void) | undefined;
  private watch: Watch | undefined;
  private closed = false;

  constructor(
    private readonly server: AtollServer,
    private readonly listener: ReadyListener | undefined,
  ) {
    void this.run(server.store.revision);
  }

  created(child: string): void {
    const early = this.early.get(child);
    if (early) {
      this.early.delete(child);
      this.fire(early.parent, child, early.name);
    } else {
      this.pending.add(child);
    }
  }

  fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    this.wake();
  }

  /** Resolves at the next Ready or failure, or after `ms`. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  close(): void {
    this.closed = true;
    this.watch?.close();
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private fire(parent: string, child: string, name: string): void {
    this.ready++;
    this.listener?.(parent, child, name);
    this.wake();
  }

  private async run(from: number): Promise<void> {
    while (!this.closed) {
      try {
        this.watch = this.server.store.watch({ cluster: ALL_CLUSTERS, resource: WORKSPACE_RESOURCE, fromRevision: from });
        for await (const e of this.watch) {
          from = e.revision;
          if (e.type !== 'MODIFIED' || !e.key || !e.object || statusOf(e.object).phase !== 'Ready') continue;
          const child = specOf(e.object).cluster;
          if (!child) continue;
          if (this.pending.delete(child)) this.fire(e.key.cluster, child, e.key.name);
          // Not created by this run yet (or a repeated Ready, which then stays here unused).
          else this.early.set(child, { parent: e.key.cluster, name: e.key.name });
        }
        return;
      } catch (err) {
        if (isTooSlow(err) && !this.closed) {
          from = (err as { revision?: number }).revision ?? from;
          continue;
        }
        if (!this.closed) this.fail(err);
        return;
      }
    }
  }
}

export interface DriveOptions {
  /** Workspaces this run creates and waits for. */
  total: number;
  /** At most this many workspaces created (or being created) and not yet Ready. */
  window: number;
  /** The next workspace to create, or undefined when none can be created yet (a tree waiting on parents). */
  next(): WorkspaceToCreate | undefined;
  onReady?: ReadyListener;
  /** Called every `progressEvery` Ready workspaces. */
  onProgress?: (ready: number, ms: number) => void;
  progressEvery?: number;
  /** Fails the run when no workspace became Ready for this long (default 120 s). */
  stallMs?: number;
  /** Child logical clusters of about this many Ready workspaces are returned for checks. */
  samples?: number;
}

export interface DriveResult {
  /** From the first create to the last Ready. */
  ms: number;
  /** Logical clusters of a sample of the Ready workspaces. */
  sample: string[];
}

/** Creates `total` workspaces, keeping at most `window` not yet Ready, and waits until all are Ready. */
export async function createAndWait(server: AtollServer, options: DriveOptions): Promise<DriveResult> {
  const { total, window, progressEvery = 0, stallMs = 120_000 } = options;
  const sampleEvery = Math.max(1, Math.floor(total / (options.samples ?? 200)));
  const sample: string[] = [];
  const watcher = new ReadyWatcher(server, (parent, child, name) => {
    if (watcher.ready % sampleEvery === 0) sample.push(child);
    options.onReady?.(parent, child, name);
  });
  const start = performance.now();
  let issued = 0;
  let lastReady = 0;
  let lastReadyAt = start;
  let reported = 0;
  try {
    while (watcher.ready < total) {
      while (issued < total && issued - watcher.ready < window) {
        const item = options.next();
        if (!item) break;
        issued++;
        server.registry.create({ cluster: item.cluster }, workspaces, undefined, { metadata: { name: item.name } }).then(
          (ws) => {
            const child = specOf(ws).cluster;
            if (child) watcher.created(child);
            else watcher.fail(new Error(`workspace ${item.cluster}/${item.name} has no spec.cluster`));
          },
          (err: unknown) => watcher.fail(err),
        );
      }
      await watcher.changed(1_000);
      if (watcher.failure) throw watcher.failure;
      const now = performance.now();
      if (watcher.ready !== lastReady) {
        lastReady = watcher.ready;
        lastReadyAt = now;
      } else if (now - lastReadyAt > stallMs) {
        throw new Error(`stalled: ${watcher.ready} of ${total} workspaces Ready, ${issued} created, none Ready for ${stallMs / 1000} s`);
      }
      if (progressEvery > 0 && watcher.ready - reported >= progressEvery) {
        reported = watcher.ready - (watcher.ready % progressEvery);
        options.onProgress?.(watcher.ready, now - start);
      }
    }
    return { ms: performance.now() - start, sample };
  } finally {
    watcher.close();
  }
}

/** `total` workspaces named `<prefix><i>` directly in `cluster`. */
export function flat(cluster: string, total: number, prefix: string): () => WorkspaceToCreate | undefined {
  let i = 0;
  return () => (i < total ? { cluster, name: `${prefix}${i++}` } : undefined);
}

/**
 * Level sizes of a tree of `depth` levels below root summing to `total`, with `first` workspaces
 * at the first level and the others growing by one common factor (the last level takes the rest).
 */
export function levelSizes(total: number, first: number, depth: number): number[] {
  const sum = (r: number): number => {
    let s = 0;
    for (let i = 0; i < depth; i++) s += first * r ** i;
    return s;
  };
  let lo = 0;
  let hi = total;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (sum(mid) < total) lo = mid;
    else hi = mid;
  }
  const sizes = Array.from({ length: depth - 1 }, (_, i) => Math.max(1, Math.round(first * lo ** i)));
  sizes.push(total - sizes.reduce((a, b) => a + b, 0));
  return sizes;
}

/**
 * A tree below root with the given level sizes: level 1 is created at once, each later workspace
 * once its parent is Ready (phase Ready, i.e. its LogicalCluster and `default` namespace exist),
 * children spread evenly over the parents of a level. No type is named, so the defaults apply:
 * organizations in root, universal below.
 */
export class TreePlan {
  readonly total: number;
  /** Names of the level-1 workspaces (in root). */
  readonly roots: string[];
  private readonly depthOf = new Map<string, number>([[ROOT_CLUSTER, 0]]);
  private readonly parentsSeen: number[];
  private queue: WorkspaceToCreate[] = [];
  private head = 0;

  constructor(readonly sizes: readonly number[]) {
    this.total = sizes.reduce((a, b) => a + b, 0);
    this.parentsSeen = sizes.map(() => 0);
    this.roots = Array.from({ length: sizes[0] ?? 0 }, (_, i) => `org-${i}`);
    for (const name of this.roots) this.queue.push({ cluster: ROOT_CLUSTER, name });
  }

  next = (): WorkspaceToCreate | undefined => {
    const item = this.queue[this.head];
    if (!item) return undefined;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return item;
  };

  onReady = (parent: string, child: string): void => {
    const parentDepth = this.depthOf.get(parent);
    if (parentDepth === undefined) return;
    const depth = parentDepth + 1;
    if (depth >= this.sizes.length) return;
    this.depthOf.set(child, depth);
    const parents = this.sizes[depth - 1] as number;
    const children = this.sizes[depth] as number;
    const index = this.parentsSeen[depth] ?? 0;
    this.parentsSeen[depth] = index + 1;
    const count = Math.floor(children / parents) + (index < children % parents ? 1 : 0);
    for (let k = 0; k < count; k++) this.queue.push({ cluster: child, name: `ws-${depth + 1}-${index}-${k}` });
  };
}

/** How many of `clusters` lack their `default` namespace. */
export async function missingDefaultNamespaces(server: AtollServer, clusters: readonly string[]): Promise<number> {
  let missing = 0;
  for (const cluster of clusters) {
    if (!(await server.store.get({ cluster, resource: 'namespaces', namespace: '', name: 'default' }))) missing++;
  }
  return missing;
}

/**
 * Serialized JSON bytes of what an empty workspace stores, averaged over `clusters` (child logical
 * clusters): its Workspace in the parent, its LogicalCluster and its `default` Namespace.
 */
export async function storedJsonBytes(server: AtollServer, clusters: readonly string[]): Promise<number> {
  let total = 0;
  let counted = 0;
  for (const cluster of clusters) {
    const lc = await server.store.get({ cluster, resource: LOGICAL_CLUSTER_RESOURCE, namespace: '', name: LOGICAL_CLUSTER_NAME });
    const owner = lc ? lcSpecOf(lc).owner : undefined;
    const ws = owner ? await server.store.get({ cluster: owner.cluster, resource: WORKSPACE_RESOURCE, namespace: '', name: owner.name }) : undefined;
    const ns = await server.store.get({ cluster, resource: 'namespaces', namespace: '', name: 'default' });
    if (!lc || !ws || !ns) continue;
    total += Buffer.byteLength(JSON.stringify(lc)) + Buffer.byteLength(JSON.stringify(ws)) + Buffer.byteLength(JSON.stringify(ns));
    counted++;
  }
  return counted === 0 ? NaN : total / counted;
}

/** Creates `total` plain Namespaces in root through the server's registry, `window` at a time; creates/s. */
export async function namespaceCreateRate(server: AtollServer, total: number, window: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      await server.registry.create({ cluster: ROOT_CLUSTER }, namespaces, undefined, { metadata: { name: `ns-${i}` } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, total) }, worker));
  return total / ((performance.now() - start) / 1000);
}

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passes; true if it became true. */
export async function pollUntil(check: () => Promise<boolean>, everyMs: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
