/**
 * The storage backends side by side, in the same run: the embedded store on disk and the MongoDB
 * backend on FerretDB (MongoDB wire protocol over SQLite, built by scripts/test-tools/ferretdb.sh;
 * the suite says so and skips without it). Durable creates/s with 1 and 64 writers, a list of
 * 10,000 objects, a write's delivery to 10,000 watchers, and this process's RSS per stored object;
 * MongoDB figures are printed as ratios to the embedded store's.
 *
 * FerretDB on SQLite is not MongoDB's speed (it scans a collection for most filtered operations),
 * so the suite also profiles the backend itself with the driver's command events: the round trips
 * per group commit, the time MongoDB took for them, and the time the backend spent in this process
 * (wall time minus command time) per write.
 */
import type { CommandSucceededEvent } from 'mongodb';
import { EmbeddedStore, type Store, type Watch } from '../src/storage/index.js';
import { MongoStore } from '../src/storage/mongodb/index.js';
import { ferretdbUnavailable, startFerretDB, type FerretDB } from './ferretdb.js';
import { cmKey, collectGarbage, configMap, sleep, withTempDir, withTimeout } from './fixtures.js';
import { figure, median, note, type Baseline, type Suite } from './report.js';

const NAMESPACE = 'bench';
const MAX_MS = 3_000;
const LIST_OBJECTS = 10_000;
const LIST_RUNS = 3;
const WATCHERS = 10_000;
const FANOUT_WRITES = 5;

interface Figures {
  creates1: number;
  creates64: number;
  listMs: number;
  fanoutMs: number;
  rssPerObject: number;
}

async function creates(store: Store, prefix: string, writers: number): Promise<number> {
  let next = 0;
  let done = 0;
  const start = performance.now();
  const deadline = start + MAX_MS;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const i = next++;
      await store.create(cmKey(`tenant-${i % 100}`, NAMESPACE, `${prefix}-${i}`), configMap(NAMESPACE, `${prefix}-${i}`, i));
      done++;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return done / ((performance.now() - start) / 1000);
}

async function rss(): Promise<number> {
  collectGarbage();
  await sleep(10);
  collectGarbage();
  return process.memoryUsage().rss;
}

async function seed(store: Store, count: number): Promise<void> {
  for (let b = 0; b < count; b += 1_000) {
    await Promise.all(Array.from({ length: Math.min(1_000, count - b) }, (_, i) => store.create(cmKey('list', NAMESPACE, `o-${b + i}`), configMap(NAMESPACE, `o-${b + i}`, b + i))));
  }
}

async function listMs(store: Store): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < LIST_RUNS; r++) {
    const start = performance.now();
    const result = await store.list({ cluster: 'list', resource: 'configmaps', namespace: NAMESPACE });
    times.push(performance.now() - start);
    if (result.items.length !== LIST_OBJECTS) throw new Error(`listed ${result.items.length} of ${LIST_OBJECTS}`);
  }
  return median(times);
}

/** Median time from a create's call to its delivery to the last of the watchers. */
async function fanoutMs(store: Store): Promise<number> {
  const watches: Watch[] = Array.from({ length: WATCHERS }, () => store.watch({ cluster: 'fanout', resource: 'configmaps' }));
  const times: number[] = [];
  try {
    for (let w = 0; w < FANOUT_WRITES; w++) {
      const start = performance.now();
      const deliveries = watches.map((watch) => watch.next());
      await store.create(cmKey('fanout', NAMESPACE, `f-${w}`), configMap(NAMESPACE, `f-${w}`, w));
      await withTimeout(Promise.all(deliveries), 30_000, 'fan-out');
      times.push(performance.now() - start);
    }
  } finally {
    for (const w of watches) w.close();
  }
  return median(times);
}

