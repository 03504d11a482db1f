/**
 * The admission chain on a real registry: stages run in Kubernetes' order whatever order they
 * were added in, mutating before the registry's validation and validating after it; a mutating
 * stage's change reinvokes the stages before it once; a refusal stops the write.
 */
import { describe, expect, it } from 'vitest';
import { AdmissionChain, admissionResourceTypes, type MutatingStage, type ValidatingStage } from '../../src/admission/index.js';
import type { ResourceType } from '../../src/registry/index.js';
import type { KubeObject } from '../../src/meta/index.js';
import { configMaps, errors } from '../../src/registry/index.js';
import { refused, useRegistry } from '../support/registry-fixture.js';

const ctx = { cluster: 'ws' };

describe('admission chain', () => {
  const fx = useRegistry();

  it('runs the stages in Kubernetes’ order, whatever order they were added in', async () => {
    const chain = new AdmissionChain();
    const calls: string[] = [];
    const validating = (name: string): ValidatingStage => ({ name, admit: async () => void calls.push(name) });
    const mutating = (name: string): MutatingStage => ({ name, admit: async (_r, again) => (calls.push(again ? `${name} again` : name), false) });
    chain.addValidating(validating('ResourceQuota'));
    chain.addValidating(validating('ValidatingAdmissionWebhook'));
    chain.addMutating(mutating('MutatingAdmissionWebhook'));
    chain.addValidating(validating('ValidatingAdmissionPolicy'));
    chain.addMutating(mutating('MutatingAdmissionPolicy'));
    expect(chain.stages).toEqual({
      mutating: ['MutatingAdmissionPolicy', 'MutatingAdmissionWebhook'],
      validating: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook', 'ResourceQuota'],
    });
    chain.install(fx.reg);
    await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c1' } });
    expect(calls).toEqual(['MutatingAdmissionPolicy', 'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook', 'ResourceQuota']);
  });

  it('reinvokes the stages before the last change once, and validates what the mutations made', async () => {
    const chain = new AdmissionChain();
    const calls: string[] = [];
    chain.addMutating({
      name: 'MutatingAdmissionPolicy',
      admit: async (request, again) => {
        calls.push(again ? 'policy again' : 'policy');
        const meta = (request.object as KubeObject).metadata;
        const labels = (meta.labels ??= {});
        if (labels.webhook === 'yes' && !labels.policy) {
          labels.policy = 'saw-webhook';
          return true;
        }
        return false;
      },
    });
    chain.addMutating({
      name: 'MutatingAdmissionWebhook',
      admit: async (request, again) => {
        calls.push(again ? 'webhook again' : 'webhook');
        const meta = (request.object as KubeObject).metadata;
        const labels = (meta.labels ??= {});
        if (labels.webhook) return false;
        labels.webhook = 'yes';
        return true;
      },
    });
    chain.install(fx.reg);
    const created = await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c1' } });
    expect(calls).toEqual(['policy', 'webhook', 'policy again', 'webhook again']);
    expect(created.metadata.labels).toEqual({ webhook: 'yes', policy: 'saw-webhook' });

    // Nothing changed: nothing is reinvoked.
    calls.length = 0;
    await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c2', labels: { webhook: 'yes', policy: 'x' } } });
    expect(calls).toEqual(['policy', 'webhook']);

    // The registry validates the mutated object: a mutation that breaks it is refused.
    const breaking = new AdmissionChain();
    breaking.addMutating({
      name: 'MutatingAdmissionPolicy',
      admit: async (request) => {
        (request.object as { data?: unknown }).data = { 'not a key!': 'x' };
        return true;
      },
    });
    breaking.install(fx.reg);
    const err = await refused(() => fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c3' } }));
    expect(err.code).toBe(422);
  });

  it('stops the write at the first refusal', async () => {
    const chain = new AdmissionChain();
    const calls: string[] = [];
    chain.addValidating({
      name: 'ValidatingAdmissionPolicy',
      admit: async (request) => {
        calls.push('policy');
        throw errors.forbidden(request.type, request.object?.metadata.name ?? '', 'denied by policy');
      },
    });
    chain.addValidating({ name: 'ResourceQuota', admit: async () => void calls.push('quota') });
    chain.install(fx.reg);
    const err = await refused(() => fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c1' } }));
    expect(err.code).toBe(403);
    expect(err.message).toContain('denied by policy');
    expect(calls).toEqual(['policy']);
    expect(await fx.reg.list(ctx, configMaps, { namespace: 'default' } as never).then((l) => l.items.length)).toBe(0);
  });

  it('hands the stages the options the operation was asked with', async () => {
    const chain = new AdmissionChain();
    const seen: unknown[] = [];
    chain.addValidating({ name: 'ValidatingAdmissionWebhook', admit: async (request) => void seen.push([request.operation, request.options]) });
    chain.install(fx.reg);
    await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c1' } }, { fieldManager: 'tester', dryRun: true });
    await fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c1' } }, { fieldManager: 'tester' });
    await fx.reg.delete(ctx, configMaps, 'default', 'c1', { propagationPolicy: 'Foreground' });
    expect(seen).toEqual([
      ['CREATE', expect.objectContaining({ fieldManager: 'tester', dryRun: true })],
      ['CREATE', expect.objectContaining({ fieldManager: 'tester' })],
      ['DELETE', expect.objectContaining({ propagationPolicy: 'Foreground' })],
    ]);
  });

  it('never runs policies and webhooks on the admission configurations themselves (quota still counts them)', async () => {
    const chain = new AdmissionChain();
    const quota: string[] = [];
    const refuseAll = (name: string): ValidatingStage => ({ name, admit: async (request) => {
      throw errors.forbidden(request.type, request.object?.metadata.name ?? '', `refused by ${name}`);
    } });
    chain.addMutating({ name: 'MutatingAdmissionWebhook', admit: async (request) => {
      throw errors.forbidden(request.type, request.object?.metadata.name ?? '', 'refused by a mutating webhook');
    } });
    chain.addValidating(refuseAll('ValidatingAdmissionPolicy'));
    chain.addValidating(refuseAll('ValidatingAdmissionWebhook'));
    chain.addValidating({ name: 'ResourceQuota', admit: async (request) => void quota.push(request.type.resource) });
    chain.install(fx.reg);
    const vap = admissionResourceTypes.find((t) => t.resource === 'validatingadmissionpolicies' && t.version === 'v1') as ResourceType;
    const created = await fx.reg.create(ctx, vap, undefined, {
      metadata: { name: 'deny-all' },
      spec: { matchConstraints: { resourceRules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] }, validations: [{ expression: 'false' }] },
    });
    expect(created.metadata.name).toBe('deny-all');
    await fx.reg.delete(ctx, vap, undefined, 'deny-all');
    expect(quota).toEqual(['validatingadmissionpolicies', 'validatingadmissionpolicies']);
    const err = await refused(() => fx.reg.create(ctx, configMaps, 'default', { metadata: { name: 'c1' } }));
    expect(err.message).toContain('refused by a mutating webhook');
  });
});
