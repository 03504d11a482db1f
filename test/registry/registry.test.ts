/** Generic resource semantics of the registry, exercised through the built-in kinds. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { ApiError, configMaps, namespaces, secrets, serviceAccounts } from '../../src/registry/index.js';
import { ctx, refused, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();
/** The same kinds as if they kept a generation, as custom resources and kcp's kinds do. */
const trackedConfigMaps = { ...configMaps, generation: true };
const trackedNamespaces = { ...namespaces, generation: true };

const cm = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { a: '1' },
  ...extra,
});

describe('create', () => {
  it('fills uid, creationTimestamp, resourceVersion, generation and the request namespace', async () => {
    const o = await fx.reg.create(ctx, trackedConfigMaps, 'default', cm('one'));
    expect(o.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(o.metadata.resourceVersion).toBe(String(fx.store.revision));
    expect(o.metadata.generation).toBe(1);
    expect(o.metadata.namespace).toBe('default');
    expect(await fx.reg.get(ctx, trackedConfigMaps, 'default', 'one')).toEqual(o);
  });

  it('gives no generation to the kinds Kubernetes keeps none for, whatever the client sends', async () => {
    const o = await fx.reg.create(ctx, configMaps, 'default', cm('plain', { metadata: { name: 'plain', generation: 7 } }));
    expect(o.metadata.generation).toBeUndefined();
    const changed = await fx.reg.update(ctx, configMaps, 'default', 'plain', { ...o, data: { a: '2' } });
    expect(changed.metadata.generation).toBeUndefined();
    const ns = await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'no-generation' } });
    expect(ns.metadata.generation).toBeUndefined();
    const deleting = await fx.reg.delete(ctx, namespaces, undefined, 'no-generation');
    expect(deleting.object.metadata.generation).toBeUndefined();
  });

  it('ignores client-supplied uid and timestamps, and refuses a resourceVersion', async () => {
    const o = await fx.reg.create(ctx, configMaps, 'default', cm('x', { metadata: { name: 'x', uid: 'mine', creationTimestamp: '2000-01-01T00:00:00Z' } }));
    expect(o.metadata.uid).not.toBe('mine');
    expect(o.metadata.creationTimestamp).not.toBe('2000-01-01T00:00:00Z');
    const err = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('y', { metadata: { name: 'y', resourceVersion: '5' } })));
    expect(err.code).toBe(400);
  });

  it('generates names from generateName and retries on collisions', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const o = await fx.reg.create(ctx, configMaps, 'default', { metadata: { generateName: 'web-' }, data: {} });
      expect(o.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      names.add(o.metadata.name as string);
    }
    expect(names.size).toBe(20);
  });

  it('requires a name or generateName, and names follow the kind’s rule', async () => {
    const missing = await refused(() => fx.reg.create(ctx, configMaps, 'default', { metadata: {} }));
    expect(missing.code).toBe(422);
    expect(missing.reason).toBe('Invalid');
    expect(missing.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueRequired', field: 'metadata.name' });

    const upper = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('Bad_Name')));
    expect(upper.message).toContain('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    expect(upper.details?.causes?.[0]?.field).toBe('metadata.name');

    // Subdomain names may contain dots; namespace names (DNS labels) may not.
    await fx.reg.create(ctx, configMaps, 'default', cm('a.b.c'));
    const dotted = await refused(() => fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'a.b' } }));
    expect(dotted.details?.causes?.[0]?.field).toBe('metadata.name');
    const long = await refused(() => fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'n'.repeat(64) } }));
    expect(long.message).toContain('must be no more than 63 characters');
  });

  it('reports AlreadyExists as a 409 Status and keeps the original', async () => {
    const first = await fx.reg.create(ctx, configMaps, 'default', cm('dup'));
    const err = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('dup', { data: { b: '2' } })));
    expect(err.toStatus()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      code: 409,
      message: 'configmaps "dup" already exists',
      details: { name: 'dup', kind: 'configmaps' },
    });
    expect(await fx.reg.get(ctx, configMaps, 'default', 'dup')).toEqual(first);
  });

  it('refuses bodies that are not objects, or disagree with the request', async () => {
    for (const body of [null, 'text', 42, [], { metadata: 'x' }]) {
      expect((await refused(() => fx.reg.create(ctx, configMaps, 'default', body))).code).toBe(400);
    }
    const kind = await refused(() => fx.reg.create(ctx, configMaps, 'default', { kind: 'Secret', metadata: { name: 'k' } }));
    expect(kind.message).toContain('does not match the expected kind');
    const ns = await refused(() => fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'k', namespace: 'other' } }));
    expect(ns.message).toContain('does not match the namespace');
    expect(fx.store.revision).toBe(0);
  });

  it('validates labels, annotations, finalizers and owner references with field paths', async () => {
    const err = await refused(() =>
      fx.reg.create(ctx, configMaps, 'default', {
        metadata: {
          name: 'm',
          labels: { 'bad key!': 'v', ok: 'bad value!' },
          annotations: { 'x/y/z': '1' },
          finalizers: ['not a finalizer'],
          ownerReferences: [
            { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true },
            { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true },
          ],
        },
      }),
    );
    const fields = err.details?.causes?.map((c) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining(['metadata.labels', 'metadata.annotations', 'metadata.finalizers[0]', 'metadata.ownerReferences']),
    );
    const huge = await refused(() => fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'h', annotations: { big: 'x'.repeat(300 * 1024) } } }));
    expect(huge.message).toContain('metadata.annotations: Too long');
    expect(fx.store.revision).toBe(0);
  });

  it('rejects, warns about or ignores unknown fields by field-validation mode', async () => {
    const body = cm('u', { spec: { surprise: true }, metadata: { name: 'u', bogus: 1 } });
    const strict = await refused(() => fx.reg.create(ctx, configMaps, 'default', body, { fieldValidation: 'Strict' }));
    expect(strict.message).toBe('strict decoding error: unknown field "metadata.bogus", unknown field "spec"');
    const warnings: string[] = [];
    const warned = await fx.reg.create({ ...ctx, warnings }, configMaps, 'default', body);
    expect(warnings).toEqual(['unknown field "metadata.bogus"', 'unknown field "spec"']);
    expect(warned.spec).toBeUndefined();
    expect(warned.metadata.bogus).toBeUndefined();
    const quiet: string[] = [];
    await fx.reg.create({ ...ctx, warnings: quiet }, configMaps, 'default', { ...body, metadata: { name: 'u2' } }, { fieldValidation: 'Ignore' });
    expect(quiet).toEqual([]);
  });

  it('does not write on dry run', async () => {
    const o = await fx.reg.create(ctx, configMaps, 'default', cm('dry'), { dryRun: true });
    expect(o.metadata.name).toBe('dry');
    expect(o.metadata.uid).toBeDefined();
    expect(fx.store.revision).toBe(0);
    await expect(fx.reg.get(ctx, configMaps, 'default', 'dry')).rejects.toMatchObject({ code: 404 });
  });
});