async function measure(store: Store): Promise<Figures> {
  await creates(store, 'warmup', 64);
  const creates1 = await creates(store, 'one', 1);
  const creates64 = await creates(store, 'many', 64);
  const before = await rss();
  await seed(store, LIST_OBJECTS);
  const rssPerObject = Math.max(0, (await rss()) - before) / LIST_OBJECTS;
  return { creates1, creates64, listMs: await listMs(store), fanoutMs: await fanoutMs(store), rssPerObject };
}

function print(label: string, f: Figures, base?: Figures): void {
  const ratio = (value: number | undefined): Baseline | undefined => (value === undefined ? undefined : { value, label: 'embedded' });
  figure(`${label}: durable creates/s, 1 writer`, f.creates1, 'ops/s', ratio(base?.creates1));
  figure(`${label}: durable creates/s, 64 writers`, f.creates64, 'ops/s', ratio(base?.creates64));
  figure(`${label}: list of ${LIST_OBJECTS.toLocaleString('en-US')}`, f.listMs, 'ms', ratio(base?.listMs));
  figure(`${label}: a write delivered to ${WATCHERS.toLocaleString('en-US')} watchers`, f.fanoutMs, 'ms', ratio(base?.fanoutMs));
  figure(`${label}: this process's RSS per stored object`, f.rssPerObject, 'bytes', ratio(base?.rssPerObject));
}

/** Command count and MongoDB time per command name while `fn` runs, and its wall time. */
async function profile(store: MongoStore, fn: () => Promise<number>): Promise<void> {
  const byCommand = new Map<string, { count: number; ms: number }>();
  const onCommand = (e: CommandSucceededEvent): void => {
    const entry = byCommand.get(e.commandName) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += e.duration;
    byCommand.set(e.commandName, entry);
  };
  store.client.on('commandSucceeded', onCommand);
  const revisionBefore = store.revision;
  const start = performance.now();
  await fn();
  const wall = performance.now() - start;
  store.client.off('commandSucceeded', onCommand);
  const writes = store.revision - revisionBefore;
  const groups = byCommand.get('update')?.count ?? 0; // the fence upsert opens every group's bulk write
  let commandMs = 0;
  for (const { ms } of byCommand.values()) commandMs += ms;
  figure('mongodb profile, 64 writers: writes per group commit', groups > 0 ? writes / groups : 0, 'writes');
  for (const [name, { count, ms }] of [...byCommand].sort()) {
    figure(`mongodb profile: ${name} commands per group`, groups > 0 ? count / groups : 0, 'commands');
    figure(`mongodb profile: ${name} time in MongoDB per write`, writes > 0 ? ms / writes : 0, 'ms');
  }
  figure('mongodb profile: backend time in this process per write', writes > 0 ? Math.max(0, wall - commandMs) / writes : 0, 'ms');
}

async function withFerretDB<T>(fn: (server: FerretDB) => Promise<T>): Promise<T> {
  const server = await startFerretDB();
  try {
    return await fn(server);
  } finally {
    await server.dispose();
  }
}

export const storageBackends: Suite = {
  name: 'storage-backends',
  title: 'embedded store vs MongoDB backend (on FerretDB): creates/s, list, watch fan-out, RSS per object',
  async run() {
    const embedded = await withTempDir(async (dataDir) => {
      const store = new EmbeddedStore({ dataDir });
      try {
        return await measure(store);
      } finally {
        await store.close();
      }
    });
    print('embedded', embedded);
    if (ferretdbUnavailable !== undefined) {
      note(`MongoDB backend skipped: ${ferretdbUnavailable}`);
      return;
    }
    await withFerretDB(async (server) => {
      const store = await MongoStore.open({ url: server.url('bench'), monitorCommands: true });
      try {
        print('mongodb (FerretDB)', await measure(store), embedded);
        await profile(store, () => creates(store, 'profiled', 64));
      } finally {
        await store.close();
      }
    });
    note('FerretDB stores in SQLite and scans collections for filtered operations: it is not MongoDB\'s speed; the profile shows the backend\'s own share');
  },
};
