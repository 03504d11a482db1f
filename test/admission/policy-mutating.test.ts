/**
 * MutatingAdmissionPolicy against the real server: ApplyConfiguration (merged as apply merges:
 * labels added beside the object's own) and JSONPatch mutations, seen on REST and GraphQL writes;
 * the mutated object is what validating policies see; failurePolicy on a failing mutation; CEL
 * that does not compile refused with 422 at the expression's position.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
const G = 'admissionregistration.k8s.io';
const MAPS = (ws: string): string => `/clusters/${ws}/apis/${G}/v1beta1/mutatingadmissionpolicies`;
const MAPBS = (ws: string): string => `/clusters/${ws}/apis/${G}/v1beta1/mutatingadmissionpolicybindings`;
const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];

async function mutatingPolicy(ws: string, name: string, spec: Record<string, unknown>): Promise<void> {
  const p = await fx.call('POST', MAPS(ws), { metadata: { name }, spec: { matchConstraints: { resourceRules: rules }, ...spec } });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const b = await fx.call('POST', MAPBS(ws), { metadata: { name }, spec: { policyName: name } });
  expect(b.status, JSON.stringify(b.body)).toBe(201);
}

async function graphql(ws: string, query: string): Promise<{ data?: unknown; errors?: { message: string }[] }> {
  const res = await fetch(`${fx.base}/clusters/${ws}/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.json()) as Awaited<ReturnType<typeof graphql>>;
}

describe('MutatingAdmissionPolicy', () => {
  it('merges an ApplyConfiguration into REST and GraphQL writes', async () => {
    await fx.workspace('root', 'map-apply');
    const ws = 'root:map-apply';
    await mutatingPolicy(ws, 'team-label', {
      mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"team": "core", "by": request.userInfo.username}}}' } }],
    });
    const created = await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: 'a', labels: { own: 'yes' } }, data: { k: 'v' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata?.labels).toEqual({ own: 'yes', team: 'core', by: 'kcp-admin' });
    const g = await graphql(ws, 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "b" } }) { metadata { labels } } }');
    expect(g.data).toEqual({ createV1ConfigMap: { metadata: { labels: { team: 'core', by: 'kcp-admin' } } } });
    // An update gets the labels back.
    const updated = await fx.call('PUT', `${CONFIGMAPS(ws)}/a`, { metadata: { name: 'a' }, data: { k: 'w' } });
    expect(updated.body.metadata?.labels).toEqual({ team: 'core', by: 'kcp-admin' });
  });

  it('applies JSONPatch lists built from the object', async () => {
    await fx.workspace('root', 'map-jsonpatch');
    const ws = 'root:map-jsonpatch';
    await mutatingPolicy(ws, 'count-keys', {
      mutations: [
        {
          patchType: 'JSONPatch',
          jsonPatch: {
            expression: `has(object.data) ? [JSONPatch{op: "add", path: "/data/count", value: string(size(object.data))}] : [JSONPatch{op: "add", path: "/data", value: {"count": "0"}}]`,
          },
        },
      ],
    });
    const created = await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: 'a' }, data: { x: '1', y: '2' } });
    expect(created.body.data).toEqual({ x: '1', y: '2', count: '2' });
    const empty = await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: 'b' } });
    expect(empty.body.data).toEqual({ count: '0' });
    const g = await graphql(ws, 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "c" }, data: { z: "1" } }) { data } }');
    expect(g.data).toEqual({ createV1ConfigMap: { data: { z: '1', count: '1' } } });
  });

  it('reinvokes a policy with reinvocationPolicy IfNeeded after later mutations changed the object', async () => {
    await fx.workspace('root', 'map-reinvoke');
    const ws = 'root:map-reinvoke';
    const label = (expression: string) => [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression } }];
    // Policies run in name order: "a-reads" first sees no label b; "b-writes" adds it; "a-reads" runs again.
    await mutatingPolicy(ws, 'a-reads', {
      reinvocationPolicy: 'IfNeeded',
      mutations: label(`Object{metadata: Object.metadata{labels: {"a": has(object.metadata.labels) && "b" in object.metadata.labels ? "saw-b" : "no-b"}}}`),
    });
    await mutatingPolicy(ws, 'b-writes', { mutations: label('Object{metadata: Object.metadata{labels: {"b": "1"}}}') });
    const created = await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: 'x' } });
    expect(created.body.metadata?.labels).toEqual({ a: 'saw-b', b: '1' });
  });

  it('refuses the write when a mutation fails under failurePolicy Fail, and skips it under Ignore', async () => {
    await fx.workspace('root', 'map-fail');
    const ws = 'root:map-fail';
    await mutatingPolicy(ws, 'bad-patch', {
      failurePolicy: 'Fail',
      mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "replace", path: "/data/missing", value: "x"}]' } }],
    });
    const refused = await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: 'a' }, data: { k: 'v' } });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/^MutatingAdmissionPolicy 'bad-patch' with binding 'bad-patch' denied request: /);
    const p = await fx.call('GET', `${MAPS(ws)}/bad-patch`);
    const spec = { ...(p.body.spec as Record<string, unknown>), failurePolicy: 'Ignore' };
    expect((await fx.call('PUT', `${MAPS(ws)}/bad-patch`, { ...p.body, spec })).status).toBe(200);
    await eventually(async () => expect((await fx.call('POST', CONFIGMAPS(ws), { metadata: { name: `b-${Date.now()}` }, data: { k: 'v' } })).status).toBe(201));
  });

  it('refuses mutations that do not compile with 422 and the expression’s position', async () => {
    await fx.workspace('root', 'map-bad');
    const r = await fx.call('POST', MAPS('root:map-bad'), {
      metadata: { name: 'broken' },
      spec: { matchConstraints: { resourceRules: rules }, mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression: '[JSONPatch{op: "add", pth: "/x"}]' } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain("spec.mutations[0].jsonPatch.expression: Invalid value: \"[JSONPatch{op: \\\"add\\\", pth: \\\"/x\\\"}]\": compilation failed: ERROR: <input>:1:23: undefined field 'pth'");
  });
});
