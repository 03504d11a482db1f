/**
 * REST lists answered from the stored JSON (issue 19): every list is asked twice of a real server,
 * once as served and once with the bytes path switched off (the registry's listJson answering
 * "no", so the parsed path serves it as before), and both answers must be the same bytes — for
 * namespaces, all namespaces, pages, resourceVersion semantics, custom resources, bound APIs,
 * every workspace at once, objects stored before writes recorded kcp.io/cluster, and kubectl.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CLUSTER_ANNOTATION } from '../../src/registry/index.js';
import { bind, publishWidgets, widget, WIDGETS } from '../apiexports/support.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer({ tls: true });

interface Answer {
  status: number;
  body: string;
}

async function get(path: string): Promise<Answer> {
  const res = await fx.fetch(`${fx.base}${path}`, { headers: fx.headers });
  return { status: res.status, body: await res.text() };
}

/** `fn` with the bytes path off: the registry reads every list as objects. */
async function parsed<T>(fn: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(fx.server.registry, 'listJson').mockResolvedValue(undefined);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

/** The list at `path` both ways: the same status and the same bytes. Returns the served answer. */
async function same(path: string): Promise<Answer> {
  const fast = await get(path);
  const slow = await parsed(() => get(path));
  expect(fast.status, `${path}: ${fast.body.slice(0, 300)}`).toBe(slow.status);
  expect(fast.body, path).toBe(slow.body);
  return fast;
}

const list = (a: Answer) => JSON.parse(a.body) as { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string; annotations?: Record<string, string> } }[] };

let cluster = '';

