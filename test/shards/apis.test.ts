/**
 * An API exported on one shard and bound on another (docs/shards.md, "Cross-shard APIs"): the
 * provider's workspace is placed on shard-1, the consumer's on the root shard; the binding there
 * resolves the export from shard-1's replica, and the consumer serves the provider's kind over
 * REST and GraphQL, validated by the provider's schema. Real processes, through the front proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { requestAtoll, type AtollProcess } from '../support/atoll-process.js';
import { holds, jsonHeaders, readyWorkspace, startInstallation, type Installation } from '../support/installation.js';
import { publishWidgets, widget } from '../apiexports/support.js';
import type { Reply } from '../support/server-fixture.js';

let installation: Installation;
let proxy: AtollProcess;

const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { status?: Record<string, unknown>; items?: unknown[] } }> => {
  const r = await requestAtoll(proxy, url, { method, headers: jsonHeaders(proxy), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: r.text ? (JSON.parse(r.text) as Record<string, unknown>) : {} };
};

beforeAll(async () => {
  installation = await startInstallation(['shard-1']);
  proxy = installation.proxy;
  const provider = await readyWorkspace(installation.root, 'root', 'provider', { shard: 'shard-1' });
  const consumer = await readyWorkspace(installation.root, 'root', 'consumer', { shard: 'root' });
  expect(await holds(installation.shards['shard-1'] as AtollProcess, provider.spec?.cluster as string)).toBe(true);
  expect(await holds(installation.root, consumer.spec?.cluster as string)).toBe(true);
  // Through the proxy once its index has both.
  await eventually(async () => {
    expect((await call('GET', '/clusters/root:provider/api/v1/namespaces/default')).status).toBe(200);
    expect((await call('GET', '/clusters/root:consumer/api/v1/namespaces/default')).status).toBe(200);
  }, 20_000);
}, 120_000);

afterAll(async () => {
  await installation?.stop();
});

describe('an export on one shard bound on another', () => {
  it('binds, and the consumer serves the provider’s kind with the provider’s schema, over REST and GraphQL', async () => {
    await publishWidgets({ call: (method, url, body) => call(method, url, body) as Promise<Reply> }, 'root:provider');
    const binding = await call('POST', '/clusters/root:consumer/apis/apis.kcp.io/v1alpha2/apibindings', {
      apiVersion: 'apis.kcp.io/v1alpha2',
      kind: 'APIBinding',
      metadata: { name: 'widgets' },
      spec: { reference: { export: { path: 'root:provider', name: 'widgets' } } },
    });
    expect(binding.status, JSON.stringify(binding.body)).toBe(201);
    await eventually(async () => {
      const got = await call('GET', '/clusters/root:consumer/apis/apis.kcp.io/v1alpha2/apibindings/widgets');
      expect(got.body.status?.phase, JSON.stringify(got.body.status)).toBe('Bound');
    }, 30_000);

    const WIDGETS = '/clusters/root:consumer/apis/widgets.example.dev/v1/namespaces/default/widgets';
    await eventually(async () => {
      const made = await call('POST', WIDGETS, widget('w1', { size: 5 }));
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }, 20_000);
    // The provider's schema holds on the consumer's shard: its CEL rule and its defaults.
    const tooBig = await call('POST', WIDGETS, widget('w2', { size: 500 }));
    expect(tooBig.status).toBe(422);
    expect(JSON.stringify(tooBig.body)).toContain('size must be at most 100');
    const defaulted = await call('POST', WIDGETS, widget('w3'));
    expect((defaulted.body.spec as { size?: number }).size).toBe(3);
    const list = await call('GET', WIDGETS);
    expect((list.body.items as { metadata: { name: string } }[]).map((w) => w.metadata.name)).toEqual(['w1', 'w3']);

    const gql = await requestAtoll(proxy, '/clusters/root:consumer/graphql', {
      method: 'POST',
      headers: jsonHeaders(proxy),
      body: JSON.stringify({ query: '{ widgets_example_dev { v1 { Widgets(namespace: "default") { items { metadata { name } spec { size } } } } } }' }),
    });
    expect(gql.status, gql.text).toBe(200);
    expect(JSON.parse(gql.text)).toEqual({
      data: { widgets_example_dev: { v1: { Widgets: { items: [{ metadata: { name: 'w1' }, spec: { size: 5 } }, { metadata: { name: 'w3' }, spec: { size: 3 } }] } } } },
    });
  }, 90_000);

  it('reports an export that exists on no shard as not found', async () => {
    const binding = await call('POST', '/clusters/root:consumer/apis/apis.kcp.io/v1alpha2/apibindings', {
      apiVersion: 'apis.kcp.io/v1alpha2',
      kind: 'APIBinding',
      metadata: { name: 'missing' },
      spec: { reference: { export: { path: 'root:provider', name: 'gadgets' } } },
    });
    expect(binding.status, JSON.stringify(binding.body)).toBe(201);
    await eventually(async () => {
      const got = await call('GET', '/clusters/root:consumer/apis/apis.kcp.io/v1alpha2/apibindings/missing');
      const conditions = (got.body.status?.conditions ?? []) as { type: string; reason?: string }[];
      expect(conditions).toContainEqual(expect.objectContaining({ type: 'APIExportValid', reason: 'APIExportNotFound' }));
    }, 20_000);
  });
});
