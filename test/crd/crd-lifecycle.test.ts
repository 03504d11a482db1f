/** CustomResourceDefinitions over REST: establishing, discovery, invalid definitions, name conflicts, deletion. */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { useServer } from '../support/server-fixture.js';
import { causesOf, CRDS, establish, widgetCrd, WIDGETS } from './fixtures.js';

const fx = useServer();

describe('CustomResourceDefinition lifecycle', () => {
  it('is established with accepted names, a cleanup finalizer and its stored version', async () => {
    const crd = await establish(fx, 'root', widgetCrd());
    const meta = crd.metadata as { finalizers?: string[] };
    expect(meta.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    const status = crd.status as { conditions: { type: string; status: string; reason: string }[]; acceptedNames: { kind: string; listKind: string }; storedVersions: string[] };
    expect(status.conditions.map((c) => `${c.type}=${c.status}`).sort()).toEqual(['Established=True', 'NamesAccepted=True']);
    expect(status.acceptedNames).toMatchObject({ kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' });
    expect(status.storedVersions).toEqual(['v1']);
    const spec = crd.spec as { conversion?: { strategy: string } };
    expect(spec.conversion?.strategy).toBe('None');
  });

  it('appears in discovery and OpenAPI at once', async () => {
    const list = await fx.call('GET', '/clusters/root/apis/example.com/v1');
    expect(list.status).toBe(200);
    const resources = (list.body.resources as { name: string; kind: string; shortNames?: string[]; categories?: string[]; group?: string }[]) ?? [];
    expect(resources.find((r) => r.name === 'widgets')).toMatchObject({ kind: 'Widget', shortNames: ['wd'], categories: ['gadgets'] });
    expect(resources.find((r) => r.name === 'widgets/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling' });
    expect(resources.map((r) => r.name)).toContain('widgets/status');
    const groups = await fx.call('GET', '/clusters/root/apis');
    const example = (groups.body.groups as { name: string; preferredVersion: { version: string } }[]).find((g) => g.name === 'example.com');
    expect(example?.preferredVersion.version).toBe('v1');
    const doc = await fx.call('GET', '/clusters/root/openapi/v3/apis/example.com/v1');
    expect(doc.status).toBe(200);
    const schemas = (doc.body.components as { schemas: Record<string, { properties?: Record<string, unknown> }> }).schemas;
    expect(Object.keys(schemas['com.example.v1.Widget']?.properties ?? {})).toEqual(expect.arrayContaining(['spec', 'status', 'metadata', 'apiVersion', 'kind']));
  });

  it.each([
    ['a name that is not <plural>.<group>', (c: Record<string, unknown>) => ((c.metadata as { name: string }).name = 'gadgets.example.com'), 'metadata.name'],
    ['a group without a dot', (c: Record<string, unknown>) => {
      (c.spec as { group: string }).group = 'example';
      (c.metadata as { name: string }).name = 'widgets.example';
    }, 'spec.group'],
    ['two storage versions', (c: Record<string, unknown>) => ((c.spec as { versions: { storage: boolean }[] }).versions[1]!.storage = true), 'spec.versions'],
    ['no schema', (c: Record<string, unknown>) => delete (c.spec as { versions: { schema?: unknown }[] }).versions[0]!.schema, 'spec.versions[0].schema.openAPIV3Schema'],
    ['a bad scope', (c: Record<string, unknown>) => ((c.spec as { scope: string }).scope = 'Everywhere'), 'spec.scope'],
    ['webhook conversion', (c: Record<string, unknown>) => ((c.spec as { conversion?: unknown }).conversion = { strategy: 'Webhook' }), 'spec.conversion.strategy'],
    ['a bad printer column type', (c: Record<string, unknown>) => (((c.spec as { versions: { additionalPrinterColumns: { type: string }[] }[] }).versions[0]!.additionalPrinterColumns[0]!).type = 'color'), 'spec.versions[0].additionalPrinterColumns[0].type'],
    ['a scale path outside .spec', (c: Record<string, unknown>) => (((c.spec as { versions: { subresources: { scale: { specReplicasPath: string } } }[] }).versions[0]!.subresources.scale).specReplicasPath = '.status.replicas'), 'spec.versions[0].subresources.scale.specReplicasPath'],
    ['a selectable field the schema lacks', (c: Record<string, unknown>) => ((c.spec as { versions: { selectableFields: unknown }[] }).versions[0]!.selectableFields = [{ jsonPath: '.spec.missing' }]), 'spec.versions[0].selectableFields[0].jsonPath'],
    ['a kind with a dash', (c: Record<string, unknown>) => ((c.spec as { names: { kind: string } }).names.kind = 'Wid-get!'), 'spec.names.kind'],
  ])('refuses %s with an Invalid status naming the field', async (_what, mutate, field) => {
    const crd = widgetCrd({ group: 'bad.example.com' });
    mutate(crd);
    const r = await fx.call('POST', CRDS('root'), crd);
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    expect(causesOf(r.body).join('\n')).toContain(field);
  });

  it('refuses a non-structural schema', async () => {
    const crd = widgetCrd({ group: 'nonstructural.example.com', specProperties: { a: { properties: { b: { type: 'string' } } } } });
    const r = await fx.call('POST', CRDS('root'), crd);
    expect(r.status).toBe(422);
    expect(causesOf(r.body).join('\n')).toContain('spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[a].type: Required value');
  });

  it('refuses CEL rules that do not compile, or refer to fields the schema lacks', async () => {
    const crd = widgetCrd({
      group: 'cel.example.com',
      specProperties: { c: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size( > 1' }, { rule: 'self.nope == 1' }, { rule: 'self' }] } },
    });
    const r = await fx.call('POST', CRDS('root'), crd);
    expect(r.status).toBe(422);
    const causes = causesOf(r.body).join('\n');
    for (const i of [0, 1, 2]) expect(causes).toContain(`spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[c].x-kubernetes-validations[${i}].rule`);
  });

  it('does not accept names another CRD of the group already has', async () => {
    const other = widgetCrd();
    const spec = other.spec as { names: { plural: string; singular: string; kind: string; shortNames: string[] } };
    spec.names = { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', shortNames: ['wd'] };
    (other.metadata as { name: string }).name = 'gizmos.example.com';
    const created = await fx.call('POST', CRDS('root'), other);
    expect(created.status).toBe(201);
    await eventually(async () => {
      const got = await fx.call('GET', `${CRDS('root')}/gizmos.example.com`);
      const conditions = (got.body.status?.conditions ?? []) as { type: string; status: string; message: string }[];
      expect(conditions.find((c) => c.type === 'NamesAccepted')).toMatchObject({ status: 'False', message: '"wd" is already in use' });
      expect(conditions.find((c) => c.type === 'Established')?.status).toBe('False');
    });
    expect((await fx.call('GET', '/clusters/root/apis/example.com/v1/namespaces/default/gizmos')).status).toBe(404);
    expect((await fx.call('DELETE', `${CRDS('root')}/gizmos.example.com`)).status).toBeLessThan(300);
  });

  it('deletion removes every object first, refusing new ones meanwhile, then the definition and its resource', async () => {
    const ws = 'root:crd-delete';
    await fx.workspace('root', 'crd-delete');
    await establish(fx, ws, widgetCrd());
    for (const name of ['a', 'b', 'c']) expect((await fx.call('POST', WIDGETS(ws), { metadata: { name }, spec: {} })).status).toBe(201);
    // A finalizer on one object holds the definition in Terminating.
    expect((await fx.call('POST', WIDGETS(ws), { metadata: { name: 'held', finalizers: ['example.com/hold'] }, spec: {} })).status).toBe(201);
    // Held by its finalizer: not yet gone, answered 200 with the definition as the apiserver does.
    const deleting = await fx.call('DELETE', `${CRDS(ws)}/widgets.example.com`);
    expect(deleting.status).toBe(200);
    expect(deleting.body.metadata?.deletionTimestamp).toBeDefined();
    await eventually(async () => {
      const got = await fx.call('GET', `${CRDS(ws)}/widgets.example.com`);
      const conditions = (got.body.status?.conditions ?? []) as { type: string; status: string }[];
      expect(conditions.find((c) => c.type === 'Terminating')?.status).toBe('True');
      const left = await fx.call('GET', WIDGETS(ws));
      expect(left.body.items?.map((i) => i.metadata.name)).toEqual(['held']);
    });
    const refused = await fx.call('POST', WIDGETS(ws), { metadata: { name: 'late' }, spec: {} });
    expect(refused.status).toBe(405);
    expect(refused.body.message).toContain('terminating');
    expect((await fx.call('PATCH', `${WIDGETS(ws)}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json')).status).toBe(200);
    await eventually(async () => expect((await fx.call('GET', `${CRDS(ws)}/widgets.example.com`)).status).toBe(404));
    await eventually(async () => expect((await fx.call('GET', WIDGETS(ws))).status).toBe(404));
    const resources = await fx.call('GET', `/clusters/${ws}/apis/example.com/v1`);
    expect(resources.status).toBe(404);
    // The name is free again, and nothing of the old objects comes back.
    await establish(fx, ws, widgetCrd());
    expect((await fx.call('GET', WIDGETS(ws))).body.items).toEqual([]);
  });
});
