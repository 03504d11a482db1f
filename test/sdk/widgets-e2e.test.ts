/**
 * The Widget example end to end on the real server: a provider workspace publishes the export,
 * two consumers bind it, widgets created in both are reconciled (status set from spec) by the
 * example's controller through one watch over every consumer; the controller is stopped, widgets
 * change, a new controller takes the Lease and catches up — every generation of every widget gets
 * its status written exactly once, none missed, none twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetsController } from '../../examples/widgets/controller.js';
import { consumerWidgets } from '../../examples/widgets/frontend.js';
import { bindConsumer, exportDocuments, publishExport, putWidget } from '../../examples/widgets/setup.js';
import type { Widget } from '../../examples/widgets/widget.js';
import { HttpClient, type Connection, type ObjectKey } from '../../src/sdk/index.js';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';

const fx = useServer();
const PROVIDER = 'root:widgets-provider';
const CONSUMERS = ['root:consumer-a', 'root:consumer-b'] as const;

let connection: Connection;
let http: HttpClient;
let exportCluster = '';
/** Status writes per `workspace/namespace/name@generation`. */
const writes = new Map<string, number>();
const count = (key: ObjectKey, w: Widget): void => {
  const k = `${key.workspace}/${key.namespace}/${key.name}@${w.metadata.generation}`;
  writes.set(k, (writes.get(k) ?? 0) + 1);
};
const errors: unknown[] = [];

const start = async (identity: string, transport: 'rest' | 'graphql' = 'rest') => {
  const c = widgetsController({ connection, exportCluster, leaseWorkspace: PROVIDER, identity, transport, onStatusWritten: count, onError: (e) => errors.push(e) });
  expect(await c.start()).toBe(true);
  return c;
};

/** Every widget of both consumers, with whether its status is for its generation. */
async function allWidgets(): Promise<{ key: string; generation: number; done: boolean; summary?: string }[]> {
  const out = [];
  for (const consumer of CONSUMERS) {
    for (const w of await consumerWidgets(http, consumer)) {
      out.push({ key: `${consumer}/${w.metadata.name}`, generation: w.metadata.generation ?? 0, done: w.status?.observedGeneration === w.metadata.generation, summary: w.status?.summary });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

const allDone = () => eventually(async () => expect((await allWidgets()).filter((w) => !w.done)).toEqual([]));

/** Writes must be exactly one per generation of each widget that exists (1..generation). */
function expectOneWritePerGeneration(widgets: { generation: number }[]): void {
  expect([...writes.values()].every((n) => n === 1), JSON.stringify([...writes])).toBe(true);
  expect(writes.size).toBe(widgets.reduce((sum, w) => sum + w.generation, 0));
}

beforeAll(async () => {
  connection = { server: fx.base, token: fx.adminToken };
  http = new HttpClient(connection);
  exportCluster = await publishExport(http, PROVIDER);
  for (const consumer of CONSUMERS) await bindConsumer(http, consumer, PROVIDER);
});

afterAll(() => http?.close());

describe('the widgets example', () => {
  it('publishes the export the SDL converter makes of schema.graphql', async () => {
    const exported = await fx.call('GET', `/clusters/${PROVIDER}/apis/apis.kcp.io/v1alpha2/apiexports/widgets`);
    const schema = exportDocuments().schemas[0]?.metadata.name;
    expect(schema).toMatch(/^v[0-9a-f]{10}\.widgets\.widgets\.example\.dev$/);
    expect((exported.body.spec?.resources as { schema: string }[])[0]?.schema).toBe(schema);
  });

  it('reconciles widgets in both consumers, and a restarted controller catches up without missing or repeating work', async () => {
    await putWidget(http, CONSUMERS[0], 'alpha', { size: 2, color: 'red' });
    await putWidget(http, CONSUMERS[1], 'beta', { size: 5, color: 'blue', tags: ['x'] });

    const first = await start('first');
    await allDone();
    expect((await allWidgets()).map((w) => [w.key, w.summary])).toEqual([
      ['root:consumer-a/alpha', '2 red widgets'],
      ['root:consumer-b/beta', '5 blue widgets'],
    ]);
    // Changes while it runs are reconciled too.
    await putWidget(http, CONSUMERS[0], 'alpha', { size: 1, color: 'red' });
    await eventually(async () => expect((await allWidgets()).find((w) => w.key === 'root:consumer-a/alpha')).toMatchObject({ generation: 2, done: true, summary: '1 red widget' }));
    await first.stop();
    // The Lease is released on a graceful stop.
    const lease = await fx.call('GET', `/clusters/${PROVIDER}/apis/coordination.k8s.io/v1/namespaces/default/leases/widgets-controller`);
    expect(lease.body.spec?.holderIdentity).toBe('');

    // While no controller runs: a change in each consumer and a new widget.
    await putWidget(http, CONSUMERS[0], 'alpha', { size: 4, color: 'blue' });
    await putWidget(http, CONSUMERS[1], 'beta', { size: 6, color: 'blue', tags: ['x', 'y'] });
    await putWidget(http, CONSUMERS[1], 'gamma', {});
    expect((await allWidgets()).filter((w) => !w.done).map((w) => w.key)).toEqual(['root:consumer-a/alpha', 'root:consumer-b/beta', 'root:consumer-b/gamma']);

    const second = await start('second');
    // And one more change right after it starts, while it may still be catching up.
    await putWidget(http, CONSUMERS[0], 'delta', { size: 7 });
    await allDone();
    const final = await allWidgets();
    expect(final.map((w) => [w.key, w.generation, w.summary])).toEqual([
      ['root:consumer-a/alpha', 3, '4 blue widgets'],
      ['root:consumer-a/delta', 1, '7 plain widgets'],
      ['root:consumer-b/beta', 2, '6 blue widgets'],
      ['root:consumer-b/gamma', 1, '3 plain widgets'],
    ]);
    const leased = await fx.call('GET', `/clusters/${PROVIDER}/apis/coordination.k8s.io/v1/namespaces/default/leases/widgets-controller`);
    expect(leased.body.spec).toMatchObject({ holderIdentity: 'second', leaseTransitions: 1 });
    // One list across consumers per controller, never one per consumer.
    expect(second.informer.lists).toBe(1);
    expect([...second.informer.cache.workspaces()].length).toBe(2);
    await second.stop();
    expectOneWritePerGeneration(final);
    expect(errors).toEqual([]);
  });

  it('reconciles over the GraphQL transport as well', async () => {
    const c = await start('graphql', 'graphql');
    try {
      await putWidget(http, CONSUMERS[1], 'gamma', { size: 9, color: 'red' });
      await allDone();
      expect((await allWidgets()).find((w) => w.key === 'root:consumer-b/gamma')).toMatchObject({ generation: 2, summary: '9 red widgets' });
      expectOneWritePerGeneration(await allWidgets());
    } finally {
      await c.stop();
    }
    expect(errors).toEqual([]);
  });
});