describe('built-in kinds', () => {
  it('ConfigMap: keys, binaryData, size limit and immutability', async () => {
    const badKey = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('k', { data: { 'bad/key': 'v' } })));
    expect(badKey.details?.causes?.[0]?.field).toBe('data[bad/key]');
    const dup = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('d', { data: { a: '1' }, binaryData: { a: 'AA==' } })));
    expect(dup.details?.causes?.[0]?.field).toBe('binaryData[a]');
    const notString = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('n', { data: { a: 1 } })));
    expect(notString.details?.causes?.[0]?.field).toBe('data.a');
    const big = await refused(() => fx.reg.create(ctx, configMaps, 'default', cm('big', { data: { a: 'x'.repeat(1024 * 1024 + 1) } })));
    expect(big.code).toBe(422);

    const frozen = await fx.reg.create(ctx, configMaps, 'default', cm('frozen', { immutable: true }));
    const change = await refused(() => fx.reg.update(ctx, configMaps, 'default', 'frozen', { ...frozen, data: { a: '2' } }));
    expect(change.details?.causes?.[0]).toMatchObject({ field: 'data', reason: 'FieldValueForbidden' });
    const thaw = await refused(() => fx.reg.update(ctx, configMaps, 'default', 'frozen', { ...frozen, immutable: false }));
    expect(thaw.details?.causes?.[0]?.field).toBe('immutable');
  });

  it('Secret: stringData folds into base64 data, type defaults and is immutable', async () => {
    const s = await fx.reg.create(ctx, secrets, 'default', { metadata: { name: 's' }, data: { a: Buffer.from('x').toString('base64') }, stringData: { b: 'hello', a: 'over' } });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({ a: Buffer.from('over').toString('base64'), b: Buffer.from('hello').toString('base64') });
    const badB64 = await refused(() => fx.reg.create(ctx, secrets, 'default', { metadata: { name: 'b' }, data: { a: 'not base64!' } }));
    expect(badB64.details?.causes?.[0]?.field).toBe('data[a]');
    expect(badB64.message).not.toContain('not base64!');
    const tls = await refused(() => fx.reg.create(ctx, secrets, 'default', { metadata: { name: 't' }, type: 'kubernetes.io/tls', data: {} }));
    expect(tls.details?.causes?.map((c) => c.field)).toEqual(['data[tls.crt]', 'data[tls.key]']);
    const retype = await refused(() => fx.reg.update(ctx, secrets, 'default', 's', { ...s, type: 'kubernetes.io/basic-auth' }));
    expect(retype.details?.causes?.map((c) => c.field)).toContain('type');
    const updated = await fx.reg.update(ctx, secrets, 'default', 's', { ...s, stringData: { c: 'new' } });
    expect(updated.data).toMatchObject({ c: Buffer.from('new').toString('base64') });
  });

  it('ServiceAccount: validates its references', async () => {
    await fx.reg.create(ctx, serviceAccounts, 'default', { metadata: { name: 'robot' }, secrets: [{ name: 'tok' }], automountServiceAccountToken: false });
    const bad = await refused(() => fx.reg.create(ctx, serviceAccounts, 'default', { metadata: { name: 'r2' }, automountServiceAccountToken: 'yes' }));
    expect(bad.details?.causes?.[0]?.field).toBe('automountServiceAccountToken');
  });

  it('Namespace: kubernetes finalizer, Active phase, status owned by the server', async () => {
    const ns = await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'team' }, status: { phase: 'Terminating' } });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(ns.metadata.namespace).toBeUndefined();
    const badFinalizer = await refused(() => fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'x' }, spec: { finalizers: ['custom'] } }));
    expect(badFinalizer.details?.causes?.[0]?.field).toBe('spec.finalizers[0]');
  });
});

