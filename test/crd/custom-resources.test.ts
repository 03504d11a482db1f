/** Custom resources over REST: validation, defaulting, pruning, versions, status and scale, columns, field selectors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';
import { causesOf, CRDS, establish, widgetCrd, WIDGETS } from './fixtures.js';

const fx = useServer();
const WS = 'root:widgets';

beforeAll(async () => {
  await fx.workspace('root', 'widgets');
  await establish(fx, WS, widgetCrd());
});

describe('custom resources', () => {
  it('are created with defaults applied and unknown fields pruned (with a warning)', async () => {
    const res = await fetch(`${fx.base}${WIDGETS(WS)}`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { replicas: 3, bogus: true, extra: { anything: { goes: 1 } } } }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toContain('unknown field \\"spec.bogus\\"');
    const w = (await res.json()) as { spec: Record<string, unknown>; metadata: { generation: number } };
    expect(w.spec).toEqual({ replicas: 3, color: 'red', minReplicas: 0, extra: { anything: { goes: 1 } } });
    expect(w.metadata.generation).toBe(1);
  });

  it('refuse unknown fields with fieldValidation=Strict', async () => {
    const r = await fx.call('POST', `${WIDGETS(WS)}?fieldValidation=Strict`, { metadata: { name: 'strict' }, spec: { bogus: 1 } });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('unknown field "spec.bogus"');
  });

  it('report every invalid field at once', async () => {
    const r = await fx.call('POST', WIDGETS(WS), { metadata: { name: 'bad' }, spec: { color: 'purple', replicas: 101, size: 'big', tags: ['a', 'a'], port: true } });
    expect(r.status).toBe(422);
    const causes = causesOf(r.body).join('\n');
    expect(causes).toContain('spec.color: Unsupported value: "purple"');
    expect(causes).toContain('spec.replicas');
    expect(causes).toContain('spec.size');
    expect(causes).toContain('spec.tags[1]: Duplicate value: "a"');
    expect(causes).toContain('spec.port');
    expect(r.body.message).toContain('Widget.example.com "bad" is invalid');
  });

  it('enforce CEL rules, including transition rules on update', async () => {
    const bad = await fx.call('POST', WIDGETS(WS), { metadata: { name: 'cel' }, spec: { replicas: 1, minReplicas: 2 } });
    expect(bad.status).toBe(422);
    expect(causesOf(bad.body).join('\n')).toContain('replicas must be at least minReplicas');
    expect((await fx.call('POST', WIDGETS(WS), { metadata: { name: 'cel' }, spec: { owner: 'ann' } })).status).toBe(201);
    const moved = await fx.call('PATCH', `${WIDGETS(WS)}/cel`, { spec: { owner: 'bob' } }, 'application/merge-patch+json');
    expect(moved.status).toBe(422);
    expect(causesOf(moved.body).join('\n')).toContain('spec.owner: Invalid value');
    expect(causesOf(moved.body).join('\n')).toContain('owner is immutable');
    expect((await fx.call('PATCH', `${WIDGETS(WS)}/cel`, { spec: { replicas: 5 } }, 'application/merge-patch+json')).status).toBe(200);
  });

  it('are served in every served version, stored once', async () => {
    const created = await fx.call('POST', WIDGETS(WS, 'v1beta1'), { metadata: { name: 'beta' }, spec: { color: 'blue' } });
    expect(created.status).toBe(201);
    expect(created.body.apiVersion).toBe('example.com/v1beta1');
    const v1 = await fx.call('GET', `${WIDGETS(WS)}/beta`);
    expect(v1.body.apiVersion).toBe('example.com/v1');
    expect(v1.body.metadata?.uid).toBe(created.body.metadata?.uid);
    const list = await fx.call('GET', WIDGETS(WS, 'v1beta1'));
    expect(list.body.kind).toBe('WidgetList');
    expect((list.body.items as unknown as { apiVersion: string }[]).every((i) => i.apiVersion === 'example.com/v1beta1')).toBe(true);
  });

  it('keep status to the status subresource, bumping generation on spec changes only', async () => {
    await fx.call('POST', WIDGETS(WS), { metadata: { name: 'st' }, spec: { replicas: 2 } });
    const ignored = await fx.call('PATCH', `${WIDGETS(WS)}/st`, { status: { phase: 'Ready' } }, 'application/merge-patch+json');
    expect(ignored.body.status).toBeUndefined();
    expect(ignored.body.metadata?.generation).toBe(1);
    const status = await fx.call('PATCH', `${WIDGETS(WS)}/st/status`, { status: { phase: 'Ready', replicas: 2 } }, 'application/merge-patch+json');
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ phase: 'Ready', replicas: 2 });
    expect(status.body.metadata?.generation).toBe(1);
    const spec = await fx.call('PATCH', `${WIDGETS(WS)}/st`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
    expect(spec.body.metadata?.generation).toBe(2);
    expect(spec.body.status).toEqual({ phase: 'Ready', replicas: 2 });
  });

  it('serve /scale as an autoscaling/v1 Scale', async () => {
    const scale = await fx.call('GET', `${WIDGETS(WS)}/st/scale`);
    expect(scale.body).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'st', namespace: 'default' }, spec: { replicas: 4 }, status: { replicas: 2 } });
    const patched = await fx.call('PATCH', `${WIDGETS(WS)}/st/scale`, { spec: { replicas: 7 } }, 'application/merge-patch+json');
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ kind: 'Scale', spec: { replicas: 7 } });
    const put = await fx.call('PUT', `${WIDGETS(WS)}/st/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'st', namespace: 'default' }, spec: { replicas: 9 } });
    expect(put.status).toBe(200);
    const w = await fx.call('GET', `${WIDGETS(WS)}/st`);
    expect(w.body.spec?.replicas).toBe(9);
    expect(w.body.metadata?.generation).toBe(4);
    // The object's own schema still applies: replicas ≤ 100.
    const tooMany = await fx.call('PATCH', `${WIDGETS(WS)}/st/scale`, { spec: { replicas: 500 } }, 'application/merge-patch+json');
    expect(tooMany.status).toBe(422);
    const negative = await fx.call('PATCH', `${WIDGETS(WS)}/st/scale`, { spec: { replicas: -1 } }, 'application/merge-patch+json');
    expect(negative.status).toBe(422);
    const stale = await fx.call('PUT', `${WIDGETS(WS)}/st/scale`, { metadata: { name: 'st', resourceVersion: '1' }, spec: { replicas: 3 } });
    expect(stale.status).toBe(409);
  });

  it('print their columns in Tables', async () => {
    const res = await fetch(`${fx.base}${WIDGETS(WS)}?labelSelector=`, { headers: { ...fx.headers, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = (await res.json()) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Color', 'Replicas', 'Phase', 'Age']);
    expect(table.columnDefinitions.find((c) => c.name === 'Phase')?.priority).toBe(1);
    const st = table.rows.find((r) => r.cells[0] === 'st');
    expect(st?.cells.slice(0, 4)).toEqual(['st', 'red', 9, 'Ready']);
  });

  it('select by their selectable fields', async () => {
    const blue = await fx.call('GET', `${WIDGETS(WS)}?fieldSelector=spec.color%3Dblue`);
    expect(blue.status).toBe(200);
    expect(blue.body.items?.map((i) => i.metadata.name)).toEqual(['beta']);
    const unknown = await fx.call('GET', `${WIDGETS(WS)}?fieldSelector=spec.size%3D1Gi`);
    expect(unknown.status).toBe(400);
  });

  it('apply new defaults on read after the schema changes', async () => {
    const crd = await fx.call('GET', `${CRDS(WS)}/widgets.example.com`);
    const spec = crd.body.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[] };
    spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.shape = { type: 'string', default: 'round' };
    const updated = await fx.call('PUT', `${CRDS(WS)}/widgets.example.com`, crd.body);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    await eventually(async () => {
      const w = await fx.call('GET', `${WIDGETS(WS)}/w1`);
      expect(w.body.spec?.shape).toBe('round');
    });
  });
});

describe('a deprecated version', () => {
  it('answers every request with its deprecation warning, on REST and GraphQL', async () => {
    await fx.workspace('root', 'deprecated');
    const crd = widgetCrd();
    const versions = (crd.spec as { versions: Record<string, unknown>[] }).versions;
    versions[1] = { ...versions[1], deprecated: true };
    await establish(fx, 'root:deprecated', crd);
    const list = await fetch(`${fx.base}${WIDGETS('root:deprecated', 'v1beta1')}`, { headers: fx.headers });
    expect(list.status).toBe(200);
    expect(list.headers.get('warning')).toBe('299 - "example.com/v1beta1 Widget is deprecated"');
    const current = await fetch(`${fx.base}${WIDGETS('root:deprecated')}`, { headers: fx.headers });
    expect(current.status).toBe(200);
    expect(current.headers.get('warning')).toBeNull();
    // GraphQL returns it in extensions.warnings.
    const gql = async (query: string): Promise<{ extensions?: { warnings?: string[] } }> => {
      const res = await fetch(`${fx.base}/clusters/root:deprecated/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      return (await res.json()) as { extensions?: { warnings?: string[] } };
    };
    await eventually(async () => {
      const r = await gql('{ example_com { v1beta1 { Widgets(namespace: "default") { items { metadata { name } } } } } }');
      expect(r.extensions?.warnings).toEqual(['example.com/v1beta1 Widget is deprecated']);
    });
    expect((await gql('{ example_com { v1 { Widgets(namespace: "default") { items { metadata { name } } } } } }')).extensions).toBeUndefined();
  });
});

describe('custom resources and the controllers', () => {
  it('are deleted with their namespace, and by the garbage collector with their owner', async () => {
    expect((await fx.call('POST', `/clusters/${WS}/api/v1/namespaces`, { metadata: { name: 'doomed' } })).status).toBe(201);
    expect((await fx.call('POST', WIDGETS(WS, 'v1', 'doomed'), { metadata: { name: 'inside' }, spec: {} })).status).toBe(201);
    expect((await fx.call('DELETE', `/clusters/${WS}/api/v1/namespaces/doomed`)).status).toBeLessThan(300);
    await eventually(async () => expect((await fx.call('GET', `/clusters/${WS}/api/v1/namespaces/doomed`)).status).toBe(404));
    expect((await fx.call('GET', `${WIDGETS(WS, 'v1', 'doomed')}/inside`)).status).toBe(404);

    const owner = await fx.call('POST', WIDGETS(WS), { metadata: { name: 'owner' }, spec: {} });
    const ref = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'owner', uid: owner.body.metadata?.uid };
    expect((await fx.call('POST', `/clusters/${WS}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'owned', ownerReferences: [ref] } })).status).toBe(201);
    expect((await fx.call('DELETE', `${WIDGETS(WS)}/owner`)).status).toBe(200);
    await eventually(async () => expect((await fx.call('GET', `/clusters/${WS}/api/v1/namespaces/default/configmaps/owned`)).status).toBe(404));
  });
});
