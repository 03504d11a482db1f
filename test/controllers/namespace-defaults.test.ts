/**
 * What the controller manager puts in every namespace (the `default` ServiceAccount, the
 * `kube-root-ca.crt` ConfigMap) and the legacy token controller's Secrets, against the real
 * server over TLS, with kubectl where it reads them.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';
import { useServer } from '../support/server-fixture.js';

const fx = useServer({ tls: true });

const core = (ws: string, ns: string, resource: string, name = ''): string => `/clusters/${ws}/api/v1/namespaces/${ns}/${resource}${name ? `/${name}` : ''}`;
const caCert = (): string => fx.server.pki?.ca.cert ?? '';
const decode = (v: unknown): string => Buffer.from(String(v), 'base64').toString('utf8');

async function expectDefaults(ws: string, ns: string): Promise<void> {
  await eventually(async () => {
    const sa = await fx.call('GET', core(ws, ns, 'serviceaccounts', 'default'));
    expect(sa.status).toBe(200);
    const cm = await fx.call('GET', core(ws, ns, 'configmaps', 'kube-root-ca.crt'));
    expect(cm.status).toBe(200);
    expect(cm.body.data).toEqual({ 'ca.crt': caCert() });
  });
}

describe('namespace defaults', () => {
  it('every namespace, in root and in new workspaces, gets its default ServiceAccount and kube-root-ca.crt', async () => {
    expect(caCert()).toContain('BEGIN CERTIFICATE');
    await expectDefaults('root', 'default');
    await fx.workspace('root', 'defaults-a');
    await expectDefaults('root:defaults-a', 'default');
    expect((await fx.call('POST', '/clusters/root:defaults-a/api/v1/namespaces', { metadata: { name: 'later' } })).status).toBe(201);
    await expectDefaults('root:defaults-a', 'later');
  });

  it.skipIf(!haveKubectl)('kubectl get sa,cm shows them', async () => {
    const k = kubectlFor(fx.server.kubeconfigPath);
    try {
      await k.ok(['create', 'namespace', 'from-kubectl']);
      let out = '';
      await eventually(async () => {
        out = await k.ok(['get', 'sa,cm', '-n', 'from-kubectl', '-o', 'name']);
        expect(out.split('\n').filter(Boolean)).toHaveLength(2);
      });
      expect(out.split('\n').filter(Boolean).sort()).toEqual(['configmap/kube-root-ca.crt', 'serviceaccount/default']);
    } finally {
      k.cleanup();
    }
  });

  it('makes them again when deleted, and puts the CA back when the ConfigMap is edited', async () => {
    await fx.workspace('root', 'defaults-b');
    const ws = 'root:defaults-b';
    await expectDefaults(ws, 'default');
    const before = await fx.call('GET', core(ws, 'default', 'serviceaccounts', 'default'));
    expect((await fx.call('DELETE', core(ws, 'default', 'serviceaccounts', 'default'))).status).toBe(200);
    expect((await fx.call('DELETE', core(ws, 'default', 'configmaps', 'kube-root-ca.crt'))).status).toBe(200);
    await expectDefaults(ws, 'default');
    const after = await fx.call('GET', core(ws, 'default', 'serviceaccounts', 'default'));
    expect(after.body.metadata?.uid).not.toBe(before.body.metadata?.uid);

    const cm = await fx.call('GET', core(ws, 'default', 'configmaps', 'kube-root-ca.crt'));
    const edited = await fx.call('PUT', core(ws, 'default', 'configmaps', 'kube-root-ca.crt'), { ...cm.body, data: { 'ca.crt': 'not a CA', extra: 'x' } });
    expect(edited.status).toBe(200);
    await expectDefaults(ws, 'default');
  });

  it('fills service-account-token Secrets with a token the server accepts as that account', async () => {
    await fx.workspace('root', 'tokens');
    const ws = 'root:tokens';
    expect((await fx.call('POST', core(ws, 'default', 'serviceaccounts'), { metadata: { name: 'builder' } })).status).toBe(201);
    const created = await fx.call('POST', core(ws, 'default', 'secrets'), {
      metadata: { name: 'builder-token', annotations: { 'kubernetes.io/service-account.name': 'builder' } },
      type: 'kubernetes.io/service-account-token',
    });
    expect(created.status).toBe(201);
    let data: Record<string, string> = {};
    await eventually(async () => {
      const got = await fx.call('GET', core(ws, 'default', 'secrets', 'builder-token'));
      data = (got.body.data ?? {}) as Record<string, string>;
      expect(Object.keys(data).sort()).toEqual(['ca.crt', 'namespace', 'token']);
      const sa = await fx.call('GET', core(ws, 'default', 'serviceaccounts', 'builder'));
      expect(got.body.metadata?.annotations?.['kubernetes.io/service-account.uid']).toBe(sa.body.metadata?.uid);
    });
    expect(decode(data['ca.crt'])).toBe(caCert());
    expect(decode(data.namespace)).toBe('default');

    const whoami = await fx.callAs(decode(data.token), 'POST', `/clusters/${ws}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(whoami.status).toBe(201);
    expect(whoami.body.status).toMatchObject({ userInfo: { username: 'system:serviceaccount:default:builder' } });

    // The account goes, and its token Secret with it (as the tokens controller does).
    expect((await fx.call('DELETE', core(ws, 'default', 'serviceaccounts', 'builder'))).status).toBe(200);
    await eventually(async () => {
      expect((await fx.call('GET', core(ws, 'default', 'secrets', 'builder-token'))).status).toBe(404);
    });
  });

  it('revokes a token Secret’s token when the Secret is deleted, while the account lives on', async () => {
    await fx.workspace('root', 'revoked');
    const ws = 'root:revoked';
    expect((await fx.call('POST', core(ws, 'default', 'serviceaccounts'), { metadata: { name: 'ci' } })).status).toBe(201);
    const secret = { metadata: { name: 'ci-token', annotations: { 'kubernetes.io/service-account.name': 'ci' } }, type: 'kubernetes.io/service-account-token' };
    expect((await fx.call('POST', core(ws, 'default', 'secrets'), secret)).status).toBe(201);
    let token = '';
    await eventually(async () => {
      const got = await fx.call('GET', core(ws, 'default', 'secrets', 'ci-token'));
      token = decode(((got.body.data ?? {}) as Record<string, string>).token ?? '');
      expect(token).not.toBe('');
    });
    const list = () => fx.callAs(token, 'GET', core(ws, 'default', 'configmaps'));
    expect([200, 403]).toContain((await list()).status); // authenticated (RBAC may still say no)
    expect((await fx.call('DELETE', core(ws, 'default', 'secrets', 'ci-token'))).status).toBe(200);
    await eventually(async () => {
      expect((await list()).status).toBe(401);
    });
    // A new Secret of the same name gets a new token; the old one stays revoked.
    expect((await fx.call('POST', core(ws, 'default', 'secrets'), secret)).status).toBe(201);
    await eventually(async () => {
      const got = await fx.call('GET', core(ws, 'default', 'secrets', 'ci-token'));
      expect(((got.body.data ?? {}) as Record<string, string>).token).toBeDefined();
    });
    expect((await list()).status).toBe(401);
    expect((await fx.call('GET', core(ws, 'default', 'serviceaccounts', 'ci'))).status).toBe(200);
  });

  it('deletes a service-account-token Secret naming no ServiceAccount', async () => {
    const created = await fx.call('POST', core('root', 'default', 'secrets'), {
      metadata: { name: 'orphan-token', annotations: { 'kubernetes.io/service-account.name': 'nobody' } },
      type: 'kubernetes.io/service-account-token',
    });
    expect(created.status).toBe(201);
    await eventually(async () => {
      expect((await fx.call('GET', core('root', 'default', 'secrets', 'orphan-token'))).status).toBe(404);
    });
  });
});
