/** A provider's API for the apis.kcp.io tests: an APIResourceSchema of widgets, its export, and bindings of it. */
import { expect } from 'vitest';
import { eventually } from '../support/eventually.js';
import type { Reply, ServerFixture } from '../support/server-fixture.js';

export const APIS = (workspace: string, version = 'v1alpha2'): string => `/clusters/${workspace}/apis/apis.kcp.io/${version}`;
export const WIDGETS = (workspace: string, ns = 'default'): string => `/clusters/${workspace}/apis/widgets.example.dev/v1/namespaces/${ns}/widgets`;

export function widgetSchema(prefix = 'v1', extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apis.kcp.io/v1alpha1',
    kind: 'APIResourceSchema',
    metadata: { name: `${prefix}.widgets.widgets.example.dev` },
    spec: {
      group: 'widgets.example.dev',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
          schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { size: { type: 'integer', minimum: 1, default: 3 }, color: { type: 'string', enum: ['red', 'blue'] }, ...extra },
                'x-kubernetes-validations': [{ rule: 'self.size <= 100', message: 'size must be at most 100' }],
              },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      ],
    },
  };
}

/** A CRD of the same group and resource as the exported widgets. */
export const widgetCrd = () => ({
  metadata: { name: 'widgets.widgets.example.dev' },
  spec: {
    group: 'widgets.example.dev',
    names: { plural: 'widgets', kind: 'Widget' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});

export const widget = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'widgets.example.dev/v1', kind: 'Widget', metadata: { name }, spec });

/**
 * Publishes the widgets schema and export `widgets` in the provider workspace; waits for the
 * identity. `fx`: any caller of the server's API (a fixture, or a process behind the front proxy).
 */
export async function publishWidgets(fx: Pick<ServerFixture, 'call'>, provider: string, extra: { permissionClaims?: unknown[]; maximalPermissionPolicy?: unknown } = {}): Promise<Reply['body']> {
  const schema = await fx.call('POST', `${APIS(provider, 'v1alpha1')}/apiresourceschemas`, widgetSchema());
  expect(schema.status, JSON.stringify(schema.body)).toBe(201);
  const exp = await fx.call('POST', `${APIS(provider)}/apiexports`, {
    apiVersion: 'apis.kcp.io/v1alpha2',
    kind: 'APIExport',
    metadata: { name: 'widgets' },
    spec: { resources: [{ name: 'widgets', group: 'widgets.example.dev', schema: 'v1.widgets.widgets.example.dev', storage: { crd: {} } }], ...extra },
  });
  expect(exp.status, JSON.stringify(exp.body)).toBe(201);
  let ready: Reply['body'] = exp.body;
  await eventually(async () => {
    const got = await fx.call('GET', `${APIS(provider)}/apiexports/widgets`);
    expect(got.body.status?.identityHash).toMatch(/^[0-9a-f]{64}$/);
    ready = got.body;
  });
  return ready;
}

/** Binds `path:name` in the consumer and waits for phase Bound. */
export async function bind(fx: ServerFixture, consumer: string, path: string, name = 'widgets', spec: Record<string, unknown> = {}, token?: string): Promise<Reply['body']> {
  const created = await fx.callAs(token ?? fx.adminToken, 'POST', `${APIS(consumer)}/apibindings`, {
    apiVersion: 'apis.kcp.io/v1alpha2',
    kind: 'APIBinding',
    metadata: { name },
    spec: { reference: { export: { path, name } }, ...spec },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return boundBinding(fx, consumer, name);
}

export async function boundBinding(fx: ServerFixture, consumer: string, name: string): Promise<Reply['body']> {
  let bound: Reply['body'] = {};
  await eventually(async () => {
    const got = await fx.call('GET', `${APIS(consumer)}/apibindings/${name}`);
    expect(got.body.status?.phase, JSON.stringify(got.body.status)).toBe('Bound');
    bound = got.body;
  });
  return bound;
}
