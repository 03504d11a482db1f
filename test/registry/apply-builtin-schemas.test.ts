/**
 * Server-side apply over the real built-in schemas: the managedFields of Kubernetes' own
 * documentation example, the conflict message kubectl users see after client-side apply, and
 * ObjectMeta's keyed and set lists.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { applyConfiguration, trackUpdate, type ManagedFieldsEntry } from '../../src/registry/apply/index.js';
import { builtinComponents } from '../../src/registry/builtins/openapi/index.js';
import type { KindSchema } from '../../src/registry/resource-type.js';
import { refusedSync } from '../support/registry-fixture.js';

const configMaps: KindSchema = { name: 'io.k8s.api.core.v1.ConfigMap', components: builtinComponents };
const namespaces: KindSchema = { name: 'io.k8s.api.core.v1.Namespace', components: builtinComponents };
const NOW = '2026-01-01T00:00:00Z';

const cm = (metadata: Record<string, unknown>, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'test-cm', namespace: 'default', ...metadata },
  data,
});

const applyCm = (live: KubeObject | undefined, config: KubeObject, manager: string): KubeObject =>
  applyConfiguration({ live, config, manager, force: false, schema: configMaps, apiVersion: 'v1', now: NOW });

describe('apply with the built-in schemas', () => {
  it('records the managedFields of the Server-Side Apply documentation example', () => {
    const o = applyCm(undefined, cm({ labels: { 'test-label': 'test' } }, { key: 'some value' }), 'kubectl');
    const entries = o.metadata.managedFields as ManagedFieldsEntry[];
    expect(entries).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: NOW, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } } },
    ]);
    expect(JSON.stringify(entries[0]?.fieldsV1)).toBe('{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}');
  });

  it('conflicts with client-side apply exactly as kubectl users see it', () => {
    const created = cm({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, { a: '1' });
    created.metadata.managedFields = trackUpdate({ old: undefined, updated: created, manager: 'kubectl-client-side-apply', apiVersion: 'v1', now: NOW, schema: configMaps });
    expect((created.metadata.managedFields as ManagedFieldsEntry[])[0]?.fieldsV1).toEqual({
      'f:data': { '.': {}, 'f:a': {} },
      'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
    });
    const err = refusedSync(() => applyCm(created, cm({}, { a: '2' }), 'kubectl'));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a');
    expect(err.code).toBe(409);
  });

  it('tracks ObjectMeta finalizers as a set and ownerReferences by uid', () => {
    const owner = { apiVersion: 'v1', kind: 'Namespace', name: 'o', uid: 'u1' };
    const o = applyCm(undefined, cm({ finalizers: ['example.com/cleanup'], ownerReferences: [owner] }, {}), 'ctrl');
    expect((o.metadata.managedFields as ManagedFieldsEntry[])[0]?.fieldsV1).toEqual({
      'f:metadata': {
        'f:finalizers': { 'v:"example.com/cleanup"': {} },
        // OwnerReference is an atomic struct in Kubernetes: the item is owned whole.
        'f:ownerReferences': { 'k:{"uid":"u1"}': {} },
      },
    });
    const other = { ...owner, name: 'p', uid: 'u2' };
    const both = applyCm(o, cm({ finalizers: ['other.io/x'], ownerReferences: [other] }, {}), 'other');
    expect(both.metadata.finalizers).toEqual(['example.com/cleanup', 'other.io/x']);
    expect(both.metadata.ownerReferences).toEqual([owner, other]);
  });

  it('merges Namespace status conditions by type', () => {
    const ns = (conditions: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, status: { conditions } });
    const cond = (type: string, status: string) => ({ type, status });
    const applyNs = (live: KubeObject | undefined, config: KubeObject, manager: string) =>
      applyConfiguration({ live, config, manager, force: false, schema: namespaces, apiVersion: 'v1', now: NOW, subresource: 'status' });
    let o = applyNs(undefined, ns([cond('A', 'True')]), 'a');
    o = applyNs(o, ns([cond('B', 'False')]), 'b');
    expect((o.status as { conditions: unknown }).conditions).toEqual([cond('A', 'True'), cond('B', 'False')]);
    expect((o.metadata.managedFields as ManagedFieldsEntry[]).map((e) => [e.manager, e.subresource])).toEqual([
      ['a', 'status'],
      ['b', 'status'],
    ]);
  });
});