describe('update', () => {
  it('bumps generation only when something outside metadata and status changes', async () => {
    const ns = await fx.reg.create(ctx, trackedNamespaces, undefined, { metadata: { name: 'g' } });
    const labelled = await fx.reg.update(ctx, trackedNamespaces, undefined, 'g', { ...ns, metadata: { ...ns.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(1);
    // spec.finalizers only change through `finalize`, and are spec: generation moves.
    const ignored = await fx.reg.update(ctx, trackedNamespaces, undefined, 'g', { ...labelled, spec: { finalizers: [] } });
    expect(ignored.spec).toEqual({ finalizers: ['kubernetes'] });
    const respec = await fx.reg.update(ctx, trackedNamespaces, undefined, 'g', { ...labelled, spec: { finalizers: ['kubernetes', 'example.com/x'] } }, { subresource: 'finalize' });
    expect(respec.spec).toEqual({ finalizers: ['kubernetes', 'example.com/x'] });
    const c = await fx.reg.create(ctx, trackedConfigMaps, 'default', cm('c'));
    const c2 = await fx.reg.update(ctx, trackedConfigMaps, 'default', 'c', { ...c, data: { a: '2' } });
    expect(c2.metadata.generation).toBe(2);
  });

  it('keeps system fields, ignores status on the main resource and everything but status on /status', async () => {
    const ns = await fx.reg.create(ctx, trackedNamespaces, undefined, { metadata: { name: 's' } });
    const main = await fx.reg.update(ctx, trackedNamespaces, undefined, 's', {
      ...ns,
      metadata: { ...ns.metadata, creationTimestamp: '2001-01-01T00:00:00Z', generation: 99 },
      status: { phase: 'Terminating' },
    });
    expect(main.status).toEqual({ phase: 'Active' });
    expect(main.metadata.creationTimestamp).toBe(ns.metadata.creationTimestamp);
    expect(main.metadata.generation).toBe(1);
    const viaStatus = await fx.reg.update(
      ctx,
      namespaces,
      undefined,
      's',
      { ...main, metadata: { ...main.metadata, labels: { sneaky: 'yes' } }, spec: { finalizers: [] }, status: { phase: 'Terminating' } },
      { subresource: 'status' },
    );
    expect(viaStatus.status).toEqual({ phase: 'Terminating' });
    expect(viaStatus.metadata.labels).toBeUndefined();
    expect(viaStatus.spec).toEqual({ finalizers: ['kubernetes'] });
    const noStatus = await refused(() => fx.reg.update(ctx, configMaps, 'default', 'x', cm('x'), { subresource: 'status' }));
    expect(noStatus.code).toBe(404);
  });

  it('checks resourceVersion: stale → Conflict; none → unconditional', async () => {
    const v1 = await fx.reg.create(ctx, configMaps, 'default', cm('rv'));
    const v2 = await fx.reg.update(ctx, configMaps, 'default', 'rv', { ...v1, data: { a: '2' } });
    const stale = await refused(() => fx.reg.update(ctx, configMaps, 'default', 'rv', { ...v1, data: { a: '3' } }));
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe('Conflict');
    const { resourceVersion: _, ...metaNoRv } = v2.metadata;
    const v3 = await fx.reg.update(ctx, configMaps, 'default', 'rv', { ...v2, metadata: metaNoRv, data: { a: '4' } });
    expect(v3.data).toEqual({ a: '4' });
  });

  it('writes nothing for a no-op update', async () => {
    const v1 = await fx.reg.create(ctx, configMaps, 'default', cm('same'));
    const rev = fx.store.revision;
    const again = await fx.reg.update(ctx, configMaps, 'default', 'same', JSON.parse(JSON.stringify(v1)) as KubeObject);
    expect(again).toEqual(v1);
    expect(fx.store.revision).toBe(rev);
  });

  it('refuses name mismatches, immutable metadata and a missing object', async () => {
    const v1 = await fx.reg.create(ctx, configMaps, 'default', cm('imm'));
    expect((await refused(() => fx.reg.update(ctx, configMaps, 'default', 'other', v1))).code).toBe(400);
    const uid = await refused(() => fx.reg.update(ctx, configMaps, 'default', 'imm', { ...v1, metadata: { ...v1.metadata, uid: 'changed' } }));
    expect(uid.details?.causes?.[0]?.field).toBe('metadata.uid');
    expect((await refused(() => fx.reg.update(ctx, configMaps, 'default', 'ghost', cm('ghost')))).code).toBe(404);
  });

  it('retries unconditional updates that race with other writers', async () => {
    const v1 = await fx.reg.create(ctx, configMaps, 'default', cm('race', { data: {} }));
    const { resourceVersion: _, ...meta } = v1.metadata;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fx.reg.update(ctx, configMaps, 'default', 'race', { ...v1, metadata: meta, data: { [`k${i}`]: 'v' } })),
    );
    expect(new Set(results.map((r) => r.metadata.resourceVersion)).size).toBe(5);
  });
});

describe('delete and finalizers', () => {
  it('deletes at once without finalizers, and honours preconditions', async () => {
    const v1 = await fx.reg.create(ctx, configMaps, 'default', cm('d'));
    const wrongUid = await refused(() => fx.reg.delete(ctx, configMaps, 'default', 'd', { preconditions: { uid: 'nope' } }));
    expect(wrongUid.code).toBe(409);
    const wrongRv = await refused(() => fx.reg.delete(ctx, configMaps, 'default', 'd', { preconditions: { resourceVersion: '1' + v1.metadata.resourceVersion } }));
    expect(wrongRv.code).toBe(409);
    const dry = await fx.reg.delete(ctx, configMaps, 'default', 'd', { dryRun: true });
    expect(dry.deleted).toBe(true);
    await fx.reg.get(ctx, configMaps, 'default', 'd');
    const r = await fx.reg.delete(ctx, configMaps, 'default', 'd', { preconditions: { uid: v1.metadata.uid! } });
    expect(r.deleted).toBe(true);
    expect((await refused(() => fx.reg.get(ctx, configMaps, 'default', 'd'))).code).toBe(404);
    expect((await refused(() => fx.reg.delete(ctx, configMaps, 'default', 'd'))).code).toBe(404);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await fx.reg.create(ctx, configMaps, 'default', cm('f', { metadata: { name: 'f', finalizers: ['example.com/a', 'example.com/b'] } }));
    const first = await fx.reg.delete(ctx, configMaps, 'default', 'f');
    expect(first.deleted).toBe(false);
    expect(first.object.metadata.deletionTimestamp).toBeDefined();
    // A second delete changes nothing; no new finalizers may join.
    const second = await fx.reg.delete(ctx, configMaps, 'default', 'f');
    expect(second.object.metadata.resourceVersion).toBe(first.object.metadata.resourceVersion);
    const add = await refused(() =>
      fx.reg.update(ctx, configMaps, 'default', 'f', { ...first.object, metadata: { ...first.object.metadata, finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } }),
    );
    expect(add.details?.causes?.[0]?.field).toBe('metadata.finalizers');
    const one = await fx.reg.update(ctx, configMaps, 'default', 'f', { ...first.object, metadata: { ...first.object.metadata, finalizers: ['example.com/b'], deletionTimestamp: undefined } });
    expect(one.metadata.deletionTimestamp).toBe(first.object.metadata.deletionTimestamp);
    await fx.reg.update(ctx, configMaps, 'default', 'f', { ...one, metadata: { ...one.metadata, finalizers: [] } });
    expect((await refused(() => fx.reg.get(ctx, configMaps, 'default', 'f'))).code).toBe(404);
  });

  it('puts a namespace into Terminating while its spec finalizers remain', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'bye' } });
    const r = await fx.reg.delete(ctx, namespaces, undefined, 'bye');
    expect(r.deleted).toBe(false);
    expect(r.object.status).toEqual({ phase: 'Terminating' });
    // What the namespace controller does once the namespace is empty:
    const finalized = await fx.reg.update(ctx, namespaces, undefined, 'bye', { ...r.object, spec: { finalizers: [] } }, { subresource: 'finalize' });
    expect(finalized.metadata.name).toBe('bye');
    await expect(fx.reg.get(ctx, namespaces, undefined, 'bye')).rejects.toMatchObject({ code: 404 });
  });
});

