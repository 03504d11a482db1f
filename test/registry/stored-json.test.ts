/**
 * Whether an object's stored JSON already is what a read returns (its kcp.io/cluster annotation
 * names its cluster), decided from the bytes; when it is not, the read's answer is made from it.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/meta/index.js';
import { annotated, CLUSTER_ANNOTATION } from '../../src/registry/index.js';
import { namesCluster, servedJson } from '../../src/registry/stored-json.js';

const C = 'root:team';
const bytes = (o: object): string => JSON.stringify(o);
const cm = (metadata: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', ...metadata }, ...rest });

describe('namesCluster', () => {
  it('is true when metadata.annotations names the cluster, wherever the annotation sits among the keys', () => {
    expect(namesCluster(bytes(cm({ annotations: { [CLUSTER_ANNOTATION]: C } })), C)).toBe(true);
    expect(namesCluster(bytes(cm({ labels: { [CLUSTER_ANNOTATION]: C, a: '[{' }, annotations: { b: '"}]\\', [CLUSTER_ANNOTATION]: C }, managedFields: [{ f: { 'f:x': {} } }] })), C)).toBe(true);
    expect(namesCluster(bytes({ data: { [CLUSTER_ANNOTATION]: C }, metadata: { annotations: { [CLUSTER_ANNOTATION]: C }, name: 'x' }, kind: 'K' }), C)).toBe(true);
  });

  it('is false when the annotation is absent, names another cluster, or only its text appears elsewhere', () => {
    expect(namesCluster(bytes(cm({})), C)).toBe(false);
    expect(namesCluster(bytes(cm({ annotations: { [CLUSTER_ANNOTATION]: 'root:other' } })), C)).toBe(false);
    expect(namesCluster(bytes(cm({ annotations: { [CLUSTER_ANNOTATION]: `${C}x` } })), C)).toBe(false);
    expect(namesCluster(bytes(cm({ labels: { [CLUSTER_ANNOTATION]: C }, annotations: { a: 'b' } })), C)).toBe(false);
    expect(namesCluster(bytes(cm({ annotations: { a: `"${CLUSTER_ANNOTATION}":"${C}"` } })), C)).toBe(false);
    expect(namesCluster(bytes(cm({}, { data: { [CLUSTER_ANNOTATION]: C } })), C)).toBe(false);
    expect(namesCluster(bytes(cm({}, { spec: { template: { metadata: { annotations: { [CLUSTER_ANNOTATION]: C } } } } })), C)).toBe(false);
    expect(namesCluster(bytes({ metadata: [{ annotations: { [CLUSTER_ANNOTATION]: C } }] }), C)).toBe(false);
    expect(namesCluster(bytes({ x: { metadata: { annotations: { [CLUSTER_ANNOTATION]: C } } } }), C)).toBe(false);
  });
});

describe('servedJson', () => {
  it('passes on the stored bytes when they name the cluster, and otherwise what a read returns', () => {
    const good = bytes(cm({ annotations: { [CLUSTER_ANNOTATION]: C } }));
    expect(servedJson(good, C)).toBe(good);
    for (const o of [cm({ labels: { [CLUSTER_ANNOTATION]: C } }), cm({ annotations: { [CLUSTER_ANNOTATION]: 'root:other', z: 'ü' } })]) {
      expect(servedJson(bytes(o), C)).toBe(JSON.stringify(annotated(o as KubeObject, C)));
    }
  });
});
