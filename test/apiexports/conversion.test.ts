/**
 * APIExport and APIBinding in both versions over one storage: objects written in v1alpha1 are
 * stored in v1alpha2 and read back unchanged, and objects written in v1alpha2 survive a read,
 * edit and write back through v1alpha1 — with kcp's round-trip annotations.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import {
  ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION,
  apiBindings,
  apiBindingsV1alpha1,
  apiExports,
  apiExportsV1alpha1,
  PERMISSION_CLAIMS_ANNOTATION,
  RESOURCE_SCHEMAS_ANNOTATION,
  STATUS_EXPORT_CLAIMS_ANNOTATION,
  V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION,
  V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION,
} from '../../src/apiexports/kinds/index.js';
import type { ResourceType } from '../../src/registry/index.js';
import { ctx, fields, invalid, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();

const create = (t: ResourceType, body: object) => fx.reg.create(ctx, t, undefined, body);
const get = (t: ResourceType, name: string) => fx.reg.get(ctx, t, undefined, name);
const update = (t: ResourceType, body: KubeObject, subresource?: string) =>
  fx.reg.update(ctx, t, undefined, body.metadata.name as string, body, subresource ? { subresource } : {});
const annotations = (o: KubeObject) => o.metadata.annotations ?? {};
/** The annotations besides kcp.io/cluster, which every object carries. */
const own = (o: KubeObject): Record<string, string> => {
  const { 'kcp.io/cluster': _cluster, ...rest } = annotations(o);
  return rest;
};

