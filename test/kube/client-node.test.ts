/**
 * The official JavaScript client (@kubernetes/client-node) against the real server: typed list,
 * raw watch, and an informer whose cache stays in sync across a server restart (the watch breaks,
 * the informer reconnects and catches up).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { freePort } from '../support/free-port.js';

let atoll: AtollProcess;
let dataDir: string;
let port: number;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;


const start = async (): Promise<AtollProcess> => startAtoll(['--port', String(port), '--data-dir', dataDir]);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-client-node-'));
  port = await freePort();
  atoll = await start();
  // The kubeconfig the server wrote, as users load it: HTTPS verified against its CA, the admin token.
  kc = new k8s.KubeConfig();
  kc.loadFromFile(atoll.kubeconfig);
  expect(kc.getCurrentCluster()?.server).toMatch(/^https:\/\//);
  expect(kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
  expect(kc.getCurrentUser()?.token).toBe(atoll.adminToken);
  core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'apps' } } });
});
afterAll(async () => {
  await atoll?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function eventually(check: () => void, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Every namespace has the CA ConfigMap (as in Kubernetes), made by a controller: the tests look past it. */
const notRootCa = (name: string | undefined): boolean => name !== 'kube-root-ca.crt';

describe('@kubernetes/client-node', () => {
  it('creates and lists with the typed API', async () => {
    await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'one' }, data: { a: '1' } } });
    const list = await core.listNamespacedConfigMap({ namespace: 'apps' });
    expect(list.items.map((c) => c.metadata?.name).filter(notRootCa)).toEqual(['one']);
    const got = await core.readNamespacedConfigMap({ namespace: 'apps', name: 'one' });
    expect(got.data).toEqual({ a: '1' });
    await expect(core.readNamespacedConfigMap({ namespace: 'apps', name: 'missing' })).rejects.toMatchObject({ code: 404 });
  });

  it('watches changes', async () => {
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const list = await core.listNamespacedConfigMap({ namespace: 'apps' });
    const controller = await watch.watch(
      '/api/v1/namespaces/apps/configmaps',
      { resourceVersion: list.metadata?.resourceVersion },
      (phase, obj: k8s.V1ConfigMap) => seen.push(`${phase} ${obj.metadata?.name}`),
      () => undefined,
    );
    await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'two' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'apps', name: 'two' });
    await eventually(() => expect(seen).toEqual(['ADDED two', 'DELETED two']));
    controller.abort();
  });

  it('keeps an informer in sync, also across a restart of the server and its watch', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/apps/configmaps', () => core.listNamespacedConfigMap({ namespace: 'apps' }));
    let errors = 0;
    informer.on('error', () => {
      errors++;
      // The documented way to keep an informer running: start it again after an error.
      setTimeout(() => void informer.start().catch(() => undefined), 200);
    });
    await informer.start();
    const names = (): string[] => informer.list('apps').map((c) => c.metadata?.name as string).filter(notRootCa).sort();
    await eventually(() => expect(names()).toEqual(['one']));

    await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'three' } } });
    await core.patchNamespacedConfigMap(
      { namespace: 'apps', name: 'one', body: { data: { a: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(() => {
      expect(names()).toEqual(['one', 'three']);
      expect(informer.get('one', 'apps')?.data).toEqual({ a: '2' });
    });

    // Restart the server: the watch connection breaks; changes made right after the restart must
    // reach the cache through the informer's re-list or resumed watch.
    await atoll.stop();
    atoll = await start();
    await core.deleteNamespacedConfigMap({ namespace: 'apps', name: 'three' });
    await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'four' } } });
    await eventually(() => expect(names()).toEqual(['four', 'one']));
    expect(errors).toBeGreaterThan(0);

    await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'five' } } });
    await eventually(() => expect(names()).toEqual(['five', 'four', 'one']));
    await informer.stop();
  });
});
