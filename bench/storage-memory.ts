/**
 * Memory and disk cost per stored object in the on-disk EmbeddedStore (the default mode): RSS
 * growth and on-disk bytes for 100,000 small ConfigMaps spread over 1,000 logical clusters.
 *
 * RSS is measured in a child process (this same compiled file, forked with `child`), so the other
 * suites' heap and SQLite caches are not in the figure: RSS after a full GC, before and after the
 * creates, and after closing the store (what stays is high-water mark, not per-object state). On-disk size is compared with the serialized JSON size of the objects; it includes the
 * change log, which keeps a second copy of every write for the history retention window.
 */
import { fork } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { EmbeddedStore } from '../src/storage/index.js';
import { cmKey, collectGarbage, configMap, dirBytes, sleep, withTempDir, withTimeout } from './fixtures.js';
import { figure, note, type Suite } from './report.js';

const OBJECTS = 100_000;
const CLUSTERS = 1_000;
/** Creates in flight at once: enough to fill group-commit batches without piling up promises. */
const WAVE = 1_000;
const CHILD_ARG = 'child';
const CHILD_TIMEOUT_MS = 120_000;

interface ChildResult {
  objects: number;
  rssBefore: number;
  rssAfter: number;
  rssClosed: number;
  heapBefore: number;
  heapAfter: number;
  heapTotalBefore: number;
  heapTotalAfter: number;
  jsonBytes: number;
  diskOpen: number;
  diskClosed: number;
  createMs: number;
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await sleep(50);
  }
  return process.memoryUsage();
}

/** Runs in the child process. */
async function measureChild(): Promise<ChildResult> {
  return withTempDir(async (dataDir) => {
    const store = new EmbeddedStore({ dataDir });
    const before = await settledMemory();
    let jsonBytes = 0;
    const start = performance.now();
    for (let from = 0; from < OBJECTS; from += WAVE) {
      const wave: Promise<unknown>[] = [];
      for (let i = from; i < Math.min(OBJECTS, from + WAVE); i++) {
        const cluster = `tenant-${String(i % CLUSTERS).padStart(4, '0')}`;
        const name = `cm-${i}`;
        const object = configMap('default', name, i);
        jsonBytes += Buffer.byteLength(JSON.stringify(object));
        wave.push(store.create(cmKey(cluster, 'default', name), object));
      }
      await Promise.all(wave);
    }
    const createMs = performance.now() - start;
    const after = await settledMemory();
    const diskOpen = dirBytes(dataDir);
    await store.close();
    const closed = await settledMemory();
    return {
      objects: OBJECTS,
      rssBefore: before.rss,
      rssAfter: after.rss,
      rssClosed: closed.rss,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
      heapTotalBefore: before.heapTotal,
      heapTotalAfter: after.heapTotal,
      jsonBytes,
      diskOpen,
      diskClosed: dirBytes(dataDir),
      createMs,
    };
  });
}

function runChild(): Promise<ChildResult> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_ARG], { execArgv: ['--expose-gc'] });
  const result = new Promise<ChildResult>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ChildResult));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`memory child exited with code ${code} before reporting`)));
  });
  return withTimeout(result, CHILD_TIMEOUT_MS, 'memory child').finally(() => {
    if (child.exitCode === null) child.kill();
  });
}

export const storageMemory: Suite = {
  name: 'storage-memory',
  title: `RSS and disk bytes per object, ${OBJECTS.toLocaleString('en-US')} small objects in ${CLUSTERS.toLocaleString('en-US')} clusters (child process)`,
  async run() {
    const r = await runChild();
    const perObject = (bytes: number) => bytes / r.objects;
    const json = { value: perObject(r.jsonBytes), label: 'JSON size' };
    figure('serialized JSON per object', json.value, 'B/object');
    figure('RSS growth per object (after GC)', perObject(r.rssAfter - r.rssBefore), 'B/object');
    figure('JS heap (used) growth per object (after GC)', perObject(r.heapAfter - r.heapBefore), 'B/object');
    figure('JS heap (reserved) growth per object', perObject(r.heapTotalAfter - r.heapTotalBefore), 'B/object');
    figure('on disk per object, store open (db + WAL)', perObject(r.diskOpen), 'B/object', json);
    figure('on disk per object, after close', perObject(r.diskClosed), 'B/object', json);
    figure('RSS before the creates (after GC)', r.rssBefore / 2 ** 20, 'MiB');
    figure('RSS after the creates (after GC)', r.rssAfter / 2 ** 20, 'MiB');
    figure('RSS after store.close() (after GC)', r.rssClosed / 2 ** 20, 'MiB');
    figure('creates/s while filling (waves of 1,000)', r.objects / (r.createMs / 1000), 'creates/s');
    note('on-disk size includes the change log: one history row (full JSON) per write within retention');
    note('RSS growth that outlives store.close() is allocator/V8 high-water mark, not state held per object');
  },
};

if (process.argv[2] === CHILD_ARG && process.argv[1] === fileURLToPath(import.meta.url)) {
  measureChild().then(
    (result) => process.send?.(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
