/**
 * List-then-watch over every logical cluster: a controller's informer, without a cache of its
 * own. `resync` reads the current state (at start, and again whenever the watch's revision has
 * been compacted away); `onEvent` then sees every later change in revision order. The loop
 * survives the store's watch errors the way client-go's reflector does: Expired → re-list,
 * TooSlow → watch again from the revision it reached. One loop per controller, for all clusters
 * (DESIGN decisions 2 and 5); its only timer is the pause after an unexpected error.
 */
import { ALL_CLUSTERS, isExpired, isTooSlow, StorageError, type Store, type Watch, type WatchEvent } from '../storage/index.js';
import { describeError, type ControllerLog } from './log.js';

export interface WatchLoopOptions {
  store: Pick<Store, 'watch'>;
  /** For logs. */
  name: string;
  log: ControllerLog;
  /** One group-resource, or undefined for every resource. */
  resource?: string;
  /** Reads the current state and returns the revision it is consistent at. */
  resync(): Promise<number>;
  /** Handles one change; must not throw (errors are logged and the event skipped). */
  onEvent(event: WatchEvent): void;
  /** Pause after an unexpected failure before trying again (default 1 s). */
  retryDelayMs?: number;
}

export class WatchLoop {
  private stopped = false;
  private watch: Watch | undefined;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  private markSynced!: () => void;
  /** Resolves after the first successful resync. */
  readonly synced: Promise<void>;

  constructor(private readonly options: WatchLoopOptions) {
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const o = this.options;
    let revision: number | undefined;
    while (!this.stopped) {
      try {
        if (revision === undefined) {
          revision = await o.resync();
          this.markSynced();
          if (this.stopped) break;
        }
        const w = o.store.watch({ cluster: ALL_CLUSTERS, resource: o.resource, fromRevision: revision, bookmarks: true });
        this.watch = w;
        if (this.stopped) w.close();
        for await (const event of w) {
          revision = event.revision;
          if (event.type === 'BOOKMARK') continue;
          try {
            o.onEvent(event);
          } catch (err) {
            o.log.error({ controller: o.name, revision, err: describeError(err) }, 'controller failed to handle a watch event');
          }
        }
        // The watch ended without an error: closed by stop(), or by the store shutting down.
        if (!this.stopped) await this.pause();
      } catch (err) {
        if (this.stopped) break;
        if (isExpired(err)) {
          o.log.info({ controller: o.name, revision }, 'watch expired; listing again');
          revision = undefined;
        } else if (isTooSlow(err)) {
          o.log.debug({ controller: o.name, revision: err.revision }, 'watch fell behind; resuming');
          revision = err.revision ?? revision;
        } else if (err instanceof StorageError && err.code === 'Closed') {
          break;
        } else {
          o.log.warn({ controller: o.name, err: describeError(err) }, 'controller list/watch failed; retrying');
          await this.pause();
        }
      } finally {
        this.watch = undefined;
      }
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, this.options.retryDelayMs ?? 1000);
      timer.unref();
      this.wake = finish;
    });
  }
}
