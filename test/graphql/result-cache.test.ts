/**
 * Results of prepared queries kept while the lists they read are unchanged (result-cache.ts), on
 * a real server with a token file and RBAC: a query asked again reads no list; any write to the
 * list (create, update, delete) changes the next answer; each caller's checks run again, per
 * field, so users with different RBAC get their own answers whichever asks first; and results
 * showing the store's revision, or reading through a selector, are never kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../../src/registry/index.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-gql-results-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['bob-token,bob,3001', 'alice-token,alice,3002'].join('\n') + '\n');

const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WS = 'root:gql-results';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

interface Reply {
  data?: { v1?: Record<string, { items?: { metadata: { name: string }; data?: Record<string, string> | null }[]; resourceVersion?: string } | null> } | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

async function gql(token: string, query: string, variables?: Record<string, unknown>): Promise<Reply> {
  const res = await fetch(`${fx.base}/clusters/${WS}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Reply;
}

/** The list reads (`list` and `listJson` of the registry) made while `during` runs. */
async function countingListReads(registry: Registry, during: () => Promise<void>): Promise<number> {
  let reads = 0;
  const { list, listJson } = registry;
  registry.list = (...args) => {
    reads++;
    return list.apply(registry, args);
  };
  registry.listJson = (...args) => {
    reads++;
    return listJson.apply(registry, args);
  };
  try {
    await during();
  } finally {
    registry.list = list;
    registry.listJson = listJson;
  }
  return reads;
}
const listReads = (during: () => Promise<void>): Promise<number> => countingListReads(fx.server.registry, during);

