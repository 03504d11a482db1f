/**
 * Admission webhooks end to end: a real Atoll server calls a real HTTPS webhook (node:https on
 * 127.0.0.1, certificate from a CA made by the test) for writes made over REST, GraphQL and
 * kubectl. Each test works in a namespace of its own, labelled for the configuration it creates,
 * whose namespaceSelector picks only that namespace: configurations of one test never reach
 * another's writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Reply } from '../support/server-fixture.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';
import { startWebhookServer, type Handler, type Review, type WebhookServer } from '../support/webhook-server.js';

const G = '/apis/admissionregistration.k8s.io/v1';
const routes = new Map<string, Handler>();
let hook: WebhookServer;
beforeAll(async () => {
  hook = await startWebhookServer((review, path) => (routes.get(path) ?? (() => ({ allowed: true })))(review, path));
});
afterAll(async () => {
  await hook?.close();
});

describe('admission webhooks', () => {
  const fx = useServer({ tls: true });
  const W = 'root';
  const cms = (ns: string) => `/clusters/${W}/api/v1/namespaces/${ns}/configmaps`;

  /** A namespace for one test, labelled `test=<name>`; configurations select it by that label. */
  async function namespace(name: string): Promise<void> {
    const r = await fx.call('POST', `/clusters/${W}/api/v1/namespaces`, { metadata: { name, labels: { test: name } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }

  type WebhookSpec = Record<string, unknown>;
  const webhook = (name: string, path: string, over: WebhookSpec = {}): WebhookSpec => ({
    name: `${name}.atoll.test`,
    clientConfig: { url: hook.url(path), caBundle: hook.caBundle },
    rules: [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    namespaceSelector: { matchLabels: { test: name } },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...over,
  });

  async function configure(kind: 'validating' | 'mutating', name: string, path: string, handler: Handler, over: WebhookSpec = {}): Promise<void> {
    routes.set(path, handler);
    const resource = kind === 'validating' ? 'validatingwebhookconfigurations' : 'mutatingwebhookconfigurations';
    const r = await fx.call('POST', `/clusters/${W}${G}/${resource}`, { metadata: { name }, webhooks: [webhook(name, path, over)] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }

  async function gql(query: string): Promise<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: { warnings?: string[] } }> {
    const res = await fx.fetch(`${fx.base}/clusters/${W}/graphql`, { method: 'POST', headers: { ...fx.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await res.json()) as Awaited<ReturnType<typeof gql>>;
  }

  const createCm = (ns: string, name: string, data: Record<string, string> = { color: 'blue' }): Promise<Reply> => fx.call('POST', cms(ns), { metadata: { name }, data });

  it('refuses a write the webhook denies, with its message, on REST and GraphQL', async () => {
    await namespace('deny');
    await configure('validating', 'deny', '/deny', (r) => (r.request.object?.data as Record<string, string> | undefined)?.color === 'blue' ? { allowed: false, status: { code: 403, message: 'no blue configmaps' } } : { allowed: true });
    const refused = await createCm('deny', 'blue');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: 'admission webhook "deny.atoll.test" denied the request: no blue configmaps' });
    expect((await createCm('deny', 'red', { color: 'red' })).status).toBe(201);
    const viaGraphql = await gql('mutation { createV1ConfigMap(namespace: "deny", object: { metadata: { name: "g" }, data: { color: "blue" } }) { metadata { name } } }');
    expect(viaGraphql.errors?.[0]?.message).toBe('admission webhook "deny.atoll.test" denied the request: no blue configmaps');
    expect(viaGraphql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    if (!haveKubectl) return;
    const k = kubectlFor(fx.server.kubeconfigPath);
    try {
      const r = await k.run(['-n', 'deny', 'create', 'configmap', 'k', '--from-literal=color=blue']);
      expect(r.code).not.toBe(0);
      // kubectl create configmap words it `error: failed to create configmap: <the Status message>`.
      expect(r.stderr).toContain('admission webhook "deny.atoll.test" denied the request: no blue configmaps');
    } finally {
      k.cleanup();
    }
  });

  it('sends the AdmissionReview with the user, the operation, options and kcp.io/cluster, for creates, updates and deletes', async () => {
    await namespace('review');
    await configure('validating', 'review', '/review', () => ({ allowed: true }));
    const seen = (): Review['request'][] => hook.reviews.filter((r) => r.path === '/review').map((r) => r.review.request);
    expect((await fx.call('POST', `${cms('review')}?fieldManager=tester`, { metadata: { name: 'one' }, data: { color: 'blue' } })).status).toBe(201);
    expect((await fx.call('PUT', `${cms('review')}/one`, { metadata: { name: 'one' }, data: { color: 'green' } })).status).toBe(200);
    expect((await fx.call('DELETE', `${cms('review')}/one?dryRun=All&propagationPolicy=Orphan`)).status).toBe(200);
    const [create, update, del] = seen();
    expect(create).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'one',
      namespace: 'review',
      operation: 'CREATE',
      userInfo: { username: 'kcp-admin', groups: expect.arrayContaining(['system:kcp:admin']) as unknown, extra: { 'kcp.io/cluster': [expect.any(String)] } },
      object: { data: { color: 'blue' }, metadata: { annotations: { 'kcp.io/cluster': expect.any(String) as unknown } } },
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'tester' },
    });
    expect(update).toMatchObject({ operation: 'UPDATE', object: { data: { color: 'green' } }, oldObject: { data: { color: 'blue' } }, options: { kind: 'UpdateOptions' } });
    expect(del).toMatchObject({ operation: 'DELETE', object: null, oldObject: { data: { color: 'green' } }, dryRun: true, options: { kind: 'DeleteOptions', dryRun: ['All'], propagationPolicy: 'Orphan' } });
  });

  it('passes the webhook’s warnings to kubectl and to GraphQL extensions', async () => {
    await namespace('warn');
    await configure('validating', 'warn', '/warn', () => ({ allowed: true, warnings: ['configmaps here are audited'] }));
    const created = await gql('mutation { createV1ConfigMap(namespace: "warn", object: { metadata: { name: "g" } }) { metadata { name } } }');
    expect(created.errors).toBeUndefined();
    expect(created.extensions?.warnings).toContain('configmaps here are audited');
    if (!haveKubectl) return;
    const k = kubectlFor(fx.server.kubeconfigPath);
    try {
      const r = await k.run(['-n', 'warn', 'create', 'configmap', 'k', '--from-literal=a=b']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Warning: configmaps here are audited');
    } finally {
      k.cleanup();
    }
  });

  it('applies a mutating webhook’s JSON Patch to REST and GraphQL writes, and refuses a patch that breaks the schema', async () => {
    await namespace('mutate');
    const patch = (ops: unknown[]) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
    await configure('mutating', 'mutate', '/mutate', (r) =>
      r.request.object?.metadata && (r.request.object.metadata as { name?: string }).name === 'broken'
        ? patch([{ op: 'add', path: '/data/count', value: 5 }])
        : patch([{ op: 'add', path: '/metadata/labels', value: { stamped: 'yes' } }, { op: 'add', path: '/metadata/annotations/seen-by', value: 'hook' }]),
    );
    const created = await createCm('mutate', 'rest');
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.metadata?.labels).toEqual({ stamped: 'yes' });
    // The patch added to what the webhook saw; the object's own kcp.io/cluster stays what it was.
    expect(created.body.metadata?.annotations).toEqual({ 'seen-by': 'hook', 'kcp.io/cluster': expect.any(String) as unknown });
    const viaGraphql = await gql('mutation { createV1ConfigMap(namespace: "mutate", object: { metadata: { name: "g" } }) { metadata { labels } } }');
    expect(viaGraphql.data?.createV1ConfigMap).toEqual({ metadata: { labels: { stamped: 'yes' } } });
    const broken = await createCm('mutate', 'broken');
    expect(broken.status).toBe(422);
    expect(broken.body.reason).toBe('Invalid');
    expect((await fx.call('GET', `${cms('mutate')}/broken`)).status).toBe(404);
  });

  it('refuses a patch that renames the object or does not apply, whatever the failurePolicy', async () => {
    await namespace('bad-patch');
    const patch = (ops: unknown[]) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
    await configure('mutating', 'bad-patch', '/bad-patch', (r) =>
      (r.request.object?.metadata as { name: string }).name === 'rename' ? patch([{ op: 'replace', path: '/metadata/name', value: 'other' }]) : patch([{ op: 'remove', path: '/spec/nothing' }]),
      { failurePolicy: 'Ignore' },
    );
    const renamed = await createCm('bad-patch', 'rename');
    expect(renamed.status).toBe(503);
    expect(renamed.body.message).toBe('admission webhook "bad-patch.atoll.test" may not change metadata.name');
    const broken = await createCm('bad-patch', 'broken');
    expect(broken.status).toBe(503);
    expect(broken.body.message).toContain('admission webhook "bad-patch.atoll.test" returned a patch that does not apply');
  });

  it('sends admission.k8s.io/v1beta1 to a webhook that accepts only it', async () => {
    await namespace('beta');
    await configure('validating', 'beta', '/beta', (r) => ({ allowed: r.apiVersion === 'admission.k8s.io/v1beta1', status: { message: `got ${r.apiVersion}` } }), { admissionReviewVersions: ['v1beta1'] });
    expect((await createCm('beta', 'x')).status).toBe(201);
  });

  it('lets a write through a timed-out webhook with failurePolicy Ignore, and refuses it clearly with Fail', async () => {
    await namespace('slow');
    await configure('validating', 'slow', '/slow', () => ({ hang: true }), { timeoutSeconds: 1, failurePolicy: 'Ignore' });
    expect((await createCm('slow', 'passes')).status).toBe(201);
    await namespace('slow-fail');
    await configure('validating', 'slow-fail', '/slow-fail', () => ({ hang: true }), { timeoutSeconds: 1, failurePolicy: 'Fail' });
    const refused = await createCm('slow-fail', 'refused');
    expect(refused.status).toBe(504);
    expect(refused.body.reason).toBe('Timeout');
    expect(refused.body.message).toBe(`failed calling webhook "slow-fail.atoll.test": failed to call webhook: Post "${hook.url('/slow-fail')}": timed out after 1s (timeoutSeconds)`);
  });

  it('lets a write through a dead webhook with failurePolicy Ignore, and names the failure with Fail', async () => {
    // A port nothing listens on: the connection is refused at once.
    const dead = { clientConfig: { url: 'https://127.0.0.1:1/dead', caBundle: hook.caBundle } };
    await namespace('dead');
    await configure('validating', 'dead', '/dead', () => ({ allowed: true }), { ...dead, failurePolicy: 'Ignore' });
    expect((await createCm('dead', 'passes')).status).toBe(201);
    await namespace('dead-fail');
    await configure('validating', 'dead-fail', '/dead', () => ({ allowed: true }), dead);
    const refused = await createCm('dead-fail', 'refused');
    expect(refused.status).toBe(503);
    expect(refused.body.reason).toBe('ServiceUnavailable');
    expect(refused.body.message).toContain('failed calling webhook "dead-fail.atoll.test": failed to call webhook: Post "https://127.0.0.1:1/dead": connect ECONNREFUSED');
  });

  it('refuses a write when the webhook answers garbage or breaks the protocol (failurePolicy Fail)', async () => {
    await namespace('garbage');
    await configure('validating', 'garbage', '/garbage', (r) => (r.request.object?.metadata as { name: string }).name === 'html' ? { raw: '<html>oops</html>' } : { raw: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'someone-else', allowed: true } }) });
    const html = await createCm('garbage', 'html');
    expect(html.status).toBe(503);
    expect(html.body.message).toContain('failed calling webhook "garbage.atoll.test": failed to call webhook: Post');
    expect(html.body.message).toContain('the answer is not JSON: "<html>oops</html>"');
    const uid = await createCm('garbage', 'uid');
    expect(uid.status).toBe(503);
    expect(uid.body.message).toMatch(/received invalid webhook response: expected response.uid="[^"]+", got "someone-else"/);
  });

  it('refuses configurations whose URL is not https or points at link-local or metadata addresses (422)', async () => {
    for (const url of ['http://127.0.0.1:8443/x', 'https://169.254.169.254/latest/meta-data', 'https://[fe80::1]/x', 'https://metadata.google.internal/x']) {
      const r = await fx.call('POST', `/clusters/${W}${G}/validatingwebhookconfigurations`, { metadata: { name: 'bad-url' }, webhooks: [{ ...webhook('bad-url', '/x'), clientConfig: { url } }] });
      expect(r.status, url).toBe(422);
      expect(r.body.details?.causes?.[0]?.field).toBe('webhooks[0].clientConfig.url');
    }
    // v1 knows only None and NoneOnDryRun: webhooks with side effects cannot be written, so a dry run never reaches one.
    const some = await fx.call('POST', `/clusters/${W}${G}/validatingwebhookconfigurations`, { metadata: { name: 'some' }, webhooks: [webhook('some', '/x', { sideEffects: 'Some' })] });
    expect(some.status).toBe(422);
  });

  it('calls webhooks on dry runs (sideEffects None) with dryRun set', async () => {
    await namespace('dry');
    await configure('validating', 'dry', '/dry', (r) => ({ allowed: r.request.dryRun !== true, status: { message: 'saw a dry run' } }), { sideEffects: 'NoneOnDryRun' });
    const dry = await fx.call('POST', `${cms('dry')}?dryRun=All`, { metadata: { name: 'x' } });
    expect(dry.status).toBe(403);
    expect(dry.body.message).toBe('admission webhook "dry.atoll.test" denied the request: saw a dry run');
  });

  it('honours namespaceSelector, objectSelector and matchConditions', async () => {
    await namespace('select');
    await namespace('elsewhere');
    await configure('validating', 'select', '/select', () => ({ allowed: false, status: { message: 'selected' } }), {
      objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
      matchConditions: [{ name: 'not-exempt', expression: 'object.metadata.name != "exempt"' }],
    });
    expect((await createCm('select', 'caught')).status).toBe(403);
    expect((await createCm('select', 'exempt')).status).toBe(201);
    expect((await fx.call('POST', cms('select'), { metadata: { name: 'labelled', labels: { skip: 'yes' } } })).status).toBe(201);
    // The namespace selector picks only `select`.
    expect((await createCm('elsewhere', 'caught')).status).toBe(201);
  });

  it('never sends writes of admission configurations to webhooks, so a webhook refusing everything can be removed', async () => {
    await namespace('lockout');
    routes.set('/lockout', () => ({ allowed: false, status: { message: 'locked out' } }));
    const config = { metadata: { name: 'lockout', labels: { lockout: 'yes' } }, webhooks: [webhook('lockout', '/lockout', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }], namespaceSelector: {}, objectSelector: { matchLabels: { lockout: 'yes' } } })] };
    const path = `/clusters/${W}${G}/validatingwebhookconfigurations`;
    expect((await fx.call('POST', path, config)).status).toBe(201);
    expect((await fx.call('POST', cms('lockout'), { metadata: { name: 'x', labels: { lockout: 'yes' } } })).status).toBe(403);
    const updated = await fx.call('PUT', `${path}/lockout`, { ...config, metadata: { ...config.metadata, annotations: { changed: 'yes' } } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect((await fx.call('DELETE', `${path}/lockout`)).status).toBe(200);
    expect((await fx.call('POST', cms('lockout'), { metadata: { name: 'x', labels: { lockout: 'yes' } } })).status).toBe(201);
  });

  it('counts webhook calls by type and result in /metrics, with their durations', async () => {
    // After the tests above: denials, failures under Fail, ignored failures and patches all happened.
    const res = await fx.fetch(`${fx.base}/metrics`, { headers: fx.headers });
    const text = await res.text();
    const count = (labels: string): number => Number(new RegExp(`^atoll_admission_webhook_calls_total\\{${labels}\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(count('type="validating",result="denied"')).toBeGreaterThan(0);
    expect(count('type="validating",result="failed"')).toBeGreaterThan(0);
    expect(count('type="validating",result="ignored"')).toBeGreaterThan(0);
    expect(count('type="mutating",result="allowed"')).toBeGreaterThan(0);
    expect(text).toMatch(/^atoll_admission_webhook_duration_seconds_count\{type="validating"\} \d+/m);
  });

  it('reuses its TLS connection to a webhook across writes', async () => {
    await namespace('reuse');
    await configure('validating', 'reuse', '/reuse', () => ({ allowed: true }));
    expect((await createCm('reuse', 'first')).status).toBe(201);
    const before = hook.handshakes();
    for (let i = 0; i < 10; i++) expect((await createCm('reuse', `n${i}`)).status).toBe(201);
    expect(hook.handshakes() - before).toBe(0);
    expect(hook.reviews.filter((r) => r.path === '/reuse')).toHaveLength(11);
  });
});