describe('admission', () => {
  it('runs hooks after validation and before any write; a refusal writes nothing', async () => {
    const seen: string[] = [];
    fx.reg.use(({ operation, object, oldObject }) => {
      seen.push(`${operation} ${(object ?? oldObject)?.metadata.name}`);
      if ((object ?? oldObject)?.metadata.name === 'blocked') throw new ApiError('Forbidden', 'no');
    });
    await fx.reg.create(ctx, configMaps, 'default', cm('fine'));
    await expect(fx.reg.create(ctx, configMaps, 'default', cm('blocked'))).rejects.toMatchObject({ code: 403 });
    await expect(fx.reg.create(ctx, configMaps, 'default', cm('Invalid!'))).rejects.toMatchObject({ code: 422 });
    expect(seen).toEqual(['CREATE fine', 'CREATE blocked']);
    expect(fx.store.revision).toBe(1);
  });
});

describe('mutating admission', () => {
  it('runs before validation and may default fields that need other objects', async () => {
    fx.reg.useMutating(({ operation, object }) => {
      if (operation === 'CREATE' && object) object.metadata.labels = { ...object.metadata.labels, defaulted: 'yes' };
    });
    const o = await fx.reg.create(ctx, configMaps, 'default', cm('mut'));
    expect(o.metadata.labels).toEqual({ defaulted: 'yes' });
    fx.reg.useMutating(({ object }) => {
      if (object) object.metadata.labels = { 'bad key!': 'x' };
    });
    // What a mutating hook sets is validated like anything else.
    await expect(fx.reg.create(ctx, configMaps, 'default', cm('mut2'))).rejects.toMatchObject({ code: 422 });
  });
});

