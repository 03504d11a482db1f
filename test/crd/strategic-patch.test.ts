/**
 * Strategic merge patch on custom resources over REST, as the apiserver answers it: 415 with its
 * accepted media types for a CRD's objects and for objects of a resource bound from an APIExport,
 * and OpenAPI's PATCH operations do not offer it there (kubectl's client-side apply reads them);
 * built-in kinds, and CRDs in client-go's groups (kcp's exception), keep it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';
import { bind, publishWidgets, widget, WIDGETS as BOUND_WIDGETS } from '../apiexports/support.js';
import { establish, widgetCrd, WIDGETS } from './fixtures.js';

const fx = useServer();
const SMP = 'application/strategic-merge-patch+json';
const unsupported = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  reason: 'UnsupportedMediaType',
  code: 415,
};

/** The media types the OpenAPI v3 document of a group-version offers for PATCH of a path. */
async function patchTypes(cluster: string, gv: string, pathSuffix: string): Promise<string[]> {
  const doc = await fx.call('GET', `/clusters/${cluster}/openapi/v3/${gv}`);
  expect(doc.status).toBe(200);
  const paths = doc.body.paths as Record<string, { patch?: { requestBody: { content: Record<string, unknown> } } }>;
  const key = Object.keys(paths).find((p) => p.endsWith(pathSuffix));
  expect(key, Object.keys(paths).join('\n')).toBeDefined();
  return Object.keys(paths[key ?? '']?.patch?.requestBody.content ?? {});
}

describe('strategic merge patch on custom resources', () => {
  beforeAll(async () => {
    for (const ws of ['smp-crd', 'smp-provider', 'smp-consumer']) await fx.workspace('root', ws);
    await establish(fx, 'root:smp-crd', widgetCrd());
    await publishWidgets(fx, 'root:smp-provider');
    await bind(fx, 'root:smp-consumer', 'root:smp-provider');
  });

  it('is 415 for a CRD’s objects, which merge patch still changes', async () => {
    const created = await fx.call('POST', WIDGETS('root:smp-crd'), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { replicas: 1 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const r = await fx.call('PATCH', `${WIDGETS('root:smp-crd')}/w1`, { spec: { replicas: 2 } }, SMP);
    expect(r.status).toBe(415);
    expect(r.body).toEqual(unsupported);
    const status = await fx.call('PATCH', `${WIDGETS('root:smp-crd')}/w1/status`, { status: { phase: 'Ready' } }, SMP);
    expect(status.status).toBe(415);
    const merged = await fx.call('PATCH', `${WIDGETS('root:smp-crd')}/w1`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect((merged.body.spec as { replicas: number }).replicas).toBe(2);
  });

  it('is 415 for the objects of a resource bound from an APIExport', async () => {
    const created = await fx.call('POST', BOUND_WIDGETS('root:smp-consumer'), widget('b1', { size: 1 }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const r = await fx.call('PATCH', `${BOUND_WIDGETS('root:smp-consumer')}/b1`, { spec: { size: 2 } }, SMP);
    expect(r.status).toBe(415);
    expect(r.body).toEqual(unsupported);
  });

  it('is not offered by OpenAPI for custom resources, and still is for built-in kinds', async () => {
    const custom = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
    expect(await patchTypes('root:smp-crd', 'apis/example.com/v1', '/widgets/{name}')).toEqual(custom);
    expect(await patchTypes('root:smp-crd', 'apis/example.com/v1', '/widgets/{name}/status')).toEqual(custom);
    expect(await patchTypes('root:smp-consumer', 'apis/widgets.example.dev/v1', '/widgets/{name}')).toEqual(custom);
    expect(await patchTypes('root:smp-crd', 'api/v1', '/configmaps/{name}')).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      SMP,
      'application/apply-patch+yaml',
    ]);
  });
});
