/**
 * `/metrics` scraped as Prometheus scrapes it, and read with Prometheus's own text-format parser
 * (expfmt, in test/support/promparse, built with the machine's Go; skipped without Go):
 * requests counted by surface, verb, group, resource and code (made-up resources and workspaces
 * add no series), latencies, watchers, the store's commits, the derived caches; who may scrape;
 * and the request id every answer carries.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { GO, parsePrometheusText, usePromParse, type MetricFamily, type Sample } from '../support/promparse.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
const parser = usePromParse();

async function scrape(token = fx.adminToken): Promise<{ status: number; families: Map<string, MetricFamily>; type: string | null }> {
  const res = await fx.fetch(`${fx.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, families: new Map(), type: res.headers.get('content-type') };
  const families = await parsePrometheusText(parser(), text);
  return { status: 200, families: new Map(families.map((f) => [f.name, f])), type: res.headers.get('content-type') };
}

const samples = (families: Map<string, MetricFamily>, name: string): Sample[] => families.get(name)?.metrics ?? [];
const matching = (list: Sample[], labels: Record<string, string>): Sample[] =>
  list.filter((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
const total = (list: Sample[]): number => list.reduce((n, s) => n + (s.value ?? s.count ?? 0), 0);

describe.skipIf(!GO)(`/metrics${GO ? '' : ' (skipped: no go binary for the Prometheus parser)'}`, () => {
  it('needs credentials, and get on the non-resource URL /metrics', async () => {
    const anonymous = await fx.fetch(`${fx.base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await fx.call('POST', '/clusters/root/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'scraper' } })).toMatchObject({ status: 201 });
    const issued = await fx.call('POST', '/clusters/root/api/v1/namespaces/default/serviceaccounts/scraper/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    const token = issued.body.status?.token as string;
    expect(token).toBeTruthy();
    const refused = await fx.fetch(`${fx.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toContain('cannot get path "/metrics"');
    await fx.call('POST', '/clusters/root/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'scrape' }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] });
    await fx.call('POST', '/clusters/root/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'scrape' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'scrape' },
      subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: 'default' }],
    });
    await eventually(async () => expect((await scrape(token)).status).toBe(200));
  });

  it('counts requests by surface, verb, group, resource and code, with bounded labels and no workspace', async () => {
    await fx.workspace('root', 'metrics-a');
    expect((await fx.call('GET', CONFIGMAPS('root'))).status).toBe(200);
    expect((await fx.call('GET', CONFIGMAPS('root:metrics-a'))).status).toBe(200);
    expect((await fx.call('GET', `${CONFIGMAPS('root')}/missing`)).status).toBe(404);
    expect((await fx.call('GET', '/clusters/root/api/v1/namespaces/default/madeupthings')).status).toBe(404);
    expect((await fx.call('GET', '/clusters/root/apis/made.up.example/v1/gizmos')).status).toBe(404);
    expect((await fx.call('POST', CONFIGMAPS('root'), { metadata: { name: 'counted' } })).status).toBe(201);
    expect((await fx.call('GET', `${CONFIGMAPS('root')}?watch=true&timeoutSeconds=1`)).status).toBe(200);
    const gql = await fx.call('POST', '/clusters/root/graphql', { query: '{ v1 { ConfigMaps(namespace: "default") { items { metadata { name } } } } }' });
    expect(gql.status).toBe(200);

    const { status, families, type } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    const requests = samples(families, 'atoll_apiserver_request_total');
    expect(families.get('atoll_apiserver_request_total')?.type).toBe('COUNTER');
    // Both workspaces' lists are one series.
    expect(total(matching(requests, { surface: 'rest', verb: 'list', group: '', resource: 'configmaps', code: '200' }))).toBeGreaterThanOrEqual(2);
    expect(total(matching(requests, { surface: 'rest', verb: 'get', resource: 'configmaps', code: '404' }))).toBeGreaterThanOrEqual(1);
    expect(total(matching(requests, { surface: 'rest', verb: 'create', resource: 'configmaps', code: '201' }))).toBeGreaterThanOrEqual(1);
    expect(total(matching(requests, { surface: 'rest', verb: 'watch', resource: 'configmaps', code: '200' }))).toBeGreaterThanOrEqual(1);
    expect(total(matching(requests, { surface: 'graphql', verb: 'post', code: '200' }))).toBeGreaterThanOrEqual(1);
    expect(total(matching(requests, { surface: 'rest', group: 'other', resource: 'other', code: '404' }))).toBeGreaterThanOrEqual(2);
    const values = [...families.values()].flatMap((f) => f.metrics.flatMap((s) => Object.entries(s.labels ?? {})));
    for (const [name, value] of values) {
      expect(name).not.toMatch(/cluster|workspace/);
      expect(value).not.toMatch(/madeupthings|gizmos|made\.up|metrics-a|root:/);
    }

    const latency = families.get('atoll_apiserver_request_duration_seconds');
    expect(latency?.type).toBe('HISTOGRAM');
    const listed = matching(latency?.metrics ?? [], { surface: 'rest', verb: 'list', resource: 'configmaps' })[0];
    expect(Number(listed?.count)).toBeGreaterThanOrEqual(2);
    expect(Object.keys(listed?.buckets ?? {})).toContain('0.1');
    // A watch lasts as long as its client wants: no latency.
    expect(matching(latency?.metrics ?? [], { verb: 'watch' })).toEqual([]);
  });

  it('reports watchers, the store commits, the derived caches, the controllers’ queues and the process', async () => {
    const { families } = await scrape();
    expect(Number(samples(families, 'atoll_watch_hub_watchers')[0]?.value)).toBeGreaterThan(0);
    const commits = samples(families, 'atoll_storage_commit_duration_seconds')[0];
    expect(Number(commits?.count)).toBeGreaterThan(0);
    const sizes = samples(families, 'atoll_storage_commit_batch_size')[0];
    expect(Number(sizes?.sum)).toBeGreaterThanOrEqual(Number(sizes?.count));
    expect(Number(matching(samples(families, 'atoll_derived_cache_entries'), { cache: 'graphql_schema' })[0]?.value)).toBeGreaterThanOrEqual(1);
    const lookups = matching(samples(families, 'atoll_derived_cache_requests_total'), { cache: 'discovery' });
    expect(lookups.map((s) => s.labels?.result).sort()).toEqual(['hit', 'miss']);
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);
    // Every controller's queue, by name (idle ones at 0).
    const queues = samples(families, 'atoll_workqueue_depth').map((s) => s.labels.name);
    expect(queues).toEqual(expect.arrayContaining(['garbage_collector', 'namespace_deletion', 'workspace_lifecycle', 'crd', 'apibinding']));
    expect(queues).not.toContain('unnamed');
  });

  it('names each request in its answer: the client’s Audit-Id, or a new one', async () => {
    const own = await fx.fetch(`${fx.base}/readyz`, { headers: { 'audit-id': 'trace-me-42' } });
    expect(own.headers.get('audit-id')).toBe('trace-me-42');
    const fresh = await fx.fetch(`${fx.base}/readyz`, { headers: { 'audit-id': 'not/a sensible id' } });
    expect(fresh.headers.get('audit-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
