/**
 * Server-side apply over GraphQL: per-kind apply with field ownership (conflicts between managers,
 * force), and applyYaml applying several documents of different kinds in order. Against a
 * Registry on an in-memory store, as mutations.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { schemaFor } from '../../src/graphql/index.js';
import { configMaps, roles } from '../../src/registry/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { builtinSet, run } from './support.js';

const fx = useRegistry();
const schema = schemaFor(builtinSet());

const APPLY = `mutation ($manager: String!, $force: Boolean, $data: StringMap) {
  applyV1ConfigMap(name: "web", namespace: "default", fieldManager: $manager, force: $force, object: { data: $data }) { data }
}`;

describe('applyKind', () => {
  it('creates, then refuses another manager’s change with CONFLICT until it forces', async () => {
    const first = await run(schema, fx.reg, APPLY, { manager: 'alice', data: { color: 'red' } });
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({ applyV1ConfigMap: { data: { color: 'red' } } });
    const clash = await run(schema, fx.reg, APPLY, { manager: 'bob', data: { color: 'blue' } });
    expect(clash.data).toEqual({ applyV1ConfigMap: null });
    expect(clash.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(clash.errors?.[0]?.message).toContain('alice');
    const forced = await run(schema, fx.reg, APPLY, { manager: 'bob', data: { color: 'blue' }, force: true });
    expect(forced.errors).toBeUndefined();
    expect(forced.data).toEqual({ applyV1ConfigMap: { data: { color: 'blue' } } });
    const stored = await fx.reg.get(ctx, configMaps, 'default', 'web');
    expect(stored.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'bob', operation: 'Apply' }));
  });

  it('requires a non-empty fieldManager, as REST does', async () => {
    const r = await run(schema, fx.reg, APPLY, { manager: '', data: { a: 'b' } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID', causes: [expect.objectContaining({ field: 'fieldManager' })] });
  });
});

const APPLY_YAML = `mutation ($yaml: String!, $dryRun: Boolean) { applyYaml(yaml: $yaml, fieldManager: "kubectl", dryRun: $dryRun) }`;

const TWO_DOCUMENTS = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: team
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
`;

describe('applyYaml', () => {
  it('applies every document to its kind and returns them in order', async () => {
    const r = await run(schema, fx.reg, APPLY_YAML, { yaml: TWO_DOCUMENTS });
    expect(r.errors).toBeUndefined();
    const applied = (r.data as { applyYaml: { kind: string; metadata: { namespace: string } }[] }).applyYaml;
    expect(applied.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['ConfigMap', 'default'],
      ['Role', 'team'],
    ]);
    expect((await fx.reg.get(ctx, configMaps, 'default', 'settings')).data).toEqual({ mode: 'fast' });
    expect((await fx.reg.get(ctx, roles, 'team', 'reader')).rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]);
  });

  it('writes nothing on a dry run', async () => {
    const r = await run(schema, fx.reg, APPLY_YAML, { yaml: TWO_DOCUMENTS, dryRun: true });
    expect(r.errors).toBeUndefined();
    expect((r.data as { applyYaml: unknown[] }).applyYaml).toHaveLength(2);
    expect((await fx.reg.list(ctx, configMaps, { namespace: 'default' })).items).toEqual([]);
  });

  it('refuses malformed YAML and unknown kinds with BAD_REQUEST, before applying anything', async () => {
    const malformed = await run(schema, fx.reg, APPLY_YAML, { yaml: `${TWO_DOCUMENTS}---\nkind: [unclosed\n` });
    expect(malformed.data).toBeNull();
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    expect(malformed.errors?.[0]?.message).toMatch(/YAML document 3 is not valid YAML/);
    const unknown = await run(schema, fx.reg, APPLY_YAML, { yaml: `${TWO_DOCUMENTS}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n` });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST' });
    expect(unknown.errors?.[0]?.message).toContain('kind Deployment in apps/v1');
    expect((await fx.reg.list(ctx, configMaps, { namespace: 'default' })).items).toEqual([]);
    const empty = await run(schema, fx.reg, APPLY_YAML, { yaml: '# nothing\n' });
    expect(empty.errors?.[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('stops at the first object the registry refuses, naming it, with the registry’s code', async () => {
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: Not_Valid }\n`;
    const r = await run(schema, fx.reg, APPLY_YAML, { yaml });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID', object: 2 });
    expect(r.errors?.[0]?.message).toMatch(/^object 2 \(ConfigMap default\/Not_Valid\): /);
    expect((await fx.reg.get(ctx, configMaps, 'default', 'ok')).metadata.name).toBe('ok');
  });
});
