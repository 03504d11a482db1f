/**
 * Mutations against a Registry on an in-memory store: create, update, merge patch and delete, with
 * the registry's errors, dry runs and finalizers showing through unchanged. Server-side apply and
 * applyYaml are in apply-mutations.test.ts.
 */
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { schemaFor } from '../../src/graphql/index.js';
import { configMaps, namespaces } from '../../src/registry/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { builtinSet, builtinTypes, contextFor, run, widgets } from './support.js';

const fx = useRegistry();
const schema = schemaFor(builtinSet());

const CREATE = `mutation ($object: V1ConfigMapInput!, $dryRun: Boolean) {
  createV1ConfigMap(namespace: "default", object: $object, dryRun: $dryRun) { metadata { name namespace resourceVersion } data }
}`;
const GET = `{ v1 { ConfigMap(name: "web", namespace: "default") { metadata { name labels } data } } }`;
const web = { metadata: { name: 'web', labels: { app: 'web' } }, data: { greeting: 'hello' } };

describe('create', () => {
  it('creates an object that a query then reads', async () => {
    const r = await run(schema, fx.reg, CREATE, { object: web });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      createV1ConfigMap: { metadata: { name: 'web', namespace: 'default', resourceVersion: expect.stringMatching(/^\d+$/) }, data: { greeting: 'hello' } },
    });
    expect((await run(schema, fx.reg, GET)).data).toEqual({ v1: { ConfigMap: web } });
  });

  it('refuses a duplicate with ALREADY_EXISTS and a bad name with INVALID and its field', async () => {
    await run(schema, fx.reg, CREATE, { object: web });
    const again = await run(schema, fx.reg, CREATE, { object: web });
    expect(again.data).toEqual({ createV1ConfigMap: null });
    expect(again.errors?.[0]?.extensions).toEqual({ code: 'ALREADY_EXISTS', status: 409 });
    const bad = await run(schema, fx.reg, CREATE, { object: { metadata: { name: 'Not_Valid' } } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID', status: 422 });
    expect(bad.errors?.[0]?.extensions.causes).toEqual([expect.objectContaining({ field: 'metadata.name', reason: 'FieldValueInvalid' })]);
  });

  it('writes sanitized input fields under their original JSON keys', async () => {
    const r = await run(
      schemaFor(new ApiSet([...builtinTypes, widgets])),
      fx.reg,
      `mutation { createExampleComV1Widget(namespace: "default", object: { metadata: { name: "w" }, spec: { x_weird_key: "a", x_weird_key_2: "b", _2fa: true } }) { spec { x_weird_key_2 } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect((await fx.reg.get(ctx, widgets, 'default', 'w')).spec).toEqual({ x_weird_key: 'a', 'x-weird-key': 'b', '2fa': true });
  });

  it('writes nothing on a dry run', async () => {
    const r = await run(schema, fx.reg, CREATE, { object: web, dryRun: true });
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ createV1ConfigMap: { metadata: { name: 'web' }, data: { greeting: 'hello' } } });
    expect((await run(schema, fx.reg, GET)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('update and patch', () => {
  const UPDATE = `mutation ($object: V1ConfigMapInput!) { updateV1ConfigMap(name: "web", namespace: "default", object: $object) { data metadata { resourceVersion } } }`;

  it('replaces an object, taking its name from the argument, and refuses a stale resourceVersion with CONFLICT', async () => {
    const created = await fx.reg.create(ctx, configMaps, 'default', web);
    const stale = created.metadata.resourceVersion;
    const r = await run(schema, fx.reg, UPDATE, { object: { metadata: { resourceVersion: stale }, data: { greeting: 'hi' } } });
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ updateV1ConfigMap: { data: { greeting: 'hi' } } });
    const conflict = await run(schema, fx.reg, UPDATE, { object: { metadata: { resourceVersion: stale }, data: { greeting: 'late' } } });
    expect(conflict.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', status: 409 });
    expect((await fx.reg.get(ctx, configMaps, 'default', 'web')).data).toEqual({ greeting: 'hi' });
  });

  it('updates only the status subresource of a Namespace', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'team' } });
    const r = await run(
      schema,
      fx.reg,
      `mutation { updateV1Namespace(name: "team", subresource: "status", object: {
        metadata: { labels: { ignored: "yes" } },
        status: { phase: "Active", conditions: [{ type: "Ready", status: "True" }] }
      }) { metadata { labels } status { phase conditions { type status } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      updateV1Namespace: { metadata: { labels: null }, status: { phase: 'Active', conditions: [{ type: 'Ready', status: 'True' }] } },
    });
    const unknown = await run(schema, fx.reg, `mutation { updateV1Namespace(name: "team", subresource: "nope", object: {}) { kind } }`);
    expect(unknown.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('merge-patches labels and data: null removes a key', async () => {
    await fx.reg.create(ctx, configMaps, 'default', { ...web, data: { greeting: 'hello', old: 'x' } });
    const r = await run(schema, fx.reg, `mutation ($patch: JSON!) { patchV1ConfigMap(name: "web", namespace: "default", patch: $patch) { metadata { labels } data } }`, {
      patch: { metadata: { labels: { tier: 'front' } }, data: { old: null, added: 'y' } },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ patchV1ConfigMap: { metadata: { labels: { app: 'web', tier: 'front' } }, data: { greeting: 'hello', added: 'y' } } });
    const missing = await run(schema, fx.reg, `mutation { patchV1ConfigMap(name: "nope", namespace: "default", patch: {}) { kind } }`);
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
  it('hands the registry’s warnings to the request context', async () => {
    await fx.reg.create(ctx, configMaps, 'default', web);
    const contextValue = contextFor(fx.reg);
    const source = `mutation { patchV1ConfigMap(name: "web", namespace: "default", patch: { bogus: 1 }) { data } }`;
    expect((await graphql({ schema, source, contextValue })).errors).toBeUndefined();
    expect(contextValue.warnings).toEqual([expect.stringContaining('bogus')]);
  });
});

describe('delete', () => {
  it('deletes an object, which is then gone', async () => {
    await fx.reg.create(ctx, configMaps, 'default', web);
    const r = await run(schema, fx.reg, `mutation { deleteV1ConfigMap(name: "web", namespace: "default", propagationPolicy: Background) { deleted object { metadata { name } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ deleteV1ConfigMap: { deleted: true, object: { metadata: { name: 'web' } } } });
    expect((await run(schema, fx.reg, GET)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('answers deleted: false for a Namespace that its finalizer keeps while it is emptied', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'team' } });
    const r = await run(schema, fx.reg, `mutation { deleteV1Namespace(name: "team") { deleted object { metadata { deletionTimestamp } status { phase } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ deleteV1Namespace: { deleted: false, object: { metadata: { deletionTimestamp: expect.any(String) }, status: { phase: 'Terminating' } } } });
  });

  it('deletes nothing on a dry run', async () => {
    await fx.reg.create(ctx, configMaps, 'default', web);
    const r = await run(schema, fx.reg, `mutation { deleteV1ConfigMap(name: "web", namespace: "default", dryRun: true) { deleted } }`);
    expect(r.data).toEqual({ deleteV1ConfigMap: { deleted: true } });
    expect((await run(schema, fx.reg, GET)).data).toEqual({ v1: { ConfigMap: web } });
  });
});
