/**
 * ResourceQuota enforcement and the workspace quota over the real server (REST and GraphQL):
 * concurrent creates never overshoot, refusals carry Kubernetes' message, status is kept, dry-run
 * is free, scopes that cannot apply count nothing, and a workspace's admins cannot lift its quota.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { establish, widgetCrd, WIDGETS } from '../crd/fixtures.js';
import { eventually } from '../support/eventually.js';
import { useServer, type Reply } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-quota-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'alice-token,alice,3001\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const QUOTA_ANNOTATION = 'quota.atoll.io/workspace-hard';
const MAX_TOTAL = 'core.kcp.io/max-total-objects';
const ns = (ws: string, name = 'default'): string => `/clusters/${ws}/api/v1/namespaces/${name}`;
const LC = (ws: string): string => `/clusters/${ws}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`;
const MERGE = 'application/merge-patch+json';

async function created(r: Promise<Reply>): Promise<Reply['body']> {
  const reply = await r;
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

/** Creates a ResourceQuota and waits until the controller has filled its status (as clients wait for it in Kubernetes). */
async function quota(ws: string, name: string, spec: Record<string, unknown>, namespace = 'default'): Promise<void> {
  await created(fx.call('POST', `${ns(ws, namespace)}/resourcequotas`, { metadata: { name }, spec }));
  await eventually(async () => {
    const got = await fx.call('GET', `${ns(ws, namespace)}/resourcequotas/${name}`);
    expect(got.body.status?.hard).toEqual(spec.hard);
  });
}

