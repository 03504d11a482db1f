/**
 * `sortBy`/`sortOrder` on list fields, through the real server: values by type (numbers
 * numerically, strings by code units), absent values last in both orders, ties in the store's name
 * order, keys with dots, and clear BAD_REQUEST errors for paths the kind has no value at and for
 * sorting combined with paging.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { establish, widgetCrd, WIDGETS } from '../crd/fixtures.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
const WS = 'root:sorting';

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function query(q: string): Promise<Answer> {
  const r = await fx.call('POST', `/clusters/${WS}/graphql`, { query: q });
  expect(r.status).toBe(200);
  return r.body as Answer;
}

async function configMapNames(args: string): Promise<string[]> {
  const a = await query(`{ v1 { ConfigMaps(namespace: "default", labelSelector: "t=sort", ${args}) { items { metadata { name } } } } }`);
  expect(a.errors).toBeUndefined();
  return (a.data as { v1: { ConfigMaps: { items: { metadata: { name: string } }[] } } }).v1.ConfigMaps.items.map((i) => i.metadata.name);
}

async function widgetNames(args: string): Promise<string[]> {
  const a = await query(`{ example_com { v1 { Widgets(namespace: "default", ${args}) { items { metadata { name } } } } } }`);
  expect(a.errors).toBeUndefined();
  return (a.data as { example_com: { v1: { Widgets: { items: { metadata: { name: string } }[] } } } }).example_com.v1.Widgets.items.map((i) => i.metadata.name);
}

beforeAll(async () => {
  await fx.workspace('root', 'sorting');
  const maps: [string, Record<string, string> | undefined, Record<string, string>][] = [
    ['a', { k: '2' }, { 'app.kubernetes.io/name': 'web' }],
    ['b', { k: '10' }, { 'app.kubernetes.io/name': 'api' }],
    ['c', undefined, {}],
    ['d', { k: '2' }, { 'app.kubernetes.io/name': 'db' }],
  ];
  for (const [name, data, labels] of maps) {
    expect((await fx.call('POST', CONFIGMAPS(WS), { metadata: { name, labels: { ...labels, t: 'sort' } }, ...(data ? { data } : {}) })).status).toBe(201);
  }
  await establish(fx, WS, widgetCrd());
  for (const [name, replicas] of [['w1', 9], ['w2', 10], ['w3', 0], ['w4', 10]] as const) {
    expect((await fx.call('POST', WIDGETS(WS), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: { replicas, extra: { n: replicas } } })).status).toBe(201);
  }
});

describe('sortBy on list fields', () => {
  it('sorts strings by code units, keeps ties in name order and absent values last, in both orders', async () => {
    expect(await configMapNames('sortBy: "data.k"')).toEqual(['b', 'a', 'd', 'c']);
    expect(await configMapNames('sortBy: "data.k", sortOrder: DESC')).toEqual(['a', 'd', 'b', 'c']);
    expect(await configMapNames('sortBy: "metadata.name", sortOrder: DESC')).toEqual(['d', 'c', 'b', 'a']);
  });

  it('sorts numbers numerically, and reads keys with dots and free-form fields', async () => {
    expect(await widgetNames('sortBy: "spec.replicas"')).toEqual(['w3', 'w1', 'w2', 'w4']);
    expect(await widgetNames('sortBy: ".spec.replicas", sortOrder: DESC')).toEqual(['w2', 'w4', 'w1', 'w3']);
    expect(await widgetNames('sortBy: "spec.extra.n", sortOrder: DESC')).toEqual(['w2', 'w4', 'w1', 'w3']);
    expect(await configMapNames('sortBy: "metadata.labels.app\\\\.kubernetes\\\\.io/name"')).toEqual(['b', 'd', 'a', 'c']);
  });

  it('refuses paths the kind has no value at, and sorting with paging, as BAD_REQUEST', async () => {
    const refused = async (args: string): Promise<string> => {
      const a = await query(`{ v1 { ConfigMaps(namespace: "default", labelSelector: "t=sort", ${args}) { items { metadata { name } } } } }`);
      expect(a.errors?.[0]?.extensions?.code, JSON.stringify(a)).toBe('BAD_REQUEST');
      return a.errors?.[0]?.message ?? '';
    };
    expect(await refused('sortBy: "metadata.nmae"')).toContain('has no field nmae');
    expect(await refused('sortBy: "metadata"')).toContain('names an object');
    expect(await refused('sortBy: "metadata.labels"')).toContain('names a map');
    expect(await refused('sortBy: "metadata.ownerReferences"')).toContain('names a list');
    expect(await refused('sortBy: "metadata.ownerReferences.first"')).toContain('index it with a number');
    expect(await refused('sortBy: "metadata.name.x"')).toContain('has no field x');
    expect(await refused('sortBy: "metadata..name"')).toContain('empty segment');
    expect(await refused('sortBy: ""')).toContain('1 to 512 characters');
    expect(await refused('sortBy: "metadata.name", limit: 2')).toContain('cannot be combined with limit or continue');
    expect(await refused('sortBy: "metadata.name", continue: "x"')).toContain('cannot be combined with limit or continue');
    // limit 0 means the whole list, so it sorts.
    expect(await configMapNames('sortBy: "metadata.name", limit: 0')).toEqual(['a', 'b', 'c', 'd']);
    // A list item by index, and anything below a free-form field, are values the schema allows.
    expect(await configMapNames('sortBy: "metadata.ownerReferences.0.name"')).toEqual(['a', 'b', 'c', 'd']);
  });
});
