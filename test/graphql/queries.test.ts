/** Real queries against a Registry on an in-memory store: typed reads, lists, paging and errors. */
import { describe, expect, it } from 'vitest';
import { schemaFor } from '../../src/graphql/index.js';
import { configMaps, namespaces, roles } from '../../src/registry/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { builtinSet, run } from './support.js';

const fx = useRegistry();
const schema = schemaFor(builtinSet());

const configMap = (namespace: string, name: string, labels: Record<string, string> = {}) =>
  fx.reg.create(ctx, configMaps, namespace, { metadata: { name, labels }, data: { greeting: 'hello' } });

describe('single objects', () => {
  it('reads a ConfigMap with typed fields', async () => {
    await configMap('default', 'web', { app: 'web' });
    const r = await run(
      schema,
      fx.reg,
      `{ v1 { ConfigMap(name: "web", namespace: "default") { apiVersion kind metadata { name namespace labels generation } data } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      v1: {
        ConfigMap: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, generation: null },
          data: { greeting: 'hello' },
        },
      },
    });
  });

  it('reads a Role with typed rules', async () => {
    await fx.reg.create(ctx, roles, 'default', {
      metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list'] }],
    });
    const r = await run(
      schema,
      fx.reg,
      `{ rbac_authorization_k8s_io { v1 { Role(name: "reader", namespace: "default") { metadata { name } rules { verbs resources apiGroups } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      rbac_authorization_k8s_io: {
        v1: { Role: { metadata: { name: 'reader' }, rules: [{ verbs: ['get', 'list'], resources: ['configmaps', 'secrets'], apiGroups: [''] }] } },
      },
    });
  });

  it('reads a cluster-scoped Namespace without a namespace argument', async () => {
    await fx.reg.create(ctx, namespaces, undefined, { metadata: { name: 'team-a' } });
    const r = await run(schema, fx.reg, `{ v1 { Namespace(name: "team-a") { metadata { name } status { phase } } Namespaces { items { metadata { name } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      v1: { Namespace: { metadata: { name: 'team-a' }, status: { phase: 'Active' } }, Namespaces: { items: [{ metadata: { name: 'team-a' } }] } },
    });
    const refused = await run(schema, fx.reg, `{ v1 { Namespace(name: "team-a", namespace: "x") { kind } } }`);
    expect(refused.errors?.[0]?.message).toContain('Unknown argument "namespace"');
  });

  it('answers a missing object with NOT_FOUND and the HTTP status', async () => {
    const r = await run(schema, fx.reg, `{ v1 { ConfigMap(name: "nope", namespace: "default") { kind } } }`);
    expect(r.data).toEqual({ v1: { ConfigMap: null } });
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]?.message).toBe('configmaps "nope" not found');
    expect(r.errors?.[0]?.path).toEqual(['v1', 'ConfigMap']);
    expect(r.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', status: 404 });
  });
});

describe('lists', () => {
  it('filters by label selector and pages with limit and continue', async () => {
    for (const name of ['a', 'b', 'c']) await configMap('default', name, { app: 'web' });
    await configMap('default', 'other', { app: 'db' });
    await configMap('kube-system', 'd', { app: 'web' });
    const page = `query ($continue: String) {
      v1 { ConfigMaps(namespace: "default", labelSelector: "app=web", limit: 2, continue: $continue) {
        items { metadata { name } } resourceVersion continue
      } }
    }`;
    const first = await run(schema, fx.reg, page);
    expect(first.errors).toBeUndefined();
    const list1 = (first.data as { v1: { ConfigMaps: { items: unknown[]; resourceVersion: string; continue: string | null } } }).v1.ConfigMaps;
    expect(list1.items).toEqual([{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }]);
    expect(list1.resourceVersion).toMatch(/^\d+$/);
    expect(list1.continue).toEqual(expect.any(String));
    const second = await run(schema, fx.reg, page, { continue: list1.continue });
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual({ v1: { ConfigMaps: { items: [{ metadata: { name: 'c' } }], resourceVersion: list1.resourceVersion, continue: null } } });
  });

  it('lists across namespaces without a namespace, with remainingItemCount when known', async () => {
    await configMap('default', 'a');
    await configMap('kube-system', 'b');
    await configMap('team', 'c');
    const r = await run(schema, fx.reg, `{ v1 { ConfigMaps(limit: 2) { items { metadata { namespace name } } remainingItemCount } } }`);
    expect(r.errors).toBeUndefined();
    const list = (r.data as { v1: { ConfigMaps: { items: { metadata: { namespace: string } }[]; remainingItemCount: number | null } } }).v1.ConfigMaps;
    expect(list.items.map((i) => i.metadata.namespace).sort()).toEqual(['default', 'kube-system']);
    expect(list.remainingItemCount).toBe(1);
  });

  it('refuses a malformed label selector with BAD_REQUEST', async () => {
    const r = await run(schema, fx.reg, `{ v1 { ConfigMaps(labelSelector: "app in (web") { resourceVersion } } }`);
    expect(r.data).toEqual({ v1: { ConfigMaps: null } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('refuses an unsupported field selector and a negative limit with BAD_REQUEST', async () => {
    const r = await run(schema, fx.reg, `{ v1 { a: ConfigMaps(fieldSelector: "data.x=y") { resourceVersion } b: ConfigMaps(limit: -1) { resourceVersion } } }`);
    expect(r.errors?.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([
      ['v1.a', 'BAD_REQUEST'],
      ['v1.b', 'BAD_REQUEST'],
    ]);
  });
});
