/**
 * Kinds that are answered and never stored, and action subresources (a POST of another kind to
 * a named object): the registry's generic part, with stand-in kinds (the real ones are in
 * src/auth/reviews and tested in test/auth).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { KubeObject } from '../../src/meta/index.js';
import {
  builtin,
  checkSchema,
  configMaps,
  kindSchema,
  ownsStorage,
  subresourceKind,
  subresourcesOf,
  subresourceVerbs,
  type AdmissionRequest,
  type EphemeralOptions,
  type ResourceType,
} from '../../src/registry/index.js';
import { ctx, fields, invalid, refused, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();

const echoSchema = kindSchema({ spec: z.strictObject({ question: z.string() }).optional(), status: z.unknown().optional() });
const seen: { object: KubeObject; options: EphemeralOptions }[] = [];

/** A cluster-scoped create-only kind that answers with the question's length. */
const echoes: ResourceType = {
  ...builtin(
    { group: 'test.atoll.io', version: 'v1', resource: 'echoes', kind: 'Echo', namespaced: false, nameRule: 'subdomain', hasStatus: false },
    { validate: (o) => checkSchema(echoSchema, o) },
  ),
  ephemeral: {
    create(_ctx, object, options) {
      seen.push({ object, options });
      const q = (object.spec as { question?: string } | undefined)?.question ?? '';
      return { ...object, status: { length: q.length } };
    },
  },
};

const noteSchema = kindSchema({ spec: z.strictObject({ text: z.string() }).optional(), status: z.unknown().optional() });

/** ConfigMaps with a `note` action: a Note about the named ConfigMap, answered with its uid. */
const annotated: ResourceType = {
  ...configMaps,
  strategy: {
    ...configMaps.strategy,
    actions: {
      note: {
        group: 'test.atoll.io',
        version: 'v1',
        kind: 'Note',
        validate: (o) => checkSchema(noteSchema, o),
        create: (_ctx, parent, input, options) => ({ ...input, status: { about: parent.metadata.uid, dryRun: options.dryRun } }),
      },
    },
  },
};

const ask = (question: string): KubeObject => ({ apiVersion: 'test.atoll.io/v1', kind: 'Echo', metadata: {}, spec: { question } });

describe('ephemeral kinds', () => {
  it('are answered by the kind, with nothing stored, and dry runs passed on', async () => {
    seen.length = 0;
    const answer = await fx.reg.create(ctx, echoes, undefined, ask('why?'));
    expect(answer.status).toEqual({ length: 4 });
    await fx.reg.create(ctx, echoes, undefined, ask('x'), { dryRun: true });
    expect(seen.map((s) => s.options.dryRun)).toEqual([false, true]);
    expect((await fx.store.list({ cluster: ctx.cluster, resource: 'echoes.test.atoll.io' })).items).toEqual([]);
  });

  it('are validated against their schema, with the request’s field validation', async () => {
    const err = await invalid(() => fx.reg.create(ctx, echoes, undefined, { ...ask('x'), spec: { question: 7 } }));
    expect(err.message).toMatch(/^Echo\.test\.atoll\.io "" is invalid: spec\.question/);
    expect(fields(err)).toEqual(['spec.question']);
    const strict = await refused(() => fx.reg.create(ctx, echoes, undefined, { ...ask('x'), extra: 1 }, { fieldValidation: 'Strict' }));
    expect(strict.message).toBe('strict decoding error: unknown field "extra"');
    const warnings: string[] = [];
    const answer = await fx.reg.create({ ...ctx, warnings }, echoes, undefined, { ...ask('x'), extra: 1 });
    expect(warnings).toEqual(['unknown field "extra"']);
    expect(answer).not.toHaveProperty('extra');
  });

  it('need no name, and go through admission', async () => {
    const admitted: AdmissionRequest[] = [];
    fx.reg.use((r) => void admitted.push(r));
    await fx.reg.create(ctx, echoes, undefined, ask('x'));
    expect(admitted.map((r) => [r.operation, r.type.kind, r.dryRun])).toEqual([['CREATE', 'Echo', false]]);
  });

  it('refuse every other verb with 405, as the apiserver does', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['get', () => fx.reg.get(ctx, echoes, undefined, 'x')],
      ['list', () => fx.reg.list(ctx, echoes)],
      ['watch', () => fx.reg.watch(ctx, echoes)],
      ['update', () => fx.reg.update(ctx, echoes, undefined, 'x', { ...ask('x'), metadata: { name: 'x' } })],
      ['patch', () => fx.reg.patch(ctx, echoes, undefined, 'x', 'merge', {})],
      ['delete', () => fx.reg.delete(ctx, echoes, undefined, 'x')],
    ];
    for (const [verb, call] of calls) {
      const err = await refused(call);
      expect([verb, err.code, err.reason, err.message]).toEqual([verb, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource']);
    }
  });

  it('own no storage, so the garbage collector and namespace deletion pass them by', () => {
    expect(ownsStorage(echoes)).toBe(false);
    expect(ownsStorage(configMaps)).toBe(true);
  });
});