describe('APIExport v1alpha1 ↔ v1alpha2', () => {
  it('stores a v1alpha1 export as v1alpha2 and reads it back as written', async () => {
    const spec = {
      latestResourceSchemas: ['v1.widgets.example.com', 'v2.things.core'],
      maximalPermissionPolicy: { local: {} },
      permissionClaims: [
        { group: '', resource: 'configmaps', all: true },
        { group: '', resource: 'secrets', resourceSelector: [{ namespace: 'default' }] },
      ],
    };
    const written = await create(apiExportsV1alpha1, { metadata: { name: 'e' }, spec });
    expect(written.apiVersion).toBe('apis.kcp.io/v1alpha1');
    expect(written.spec).toEqual(spec);

    const v2 = await get(apiExports, 'e');
    expect(v2.apiVersion).toBe('apis.kcp.io/v1alpha2');
    expect(v2.spec).toEqual({
      resources: [
        { name: 'widgets', group: 'example.com', schema: 'v1.widgets.example.com', storage: { crd: {} } },
        { name: 'things', group: '', schema: 'v2.things.core', storage: { crd: {} } },
      ],
      maximalPermissionPolicy: { local: {} },
      permissionClaims: [
        { group: '', resource: 'configmaps', verbs: ['*'], identityHash: '' },
        { group: '', resource: 'secrets', verbs: ['*'], identityHash: '' },
      ],
    });
    expect(JSON.parse(annotations(v2)[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION] as string)).toEqual([
      { resource: 'configmaps', all: true },
      { resource: 'secrets', resourceSelector: [{ namespace: 'default' }] },
    ]);

    const v1 = await get(apiExportsV1alpha1, 'e');
    expect(v1.spec).toEqual(spec);
    expect(own(v1)).toEqual({});
    expect((await fx.reg.list(ctx, apiExportsV1alpha1)).items[0]?.spec).toEqual(spec);
  });

  it('keeps verbs, default selectors and non-CRD resources written in v1alpha2 through a v1alpha1 write', async () => {
    const claims = [
      { group: '', resource: 'configmaps', verbs: ['get', 'list'], identityHash: '', defaultSelector: { matchLabels: { app: 'w' } } },
      { group: '', resource: 'secrets', verbs: ['*'], identityHash: '' },
    ];
    const virtual = { name: 'things', group: 'example.com', schema: 'v1.things.example.com', storage: { virtual: { reference: { kind: 'Endpoints', name: 'vw' }, identityHash: 'h1' } } };
    const crd = { name: 'widgets', group: 'example.com', schema: 'v1.widgets.example.com', storage: { crd: {} } };
    await create(apiExports, { metadata: { name: 'e' }, spec: { resources: [crd, virtual], permissionClaims: claims } });

    const v1 = await get(apiExportsV1alpha1, 'e');
    expect(v1.spec).toEqual({
      latestResourceSchemas: ['v1.widgets.example.com'],
      permissionClaims: [
        { group: '', resource: 'configmaps' },
        { group: '', resource: 'secrets' },
      ],
    });
    expect(JSON.parse(annotations(v1)[PERMISSION_CLAIMS_ANNOTATION] as string)).toEqual([
      { resource: 'configmaps', verbs: ['get', 'list'], defaultSelector: { matchLabels: { app: 'w' } } },
    ]);
    expect(JSON.parse(annotations(v1)[RESOURCE_SCHEMAS_ANNOTATION] as string)).toEqual([virtual]);

    // A v1alpha1 client edits the object (its claims' CEL rule is not re-checked on claims it left alone).
    const edited = structuredClone(v1);
    edited.metadata.labels = { tier: 'gold' };
    await update(apiExportsV1alpha1, edited);

    const v2 = await get(apiExports, 'e');
    expect(v2.metadata.labels).toEqual({ tier: 'gold' });
    expect(v2.spec).toEqual({ resources: [crd, virtual], permissionClaims: claims });
    // As in kcp, the stored object now remembers the v1alpha1 claims it was last written with.
    expect(Object.keys(own(v2))).toEqual([V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION]);
  });

  it('refuses v1alpha1 writes that do not convert, and round-trip annotations that do not fit the spec', async () => {
    const short = await invalid(() => create(apiExportsV1alpha1, { metadata: { name: 'e' }, spec: { latestResourceSchemas: ['widgets.core'] } }));
    expect(fields(short)).toEqual(['spec.latestResourceSchemas[0]']);
    const garbled = await invalid(() => create(apiExportsV1alpha1, { metadata: { name: 'e', annotations: { [RESOURCE_SCHEMAS_ANNOTATION]: '{' } }, spec: {} }));
    expect(garbled.details?.causes?.[0]?.message).toContain('failed to decode overhanging resource schemas');
    const stray = await invalid(() =>
      create(apiExportsV1alpha1, {
        metadata: { name: 'e', annotations: { [PERMISSION_CLAIMS_ANNOTATION]: JSON.stringify([{ resource: 'secrets', verbs: ['get'] }]) } },
        spec: { permissionClaims: [{ resource: 'configmaps', all: true }] },
      }),
    );
    expect(stray.details?.causes?.[0]?.message).toContain('permission claims defined in annotation do not match permission claims defined in spec');
    const neither = await invalid(() => create(apiExportsV1alpha1, { metadata: { name: 'e' }, spec: { permissionClaims: [{ resource: 'configmaps' }] } }));
    expect(neither.details?.causes?.[0]).toMatchObject({ field: 'spec.permissionClaims[0]', message: 'Invalid value: "object": either "all" or "resourceSelector" must be set' });
    // The v1alpha2 rules apply to what a v1alpha1 object converts to.
    const hash = await invalid(() => create(apiExportsV1alpha1, { metadata: { name: 'e' }, spec: { permissionClaims: [{ group: 'example.com', resource: 'gadgets', all: true }] } }));
    expect(fields(hash)).toEqual(['spec.permissionClaims[0].identityHash']);
  });

  it('defaults a v1alpha1 claim’s group and keeps status across versions', async () => {
    const created = await create(apiExportsV1alpha1, { metadata: { name: 'e' }, spec: { permissionClaims: [{ resource: 'configmaps', all: true }] } });
    expect(created.spec).toEqual({ permissionClaims: [{ resource: 'configmaps', all: true, group: '' }] });
    const status = { identityHash: 'abc', conditions: [{ type: 'IdentityValid', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    await update(apiExports, { ...(await get(apiExports, 'e')), status }, 'status');
    expect((await get(apiExportsV1alpha1, 'e')).status).toEqual(status);
  });
});

describe('APIBinding v1alpha1 ↔ v1alpha2', () => {
  const reference = { export: { path: 'root:provider', name: 'widgets' } };

  it('stores a v1alpha1 binding as v1alpha2 and reads it back as written', async () => {
    const spec = {
      reference,
      permissionClaims: [
        { resource: 'configmaps', all: true, state: 'Accepted' },
        { resource: 'secrets', resourceSelector: [{ name: 'token' }], state: 'Rejected' },
      ],
    };
    const written = await create(apiBindingsV1alpha1, { metadata: { name: 'b' }, spec });
    expect(written.spec).toEqual(spec);

    const v2 = await get(apiBindings, 'b');
    expect(v2.spec).toEqual({
      reference,
      permissionClaims: [
        { group: '', resource: 'configmaps', verbs: ['*'], identityHash: '', selector: { matchAll: true }, state: 'Accepted' },
        { group: '', resource: 'secrets', verbs: ['*'], identityHash: '', selector: { matchAll: true }, state: 'Rejected' },
      ],
    });
    expect(JSON.parse(annotations(v2)[V1ALPHA1_PERMISSION_CLAIMS_ANNOTATION] as string)).toEqual([
      { resource: 'secrets', resourceSelector: [{ name: 'token' }], state: 'Rejected' },
    ]);
    expect(v2.metadata.finalizers).toEqual(['apis.kcp.io/apibinding-finalizer']);

    const v1 = await get(apiBindingsV1alpha1, 'b');
    expect(v1.spec).toEqual(spec);
    expect(own(v1)).toEqual({});
  });

  it('keeps verbs and label selectors written in v1alpha2 through a v1alpha1 write', async () => {
    const claims = [
      { group: '', resource: 'configmaps', verbs: ['get'], identityHash: '', selector: { matchLabels: { app: 'w' } }, state: 'Accepted' },
      { group: '', resource: 'secrets', verbs: ['*'], identityHash: '', selector: { matchAll: true }, state: 'Accepted' },
    ];
    await create(apiBindings, { metadata: { name: 'b' }, spec: { reference, permissionClaims: claims } });

    const v1 = await get(apiBindingsV1alpha1, 'b');
    expect(v1.spec).toEqual({
      reference,
      permissionClaims: [
        { resource: 'configmaps', state: 'Accepted' },
        { resource: 'secrets', all: true, state: 'Accepted' },
      ],
    });
    expect(JSON.parse(annotations(v1)[ACCEPTABLE_PERMISSION_CLAIMS_ANNOTATION] as string)).toEqual([
      { resource: 'configmaps', verbs: ['get'], selector: { matchLabels: { app: 'w' } }, state: 'Accepted' },
    ]);

    const edited = structuredClone(v1);
    (edited.spec as { permissionClaims: { state: string }[] }).permissionClaims[1]!.state = 'Rejected';
    await update(apiBindingsV1alpha1, edited);

    const v2 = await get(apiBindings, 'b');
    expect(v2.spec).toEqual({ reference, permissionClaims: [claims[0], { ...claims[1], state: 'Rejected' }] });
    expect(own(v2)).toEqual({});
  });

  it('keeps status claims written in v1alpha2 through a v1alpha1 status write', async () => {
    const created = await create(apiBindings, { metadata: { name: 'b' }, spec: { reference } });
    const status = {
      apiExportClusterName: 'provider-cluster',
      phase: 'Binding',
      boundResources: [{ group: 'example.com', resource: 'widgets', schema: { name: 'v1.widgets.example.com', UID: 'u1', identityHash: 'h1' }, storageVersions: ['v1'] }],
      exportPermissionClaims: [{ group: '', resource: 'configmaps', verbs: ['get', 'watch'], identityHash: '' }],
      appliedPermissionClaims: [{ group: '', resource: 'configmaps', verbs: ['get'], identityHash: '', selector: { matchLabels: { app: 'w' } } }],
    };
    await update(apiBindings, { ...created, status }, 'status');

    const v1 = await get(apiBindingsV1alpha1, 'b');
    expect(v1.status).toMatchObject({
      phase: 'Binding',
      exportPermissionClaims: [{ resource: 'configmaps' }],
      appliedPermissionClaims: [{ resource: 'configmaps' }],
    });
    expect(annotations(v1)).toHaveProperty(STATUS_EXPORT_CLAIMS_ANNOTATION);

    await update(apiBindingsV1alpha1, { ...v1, status: { ...(v1.status as object), phase: 'Bound' } }, 'status');
    const v2 = await get(apiBindings, 'b');
    expect(v2.status).toEqual({ ...status, phase: 'Bound' });
    expect(Object.keys(own(v2))).toEqual([V1ALPHA1_STATUS_EXPORT_CLAIMS_ANNOTATION]);
  });

  it('applies the v1alpha1 rules: reference fixed, all or resourceSelector, phase never back to ""', async () => {
    const neither = await invalid(() => create(apiBindingsV1alpha1, { metadata: { name: 'b' }, spec: { reference, permissionClaims: [{ resource: 'configmaps', state: 'Accepted' }] } }));
    expect(fields(neither)).toEqual(['spec.permissionClaims[0]']);
    const created = await create(apiBindingsV1alpha1, { metadata: { name: 'b' }, spec: { reference } });
    const moved = await invalid(() => update(apiBindingsV1alpha1, { ...created, spec: { reference: { export: { name: 'other' } } } }));
    expect(moved.details?.causes?.[0]).toMatchObject({ field: 'spec.reference', message: 'Invalid value: "object": APIExport reference must not be changed' });
    const bound = await update(apiBindingsV1alpha1, { ...created, status: { phase: 'Bound' } }, 'status');
    const back = await invalid(() => update(apiBindingsV1alpha1, { ...bound, status: { phase: '' } }, 'status'));
    expect(fields(back)).toEqual(['status.phase']);
  });
});