beforeAll(async () => {
  cluster = String((await fx.workspace('root', 'lj')).spec?.cluster);
  for (const ns of ['a', 'b']) {
    expect((await fx.call('POST', '/clusters/root:lj/api/v1/namespaces', { metadata: { name: ns } })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const made = await fx.call('POST', CONFIGMAPS('root:lj', ns), { metadata: { name: `cm-${i}`, labels: { i: String(i), [CLUSTER_ANNOTATION]: cluster }, annotations: { note: `"quoted" \\ ${i} ünïcødé` } }, data: { k: `v${i}` } });
      expect(made.status).toBe(201);
    }
  }
});

describe('a REST list from the stored bytes', () => {
  it('reads the stored bytes for a plain list, and the objects when a selector needs them', async () => {
    const store = fx.server.store;
    const json = vi.spyOn(store, 'listJson');
    const objects = vi.spyOn(store, 'list');
    try {
      await get(CONFIGMAPS('root:lj', 'a'));
      expect(json).toHaveBeenCalledTimes(1);
      expect(objects).not.toHaveBeenCalled();
      await get(`${CONFIGMAPS('root:lj', 'a')}?labelSelector=i%3D1`);
      expect(json).toHaveBeenCalledTimes(1);
      expect(objects).toHaveBeenCalledTimes(1);
    } finally {
      json.mockRestore();
      objects.mockRestore();
    }
  });

  it('answers namespaces, all namespaces and cluster-scoped kinds as the parsed path does', async () => {
    expect(list(await same(CONFIGMAPS('root:lj', 'a'))).items.map((o) => o.metadata.name)).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'kube-root-ca.crt']);
    // Ten, and each namespace's kube-root-ca.crt.
    expect(list(await same('/clusters/root:lj/api/v1/configmaps')).items).toHaveLength(13);
    await same('/clusters/root:lj/api/v1/namespaces');
    await same('/clusters/root:lj/api/v1/serviceaccounts');
    await same('/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces');
    // Shared objects (the bootstrap ClusterRoles) go through the parsed path; the answer is the same.
    await same('/clusters/root:lj/apis/rbac.authorization.k8s.io/v1/clusterroles?limit=3');
    await same(`${CONFIGMAPS('root:lj', 'empty')}`);
    // HEAD: the headers of the same answer, no body.
    const head = await fx.fetch(`${fx.base}${CONFIGMAPS('root:lj', 'a')}`, { method: 'HEAD', headers: fx.headers });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength((await get(CONFIGMAPS('root:lj', 'a'))).body)));
    expect(await head.text()).toBe('');
    // Refusals are the same Status.
    expect((await same(`${CONFIGMAPS('root:lj', 'a')}?limit=-1`)).status).toBe(400);
    expect((await same(`${CONFIGMAPS('root:lj', 'a')}?resourceVersion=99999999&resourceVersionMatch=Exact`)).status).toBeGreaterThanOrEqual(400);
    expect((await same(`${CONFIGMAPS('root:lj', 'a')}?continue=bogus`)).status).toBe(400);
  });

  it('pages with the same continue tokens and remaining counts', async () => {
    let path = '/clusters/root:lj/api/v1/configmaps?limit=4';
    const names: string[] = [];
    for (let page = 0; page < 10; page++) {
      const body = list(await same(path));
      names.push(...body.items.map((o) => o.metadata.name));
      if (page === 0) expect(body.metadata.remainingItemCount).toBe(9);
      if (!body.metadata.continue) break;
      path = `/clusters/root:lj/api/v1/configmaps?limit=4&continue=${encodeURIComponent(body.metadata.continue)}`;
    }
    expect(names).toEqual(list(await get('/clusters/root:lj/api/v1/configmaps')).items.map((o) => o.metadata.name));
  });

  it('reads past revisions (resourceVersion, Exact, NotOlderThan) the same way, deleted and changed objects included', async () => {
    const before = list(await same(CONFIGMAPS('root:lj', 'b'))).metadata.resourceVersion;
    expect((await fx.call('DELETE', `${CONFIGMAPS('root:lj', 'b')}/cm-1`)).status).toBe(200);
    expect((await fx.call('PATCH', `${CONFIGMAPS('root:lj', 'b')}/cm-2`, { data: { k: 'changed' } }, 'application/merge-patch+json')).status).toBe(200);
    expect((await fx.call('POST', CONFIGMAPS('root:lj', 'b'), { metadata: { name: 'cm-9' } })).status).toBe(201);
    const old = list(await same(`${CONFIGMAPS('root:lj', 'b')}?resourceVersion=${before}&resourceVersionMatch=Exact`));
    expect(old.items.map((o) => o.metadata.name)).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'kube-root-ca.crt']);
    const first = list(await same(`${CONFIGMAPS('root:lj', 'b')}?resourceVersion=${before}&resourceVersionMatch=Exact&limit=2`));
    await same(`${CONFIGMAPS('root:lj', 'b')}?limit=2&continue=${encodeURIComponent(String(first.metadata.continue))}`);
    await same(`${CONFIGMAPS('root:lj', 'b')}?resourceVersion=${before}`);
    await same(`${CONFIGMAPS('root:lj', 'b')}?resourceVersion=0`);
    await same(`${CONFIGMAPS('root:lj', 'b')}?resourceVersion=${before}&resourceVersionMatch=NotOlderThan`);
  });

  it('adds kcp.io/cluster to objects stored before writes recorded it, wherever else its text appears', async () => {
    const store = fx.server.store;
    const key = (name: string) => ({ cluster, resource: 'configmaps', namespace: 'old', name });
    expect((await fx.call('POST', '/clusters/root:lj/api/v1/namespaces', { metadata: { name: 'old' } })).status).toBe(201);
    // As written before the annotation was stored: none, or its exact text elsewhere (labels, data, a nested map).
    await store.create(key('bare'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare', namespace: 'old' }, data: { a: 'b' } });
    await store.create(key('elsewhere'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'old', labels: { [CLUSTER_ANNOTATION]: cluster }, annotations: { other: 'x' } }, data: { [CLUSTER_ANNOTATION]: cluster } });
    await store.create(key('other-cluster'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-cluster', namespace: 'old', annotations: { [CLUSTER_ANNOTATION]: 'elsewhere' } } });
    const body = list(await same(CONFIGMAPS('root:lj', 'old')));
    for (const o of body.items) expect(o.metadata.annotations?.[CLUSTER_ANNOTATION], o.metadata.name).toBe(cluster);
    await same(`/clusters/*/api/v1/configmaps`);
    await same(`/clusters/*/api/v1/namespaces/old/configmaps?limit=2`);
  });

  it('serves custom resources and bound APIs the same way', async () => {
    const crd = {
      metadata: { name: 'gadgets.example.dev' },
      spec: {
        group: 'example.dev',
        names: { plural: 'gadgets', kind: 'Gadget' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    expect((await fx.call('POST', '/clusters/root:lj/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    const gadgets = '/clusters/root:lj/apis/example.dev/v1/namespaces/a/gadgets';
    await expect
      .poll(async () => (await fx.call('POST', gadgets, { apiVersion: 'example.dev/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { n: 1.5, big: 12345678901234, nested: { deep: [1, 'two', null, true] } } })).status, { timeout: 10_000 })
      .toBe(201);
    expect(list(await same(gadgets)).items).toHaveLength(1);
    await same('/clusters/root:lj/apis/example.dev/v1/gadgets');

    for (const ws of ['provider', 'consumer']) await fx.workspace('root', ws);
    await publishWidgets(fx, 'root:provider');
    await bind(fx, 'root:consumer', 'root:provider');
    expect((await fx.call('POST', WIDGETS('root:consumer'), widget('w1', { color: 'red' }))).status).toBe(201);
    expect(list(await same(WIDGETS('root:consumer'))).items.map((o) => o.metadata.name)).toEqual(['w1']);
    await same('/clusters/root:consumer/apis/widgets.example.dev/v1/widgets');
  });

  it.skipIf(!haveKubectl)('gives kubectl get -o json the same lists', async () => {
    const k = kubectlFor(fx.server.kubeconfigPath);
    const args = ['--server', `${fx.base}/clusters/root:lj`, 'get', 'configmaps', '-A', '-o', 'json'];
    const fast = await k.ok(args);
    const slow = await parsed(() => k.ok(args));
    expect(fast).toBe(slow);
    expect((JSON.parse(fast) as { items: unknown[] }).items.length).toBeGreaterThan(10);
    const paged = ['--server', `${fx.base}/clusters/root:lj`, 'get', 'configmaps', '-n', 'a', '--chunk-size', '2', '-o', 'json'];
    expect(await k.ok(paged)).toBe(await parsed(() => k.ok(paged)));
  });
});