describe('action subresources', () => {
  const note = (text: unknown, extra: Record<string, unknown> = {}) => ({ apiVersion: 'test.atoll.io/v1', kind: 'Note', metadata: {}, spec: { text }, ...extra });

  it('are listed with their kind and the create verb only', () => {
    expect(subresourcesOf(annotated)).toEqual(['note']);
    expect(subresourceKind(annotated, 'note')).toEqual({ group: 'test.atoll.io', version: 'v1', kind: 'Note' });
    expect(subresourceVerbs(annotated, 'note')).toEqual(['create']);
  });

  it('answer with the action’s kind, given the stored object the URL names', async () => {
    const cm = await fx.reg.create(ctx, annotated, 'ns', { metadata: { name: 'cm' } });
    const answer = await fx.reg.createSubresource(ctx, annotated, 'ns', 'cm', 'note', note('hi'));
    expect(answer).toMatchObject({ apiVersion: 'test.atoll.io/v1', kind: 'Note', metadata: { namespace: 'ns' }, spec: { text: 'hi' }, status: { about: cm.metadata.uid, dryRun: false } });
    const dry = await fx.reg.createSubresource(ctx, annotated, 'ns', 'cm', 'note', note('hi'), { dryRun: true });
    expect(dry.status).toMatchObject({ dryRun: true });
  });

  it('are NotFound for a missing object, after the body was checked', async () => {
    const missing = await refused(() => fx.reg.createSubresource(ctx, annotated, 'ns', 'gone', 'note', note('hi')));
    expect([missing.code, missing.message]).toEqual([404, 'configmaps "gone" not found']);
    const bad = await invalid(() => fx.reg.createSubresource(ctx, annotated, 'ns', 'gone', 'note', note(1)));
    expect(bad.message).toMatch(/^Note\.test\.atoll\.io "" is invalid: spec\.text/);
  });

  it('check the body’s envelope and namespace', async () => {
    await fx.reg.create(ctx, annotated, 'ns', { metadata: { name: 'cm' } });
    const kind = await refused(() => fx.reg.createSubresource(ctx, annotated, 'ns', 'cm', 'note', { ...note('x'), kind: 'ConfigMap' }));
    expect([kind.code, kind.message]).toEqual([400, 'the kind in the data (ConfigMap) does not match the expected kind (Note)']);
    const ns = await refused(() => fx.reg.createSubresource(ctx, annotated, 'ns', 'cm', 'note', note('x', { metadata: { namespace: 'other' } })));
    expect([ns.code, ns.message]).toEqual([400, 'the namespace of the provided object does not match the namespace sent on the request']);
  });

  it('take only a create; other subresources take anything but', async () => {
    await fx.reg.create(ctx, annotated, 'ns', { metadata: { name: 'cm' } });
    for (const call of [
      () => fx.reg.update(ctx, annotated, 'ns', 'cm', note('x', { metadata: { name: 'cm' } }), { subresource: 'note' }),
      () => fx.reg.patch(ctx, annotated, 'ns', 'cm', 'merge', {}, { subresource: 'note' }),
      () => fx.reg.getView(ctx, annotated, 'ns', 'cm', 'note'),
    ]) {
      expect((await refused(call)).code).toBe(405);
    }
    const unknown = await refused(() => fx.reg.createSubresource(ctx, annotated, 'ns', 'cm', 'nope', note('x')));
    expect([unknown.code, unknown.message]).toEqual([404, 'configmaps "cm/nope" not found']);
  });
});
