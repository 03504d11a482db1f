/**
 * CRDs on the GraphQL surface: the workspace's schema gains typed fields for the custom resource
 * when its CRD is established (no restart), loses them when it is deleted, and open subscriptions
 * on other resources keep running across the change.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';
import { CRDS, establish, widgetCrd } from './fixtures.js';

const fx = useServer();
const WS = 'root:gql-crd';
let client: Client;

interface Result {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; causes?: { field: string }[] } }[];
}

async function gql(query: string, variables?: Record<string, unknown>): Promise<Result> {
  const res = await fetch(`${fx.base}/clusters/${WS}/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Result;
}

const typeFields = async (name: string): Promise<Record<string, string> | null> => {
  const r = await gql(`{ __type(name: "${name}") { fields { name type { name kind ofType { name } } } } }`);
  const t = r.data?.__type as { fields: { name: string; type: { name: string | null; ofType: { name: string } | null } }[] } | null;
  return t ? Object.fromEntries(t.fields.map((f) => [f.name, f.type.name ?? f.type.ofType?.name ?? ''])) : null;
};

beforeAll(async () => {
  await fx.workspace('root', 'gql-crd');
  client = fx.graphqlClient(WS);
});
afterAll(async () => {
  await client?.dispose();
});

describe('a CRD on the GraphQL surface', () => {
  it('adds typed fields when established, keeps other subscriptions running, and removes them when deleted', async () => {
    expect(await typeFields('ExampleComV1Widget')).toBeNull();
    const configMapEvents: string[] = [];
    const stop = client.subscribe<{ v1_configmaps: { type: string; object: { metadata: { name: string } } } }>(
      { query: 'subscription { v1_configmaps(namespace: "default") { type object { metadata { name } } } }' },
      { next: (p) => p.data && configMapEvents.push(`${p.data.v1_configmaps.type} ${p.data.v1_configmaps.object.metadata.name}`), error: () => undefined, complete: () => undefined },
    );
    await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: 'before' } });
    await eventually(async () => expect(configMapEvents).toContain('ADDED before'));

    await establish(fx, WS, widgetCrd());
    await eventually(async () => expect(await typeFields('ExampleComV1Widget')).not.toBeNull());
    expect(await typeFields('ExampleComV1Widget')).toMatchObject({ apiVersion: 'String', kind: 'String', metadata: 'MetaV1ObjectMeta', spec: 'ExampleComV1WidgetSpec', status: 'ExampleComV1WidgetStatus' });
    const spec = await typeFields('ExampleComV1WidgetSpec');
    expect(spec).toMatchObject({ color: 'String', port: 'IntOrString', extra: 'JSON' });
    expect(Object.keys(spec ?? {})).toEqual(expect.arrayContaining(['replicas', 'minReplicas', 'tags', 'owner', 'size']));
    expect(await typeFields('ExampleComV1beta1Widget')).not.toBeNull();

    // Subscribe to the new resource, then create through a typed mutation.
    const widgetEvents: string[] = [];
    const stopWidgets = client.subscribe<{ example_com_v1_widgets: { type: string; object: { metadata: { name: string }; spec: { color: string } } } }>(
      { query: 'subscription { example_com_v1_widgets(namespace: "default") { type object { metadata { name } spec { color } } } }' },
      { next: (p) => p.data && widgetEvents.push(`${p.data.example_com_v1_widgets.type} ${p.data.example_com_v1_widgets.object.metadata.name} ${p.data.example_com_v1_widgets.object.spec.color}`), error: () => undefined, complete: () => undefined },
    );
    const created = await gql('mutation { createExampleComV1Widget(namespace: "default", object: { metadata: { name: "g1" }, spec: { replicas: 2, port: "http" } }) { metadata { name } spec { color replicas port } } }');
    expect(created.errors).toBeUndefined();
    expect(created.data?.createExampleComV1Widget).toEqual({ metadata: { name: 'g1' }, spec: { color: 'red', replicas: 2, port: 'http' } });
    await eventually(async () => expect(widgetEvents).toContain('ADDED g1 red'));

    const invalid = await gql('mutation { createExampleComV1Widget(namespace: "default", object: { metadata: { name: "g2" }, spec: { replicas: 1, color: "pink" } }) { metadata { name } } }');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('INVALID');
    expect(invalid.errors?.[0]?.message).toContain('spec.color: Unsupported value: "pink"');
    const cel = await gql('mutation { createExampleComV1Widget(namespace: "default", object: { metadata: { name: "g2" }, spec: { replicas: 1, minReplicas: 5 } }) { metadata { name } } }');
    expect(cel.errors?.[0]?.extensions?.code).toBe('INVALID');
    expect(cel.errors?.[0]?.message).toContain('replicas must be at least minReplicas');

    const read = await gql('{ example_com { v1 { Widgets(namespace: "default") { items { metadata { name } spec { color } } } } v1beta1 { Widget(namespace: "default", name: "g1") { apiVersion } } } }');
    expect(read.data).toEqual({ example_com: { v1: { Widgets: { items: [{ metadata: { name: 'g1' }, spec: { color: 'red' } }] } }, v1beta1: { Widget: { apiVersion: 'example.com/v1beta1' } } } });

    // The configmap subscription opened before the schema changed still runs.
    await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: 'after' } });
    await eventually(async () => expect(configMapEvents).toContain('ADDED after'));

    expect((await fx.call('DELETE', `${CRDS(WS)}/widgets.example.com`)).status).toBe(200);
    await eventually(async () => expect(widgetEvents).toContain('DELETED g1 red'));
    await eventually(async () => expect(await typeFields('ExampleComV1Widget')).toBeNull());
    stopWidgets();
    stop();
  });
});
