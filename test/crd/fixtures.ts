/** CRD manifests and helpers shared by the CRD tests. */
import { expect } from 'vitest';
import { eventually } from '../support/eventually.js';
import type { ServerFixture } from '../support/server-fixture.js';

export const CRDS = (cluster: string): string => `/clusters/${cluster}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
export const WIDGETS = (cluster: string, version = 'v1', ns = 'default'): string => `/clusters/${cluster}/apis/example.com/${version}/namespaces/${ns}/widgets`;

/** A namespaced Widget with two versions, status and scale, printer columns, a selectable field and CEL rules. */
export function widgetCrd(overrides: { specProperties?: Record<string, unknown>; group?: string } = {}): Record<string, unknown> {
  const group = overrides.group ?? 'example.com';
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        ...(overrides.specProperties ? {} : { 'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.replicas', message: 'replicas must be at least minReplicas' }] }),
        properties: overrides.specProperties ?? {
          color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'red' },
          replicas: { type: 'integer', minimum: 0, maximum: 100, default: 1 },
          minReplicas: { type: 'integer', minimum: 0, default: 0 },
          size: { type: 'string', pattern: '^[0-9]+(Mi|Gi)$' },
          owner: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'owner is immutable' }] },
          port: { 'x-kubernetes-int-or-string': true },
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
      status: {
        type: 'object',
        properties: { replicas: { type: 'integer' }, phase: { type: 'string' } },
      },
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['gadgets'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          additionalPrinterColumns: [
            { name: 'Color', type: 'string', jsonPath: '.spec.color' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase', priority: 1 },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          selectableFields: [{ jsonPath: '.spec.color' }],
        },
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: schema } },
      ],
    },
  };
}

/** Creates a CRD and waits until its resource is served. */
export async function establish(fx: ServerFixture, cluster: string, crd: Record<string, unknown>): Promise<Record<string, unknown>> {
  const created = await fx.call('POST', CRDS(cluster), crd);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const name = (crd.metadata as { name: string }).name;
  let out: Record<string, unknown> = {};
  await eventually(async () => {
    const got = await fx.call('GET', `${CRDS(cluster)}/${name}`);
    const conditions = (got.body.status?.conditions ?? []) as { type: string; status: string }[];
    expect(conditions.find((c) => c.type === 'Established')?.status).toBe('True');
    out = got.body;
  });
  return out;
}

export const causesOf = (body: { details?: { causes?: { field?: string; message?: string }[] } }): string[] =>
  (body.details?.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