async function gql(ws: string, query: string): Promise<{ data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fx.fetch(`${fx.base}/clusters/${ws}/graphql`, {
    method: 'POST',
    headers: { ...fx.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('ResourceQuota', () => {
  beforeAll(async () => {
    await fx.workspace('root', 'quota');
  });

  it('admits exactly 50 of 64 concurrent creates against a quota of 50, refusing the rest with 403 exceeded quota', async () => {
    await created(fx.call('POST', '/clusters/root:quota/api/v1/namespaces', { metadata: { name: 'race' } }));
    await quota('root:quota', 'fifty', { hard: { 'count/secrets': '50' } }, 'race');
    const replies = await Promise.all(
      Array.from({ length: 64 }, (_, i) => fx.call('POST', `${ns('root:quota', 'race')}/secrets`, { metadata: { name: `s-${i}` }, stringData: { i: String(i) } })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(50);
    const refused = replies.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(14);
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      expect(r.body.message).toMatch(/^secrets "s-\d+" is forbidden: exceeded quota: fifty, requested: count\/secrets=1, used: count\/secrets=50, limited: count\/secrets=50$/);
    }
    const list = await fx.call('GET', `${ns('root:quota', 'race')}/secrets`);
    expect(list.body.items).toHaveLength(50);
    await eventually(async () => expect((await fx.call('GET', `${ns('root:quota', 'race')}/resourcequotas/fifty`)).body.status?.used).toEqual({ 'count/secrets': '50' }));
  });

  it('refuses over GraphQL with FORBIDDEN and the same message as REST (legacy name configmaps)', async () => {
    await created(fx.call('POST', '/clusters/root:quota/api/v1/namespaces', { metadata: { name: 'gql' } }));
    await quota('root:quota', 'two', { hard: { configmaps: '2' } }, 'gql');
    await created(fx.call('POST', `${ns('root:quota', 'gql')}/configmaps`, { metadata: { name: 'first' } }));
    await created(fx.call('POST', `${ns('root:quota', 'gql')}/configmaps`, { metadata: { name: 'second' } }));
    const message = 'configmaps "third" is forbidden: exceeded quota: two, requested: configmaps=1, used: configmaps=2, limited: configmaps=2';
    const r = await gql('root:quota', 'mutation { createV1ConfigMap(namespace: "gql", object: { metadata: { name: "third" } }) { metadata { name } } }');
    expect(r.errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    const rest = await fx.call('POST', `${ns('root:quota', 'gql')}/configmaps`, { metadata: { name: 'third' } });
    expect(rest.status).toBe(403);
    expect(rest.body.message).toBe(message);
  });

  it('counts nothing under a scope selector (every scope is about pods), and 0 for names nothing here creates', async () => {
    await created(fx.call('POST', '/clusters/root:quota/api/v1/namespaces', { metadata: { name: 'scoped' } }));
    const spec = {
      hard: { 'count/configmaps': '0' },
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
    };
    await quota('root:quota', 'high-only', spec, 'scoped');
    await quota('root:quota', 'pods', { hard: { pods: '0', services: '0' } }, 'scoped');
    await created(fx.call('POST', `${ns('root:quota', 'scoped')}/configmaps`, { metadata: { name: 'not-limited' } }));
    const got = await fx.call('GET', `${ns('root:quota', 'scoped')}/resourcequotas/high-only`);
    expect(got.body.status?.used).toEqual({ 'count/configmaps': '0' });
    await eventually(async () => expect((await fx.call('GET', `${ns('root:quota', 'scoped')}/resourcequotas/pods`)).body.status?.used).toEqual({ pods: '0', services: '0' }));
  });

  it('keeps status.used current: up with creates, down after deletes', async () => {
    await created(fx.call('POST', '/clusters/root:quota/api/v1/namespaces', { metadata: { name: 'used' } }));
    await quota('root:quota', 'leases', { hard: { 'count/leases.coordination.k8s.io': '10', 'count/resourcequotas': '5', resourcequotas: '5' } }, 'used');
    const leases = `/clusters/root:quota/apis/coordination.k8s.io/v1/namespaces/used/leases`;
    for (const name of ['a', 'b', 'c']) await created(fx.call('POST', leases, { metadata: { name } }));
    const used = async (): Promise<unknown> => (await fx.call('GET', `${ns('root:quota', 'used')}/resourcequotas/leases`)).body.status?.used;
    await eventually(async () => expect(await used()).toEqual({ 'count/leases.coordination.k8s.io': '3', 'count/resourcequotas': '1', resourcequotas: '1' }));
    for (const name of ['a', 'b']) expect((await fx.call('DELETE', `${leases}/${name}`)).status).toBe(200);
    await eventually(async () => expect(await used()).toEqual({ 'count/leases.coordination.k8s.io': '1', 'count/resourcequotas': '1', resourcequotas: '1' }));
  });

  it('counts custom resources as count/<plural>.<group>, and the workspace quota counts them across namespaces', async () => {
    await fx.workspace('root', 'crs');
    await establish(fx, 'root:crs', widgetCrd());
    await quota('root:crs', 'widgets', { hard: { 'count/widgets.example.com': '1' } });
    const widget = (name: string) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: {} });
    await created(fx.call('POST', WIDGETS('root:crs'), widget('one')));
    const two = await fx.call('POST', WIDGETS('root:crs'), widget('two'));
    expect(two.status, JSON.stringify(two.body)).toBe(403);
    expect(two.body.message).toBe('widgets.example.com "two" is forbidden: exceeded quota: widgets, requested: count/widgets.example.com=1, used: count/widgets.example.com=1, limited: count/widgets.example.com=1');
    await eventually(async () => expect((await fx.call('GET', `${ns('root:crs')}/resourcequotas/widgets`)).body.status?.used).toEqual({ 'count/widgets.example.com': '1' }));
    const hard = JSON.stringify({ 'count/widgets.example.com': '2' });
    expect((await fx.call('PATCH', LC('root:crs'), { metadata: { annotations: { [QUOTA_ANNOTATION]: hard } } }, MERGE)).status).toBe(200);
    await created(fx.call('POST', '/clusters/root:crs/api/v1/namespaces', { metadata: { name: 'other' } }));
    // Once the workspace quota is known, a dry run in the other namespace is refused at 2 of 2.
    await created(fx.call('POST', WIDGETS('root:crs', 'v1', 'other'), widget('three')));
    await eventually(async () => expect((await fx.call('POST', `${WIDGETS('root:crs', 'v1', 'other')}?dryRun=All`, widget('four'))).status).toBe(403));
    const four = await fx.call('POST', WIDGETS('root:crs', 'v1', 'other'), widget('four'));
    expect(four.body.message).toContain('exceeded quota: workspace, requested: count/widgets.example.com=1, used: count/widgets.example.com=2');
  });

  it('does not charge dry-run creates, and refuses them when the quota is spent', async () => {
    await created(fx.call('POST', '/clusters/root:quota/api/v1/namespaces', { metadata: { name: 'dry' } }));
    await quota('root:quota', 'one', { hard: { 'count/secrets': '1' } }, 'dry');
    const secrets = `${ns('root:quota', 'dry')}/secrets`;
    for (let i = 0; i < 3; i++) expect((await fx.call('POST', `${secrets}?dryRun=All`, { metadata: { name: `dry-${i}` } })).status).toBe(201);
    await created(fx.call('POST', secrets, { metadata: { name: 'real' } }));
    const dry = await fx.call('POST', `${secrets}?dryRun=All`, { metadata: { name: 'dry-more' } });
    expect(dry.status).toBe(403);
    expect(dry.body.message).toContain('exceeded quota: one, requested: count/secrets=1, used: count/secrets=1, limited: count/secrets=1');
  });
});

describe('the workspace quota', () => {
  beforeAll(async () => {
    await fx.workspace('root', 'capped');
    const r = await fx.call('POST', '/clusters/root:capped/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'alice-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await eventually(async () => expect((await fx.callAs('alice-token', 'GET', LC('root:capped'))).status).toBe(200));
  });

  it('counts every namespace and cluster-scoped objects, set by the platform admin', async () => {
    const namespaces = ((await fx.call('GET', '/clusters/root:capped/api/v1/namespaces')).body.items ?? []).length;
    const hard = { 'count/secrets': '2', 'count/namespaces': String(namespaces + 1), 'count/leases.coordination.k8s.io': '0' };
    const set = await fx.call('PATCH', LC('root:capped'), { metadata: { annotations: { [QUOTA_ANNOTATION]: JSON.stringify(hard) } } }, MERGE);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    // Once the quota is known, a dry-run lease is refused.
    await eventually(async () => {
      const probe = await fx.call('POST', `/clusters/root:capped/apis/coordination.k8s.io/v1/namespaces/default/leases?dryRun=All`, { metadata: { name: 'probe' } });
      expect(probe.status).toBe(403);
    });
    await created(fx.call('POST', '/clusters/root:capped/api/v1/namespaces', { metadata: { name: 'second' } }));
    const third = await fx.call('POST', '/clusters/root:capped/api/v1/namespaces', { metadata: { name: 'third' } });
    expect(third.status).toBe(403);
    expect(third.body.message).toBe(`namespaces "third" is forbidden: exceeded quota: workspace, requested: count/namespaces=1, used: count/namespaces=${namespaces + 1}, limited: count/namespaces=${namespaces + 1}`);
    await created(fx.call('POST', `${ns('root:capped')}/secrets`, { metadata: { name: 'one' } }));
    await created(fx.call('POST', `${ns('root:capped', 'second')}/secrets`, { metadata: { name: 'two' } }));
    const over = await fx.call('POST', `${ns('root:capped')}/secrets`, { metadata: { name: 'three' } });
    expect(over.status).toBe(403);
    expect(over.body.message).toBe('secrets "three" is forbidden: exceeded quota: workspace, requested: count/secrets=1, used: count/secrets=2, limited: count/secrets=2');
    // A ResourceQuota of the workspace's admin can narrow it, not widen it.
    const r = await fx.callAs('alice-token', 'POST', `${ns('root:capped')}/resourcequotas`, { metadata: { name: 'mine' }, spec: { hard: { 'count/secrets': '100' } } });
    expect(r.status).toBe(201);
    expect((await fx.callAs('alice-token', 'POST', `${ns('root:capped')}/secrets`, { metadata: { name: 'four' } })).status).toBe(403);
  });

  it("cannot be raised or removed by the workspace's own admin", async () => {
    const raise = await fx.callAs('alice-token', 'PATCH', LC('root:capped'), { metadata: { annotations: { [QUOTA_ANNOTATION]: '{"count/secrets":"1000"}' } } }, MERGE);
    expect(raise.status).toBe(403);
    expect(raise.body).toMatchObject({ reason: 'Forbidden' });
    expect(raise.body.message).toContain('only the platform');
    const remove = await fx.callAs('alice-token', 'PATCH', LC('root:capped'), { metadata: { annotations: { [QUOTA_ANNOTATION]: null } } }, MERGE);
    expect(remove.status).toBe(403);
    // Other changes of the LogicalCluster stay the admin's to make.
    const label = await fx.callAs('alice-token', 'PATCH', LC('root:capped'), { metadata: { labels: { team: 'a' } } }, MERGE);
    expect(label.status, JSON.stringify(label.body)).toBe(200);
    const bad = await fx.call('PATCH', LC('root:capped'), { metadata: { annotations: { [QUOTA_ANNOTATION]: '{"count/secrets":"-1"}' } } }, MERGE);
    expect(bad.status).toBe(422);
    expect((await fx.callAs('alice-token', 'POST', `${ns('root:capped')}/secrets`, { metadata: { name: 'five' } })).status).toBe(403);
  });

  it("never refuses what Atoll's own controllers create in a new workspace (its default namespace), only users' creates", async () => {
    const TYPES = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes';
    await created(
      fx.call('POST', TYPES, {
        metadata: { name: 'no-namespaces', annotations: { [QUOTA_ANNOTATION]: '{"count/namespaces":"0"}' } },
        spec: { extend: { with: [{ name: 'universal', path: 'root' }] } },
      }),
    );
    await fx.workspace('root', 'bare', { name: 'no-namespaces', path: 'root' });
    await eventually(async () => expect((await fx.call('GET', ns('root:bare'))).status).toBe(200));
    const mine = await fx.call('POST', '/clusters/root:bare/api/v1/namespaces', { metadata: { name: 'mine' } });
    expect(mine.status).toBe(403);
    expect(mine.body.message).toBe('namespaces "mine" is forbidden: exceeded quota: workspace, requested: count/namespaces=1, used: count/namespaces=1, limited: count/namespaces=0');
  });

  it("honours kcp's core.kcp.io/max-total-objects: every object but events, set only by the platform", async () => {
    await fx.workspace('root', 'total');
    const limit = async (value: string | null) =>
      fx.call('PATCH', LC('root:total'), { metadata: { annotations: { [MAX_TOTAL]: value } } }, MERGE);
    expect((await limit('1')).status).toBe(200);
    const refusal = /^configmaps "c-0" is forbidden: exceeded quota: workspace, requested: count\/\*=1, used: count\/\*=(\d+), limited: count\/\*=1$/;
    let used = 0;
    await eventually(async () => {
      const r = await fx.call('POST', `${ns('root:total')}/configmaps?dryRun=All`, { metadata: { name: 'c-0' } });
      expect(r.status).toBe(403);
      used = Number(refusal.exec(r.body.message ?? '')?.[1]);
    });
    // What a new workspace holds (its namespace, LogicalCluster, service account, bindings…).
    expect(used).toBeGreaterThan(1);
    expect((await limit(String(used + 2))).status).toBe(200);
    await eventually(async () => expect((await fx.call('POST', `${ns('root:total')}/configmaps?dryRun=All`, { metadata: { name: 'c-0' } })).status).toBe(201));
    await created(fx.call('POST', `${ns('root:total')}/configmaps`, { metadata: { name: 'c-0' } }));
    await created(fx.call('POST', `${ns('root:total')}/secrets`, { metadata: { name: 's-1' } }));
    const over = await fx.call('POST', `${ns('root:total')}/secrets`, { metadata: { name: 's-2' } });
    expect(over.status).toBe(403);
    expect(over.body.message).toContain(`used: count/*=${used + 2}, limited: count/*=${used + 2}`);
    // Events are neither refused nor counted.
    await created(fx.call('POST', `${ns('root:total')}/events`, { metadata: { name: 'e' }, involvedObject: { kind: 'ConfigMap', name: 'c-0', namespace: 'default' } }));
    // A delete makes room.
    expect((await fx.call('DELETE', `${ns('root:total')}/configmaps/c-0`)).status).toBe(200);
    await eventually(async () => expect((await fx.call('POST', `${ns('root:total')}/secrets?dryRun=All`, { metadata: { name: 's-2' } })).status).toBe(201));
    // Only the platform sets it; 0 lifts it, as in kcp; it must be an integer.
    expect((await fx.call('PATCH', LC('root:total'), { metadata: { annotations: { [MAX_TOTAL]: 'many' } } }, MERGE)).status).toBe(422);
    await fx.call('POST', '/clusters/root:total/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'alice-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    });
    await eventually(async () => expect((await fx.callAs('alice-token', 'GET', LC('root:total'))).status).toBe(200));
    const lift = await fx.callAs('alice-token', 'PATCH', LC('root:total'), { metadata: { annotations: { [MAX_TOTAL]: '0' } } }, MERGE);
    expect(lift.status).toBe(403);
    expect(lift.body.message).toContain(MAX_TOTAL);
    expect((await limit('0')).status).toBe(200);
  });

  it('is copied from the WorkspaceType at creation', async () => {
    const TYPES = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes';
    const invalid = await fx.call('POST', TYPES, { metadata: { name: 'bad-capped', annotations: { [QUOTA_ANNOTATION]: 'nope' } } });
    expect(invalid.status).toBe(422);
    await created(fx.call('POST', TYPES, { metadata: { name: 'capped', annotations: { [QUOTA_ANNOTATION]: '{"count/configmaps":"3"}' } } }));
    await fx.workspace('root', 'typed', { name: 'capped', path: 'root' });
    const lc = await fx.call('GET', LC('root:typed'));
    expect(lc.body.metadata?.annotations?.[QUOTA_ANNOTATION]).toBe('{"count/configmaps":"3"}');
    // A type that does not extend universal gets no default namespace.
    await created(fx.call('POST', '/clusters/root:typed/api/v1/namespaces', { metadata: { name: 'work' } }));
    const results: number[] = [];
    for (let i = 0; i < 4; i++) results.push((await fx.call('POST', `${ns('root:typed', 'work')}/configmaps`, { metadata: { name: `c-${i}` } })).status);
    expect(results).toEqual([201, 201, 201, 403]);
  });
});
