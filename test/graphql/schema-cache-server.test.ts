/**
 * The schema cache's byte bound on the real server (`--graphql-schema-cache-bytes`): with room for
 * one schema, two workspaces with different API sets evict each other's schema at every turn, and
 * every request still gets its own workspace's schema, compiled again.
 */
import { describe, expect, it } from 'vitest';
import { derivedCaches } from '../../src/apis/index.js';
import { cachedSchemaCount, DEFAULT_GRAPHQL_SETTINGS } from '../../src/graphql/index.js';
import { establish, widgetCrd } from '../crd/fixtures.js';
import { useServer } from '../support/server-fixture.js';

const fx = useServer({ graphql: { ...DEFAULT_GRAPHQL_SETTINGS, schemaCacheBytes: 1024 * 1024 } });

async function post(path: string, query: string): Promise<unknown> {
  const res = await fetch(`${fx.base}/clusters/${path}/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

const compiles = (): number => [...derivedCaches()].find((c) => c.name === 'graphql_schema')?.misses ?? NaN;

describe('schema cache bound', () => {
  it('recompiles a workspace schema evicted by another on its next request', async () => {
    await fx.workspace('root', 'plain');
    await fx.workspace('root', 'gadgets');
    await establish(fx, 'root:gadgets', widgetCrd());
    expect((await fx.call('POST', '/clusters/root:gadgets/apis/example.com/v1/namespaces/default/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} })).status).toBe(201);
    expect((await fx.call('POST', '/clusters/root:plain/api/v1/namespaces/default/configmaps', { metadata: { name: 'c' } })).status).toBe(201);
    for (let round = 0; round < 3; round++) {
      const before = compiles();
      expect(await post('root:gadgets', '{ example_com { v1 { Widgets(namespace: "default") { items { metadata { name } } } } } }')).toEqual({
        data: { example_com: { v1: { Widgets: { items: [{ metadata: { name: 'w' } }] } } } },
      });
      expect(await post('root:plain', '{ v1 { ConfigMap(name: "c", namespace: "default") { metadata { name } } } }')).toEqual({ data: { v1: { ConfigMap: { metadata: { name: 'c' } } } } });
      // The plain workspace serves no Widgets: the schema it got is its own, not the one cached before.
      const foreign = (await post('root:plain', '{ example_com { __typename } }')) as { errors?: { message: string }[] };
      expect(foreign.errors?.[0]?.message).toMatch(/example_com/);
      // One schema fits: each workspace's request compiled its schema again.
      expect(compiles() - before).toBe(2);
      expect(cachedSchemaCount()).toBe(1);
    }
  });
});
