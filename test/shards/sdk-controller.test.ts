/**
 * The widgets example's controller (the SDK) across shards: the provider's workspace on shard-1,
 * its consumers on root, shard-1 and shard-2, everything through the front proxy. The controller
 * follows every consumer through one watch of the provider's view — merged from the three shards
 * (docs/shards.md) — and writes each widget's status through the view in its consumer, which the
 * export's shard sends on to the consumer's shard. Over REST and over the GraphQL transport; a
 * restarted controller catches up from its own list. Real processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetsController } from '../../examples/widgets/controller.js';
import { bindConsumer, publishExport, putWidget } from '../../examples/widgets/setup.js';
import type { Widget } from '../../examples/widgets/widget.js';
import { HttpClient, type Connection, type ObjectKey } from '../../src/sdk/index.js';
import type { AtollProcess } from '../support/atoll-process.js';
import { eventually } from '../support/eventually.js';
import { holds, readyWorkspace, startInstallation, type Installation } from '../support/installation.js';

let installation: Installation;
let connection: Connection;
let http: HttpClient;
let exportCluster = '';
const CONSUMERS = { 'root:on-root': 'root', 'root:on-one': 'shard-1', 'root:on-two': 'shard-2' } as const;
type Consumer = keyof typeof CONSUMERS;
const errors: unknown[] = [];
/** Status writes per `workspace/name@generation`. */
const writes = new Map<string, number>();

beforeAll(async () => {
  installation = await startInstallation(['shard-1', 'shard-2']);
  const proxy = installation.proxy;
  connection = { server: proxy.url, token: proxy.adminToken, ...(proxy.ca ? { ca: proxy.ca } : {}) };
  http = new HttpClient(connection);
  // Placed where the test wants them; the example's setup then finds them made.
  await readyWorkspace(installation.root, 'root', 'widgets-provider', { shard: 'shard-1' });
  for (const [path, shard] of Object.entries(CONSUMERS)) {
    const ws = await readyWorkspace(installation.root, 'root', path.split(':')[1] as string, { shard });
    expect(await holds(installation.shards[shard] as AtollProcess, ws.spec?.cluster as string)).toBe(true);
  }
  await eventually(async () => {
    for (const path of ['root:widgets-provider', ...Object.keys(CONSUMERS)]) await http.json('GET', `/clusters/${path}/api/v1/namespaces/default`);
  }, 20_000);
  exportCluster = await publishExport(http, 'root:widgets-provider');
  for (const consumer of Object.keys(CONSUMERS)) await bindConsumer(http, consumer, 'root:widgets-provider');
}, 180_000);

afterAll(async () => {
  http?.close();
  await installation?.stop();
});

const start = async (identity: string, transport: 'rest' | 'graphql') => {
  const c = widgetsController({
    connection,
    exportCluster,
    identity,
    transport,
    onStatusWritten: (key: ObjectKey, w: Widget) => {
      const k = `${key.workspace}/${key.name}@${w.metadata.generation}`;
      writes.set(k, (writes.get(k) ?? 0) + 1);
    },
    onError: (e) => errors.push(e),
  });
  expect(await c.start()).toBe(true);
  return c;
};

/** Every widget of every consumer: its generation and whether its status is for it. */
async function widgets(): Promise<{ key: string; generation: number; done: boolean; summary?: string }[]> {
  const out = [];
  for (const consumer of Object.keys(CONSUMERS) as Consumer[]) {
    const list = await http.json<{ items: Widget[] }>('GET', `/clusters/${consumer}/apis/widgets.example.dev/v1/namespaces/default/widgets`);
    for (const w of list.items) {
      out.push({ key: `${consumer}/${w.metadata.name}`, generation: w.metadata.generation ?? 0, done: w.status?.observedGeneration === w.metadata.generation, summary: w.status?.summary });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

const allDone = () => eventually(async () => expect((await widgets()).filter((w) => !w.done)).toEqual([]), 30_000);

describe('a provider’s controller over consumers on three shards', () => {
  it('reconciles every consumer’s widgets through one watch of the merged view, and a new controller catches up', async () => {
    for (const consumer of Object.keys(CONSUMERS)) await putWidget(http, consumer, 'alpha', { size: 2, color: 'red' });
    const first = await start('first', 'rest');
    await allDone();
    // One list across the three shards' consumers, not one per consumer or shard.
    expect(first.informer.lists).toBe(1);
    expect([...first.informer.cache.workspaces()].length).toBe(3);
    await putWidget(http, 'root:on-two', 'alpha', { size: 3, color: 'blue' });
    await eventually(async () => expect((await widgets()).find((w) => w.key === 'root:on-two/alpha')).toMatchObject({ generation: 2, done: true, summary: '3 blue widgets' }), 30_000);
    await first.stop();

    // While none runs: changes on every shard.
    for (const consumer of Object.keys(CONSUMERS)) await putWidget(http, consumer, 'beta', { size: 5 });
    await putWidget(http, 'root:on-root', 'alpha', { size: 4, color: 'red' });
    const second = await start('second', 'rest');
    await allDone();
    await second.stop();
    expect([...writes.values()].every((n) => n === 1), JSON.stringify([...writes])).toBe(true);
    expect(errors).toEqual([]);
  });

  it('reconciles over the GraphQL transport as well (a graphql-ws subscription merged across the shards)', async () => {
    const c = await start('graphql', 'graphql');
    try {
      for (const consumer of Object.keys(CONSUMERS)) await putWidget(http, consumer, 'gamma', { size: 9, color: 'red' });
      await allDone();
      expect((await widgets()).filter((w) => w.key.endsWith('/gamma')).map((w) => w.summary)).toEqual(['9 red widgets', '9 red widgets', '9 red widgets']);
    } finally {
      await c.stop();
    }
    expect(errors).toEqual([]);
  });
});
