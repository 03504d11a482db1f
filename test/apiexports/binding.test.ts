/**
 * Providers and consumers on a real server: an export's identity and endpoint slice, bindings that
 * serve the export's resources in consumers (REST, validation from the schema, GraphQL, one shared
 * API set), isolation between consumers and between exports of the same resource, conflicts,
 * deletion, the `bind` permission and the maximal permission policy.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';
import { APIS, bind, boundBinding, publishWidgets, widget, widgetCrd, WIDGETS, widgetSchema } from './support.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-apis-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'alice-token,alice,1001\nbob-token,bob,1002\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const rbacRef = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });

async function grant(ws: string, name: string, rules: object[], subjects: object[]): Promise<void> {
  expect((await fx.call('POST', `/clusters/${ws}${RBAC}/clusterroles`, { metadata: { name }, rules })).status).toBe(201);
  const r = await fx.call('POST', `/clusters/${ws}${RBAC}/clusterrolebindings`, { metadata: { name }, roleRef: rbacRef(name), subjects });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const cond = (body: { status?: Record<string, unknown> }, type: string) =>
  ((body.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[]).find((c) => c.type === type);

describe('an export bound by two consumers', () => {
  let exported: Awaited<ReturnType<typeof publishWidgets>>;
  beforeAll(async () => {
    for (const ws of ['provider', 'c1', 'c2', 'c3']) await fx.workspace('root', ws);
    exported = await publishWidgets(fx, 'root:provider');
    await bind(fx, 'root:c1', 'root:provider');
    await bind(fx, 'root:c2', 'root:provider');
  });

  it('gives the export an identity from a generated secret, and a default endpoint slice listing its view', async () => {
    const secret = await fx.call('GET', '/clusters/root:provider/api/v1/namespaces/kcp-system/secrets/widgets');
    expect(secret.status).toBe(200);
    const key = Buffer.from(String((secret.body.data as Record<string, string>).key), 'base64');
    expect(key.toString()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(exported.status?.identityHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(exported.spec?.identity).toEqual({ secretRef: { namespace: 'kcp-system', name: 'widgets' } });
    expect(cond(exported, 'IdentityValid')?.status).toBe('True');
    const providerCluster = String((await fx.call('GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/provider')).body.spec?.cluster);
    await eventually(async () => {
      const slice = await fx.call('GET', `${APIS('root:provider', 'v1alpha1')}/apiexportendpointslices/widgets`);
      expect(slice.body.status?.endpoints).toEqual([{ url: `${fx.base}/services/apiexport/${providerCluster}/widgets` }]);
    });
  });

  it('records the bound schema, the identity and kcp’s conditions on the binding', async () => {
    const b = await boundBinding(fx, 'root:c1', 'widgets');
    const schema = await fx.call('GET', `${APIS('root:provider', 'v1alpha1')}/apiresourceschemas/v1.widgets.widgets.example.dev`);
    expect(b.status?.boundResources).toEqual([
      {
        group: 'widgets.example.dev',
        resource: 'widgets',
        schema: { name: 'v1.widgets.widgets.example.dev', UID: schema.body.metadata?.uid, identityHash: exported.status?.identityHash },
        storageVersions: ['v1'],
      },
    ]);
    for (const type of ['Ready', 'APIExportValid', 'BindingUpToDate', 'InitialBindingCompleted', 'PermissionClaimsApplied', 'PermissionClaimsValid']) {
      expect(cond(b, type)?.status, type).toBe('True');
    }
    expect(((b.status?.conditions ?? []) as { type: string }[])[0]?.type).toBe('Ready');
    expect(b.metadata?.finalizers).toContain('apis.kcp.io/apibinding-finalizer');
  });

  it('serves the resource in each consumer with the schema’s defaults, validation and columns, and nowhere else', async () => {
    const made = await fx.call('POST', WIDGETS('root:c1'), widget('w1', { color: 'red' }));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.spec).toEqual({ color: 'red', size: 3 });
    const tooBig = await fx.call('POST', WIDGETS('root:c1'), widget('w2', { size: 1000 }));
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.message).toContain('size must be at most 100');
    const badEnum = await fx.call('POST', WIDGETS('root:c1'), widget('w3', { color: 'green' }));
    expect(badEnum.status).toBe(422);
    expect(badEnum.body.details?.causes?.[0]?.field).toBe('spec.color');
    // Consumers are isolated: c2 has its own (empty) widgets, c3 has none at all.
    expect((await fx.call('GET', WIDGETS('root:c2'))).body.items).toEqual([]);
    expect((await fx.call('GET', WIDGETS('root:c3'))).status).toBe(404);
    const res = await fx.fetch(`${fx.base}${WIDGETS('root:c1')}`, { headers: { ...fx.headers, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = (await res.json()) as { columnDefinitions: { name: string }[] };
    // As for CRDs: printer columns replace the default Age column.
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Size']);
    const discovery = await fx.call('GET', '/clusters/root:c1/apis/widgets.example.dev/v1');
    expect((discovery.body.resources as { name: string }[]).map((r) => r.name)).toEqual(['widgets', 'widgets/status']);
  });

  it('serves bound resources in the consumers’ GraphQL schema, one API set for all consumers of the export', async () => {
    await fx.call('POST', WIDGETS('root:c2'), widget('g1', { size: 7 }));
    const res = await fx.fetch(`${fx.base}/clusters/root:c2/graphql`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ widgets_example_dev { v1 { Widgets(namespace: "default") { items { metadata { name } spec { size } } } } } }' }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(JSON.stringify(body.data)).toContain('"size":7');
    const resolve = (p: string) => fx.server['resolver'].resolve(p);
    const [c1, c2] = await Promise.all([resolve('root:c1'), resolve('root:c2')]);
    const catalog = fx.server['catalog'];
    expect(await catalog.forCluster(c1 as string)).toBe(await catalog.forCluster(c2 as string));
  });

  it('serves v1alpha1 of the export and the binding, converted from storage', async () => {
    const v1 = await fx.call('GET', `${APIS('root:provider', 'v1alpha1')}/apiexports/widgets`);
    expect(v1.body.spec?.latestResourceSchemas).toEqual(['v1.widgets.widgets.example.dev']);
    const b = await fx.call('GET', `${APIS('root:c1', 'v1alpha1')}/apibindings/widgets`);
    expect(b.body.spec?.reference).toEqual({ export: { path: 'root:provider', name: 'widgets' } });
    expect(b.body.status?.phase).toBe('Bound');
  });

  it('refuses a CRD that would take the bound resource', async () => {
    const crd = await fx.call('POST', '/clusters/root:c1/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
    expect(crd.status).toBe(403);
    expect(crd.body.message).toContain('cannot create because resource is bound by APIBinding "widgets"');
  });
});

describe('binding rules', () => {
  beforeAll(async () => {
    for (const ws of ['p2', 'p3', 'k1', 'k2', 'k3']) await fx.workspace('root', ws);
    await publishWidgets(fx, 'root:p2');
  });

  it('takes verb bind on the export, in the export’s workspace, with one answer whether the export exists or not', async () => {
    await grant('root:k1', 'alice-apibindings', [{ apiGroups: ['apis.kcp.io'], resources: ['apibindings'], verbs: ['*'] }], [user('alice')]);
    await grant('root:k1', 'alice-access', [{ nonResourceURLs: ['/'], verbs: ['access'] }], [user('alice')]);
    const body = (name: string, p: string) => ({ metadata: { name }, spec: { reference: { export: { path: p, name } } } });
    const denied = await fx.callAs('alice-token', 'POST', `${APIS('root:k1')}/apibindings`, body('widgets', 'root:p2'));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('apibindings.apis.kcp.io "widgets" is forbidden: unable to create APIBinding: no permission to bind to export root:p2:widgets');
    const missing = await fx.callAs('alice-token', 'POST', `${APIS('root:k1')}/apibindings`, body('nothing', 'root:nowhere'));
    expect(missing.status).toBe(403);
    expect(missing.body.message).toContain('no permission to bind to export root:nowhere:nothing');
    await grant('root:p2', 'alice-bind', [{ apiGroups: ['apis.kcp.io'], resources: ['apiexports'], resourceNames: ['widgets'], verbs: ['bind'] }], [user('alice')]);
    await eventually(async () => {
      const ok = await fx.callAs('alice-token', 'POST', `${APIS('root:k1')}/apibindings`, body('widgets', 'root:p2'));
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });
    await boundBinding(fx, 'root:k1', 'widgets');
  });

  it('keeps a binding of a missing export in phase Binding with APIExportNotFound', async () => {
    const r = await fx.call('POST', `${APIS('root:k2')}/apibindings`, { metadata: { name: 'ghost' }, spec: { reference: { export: { path: 'root:p2', name: 'ghost' } } } });
    expect(r.status).toBe(201);
    await eventually(async () => {
      const got = await fx.call('GET', `${APIS('root:k2')}/apibindings/ghost`);
      expect(got.body.status?.phase).toBe('Binding');
      expect(cond(got.body, 'APIExportValid')).toMatchObject({ status: 'False', reason: 'APIExportNotFound', message: 'APIExport root:p2|ghost not found' });
      expect(cond(got.body, 'Ready')?.status).toBe('False');
    });
    const current = await fx.call('GET', `${APIS('root:k2')}/apibindings/ghost`);
    const moved = await fx.call('PUT', `${APIS('root:k2')}/apibindings/ghost`, { ...current.body, spec: { reference: { export: { path: 'root:p2', name: 'widgets' } } } });
    expect(moved.status).toBe(422);
    expect(moved.body.message).toContain('APIExport reference must not be changed');
  });

  it('treats two exports of the same resource as two APIs: the second binding conflicts, objects never mix', async () => {
    await bind(fx, 'root:k2', 'root:p2');
    await fx.call('POST', WIDGETS('root:k2'), widget('from-p2'));
    await fx.workspace('root', 'p4');
    const other = await publishWidgets(fx, 'root:p4');
    const r = await fx.call('POST', `${APIS('root:k2')}/apibindings`, { metadata: { name: 'other' }, spec: { reference: { export: { path: 'root:p4', name: 'widgets' } } } });
    expect(r.status).toBe(201);
    await eventually(async () => {
      const got = await fx.call('GET', `${APIS('root:k2')}/apibindings/other`);
      expect(cond(got.body, 'InitialBindingCompleted')).toMatchObject({ status: 'False', reason: 'NamingConflicts' });
      expect(cond(got.body, 'InitialBindingCompleted')?.message).toContain('naming conflict with APIBinding "widgets"');
    });
    // A consumer of p4 sees none of p2's objects: they live under another identity.
    await bind(fx, 'root:k3', 'root:p4');
    expect((await fx.call('GET', WIDGETS('root:k3'))).body.items).toEqual([]);
    expect(other.status?.identityHash).not.toBe((await fx.call('GET', `${APIS('root:p2')}/apiexports/widgets`)).body.status?.identityHash);
  });

  it('conflicts with a CRD already serving the names', async () => {
    await fx.workspace('root', 'k4');
    const crd = await fx.call('POST', '/clusters/root:k4/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd());
    expect(crd.status).toBe(201);
    await eventually(async () => expect((await fx.call('GET', WIDGETS('root:k4'))).status).toBe(200));
    await fx.call('POST', `${APIS('root:k4')}/apibindings`, { metadata: { name: 'widgets' }, spec: { reference: { export: { path: 'root:p2', name: 'widgets' } } } });
    await eventually(async () => {
      const got = await fx.call('GET', `${APIS('root:k4')}/apibindings/widgets`);
      expect(cond(got.body, 'InitialBindingCompleted')?.message).toBe(
        'Unable to bind APIs: naming conflict with CustomResourceDefinition "widgets.widgets.example.dev": spec.names.plural=widgets is forbidden',
      );
    });
  });

  it('deletes the consumer’s objects with the binding, then stops serving the resource', async () => {
    await fx.workspace('root', 'k5');
    await bind(fx, 'root:k5', 'root:p2');
    for (const n of ['a', 'b']) expect((await fx.call('POST', WIDGETS('root:k5'), widget(n))).status).toBe(201);
    expect((await fx.call('DELETE', `${APIS('root:k5')}/apibindings/widgets`)).status).toBeLessThan(300);
    await eventually(async () => expect((await fx.call('GET', `${APIS('root:k5')}/apibindings/widgets`)).status).toBe(404));
    await eventually(async () => expect((await fx.call('GET', WIDGETS('root:k5'))).status).toBe(404));
    // Binding again finds nothing left behind.
    await bind(fx, 'root:k5', 'root:p2');
    expect((await fx.call('GET', WIDGETS('root:k5'))).body.items).toEqual([]);
  });

  it('rolls a new schema of the export out to its bindings; the consumer sees which schema it is on', async () => {
    await fx.workspace('root', 'k6');
    await bind(fx, 'root:k6', 'root:p2');
    const v2 = widgetSchema('v2', { label: { type: 'string', default: 'fresh' } });
    expect((await fx.call('POST', `${APIS('root:p2', 'v1alpha1')}/apiresourceschemas`, v2)).status).toBe(201);
    const exp = await fx.call('GET', `${APIS('root:p2')}/apiexports/widgets`);
    const spec = { ...exp.body.spec, resources: [{ name: 'widgets', group: 'widgets.example.dev', schema: 'v2.widgets.widgets.example.dev', storage: { crd: {} } }] };
    expect((await fx.call('PUT', `${APIS('root:p2')}/apiexports/widgets`, { ...exp.body, spec })).status).toBe(200);
    await eventually(async () => {
      const b = await fx.call('GET', `${APIS('root:k6')}/apibindings/widgets`);
      expect((b.body.status?.boundResources as { schema: { name: string } }[])[0]?.schema.name).toBe('v2.widgets.widgets.example.dev');
    });
    await eventually(async () => {
      const made = await fx.call('POST', WIDGETS('root:k6'), widget(`rolled-${Date.now()}`));
      expect(made.body.spec).toEqual({ size: 3, label: 'fresh' });
    });
  });

  it('conflicts with a built-in resource', async () => {
    await fx.workspace('root', 'k7');
    const core = {
      metadata: { name: 'v1.configmaps.core' },
      spec: {
        group: '',
        names: { plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', listKind: 'ConfigMapList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }],
      },
    };
    expect((await fx.call('POST', `${APIS('root:p2', 'v1alpha1')}/apiresourceschemas`, core)).status).toBe(201);
    const exp = { metadata: { name: 'configmaps' }, spec: { resources: [{ name: 'configmaps', group: '', schema: 'v1.configmaps.core', storage: { crd: {} } }] } };
    expect((await fx.call('POST', `${APIS('root:p2')}/apiexports`, exp)).status).toBe(201);
    await fx.call('POST', `${APIS('root:k7')}/apibindings`, { metadata: { name: 'cm' }, spec: { reference: { export: { path: 'root:p2', name: 'configmaps' } } } });
    await eventually(async () => {
      const got = await fx.call('GET', `${APIS('root:k7')}/apibindings/cm`);
      expect(cond(got.body, 'InitialBindingCompleted')?.message).toBe('Unable to bind APIs: naming conflict with built-in resource "configmaps": spec.names.plural=configmaps is forbidden');
    });
    // The built-in stays what it was.
    expect((await fx.call('POST', '/clusters/root:k7/api/v1/namespaces/default/configmaps', { metadata: { name: 'plain' }, data: { a: 'b' } })).status).toBe(201);
  });

  it('refuses schemas that are not structural or badly named, and changes of a schema', async () => {
    const bad = widgetSchema('v2');
    (bad.spec.versions[0] as { schema: unknown }).schema = { type: 'object', properties: { spec: { properties: { size: { type: 'integer' } } } } };
    const r = await fx.call('POST', `${APIS('root:p2', 'v1alpha1')}/apiresourceschemas`, bad);
    expect(r.status).toBe(422);
    expect(r.body.details?.causes?.length).toBeGreaterThan(0);
    const misnamed = { ...widgetSchema('v3'), metadata: { name: 'v3.gadgets.widgets.example.dev' } };
    expect((await fx.call('POST', `${APIS('root:p2', 'v1alpha1')}/apiresourceschemas`, misnamed)).status).toBe(422);
    const current = await fx.call('GET', `${APIS('root:p2', 'v1alpha1')}/apiresourceschemas/v1.widgets.widgets.example.dev`);
    const changed = structuredClone(current.body) as { spec: { scope: string } };
    changed.spec.scope = 'Cluster';
    expect((await fx.call('PUT', `${APIS('root:p2', 'v1alpha1')}/apiresourceschemas/v1.widgets.widgets.example.dev`, changed)).status).toBe(422);
  });
});

describe('the maximal permission policy', () => {
  beforeAll(async () => {
    for (const ws of ['mp', 'mc']) await fx.workspace('root', ws);
    await publishWidgets(fx, 'root:mp', { maximalPermissionPolicy: { local: {} } });
    await bind(fx, 'root:mc', 'root:mp');
    await grant('root:mc', 'bob-edit', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['/'], verbs: ['access'] }], [user('bob')]);
  });

  it('limits a consumer’s user by RBAC in the provider’s workspace on apis.kcp.io:binding: subjects', async () => {
    const denied = await fx.callAs('bob-token', 'GET', WIDGETS('root:mc'));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('policy');
    // Configmaps are not the export's: the consumer's RBAC alone decides.
    expect((await fx.callAs('bob-token', 'GET', '/clusters/root:mc/api/v1/namespaces/default/configmaps')).status).toBe(200);
    await grant(
      'root:mp',
      'read-widgets',
      [{ apiGroups: ['widgets.example.dev'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] }],
      [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'apis.kcp.io:binding:system:authenticated' }],
    );
    await eventually(async () => expect((await fx.callAs('bob-token', 'GET', WIDGETS('root:mc'))).status).toBe(200));
    expect((await fx.callAs('bob-token', 'POST', WIDGETS('root:mc'), widget('nope'))).status).toBe(403);
  });

  it('also limits another provider that claims the resource, in its view (kcp’s third check)', async () => {
    await fx.workspace('root', 'claimer');
    const identityHash = (await fx.call('GET', `${APIS('root:mp')}/apiexports/widgets`)).body.status?.identityHash;
    const claim = { group: 'widgets.example.dev', resource: 'widgets', identityHash, verbs: ['*'] };
    expect((await fx.call('POST', `${APIS('root:claimer')}/apiexports`, { metadata: { name: 'watcher' }, spec: { permissionClaims: [claim] } })).status).toBe(201);
    await eventually(async () => expect((await fx.call('GET', `${APIS('root:claimer')}/apiexports/watcher`)).body.status?.identityHash).toBeDefined());
    await bind(fx, 'root:mc', 'root:claimer', 'watcher', { permissionClaims: [{ ...claim, selector: { matchAll: true }, state: 'Accepted' }] });
    const claimer = String((await fx.call('GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/claimer')).body.spec?.cluster);
    const mc = String((await fx.call('GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/mc')).body.spec?.cluster);
    const view = `/services/apiexport/${claimer}/watcher/clusters`;
    // root:mp lets every consumer's user read widgets, nothing more: so does the claimer's view.
    await eventually(async () => expect((await fx.call('GET', `${view}/*/apis/widgets.example.dev/v1/widgets`)).status).toBe(200));
    const write = await fx.call('POST', `${view}/${mc}/apis/widgets.example.dev/v1/namespaces/default/widgets`, widget('claimed'));
    expect(write.status).toBe(403);
    expect(write.body.message).toContain('policy');
  });
});
