/**
 * The apis.kcp.io kinds at registry level: their shapes and defaults, and the rules kcp enforces
 * on APIResourceSchemas, APIExports, APIBindings and APIExportEndpointSlices, with field paths.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import {
  APIBINDING_FINALIZER,
  apiBindings,
  apiExportEndpointSlices,
  apiExports,
  apiExportsV1alpha1,
  apiResourceSchemas,
  apisResourceTypes,
  BUILTIN_CLAIMABLE_APIS,
} from '../../src/apiexports/kinds/index.js';
import type { ResourceType } from '../../src/registry/index.js';
import { ctx, fields, invalid, refused, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();

const create = (t: ResourceType, body: object, options = {}) => fx.reg.create(ctx, t, undefined, body, options);
const get = (t: ResourceType, name: string) => fx.reg.get(ctx, t, undefined, name);
const update = (t: ResourceType, body: KubeObject, subresource?: string) =>
  fx.reg.update(ctx, t, undefined, body.metadata.name as string, body, subresource ? { subresource } : {});
const causes = (e: { details?: { causes?: { field?: string; message?: string }[] } }) => e.details?.causes?.map((c) => `${c.field}: ${c.message}`) ?? [];

const widgetSchema = { type: 'object', properties: { spec: { type: 'object', properties: { color: { type: 'string' } } } } };

function schemaBody(name = 'v1.widgets.example.com', spec: Record<string, unknown> = {}): object {
  return {
    metadata: { name },
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', kind: 'Widget' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', storage: true, schema: widgetSchema }],
      ...spec,
    },
  };
}

describe('the served types', () => {
  it('are cluster-scoped, in category kcp, without short names, with status where kcp has it', () => {
    expect(apisResourceTypes.map((t) => [t.resource, t.version, t.hasStatus])).toEqual([
      ['apiresourceschemas', 'v1alpha1', false],
      ['apiexports', 'v1alpha2', true],
      ['apiexports', 'v1alpha1', true],
      ['apibindings', 'v1alpha2', true],
      ['apibindings', 'v1alpha1', true],
      ['apiexportendpointslices', 'v1alpha1', true],
    ]);
    for (const t of apisResourceTypes) {
      expect(t).toMatchObject({ group: 'apis.kcp.io', namespaced: false, categories: ['kcp'], shortNames: [], listKind: `${t.kind}List` });
      expect(t.schema?.components[t.schema.name]?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'apis.kcp.io', version: t.version, kind: t.kind }]);
    }
    expect(apiExports.schema?.name).toBe('io.kcp.apis.v1alpha2.APIExport');
    expect(apiResourceSchemas.schema?.name).toBe('io.kcp.apis.v1alpha1.APIResourceSchema');
  });

  it('print kcp’s columns', () => {
    const names = (t: ResourceType) => (t.columns ?? []).map((c) => c.name);
    expect(names(apiResourceSchemas)).toEqual([]);
    expect(names(apiExports)).toEqual([]);
    expect(names(apiExportsV1alpha1)).toEqual(['Name', 'Age', 'Ready']);
    expect(names(apiBindings)).toEqual(['Name', 'Age', 'Ready']);
    expect(names(apiExportEndpointSlices)).toEqual(['Export', 'Partition']);
  });
});

describe('APIResourceSchema', () => {
  it('is created, read and listed, with CRD-like defaults', async () => {
    const created = await create(apiResourceSchemas, schemaBody());
    expect(created.spec).toMatchObject({
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      nameValidation: 'DNS1123Subdomain',
      versions: [{ name: 'v1', served: true, storage: true }],
    });
    expect((await get(apiResourceSchemas, 'v1.widgets.example.com')).spec).toEqual(created.spec);
    await create(apiResourceSchemas, schemaBody('v2.things.core', { group: '', names: { plural: 'things', kind: 'Thing' } }));
    const list = await fx.reg.list(ctx, apiResourceSchemas);
    expect(list.items.map((o) => o.metadata.name)).toEqual(['v1.widgets.example.com', 'v2.things.core']);
  });

  it('is named <prefix>.<plural>.<group or core>', async () => {
    const suffix = await invalid(() => create(apiResourceSchemas, schemaBody('widgets.example.com')));
    expect(causes(suffix)).toEqual(['metadata.name: Invalid value: "widgets.example.com": must end in .widgets.example.com']);
    const prefix = await invalid(() => create(apiResourceSchemas, schemaBody('v1.a.widgets.example.com')));
    expect(causes(prefix)).toEqual(['metadata.name: Invalid value: "v1.a.widgets.example.com": must match ^[a-z]([-a-z0-9]*[a-z0-9])?$ in front of .widgets.example.com']);
    const core = await invalid(() => create(apiResourceSchemas, schemaBody('v1.widgets.example.com', { group: '' })));
    expect(causes(core)).toEqual(['metadata.name: Invalid value: "v1.widgets.example.com": must end in .widgets.core']);
  });

  it('checks the group as kcp does', async () => {
    expect(fields(await invalid(() => create(apiResourceSchemas, schemaBody('v1.widgets.core', { group: 'core' }))))).toEqual(['spec.group']);
    const dotless = await invalid(() => create(apiResourceSchemas, schemaBody('v1.widgets.example', { group: 'example' })));
    expect(causes(dotless)).toEqual(['spec.group: Invalid value: "example": should be a domain with at least one dot']);
    await create(apiResourceSchemas, schemaBody('v1.widgets.apps', { group: 'apps' }));
    const protectedGroup = await invalid(() => create(apiResourceSchemas, schemaBody('v1.widgets.x.k8s.io', { group: 'x.k8s.io' })));
    expect(fields(protectedGroup)).toEqual(['metadata.annotations[api-approved.kubernetes.io]']);
    await create(apiResourceSchemas, { ...schemaBody('v1.widgets.y.k8s.io', { group: 'y.k8s.io' }), metadata: { name: 'v1.widgets.y.k8s.io', annotations: { 'api-approved.kubernetes.io': 'unapproved, testing' } } });
  });

  it('refuses a schema that is not structural, with a cause per problem', async () => {
    const loose = { type: 'object', properties: { spec: { properties: { color: { type: 'string' } } } } };
    const err = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { versions: [{ name: 'v1', storage: true, schema: loose }] })));
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes?.length).toBeGreaterThan(0);
    for (const f of fields(err)) expect(f).toMatch(/^spec\.versions\[0\]\.schema\./);
    expect(err.message).toContain('APIResourceSchema.apis.kcp.io "v1.widgets.example.com" is invalid: spec.versions[0].schema.properties[spec].type: Required value');
  });

  it('needs exactly one storage version, unique valid version names, and a conversion for several', async () => {
    const v = (name: string, storage: boolean) => ({ name, storage, schema: widgetSchema });
    const two = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { versions: [v('v1', true), v('v2', true)], conversion: { strategy: 'None' } })));
    expect(causes(two)).toEqual(['spec.versions: Invalid value: 2: must have exactly one version marked as storage version']);
    const noConversion = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { versions: [v('v1', true), v('v2', false)] })));
    expect(causes(noConversion)).toEqual(['spec: Invalid value: "object": Conversion must be specified when multiple versions exist']);
    const dup = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { versions: [v('v1', true), v('v1', false)], conversion: { strategy: 'None' } })));
    expect(fields(dup)).toEqual(['spec.versions[1].name']);
    const badName = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { versions: [v('one', true)] })));
    expect(fields(badName)).toEqual(['spec.versions[0].name']);
    const webhook = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { conversion: { strategy: 'None', webhook: { conversionReviewVersions: ['v1'] } } })));
    expect(causes(webhook)).toEqual(['spec.conversion: Invalid value: "object": Webhook must be specified if strategy=Webhook']);
    const column = await invalid(() =>
      create(apiResourceSchemas, schemaBody(undefined, { versions: [{ ...v('v1', true), additionalPrinterColumns: [{ name: 'Color', type: 'colour', jsonPath: '.spec.color' }] }] })),
    );
    expect(fields(column)).toEqual(['spec.versions[0].additionalPrinterColumns[0].type']);
    const warning = await invalid(() => create(apiResourceSchemas, schemaBody(undefined, { versions: [{ ...v('v1', true), deprecationWarning: 'old' }] })));
    expect(causes(warning)).toEqual(['spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions']);
  });

  it('keeps its spec forever; metadata may change', async () => {
    const created = await create(apiResourceSchemas, schemaBody());
    const changed = structuredClone(created);
    (changed.spec as { scope: string }).scope = 'Cluster';
    expect(causes(await invalid(() => update(apiResourceSchemas, changed)))).toEqual(['spec: Invalid value: "object": is immutable']);
    const labelled = structuredClone(created);
    labelled.metadata.labels = { team: 'a' };
    expect((await update(apiResourceSchemas, labelled)).metadata.labels).toEqual({ team: 'a' });
  });

  it('reports unknown fields per the field-validation mode', async () => {
    const body = schemaBody(undefined, { colour: 'red' });
    const strict = await refused(() => create(apiResourceSchemas, body, { fieldValidation: 'Strict' }));
    expect(strict.code).toBe(400);
    expect(strict.message).toContain('unknown field "spec.colour"');
    const warnings: string[] = [];
    const created = await fx.reg.create({ ...ctx, warnings }, apiResourceSchemas, undefined, body);
    expect(created.spec).not.toHaveProperty('colour');
    expect(warnings).toEqual(['unknown field "spec.colour"']);
  });
});

function exportBody(name = 'widgets.example.com', spec: Record<string, unknown> = {}): object {
  return { metadata: { name }, spec: { resources: [{ name: 'widgets', group: 'example.com', schema: 'v1.widgets.example.com' }], ...spec } };
}

describe('APIExport', () => {
  it('is created with kcp’s defaults', async () => {
    const created = await create(apiExports, exportBody('e', { permissionClaims: [{ resource: 'configmaps', verbs: ['get'] }] }));
    expect(created.spec).toEqual({
      resources: [{ name: 'widgets', group: 'example.com', schema: 'v1.widgets.example.com', storage: { crd: {} } }],
      permissionClaims: [{ group: '', resource: 'configmaps', verbs: ['get'], identityHash: '' }],
    });
    expect((await fx.reg.list(ctx, apiExports)).items.map((o) => o.metadata.name)).toEqual(['e']);
  });

  it('refuses a resource whose schema is not named for it', async () => {
    const err = await invalid(() => create(apiExports, exportBody('e', { resources: [{ name: 'gadgets', group: '', schema: 'v1.widgets.core' }] })));
    expect(causes(err)).toEqual(['spec.resources[0].schema: Invalid value: "v1.widgets.core": must end in .gadgets.core']);
    const both = await invalid(() =>
      create(apiExports, exportBody('e', { resources: [{ name: 'widgets', group: 'example.com', schema: 'v1.widgets.example.com', storage: { crd: {}, virtual: { reference: { kind: 'K', name: 'n' }, identityHash: 'h' } } }] })),
    );
    expect(fields(both)).toEqual(['spec.resources[0].storage']);
  });

  it('needs an identity hash to claim what is not built in, and at least one verb', async () => {
    const err = await invalid(() => create(apiExports, exportBody('e', { permissionClaims: [{ group: 'example.com', resource: 'gadgets', verbs: ['get'] }] })));
    expect(causes(err)).toEqual(['spec.permissionClaims[0].identityHash: Invalid value: "": identityHash is required for API types that are not built-in']);
    await create(apiExports, exportBody('ok', { permissionClaims: [{ group: 'example.com', resource: 'gadgets', verbs: ['*'], identityHash: 'abc' }, { resource: 'secrets', verbs: ['list'] }, { group: 'apis.kcp.io', resource: 'apibindings', verbs: ['get'] }] }));
    expect(BUILTIN_CLAIMABLE_APIS).toContainEqual({ group: 'rbac.authorization.k8s.io', resource: 'roles' });
    const noVerbs = await invalid(() => create(apiExports, exportBody('e', { permissionClaims: [{ resource: 'secrets', verbs: [] }] })));
    expect(fields(noVerbs)).toEqual(['spec.permissionClaims[0].verbs']);
    const badResource = await invalid(() => create(apiExports, exportBody('e', { permissionClaims: [{ resource: 'Secrets', verbs: ['get'] }] })));
    expect(fields(badResource)).toEqual(['spec.permissionClaims[0].resource']);
  });

  it('keeps status.identityHash once set', async () => {
    const created = await create(apiExports, exportBody());
    const first = await update(apiExports, { ...created, status: { identityHash: 'aaa' } }, 'status');
    expect(first.status).toEqual({ identityHash: 'aaa' });
    const err = await invalid(() => update(apiExports, { ...first, status: { identityHash: 'bbb' } }, 'status'));
    expect(causes(err)).toEqual(['status.identityHash: Invalid value: "bbb": field is immutable']);
    const conditions = [{ type: 'IdentityValid', status: 'True', severity: '', lastTransitionTime: '2026-01-01T00:00:00Z' }];
    expect((await update(apiExports, { ...first, status: { identityHash: 'aaa', conditions } }, 'status')).status).toMatchObject({ conditions });
  });
});

function bindingBody(name = 'b', spec: Record<string, unknown> = {}): object {
  return { metadata: { name }, spec: { reference: { export: { path: 'root:provider', name: 'widgets.example.com' } }, ...spec } };
}

const claim = (extra: Record<string, unknown>) => ({ resource: 'configmaps', verbs: ['*'], state: 'Accepted', selector: { matchAll: true }, ...extra });

describe('APIBinding', () => {
  it('is created with its finalizer and claim defaults', async () => {
    const created = await create(apiBindings, bindingBody('b', { permissionClaims: [claim({})] }));
    expect(created.metadata.finalizers).toEqual([APIBINDING_FINALIZER]);
    expect(created.spec).toMatchObject({ permissionClaims: [{ group: '', identityHash: '', resource: 'configmaps' }] });
    expect((await get(apiBindings, 'b')).metadata.finalizers).toEqual([APIBINDING_FINALIZER]);
  });

  it('needs a reference to an export by name', async () => {
    expect(causes(await invalid(() => create(apiBindings, { metadata: { name: 'b' }, spec: { reference: {} } })))).toEqual(['spec.reference.export: Required value']);
    expect(fields(await invalid(() => create(apiBindings, { metadata: { name: 'b' }, spec: { reference: { export: { name: '' } } } })))).toEqual(['spec.reference.export.name']);
    expect(fields(await invalid(() => create(apiBindings, { metadata: { name: 'b' } })))).toEqual(['spec']);
    const path = await invalid(() => create(apiBindings, { metadata: { name: 'b' }, spec: { reference: { export: { path: 'Root:Org', name: 'e' } } } }));
    expect(causes(path)).toEqual([`spec.reference.export.path: Invalid value: "Root:Org": should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'`]);
  });

  it('never changes its reference', async () => {
    const created = await create(apiBindings, bindingBody());
    const moved = structuredClone(created);
    (moved.spec as { reference: { export: { name: string } } }).reference.export.name = 'other';
    expect(causes(await invalid(() => update(apiBindings, moved)))).toEqual(['spec.reference: Invalid value: "object": APIExport reference must not be changed']);
  });

  it('needs matchAll or labels in a claim’s selector, not both, and keeps it fixed', async () => {
    const both = await invalid(() => create(apiBindings, bindingBody('b', { permissionClaims: [claim({ selector: { matchAll: true, matchLabels: { a: 'b' } } })] })));
    expect(causes(both)[0]).toMatch(/^spec\.permissionClaims\[0\]\.selector\.matchLabels: Invalid value: .*matchLabels cannot be used with matchAll$/);
    const none = await invalid(() => create(apiBindings, bindingBody('b', { permissionClaims: [claim({ selector: {} })] })));
    expect(causes(none)).toEqual(['spec.permissionClaims[0].selector: Required value: either one of matchAll, matchLabels, or matchExpressions must be set']);
    const state = await invalid(() => create(apiBindings, bindingBody('b', { permissionClaims: [claim({ state: 'Maybe' })] })));
    expect(fields(state)).toEqual(['spec.permissionClaims[0].state']);
    const unknown = await refused(() => create(apiBindings, bindingBody('b', { permissionClaims: [claim({ selector: { matchAll: true, all: true } })] }), { fieldValidation: 'Strict' }));
    expect(unknown.message).toContain('unknown field "spec.permissionClaims[0].selector.all"');

    const created = await create(apiBindings, bindingBody('b', { permissionClaims: [claim({ selector: { matchLabels: { team: 'a' } } })] }));
    const narrowed = structuredClone(created);
    (narrowed.spec as { permissionClaims: { selector: object }[] }).permissionClaims[0]!.selector = { matchLabels: { team: 'b' } };
    expect(causes(await invalid(() => update(apiBindings, narrowed)))).toEqual(['spec.permissionClaims[0].selector: Invalid value: "object": Permission claim selector is immutable']);
    const rejected = structuredClone(created);
    (rejected.spec as { permissionClaims: { state: string }[] }).permissionClaims[0]!.state = 'Rejected';
    expect((await update(apiBindings, rejected)).spec).toMatchObject({ permissionClaims: [{ state: 'Rejected' }] });
  });

  it('never returns to phase ""', async () => {
    const created = await create(apiBindings, bindingBody());
    const binding = await update(apiBindings, { ...created, status: { phase: 'Binding' } }, 'status');
    const bound = await update(apiBindings, { ...binding, status: { phase: 'Bound' } }, 'status');
    expect(bound.status).toEqual({ phase: 'Bound' });
    const err = await invalid(() => update(apiBindings, { ...bound, status: { phase: '' } }, 'status'));
    expect(causes(err)).toEqual(['status.phase: Forbidden: cannot transition from "Bound" to ""']);
  });

  it('stays, once deleted, until its finalizer is removed; writes before that keep the finalizer', async () => {
    const created = await create(apiBindings, bindingBody());
    const stripped = await update(apiBindings, { ...created, metadata: { ...created.metadata, finalizers: [] } });
    expect(stripped.metadata.finalizers).toEqual([APIBINDING_FINALIZER]);
    const deleting = await fx.reg.delete(ctx, apiBindings, undefined, 'b');
    expect(deleting.deleted).toBe(false);
    const held = await get(apiBindings, 'b');
    expect(held.metadata.deletionTimestamp).toBeDefined();
    await update(apiBindings, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    expect((await refused(() => get(apiBindings, 'b'))).code).toBe(404);
  });
});

describe('APIExportEndpointSlice', () => {
  const slice = (spec: object) => ({ metadata: { name: 's' }, spec });

  it('is created, read and listed; its columns show the export and partition', async () => {
    const created = await create(apiExportEndpointSlices, slice({ export: { path: 'root:provider', name: 'widgets' }, partition: 'east' }));
    expect(created.spec).toEqual({ export: { path: 'root:provider', name: 'widgets' }, partition: 'east' });
    expect((await fx.reg.list(ctx, apiExportEndpointSlices)).items).toHaveLength(1);
    expect(apiExportEndpointSlices.columns?.map((c) => c.cell(created))).toEqual(['widgets', 'east']);
  });

  it('needs an export by name, which never changes', async () => {
    expect(fields(await invalid(() => create(apiExportEndpointSlices, slice({}))))).toEqual(['spec.export']);
    expect(causes(await invalid(() => create(apiExportEndpointSlices, slice({ export: { name: '' } }))))).toEqual(['spec.export.name: Required value']);
    const created = await create(apiExportEndpointSlices, slice({ export: { name: 'widgets' } }));
    const moved = { ...created, spec: { export: { name: 'gadgets' } } };
    expect(causes(await invalid(() => update(apiExportEndpointSlices, moved)))).toEqual(['spec.export: Invalid value: "object": APIExport reference must not be changed']);
  });

  it('takes endpoints in status, each URL once, with shards by matchAll or selector', async () => {
    const created = await create(apiExportEndpointSlices, slice({ export: { name: 'widgets' } }));
    const url = 'https://shard-1:6443/services/apiexport/root/widgets';
    const ok = await update(apiExportEndpointSlices, { ...created, status: { endpoints: [{ url }], shardSelector: '' } }, 'status');
    expect(ok.status).toMatchObject({ endpoints: [{ url }] });
    const twice = await invalid(() => update(apiExportEndpointSlices, { ...ok, status: { endpoints: [{ url }, { url }] } }, 'status'));
    expect(fields(twice)).toEqual(['status.endpoints[1]']);
    const shards = await invalid(() => update(apiExportEndpointSlices, { ...ok, status: { endpoints: [{ url, shards: { matchAll: true, selector: { matchLabels: { a: 'b' } } } }] } }, 'status'));
    expect(causes(shards)).toEqual(['status.endpoints[0].shards: Invalid value: "object": matchAll and selector are mutually exclusive']);
  });
});