describe('list and watch', () => {
  it('lists with selectors and pagination, refusing unsupported field selectors', async () => {
    for (let i = 0; i < 5; i++) await fx.reg.create(ctx, configMaps, 'default', cm(`c${i}`, { metadata: { name: `c${i}`, labels: { i: String(i) } } }));
    await fx.reg.create(ctx, secrets, 'default', { metadata: { name: 's1' }, type: 'example.com/x' });
    const page = await fx.reg.list(ctx, configMaps, { namespace: 'default', limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.remainingItemCount).toBe(3);
    const rest = await fx.reg.list(ctx, configMaps, { namespace: 'default', continue: page.continue! });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(['c2', 'c3', 'c4']);
    expect(rest.resourceVersion).toBe(page.resourceVersion);
    expect((await fx.reg.list(ctx, configMaps, { labelSelector: 'i in (1,3)' })).items).toHaveLength(2);
    expect((await fx.reg.list(ctx, secrets, { fieldSelector: 'type=example.com/x' })).items).toHaveLength(1);
    expect((await refused(() => fx.reg.list(ctx, configMaps, { fieldSelector: 'data.a=1' }))).message).toBe('field label not supported: data.a');
    expect((await refused(() => fx.reg.list(ctx, configMaps, { labelSelector: 'a in (' }))).code).toBe(400);
    expect((await refused(() => fx.reg.list(ctx, configMaps, { continue: 'junk' }))).code).toBe(400);
    expect((await refused(() => fx.reg.list(ctx, configMaps, { resourceVersion: 'abc' }))).code).toBe(400);
    expect((await refused(() => fx.reg.list(ctx, configMaps, { limit: -1 }))).code).toBe(400);
  });

  it('honours resourceVersion and resourceVersionMatch on lists', async () => {
    const a = await fx.reg.create(ctx, configMaps, 'default', cm('a'));
    await fx.reg.create(ctx, configMaps, 'default', cm('b'));
    const exact = await fx.reg.list(ctx, configMaps, { resourceVersion: a.metadata.resourceVersion!, resourceVersionMatch: 'Exact' });
    expect(exact.items.map((o) => o.metadata.name)).toEqual(['a']);
    const notOlder = await fx.reg.list(ctx, configMaps, { resourceVersion: a.metadata.resourceVersion! });
    expect(notOlder.items).toHaveLength(2);
    expect(notOlder.resourceVersion).toBe(String(fx.store.revision));
    const future = await refused(() => fx.reg.list(ctx, configMaps, { resourceVersion: '999' }));
    expect(future.code).toBe(504);
    await fx.store.compact(fx.store.revision);
    const gone = await refused(() => fx.reg.list(ctx, configMaps, { resourceVersion: a.metadata.resourceVersion!, resourceVersionMatch: 'Exact' }));
    expect(gone.code).toBe(410);
    expect(gone.reason).toBe('Expired');
  });

  it('watches: current state first without a resourceVersion, resume with one, 410 when expired', async () => {
    await fx.reg.create(ctx, configMaps, 'default', cm('old'));
    const w = await fx.reg.watch(ctx, configMaps, { namespace: 'default' });
    const n = await fx.reg.create(ctx, configMaps, 'default', cm('new'));
    const first = await w.next();
    const second = await w.next();
    expect([first.value?.type, first.value?.object.metadata.name]).toEqual(['ADDED', 'old']);
    expect([second.value?.type, second.value?.object.metadata.name]).toEqual(['ADDED', 'new']);
    w.close();

    const resumed = await fx.reg.watch(ctx, configMaps, { resourceVersion: n.metadata.resourceVersion! });
    await fx.reg.delete(ctx, configMaps, 'default', 'old');
    const del = await resumed.next();
    expect([del.value?.type, del.value?.object.metadata.name]).toEqual(['DELETED', 'old']);
    resumed.close();

    await fx.store.compact(fx.store.revision);
    const expired = await fx.reg.watch(ctx, configMaps, { resourceVersion: n.metadata.resourceVersion! });
    const err = await expired.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(410);
  });
});

describe('isolation', () => {
  it('never shows one logical cluster’s objects in another', async () => {
    await fx.reg.create({ cluster: 'a' }, configMaps, 'default', cm('same', { data: { who: 'a' } }));
    await fx.reg.create({ cluster: 'b' }, configMaps, 'default', cm('same', { data: { who: 'b' } }));
    expect((await fx.reg.get({ cluster: 'a' }, configMaps, 'default', 'same')).data).toEqual({ who: 'a' });
    expect((await fx.reg.list({ cluster: 'b' }, configMaps)).items.map((o) => o.data)).toEqual([{ who: 'b' }]);
    expect((await fx.reg.list({ cluster: 'c' }, configMaps)).items).toEqual([]);
  });
});
