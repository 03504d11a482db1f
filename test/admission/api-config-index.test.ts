/**
 * The admission configuration index: a workspace's own configurations plus, for a type bound from
 * an APIExport, the provider's; nothing of the provider for the consumer's other types; a
 * workspace without any costs no store read and no allocation; a configuration written through
 * the chain applies to the next request without waiting for the watch.
 */
import { describe, expect, it } from 'vitest';
import { AdmissionChain, AdmissionConfigIndex, admissionResourceTypes, type BoundExports } from '../../src/admission/index.js';
import { configMaps, type ResourceType } from '../../src/registry/index.js';
import type { Store } from '../../src/storage/index.js';
import { useRegistry } from '../support/registry-fixture.js';

const G = 'admissionregistration.k8s.io';
const typeOf = (resource: string): ResourceType => admissionResourceTypes.find((t) => t.resource === resource && t.version === 'v1') as ResourceType;
const vapType = typeOf('validatingadmissionpolicies');
const widgets = { ...configMaps, group: 'widgets.example.dev', resource: 'widgets', kind: 'Widget' } as ResourceType;
const gadgets = { ...configMaps, group: 'widgets.example.dev', resource: 'gadgets', kind: 'Gadget' } as ResourceType;

const policy = (name: string) => ({
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] }, validations: [{ expression: 'true' }] },
});

/** The consumer binds widgets (not gadgets) from the provider's export. */
const bindings: BoundExports = {
  bindingsOf: (cluster) => (cluster === 'consumer' ? consumerBindings : undefined),
};
const consumerBindings = new Map([['widgets', { exportCluster: 'provider', resources: [{ group: 'widgets.example.dev', resource: 'widgets' }] }]]);

/** Counts the store's list calls. */
function counting(store: Store): { store: Store; lists: () => number } {
  let lists = 0;
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'list') {
        return (...args: Parameters<Store['list']>) => {
          lists++;
          return target.list(...args);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: wrapped, lists: () => lists };
}

describe('admission configuration index', () => {
  const fx = useRegistry();

  it('gives a consumer the provider’s configurations for the resources it binds, and only for those', async () => {
    await fx.reg.create({ cluster: 'provider' }, vapType, undefined, policy('provider-rule'));
    await fx.reg.create({ cluster: 'consumer' }, vapType, undefined, policy('own-rule'));
    await fx.reg.create({ cluster: 'elsewhere' }, vapType, undefined, policy('unrelated'));
    const index = new AdmissionConfigIndex({ store: fx.store, bindings });
    await index.start();
    try {
      const names = (cluster: string, t: ResourceType) => index.configs('validatingadmissionpolicies', cluster, t).map((c) => `${c.cluster}/${c.object.metadata.name ?? ''}`);
      expect(names('consumer', widgets)).toEqual(['consumer/own-rule', 'provider/provider-rule']);
      expect(names('consumer', gadgets)).toEqual(['consumer/own-rule']);
      expect(names('consumer', configMaps)).toEqual(['consumer/own-rule']);
      expect(names('provider', widgets)).toEqual(['provider/provider-rule']);
      expect(names('nobody', widgets)).toEqual([]);
      // The same frozen arrays until something changes.
      const first = index.configs('validatingadmissionpolicies', 'consumer', widgets);
      expect(index.configs('validatingadmissionpolicies', 'consumer', widgets)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      expect(index.configs('validatingwebhookconfigurations', 'consumer', widgets)).toEqual([]);
    } finally {
      await index.stop();
    }
  });

  it('costs a workspace without configurations no store read and no allocation', async () => {
    const { store, lists } = counting(fx.store);
    const index = new AdmissionConfigIndex({ store, bindings });
    await index.start();
    try {
      const before = lists();
      const empty = index.configs('validatingadmissionpolicies', 'quiet', configMaps);
      for (let i = 0; i < 1000; i++) {
        for (const t of [configMaps, widgets]) {
          expect(index.configs('mutatingwebhookconfigurations', 'quiet', t)).toBe(empty);
          expect(index.configs('validatingadmissionpolicies', 'consumer', t)).toBe(empty);
        }
      }
      expect(empty).toEqual([]);
      expect(lists()).toBe(before);
      expect(index.settled).toBe(true);
    } finally {
      await index.stop();
    }
  });

  it('applies a configuration to the next request after its write, without the watch', async () => {
    // Not started: no watch delivers anything, so only the noted write can make it visible.
    const index = new AdmissionConfigIndex({ store: fx.store, bindings });
    const chain = new AdmissionChain(index);
    chain.install(fx.reg);
    const seen: string[] = [];
    chain.addValidating({
      name: 'probe',
      admit: async (request) => {
        if (request.type.resource === 'configmaps') seen.push(...index.configs('validatingadmissionpolicies', request.context.cluster, request.type).map((c) => c.object.metadata.name ?? ''));
      },
    });
    await fx.reg.create({ cluster: 'ws' }, vapType, undefined, policy('fresh'));
    expect(index.settled).toBe(false);
    // Requests elsewhere do not wait for it.
    expect(index.unsettled({ operation: 'CREATE', type: configMaps, context: { cluster: 'other' }, dryRun: false })).toBe(false);
    expect(index.unsettled({ operation: 'CREATE', type: configMaps, context: { cluster: 'ws' }, dryRun: false })).toBe(true);
    await fx.reg.create({ cluster: 'ws' }, configMaps, 'default', { metadata: { name: 'c1' } });
    expect(seen).toEqual(['fresh']);
    expect(index.settled).toBe(true);
    // A delete is seen the same way; dry runs are not noted.
    await fx.reg.delete({ cluster: 'ws' }, vapType, undefined, 'fresh');
    await fx.reg.create({ cluster: 'ws' }, vapType, undefined, policy('dry'), { dryRun: true });
    await fx.reg.create({ cluster: 'ws' }, configMaps, 'default', { metadata: { name: 'c2' } });
    expect(seen).toEqual(['fresh']);
    expect(index.settled).toBe(true);
  });

  it('settles a provider’s new configuration for its consumers’ requests on the bound types only', async () => {
    const index = new AdmissionConfigIndex({ store: fx.store, bindings });
    new AdmissionChain(index).install(fx.reg);
    await fx.reg.create({ cluster: 'provider' }, vapType, undefined, policy('provided'));
    const onWidgets = { operation: 'CREATE' as const, type: widgets, context: { cluster: 'consumer' }, dryRun: false };
    expect(index.unsettled({ ...onWidgets, type: configMaps })).toBe(false);
    expect(index.unsettled(onWidgets)).toBe(true);
    await index.settle(onWidgets);
    expect(index.configs('validatingadmissionpolicies', 'consumer', widgets).map((c) => c.object.metadata.name)).toEqual(['provided']);
    expect(index.settled).toBe(true);
  });
});
