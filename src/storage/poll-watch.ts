/**
 * Any watch as a Pollable (types.ts). The hub's watches poll by themselves; a watch that only
 * iterates (a wrapper that filters events, a merged watch across shards, a test's scripted watch)
 * is read one event ahead through `next()`, which costs what iterating it costs.
 */
import type { Pollable } from './types.js';

/** A watch of `T`s: the store's (Watch), or one made of it above (the registry's). */
export type Closable<T> = AsyncIterableIterator<T> & { close(): void };

export function pollable<T>(watch: Closable<T> & Partial<Pollable<T>>): Closable<T> & Pollable<T> {
  if (watch.poll && watch.onReady) return watch as Closable<T> & Pollable<T>;
  const DONE: IteratorResult<T> = { value: undefined, done: true };
  let held: IteratorResult<T> | undefined;
  let failure: { error: unknown } | undefined;
  let reading = false;
  let listener: (() => void) | undefined;
  const readAhead = (): void => {
    if (reading || held || failure) return;
    reading = true;
    watch.next().then(
      (r) => {
        reading = false;
        held = r;
        listener?.();
      },
      (error: unknown) => {
        reading = false;
        failure = { error };
        listener?.();
      },
    );
  };
  const polled: Closable<T> & Pollable<T> = {
    poll() {
      if (failure) {
        const { error } = failure;
        failure = undefined;
        held = DONE;
        throw error;
      }
      const r = held;
      if (r?.done) return r;
      held = undefined;
      readAhead();
      return r;
    },
    onReady(l) {
      listener = l;
    },
    next: () => watch.next(),
    return: () => (watch.return ? watch.return() : Promise.resolve(DONE)),
    close: () => watch.close(),
    [Symbol.asyncIterator]: () => polled,
  };
  return polled;
}
