/**
 * Watch fan-out latency of the on-disk EmbeddedStore: 10,000 watchers on the same (cluster,
 * resource), each consumed by its own `for await` loop, then a series of spaced-out creates. For
 * every (write, watcher) pair we record the time from just before `store.create()` is called to
 * the moment that watcher's loop receives the event, so the figure includes the group-commit wait
 * and the fsync. Target from the issue: p99 <= 50 ms at 10,000 watchers.
 *
 * The first writes after registering the watchers run cold (JIT) and are reported on their own
 * line, not in the percentiles. Baseline: the same measurement with a single watcher. The suite
 * also prints the JS heap per watcher, idle and after the events were consumed.
 */
import { EmbeddedStore, type Watch } from '../src/storage/index.js';
import { cmKey, collectGarbage, configMap, RESOURCE, sleep, withTempDir, withTimeout } from './fixtures.js';
import { figure, note, percentile, type Suite } from './report.js';

const WATCHERS = 10_000;
const WARMUP_WRITES = 2;
const WRITES = 20;
/** Quiet time between writes, after every watcher has the previous event. */
const SPACING_MS = 20;
const DELIVERY_TIMEOUT_MS = 10_000;

interface Fanout {
  /** Sorted delivery latencies (ms) of the measured writes, one per (write, watcher). */
  latencies: Float64Array;
  /** Slowest delivery of the first (cold) write. */
  coldMaxMs: number;
  setupMs: number;
  heapPerWatcherIdle: number;
  heapPerWatcherAfter: number;
}

async function heapUsed(): Promise<number> {
  collectGarbage();
  await sleep(10);
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

async function fanout(watchers: number): Promise<Fanout> {
  return withTempDir(async (dataDir) => {
    const store = new EmbeddedStore({ dataDir });
    const total = WARMUP_WRITES + WRITES;
    const started = new Float64Array(total);
    /** Write-major: latencies[write * watchers + watcher]. */
    const latencies = new Float64Array(total * watchers);
    let received = 0;
    let allReceived: (() => void) | undefined;
    const consume = async (watch: Watch, w: number): Promise<void> => {
      let n = 0;
      for await (const _event of watch) {
        latencies[n * watchers + w] = performance.now() - (started[n] as number);
        n++;
        if (++received === watchers) allReceived?.();
      }
    };
    const heapBefore = await heapUsed();
    const setupStart = performance.now();
    const watches: Watch[] = [];
    const loops: Promise<void>[] = [];
    for (let w = 0; w < watchers; w++) {
      const watch = store.watch({ cluster: 'c1', resource: RESOURCE });
      watches.push(watch);
      loops.push(consume(watch, w));
    }
    const setupMs = performance.now() - setupStart;
    const heapIdle = await heapUsed();
    let heapAfter: number;
    try {
      for (let i = 0; i < total; i++) {
        received = 0;
        const delivered = new Promise<void>((resolve) => (allReceived = resolve));
        const name = `cm-${i}`;
        started[i] = performance.now();
        await store.create(cmKey('c1', 'default', name), configMap('default', name, i));
        await withTimeout(delivered, DELIVERY_TIMEOUT_MS, `write ${i}: delivery to ${watchers} watchers`);
        await sleep(SPACING_MS);
      }
      heapAfter = await heapUsed();
    } finally {
      for (const watch of watches) watch.close();
      await Promise.allSettled(loops);
      await store.close();
    }
    return {
      latencies: latencies.slice(WARMUP_WRITES * watchers).sort(),
      coldMaxMs: latencies.subarray(0, watchers).reduce((a, b) => Math.max(a, b), 0),
      setupMs,
      heapPerWatcherIdle: (heapIdle - heapBefore) / watchers,
      heapPerWatcherAfter: (heapAfter - heapBefore) / watchers,
    };
  });
}

export const watchFanout: Suite = {
  name: 'watch-fanout',
  title: `delivery latency from create() to each watcher's for-await loop, ${WRITES} spaced writes`,
  async run() {
    const single = await fanout(1);
    const many = await fanout(WATCHERS);
    const count = WATCHERS.toLocaleString('en-US');
    const maxOf = (f: Fanout) => f.latencies[f.latencies.length - 1] as number;
    const stats = [
      ['p50', (f: Fanout) => percentile(f.latencies, 50)],
      ['p99', (f: Fanout) => percentile(f.latencies, 99)],
      ['max', maxOf],
    ] as const;
    for (const [label, stat] of stats) {
      const base = { value: stat(single), label: '1 watcher' };
      figure(`1 watcher, ${label}`, base.value, 'ms');
      figure(`${count} watchers, ${label}`, stat(many), 'ms', base);
    }
    figure(`${count} watchers, first (cold) write, max`, many.coldMaxMs, 'ms');
    figure(`register ${count} watchers + start their loops`, many.setupMs, 'ms');
    figure('JS heap per watcher, idle', many.heapPerWatcherIdle, 'B');
    figure(`JS heap per watcher after ${WARMUP_WRITES + WRITES} events`, many.heapPerWatcherAfter, 'B');
    const p99 = percentile(many.latencies, 99);
    note(`${many.latencies.length.toLocaleString('en-US')} measured deliveries after ${WARMUP_WRITES} warm-up writes`);
    note(`target p99 <= 50 ms at ${count} watchers: ${p99 <= 50 ? 'met' : 'NOT met'}`);
  },
};
