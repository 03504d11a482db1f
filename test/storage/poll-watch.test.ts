/**
 * `pollable` (src/storage/poll-watch.ts): a watch that only iterates, polled — every event once
 * and in order, the listener told when there is more, its error thrown once, then done.
 */
import { describe, expect, it } from 'vitest';
import { pollable, StorageError, type WatchEvent } from '../../src/storage/index.js';
import { scripted } from '../support/scripted-watch.js';

const event = (revision: number): WatchEvent => ({ type: 'ADDED', revision, key: { cluster: 'c', resource: 'configmaps', namespace: 'default', name: `n${revision}` } });

/** Polls until the watch has nothing, waiting for its listener in between, until `want` items or the end. */
async function drain(w: ReturnType<typeof pollable<WatchEvent>>, want: number): Promise<(number | 'done' | string)[]> {
  const got: (number | 'done' | string)[] = [];
  let ready: () => void = () => undefined;
  w.onReady(() => ready());
  while (got.length < want) {
    let r: IteratorResult<WatchEvent> | undefined;
    try {
      r = w.poll();
    } catch (err) {
      got.push((err as StorageError).code);
      continue;
    }
    if (r === undefined) await new Promise<void>((resolve) => (ready = resolve));
    else got.push(r.done ? 'done' : r.value.revision);
  }
  return got;
}

describe('pollable', () => {
  it('polls a watch that only iterates: each event once, in order, then its error once, then done', async () => {
    const w = pollable(scripted([event(1), event(2), event(3), new StorageError('TooSlow', 'too slow', 3)]));
    expect(await drain(w, 6)).toEqual([1, 2, 3, 'TooSlow', 'done', 'done']);
  });

  it('ends when the watch is closed', async () => {
    const w = pollable(scripted([event(1)]));
    const got = drain(w, 2);
    await new Promise((r) => setTimeout(r, 10));
    w.close();
    expect(await got).toEqual([1, 'done']);
  });

  it('hands back a watch that polls by itself', () => {
    const polls = { ...scripted([]), poll: () => undefined, onReady: () => undefined };
    expect(pollable(polls)).toBe(polls);
  });
});
