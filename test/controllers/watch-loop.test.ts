/** The controllers' list-then-watch loop: resuming after TooSlow, re-listing after Expired. */
import { describe, expect, it } from 'vitest';
import { WatchLoop } from '../../src/controllers/watch-loop.js';
import { silentLog } from '../../src/controllers/index.js';
import { StorageError, type Watch, type WatchEvent, type WatchOptions } from '../../src/storage/index.js';
import { scripted, type Step } from '../support/scripted-watch.js';


const event = (revision: number): WatchEvent => ({
  type: 'ADDED',
  revision,
  key: { cluster: 'c', resource: 'configmaps', namespace: 'n', name: `o${revision}` },
  object: { metadata: { name: `o${revision}` } },
});

function harness(scripts: Step[][], resyncRevisions: number[]) {
  const watchedFrom: (number | undefined)[] = [];
  const seen: number[] = [];
  let resyncs = 0;
  const loop = new WatchLoop({
    name: 'test',
    log: silentLog,
    retryDelayMs: 1,
    store: {
      watch(options: WatchOptions): Watch {
        watchedFrom.push(options.fromRevision);
        return scripted(scripts.shift() ?? []);
      },
    },
    resync: async () => resyncRevisions[resyncs++] ?? 0,
    onEvent: (e) => seen.push(e.revision),
  });
  return { loop, watchedFrom, seen, resyncs: () => resyncs };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('watch loop', () => {
  it('resumes after TooSlow from the revision reached, and lists again after Expired', async () => {
    const h = harness(
      [
        [event(11), new StorageError('TooSlow', 'too slow', 11)],
        [event(12), new StorageError('Expired', 'too old resource version', 12)],
        [event(21)],
      ],
      [10, 20],
    );
    await until(() => h.seen.length === 3);
    expect(h.seen).toEqual([11, 12, 21]);
    expect(h.watchedFrom).toEqual([10, 11, 20]);
    expect(h.resyncs()).toBe(2);
    await h.loop.stop();
  });

  it('retries after unexpected failures, keeping its place, and skips events its handler rejects', async () => {
    const seen: number[] = [];
    const from: (number | undefined)[] = [];
    const scripts: Step[][] = [[event(5), new Error('disk on fire')], [event(6), event(7)]];
    const loop = new WatchLoop({
      name: 'test',
      log: silentLog,
      retryDelayMs: 1,
      store: {
        watch(options) {
          from.push(options.fromRevision);
          return scripted(scripts.shift() ?? []);
        },
      },
      resync: async () => 4,
      onEvent: (e) => {
        if (e.revision === 6) throw new Error('handler bug');
        seen.push(e.revision);
      },
    });
    await until(() => seen.length === 2);
    expect(seen).toEqual([5, 7]);
    expect(from).toEqual([4, 5]);
    await loop.stop();
  });

  it('stops when the store is closed', async () => {
    const h = harness([[new StorageError('Closed', 'store closed')]], [1]);
    await until(() => h.watchedFrom.length === 1);
    await h.loop.stop();
    expect(h.watchedFrom).toEqual([1]);
  });
});
