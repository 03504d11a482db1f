/** The controllers' work queue: one pending entry per key, dirty re-runs, backoff woken early. */
import { describe, expect, it } from 'vitest';
import { WorkQueue, type Outcome } from '../../src/controllers/work-queue.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('work queue', () => {
  it('runs a key once however often it is added while queued, within the concurrency bound', async () => {
    const runs: string[] = [];
    let active = 0;
    let most = 0;
    const q = new WorkQueue<string>({
      concurrency: 2,
      handle: async (item) => {
        active++;
        most = Math.max(most, active);
        await new Promise((r) => setTimeout(r, 5));
        runs.push(item);
        active--;
        return 'done';
      },
    });
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k, k);
    q.add('e', 'e');
    q.add('d', 'd');
    await until(() => q.size === 0);
    expect(runs.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
    await q.stop();
  });

  it('runs again, never concurrently, when the key is added while it runs', async () => {
    const seen: number[] = [];
    let running = 0;
    let overlap = false;
    let release: (() => void) | undefined;
    const q = new WorkQueue<number>({
      concurrency: 4,
      handle: async (n) => {
        if (running++ > 0) overlap = true;
        if (n === 1) await new Promise<void>((r) => (release = r));
        seen.push(n);
        running--;
        return 'done';
      },
    });
    q.add('k', 1);
    await until(() => release !== undefined);
    q.add('k', 2);
    q.add('k', 3);
    release?.();
    await until(() => q.size === 0);
    // The re-run sees the newest item.
    expect(seen).toEqual([1, 3]);
    expect(overlap).toBe(false);
    await q.stop();
  });

  it('retries with backoff, and an add wakes a waiting item at once', async () => {
    const outcomes: Outcome[] = ['retry', 'retry', 'done'];
    let calls = 0;
    const errors: unknown[] = [];
    const q = new WorkQueue<string>({
      concurrency: 1,
      minDelayMs: 60_000,
      handle: async () => {
        calls++;
        if (calls === 1) throw new Error('first try fails');
        return outcomes[calls - 1] ?? 'done';
      },
      onError: (_item, err) => errors.push(err),
    });
    q.add('x', 'x');
    await until(() => calls === 1);
    expect(q.has('x')).toBe(true);
    // Waiting a minute for the timer is not needed: new information wakes it.
    q.add('x', 'x');
    await until(() => calls === 2);
    q.add('x', 'x');
    await until(() => calls === 3 && q.size === 0);
    expect(errors).toHaveLength(1);
    expect(q.has('x')).toBe(false);
    await q.stop();
  });

  it('stop drops pending retries and waits for running handlers', async () => {
    let started = false;
    let finished = false;
    const q = new WorkQueue<string>({
      concurrency: 1,
      minDelayMs: 60_000,
      handle: async (item) => {
        if (item === 'slow') {
          started = true;
          await new Promise((r) => setTimeout(r, 20));
          finished = true;
          return 'done';
        }
        return 'retry';
      },
    });
    q.add('r', 'retry-me');
    await until(() => q.has('r'));
    q.add('s', 'slow');
    await until(() => started);
    await q.stop();
    expect(finished).toBe(true);
    expect(q.size).toBe(0);
    q.add('late', 'late');
    expect(q.size).toBe(0);
  });
});
