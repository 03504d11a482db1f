/**
 * List latency of the on-disk EmbeddedStore: one full list of 10,000 ConfigMaps in one namespace,
 * without a selector and with a label selector matching 10% (the store has no label index, so a
 * selector list still reads and parses every object). Median of several runs.
 *
 * Baseline: after closing the store, the same database file opened read-only with better-sqlite3:
 * `SELECT value FROM objects ...` in key order plus JSON.parse of every row (and, for the selector
 * case, the same selector applied in plain JS): the least work any list over this layout can do.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseLabelSelector, type KubeObject, type LabelSelector } from '../src/meta/index.js';
import { DB_FILE, EmbeddedStore } from '../src/storage/index.js';
import { cmKey, configMap, RESOURCE, withTempDir } from './fixtures.js';
import { figure, median, note, type Suite } from './report.js';

const OBJECTS = 10_000;
const RUNS = 9;
const NAMESPACE = 'bench';
const SELECTOR = 'app=app-3';

interface Timing {
  ms: number;
  items: number;
}

function measure(runs: number, fn: () => number): Timing {
  fn(); // warm-up: statement preparation, JIT, page cache
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    items = fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), items };
}

async function measureAsync(runs: number, fn: () => Promise<number>): Promise<Timing> {
  await fn();
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    items = await fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), items };
}

function rawList(dataDir: string, selector: LabelSelector | undefined): Timing {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const select = db.prepare<[string, string, string], { value: string }>(
      'SELECT value FROM objects WHERE cluster = ? AND resource = ? AND namespace = ? ORDER BY name',
    );
    return measure(RUNS, () => {
      let items = 0;
      for (const row of select.all('c1', RESOURCE, NAMESPACE)) {
        const object = JSON.parse(row.value) as KubeObject;
        if (!selector || selector.matches(object.metadata.labels)) items++;
      }
      return items;
    });
  } finally {
    db.close();
  }
}

export const storageList: Suite = {
  name: 'storage-list',
  title: `full list of ${OBJECTS.toLocaleString('en-US')} ConfigMaps in one namespace, median of ${RUNS} runs`,
  async run() {
    const selector = parseLabelSelector(SELECTOR);
    await withTempDir(async (dataDir) => {
      const store = new EmbeddedStore({ dataDir });
      let all: Timing;
      let selected: Timing;
      try {
        const creates: Promise<unknown>[] = [];
        for (let i = 0; i < OBJECTS; i++) {
          const name = `cm-${String(i).padStart(5, '0')}`;
          creates.push(store.create(cmKey('c1', NAMESPACE, name), configMap(NAMESPACE, name, i)));
        }
        await Promise.all(creates);
        const list = (labelSelector?: LabelSelector) => async () =>
          (await store.list({ cluster: 'c1', resource: RESOURCE, namespace: NAMESPACE, labelSelector })).items.length;
        all = await measureAsync(RUNS, list());
        selected = await measureAsync(RUNS, list(selector));
      } finally {
        await store.close();
      }
      let rawAll: Timing | undefined;
      let rawSelected: Timing | undefined;
      try {
        rawAll = rawList(dataDir, undefined);
        rawSelected = rawList(dataDir, selector);
      } catch (err) {
        note(`raw baseline skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
      const base = (t: Timing | undefined) => (t ? { value: t.ms, label: 'raw select+parse' } : undefined);
      if (rawAll) figure(`raw select + JSON.parse (${rawAll.items} rows)`, rawAll.ms, 'ms');
      if (rawSelected) figure(`raw select + parse + ${SELECTOR} (${rawSelected.items} items)`, rawSelected.ms, 'ms');
      figure(`store.list, no selector (${all.items} items)`, all.ms, 'ms', base(rawAll));
      figure(`store.list, ${SELECTOR} (${selected.items} items)`, selected.ms, 'ms', base(rawSelected));
      note('ratios are time ratios: above 1.00x means slower than the raw read');
    });
  },
};
