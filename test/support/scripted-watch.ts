/** Test watches: one that plays scripted steps, then stays open like a live watch until closed. */
import type { StorageError, Watch, WatchEvent } from '../../src/storage/index.js';

export type Step = WatchEvent | StorageError | Error;

/** A watch that plays its steps, then stays open (like a live watch) until closed. */
export function scripted(steps: Step[]): Watch {
  let i = 0;
  let closed = false;
  let release: (() => void) | undefined;
  const w: Watch = {
    async next(): Promise<IteratorResult<WatchEvent>> {
      if (!closed && i < steps.length) {
        const step = steps[i++] as Step;
        if (step instanceof Error) throw step;
        return { value: step, done: false };
      }
      if (!closed) await new Promise<void>((resolve) => (release = resolve));
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<WatchEvent>> {
      w.close();
      return { value: undefined, done: true };
    },
    close(): void {
      closed = true;
      release?.();
    },
    [Symbol.asyncIterator]() {
      return w;
    },
  };
  return w;
}