async function bind(name: string, role: string, user: string, namespace?: string): Promise<void> {
  const url = namespace ? `/clusters/${WS}${RBAC}/namespaces/${namespace}/rolebindings` : `/clusters/${WS}${RBAC}/clusterrolebindings`;
  const body = { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] };
  const r = await fx.call('POST', url, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const LIST_A = '{ v1 { ConfigMaps(namespace: "a") { items { metadata { name } data } } } }';
const names = (r: Reply, field = 'ConfigMaps'): string[] | undefined => r.data?.v1?.[field]?.items?.map((i) => i.metadata.name);
const codes = (r: Reply): (string | undefined)[] => (r.errors ?? []).map((e) => e.extensions?.code);

beforeAll(async () => {
  await fx.workspace('root', 'gql-results');
  for (const ns of ['a', 'b', 'c']) expect((await fx.call('POST', `/clusters/${WS}/api/v1/namespaces`, { metadata: { name: ns } })).status).toBe(201);
  for (const [ns, name] of [['a', 'a1'], ['a', 'a2'], ['b', 'b1']] as const) {
    expect((await fx.call('POST', CONFIGMAPS(WS, ns), { metadata: { name }, data: { v: '1' } })).status).toBe(201);
  }
  // alice may view namespaces a and b, bob only a.
  for (const user of ['alice', 'bob']) await bind(`${user}-access`, 'system:kcp:workspace:access', user);
  await bind('alice-view-a', 'view', 'alice', 'a');
  await bind('alice-view-b', 'view', 'alice', 'b');
  await bind('bob-view-a', 'view', 'bob', 'a');
});

describe('kept results of prepared queries', () => {
  it('a query asked again reads no list while the list is unchanged, and each write changes the next answer', async () => {
    // Twice: the first runs through envelop, the second prepared, which keeps its result.
    for (let i = 0; i < 2; i++) expect(names(await gql(fx.adminToken, LIST_A))).toEqual(['a1', 'a2']);
    expect(await listReads(async () => expect(names(await gql(fx.adminToken, LIST_A))).toEqual(['a1', 'a2']))).toBe(0);

    expect((await fx.call('POST', CONFIGMAPS(WS, 'a'), { metadata: { name: 'a3' }, data: { v: '1' } })).status).toBe(201);
    expect(names(await gql(fx.adminToken, LIST_A))).toEqual(['a1', 'a2', 'a3']);

    expect((await fx.call('PATCH', `${CONFIGMAPS(WS, 'a')}/a2`, { data: { v: '2' } }, 'application/merge-patch+json')).status).toBe(200);
    const updated = await gql(fx.adminToken, LIST_A);
    expect(updated.data?.v1?.['ConfigMaps']?.items?.map((i) => i.data?.['v'])).toEqual(['1', '2', '1']);

    expect((await fx.call('DELETE', `${CONFIGMAPS(WS, 'a')}/a3`)).status).toBe(200);
    expect(names(await gql(fx.adminToken, LIST_A))).toEqual(['a1', 'a2']);
    // A write elsewhere leaves it kept.
    expect((await fx.call('POST', CONFIGMAPS(WS, 'c'), { metadata: { name: 'c1' } })).status).toBe(201);
    expect(await listReads(async () => expect(names(await gql(fx.adminToken, LIST_A))).toEqual(['a1', 'a2']))).toBe(0);
  });

  it('each caller is checked again, per field: users with different RBAC get their own answers', async () => {
    const both = '{ v1 { inA: ConfigMaps(namespace: "a") { items { metadata { name } } } inB: ConfigMaps(namespace: "b") { items { metadata { name } } } } }';
    for (let i = 0; i < 3; i++) {
      const alice = await gql('alice-token', both);
      expect([names(alice, 'inA'), names(alice, 'inB'), alice.errors]).toEqual([['a1', 'a2'], ['b1'], undefined]);
    }
    // alice's answer is kept; bob, asking the same, may not read b.
    const bob = await gql('bob-token', both);
    expect([names(bob, 'inA'), bob.data?.v1?.['inB'], codes(bob)]).toEqual([['a1', 'a2'], null, ['FORBIDDEN']]);
    expect(bob.errors?.[0]?.path).toEqual(['v1', 'inB']);

    // The other way round: bob's refusal is not kept, alice's answer is not bob's.
    const onlyB = '{ v1 { ConfigMaps(namespace: "b") { items { metadata { name } } } } }';
    for (let i = 0; i < 3; i++) expect(codes(await gql('bob-token', onlyB))).toEqual(['FORBIDDEN']);
    for (let i = 0; i < 3; i++) expect(names(await gql('alice-token', onlyB))).toEqual(['b1']);
    expect(codes(await gql('bob-token', onlyB))).toEqual(['FORBIDDEN']);

    // A permission taken away is seen at once.
    for (let i = 0; i < 2; i++) expect(names(await gql('bob-token', LIST_A))).toEqual(['a1', 'a2']);
    expect((await fx.call('DELETE', `/clusters/${WS}${RBAC}/namespaces/a/rolebindings/bob-view-a`)).status).toBe(200);
    expect(codes(await gql('bob-token', LIST_A))).toEqual(['FORBIDDEN']);
    expect(names(await gql('alice-token', LIST_A))).toEqual(['a1', 'a2']);
  });

  it('results showing the store revision, or read through a selector, are not kept; variables are part of the key', async () => {
    const withRevision = '{ v1 { ConfigMaps(namespace: "a") { resourceVersion items { metadata { name } } } } }';
    await gql(fx.adminToken, withRevision);
    const before = (await gql(fx.adminToken, withRevision)).data?.v1?.['ConfigMaps']?.resourceVersion;
    expect((await fx.call('POST', CONFIGMAPS(WS, 'c'), { metadata: { name: 'c2' } })).status).toBe(201);
    const after = (await gql(fx.adminToken, withRevision)).data?.v1?.['ConfigMaps']?.resourceVersion;
    expect(Number(after)).toBeGreaterThan(Number(before));
    // Not kept, it is executed each time, from objects parsed once per version of the list.
    expect((await fx.call('PATCH', `${CONFIGMAPS(WS, 'a')}/a1`, { data: { v: '3' } }, 'application/merge-patch+json')).status).toBe(200);
    const withData = '{ v1 { ConfigMaps(namespace: "a") { resourceVersion items { data } } } }';
    expect((await gql(fx.adminToken, withData)).data?.v1?.['ConfigMaps']?.items?.map((i) => i.data?.['v'])).toEqual(['3', '2']);
    expect((await fx.call('PATCH', `${CONFIGMAPS(WS, 'a')}/a1`, { data: { v: '4' } }, 'application/merge-patch+json')).status).toBe(200);
    expect((await gql(fx.adminToken, withData)).data?.v1?.['ConfigMaps']?.items?.map((i) => i.data?.['v'])).toEqual(['4', '2']);

    const selected = '{ v1 { ConfigMaps(namespace: "a", labelSelector: "!x") { items { metadata { name } } } } }';
    for (let i = 0; i < 2; i++) await gql(fx.adminToken, selected);
    expect(await listReads(async () => expect(names(await gql(fx.adminToken, selected))).toEqual(['a1', 'a2']))).toBeGreaterThan(0);

    const byNamespace = 'query($ns: String) { v1 { ConfigMaps(namespace: $ns) { items { metadata { name } } } } }';
    for (let i = 0; i < 2; i++) expect(names(await gql(fx.adminToken, byNamespace, { ns: 'a' }))).toEqual(['a1', 'a2']);
    expect(names(await gql(fx.adminToken, byNamespace, { ns: 'b' }))).toEqual(['b1']);
    expect(names(await gql(fx.adminToken, byNamespace, { ns: 'a' }))).toEqual(['a1', 'a2']);
  });
});
