/**
 * The webhook stages on their own, with a real client and a real HTTPS webhook: reinvocation
 * calls only IfNeeded webhooks, a no-op patch is no change, audit annotations and warnings reach
 * the request, ignored failures are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionConfigSource, ScopedConfig } from '../../src/admission/types.js';
import { DestinationPolicy, MutatingWebhooks, ValidatingWebhooks, WebhookClient, type WebhookStageOptions } from '../../src/admission/webhooks/index.js';
import type { KubeObject } from '../../src/meta/index.js';
import { configMaps } from '../../src/registry/builtins/configmap.js';
import type { AdmissionRequest } from '../../src/registry/index.js';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js';

let hook: WebhookServer;
let client: WebhookClient;
beforeAll(async () => {
  const patch = (ops: unknown[]) => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
  hook = await startWebhookServer((_review, path) => {
    if (path === '/label') return patch([{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }]);
    if (path === '/noop') return patch([{ op: 'test', path: '/kind', value: 'ConfigMap' }]);
    if (path === '/audit') return { allowed: true, auditAnnotations: { reason: 'looked' }, warnings: ['watch out'] };
    return { raw: 'nope', status: 500 };
  });
  client = new WebhookClient({ destinations: new DestinationPolicy() });
});
afterAll(async () => {
  client.close();
  await hook.close();
});

const configuration = (name: string, webhooks: Record<string, unknown>[]): ScopedConfig => ({
  cluster: 'c1',
  object: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name }, webhooks } as unknown as KubeObject,
});

const webhook = (name: string, path: string, over: Record<string, unknown> = {}) => ({
  name,
  clientConfig: { url: hook.url(path), caBundle: hook.caBundle },
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...over,
});

function options(configs: ScopedConfig[], warned: string[] = []): WebhookStageOptions {
  const source: AdmissionConfigSource = { configs: () => configs };
  return {
    configs: source,
    client,
    matcher: { webhookMatches: async () => true },
    namespaceOf: () => async () => undefined,
    logger: { warn: (_fields, message) => warned.push(message) },
  };
}

const request = (): AdmissionRequest => ({
  operation: 'CREATE',
  type: configMaps,
  context: { cluster: 'c1', warnings: [] },
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns' } },
  dryRun: false,
});

describe('webhook stages', () => {
  it('call every mutating webhook first, only IfNeeded ones on reinvocation; a no-op patch changes nothing', async () => {
    const stage = new MutatingWebhooks(options([configuration('m', [webhook('never.test.dev', '/label'), webhook('again.test.dev', '/noop', { reinvocationPolicy: 'IfNeeded' })])]));
    const r = request();
    const before = hook.reviews.length;
    expect(await stage.admit(r, false)).toBe(true);
    expect(r.object?.metadata.labels).toEqual({ a: 'b' });
    expect(hook.reviews.slice(before).map((x) => x.path)).toEqual(['/label', '/noop']);
    expect(await stage.admit(r, true)).toBe(false);
    expect(hook.reviews.slice(before).map((x) => x.path)).toEqual(['/label', '/noop', '/noop']);
  });

  it('hand audit annotations (under the webhook’s name) and warnings to the request, and log ignored failures', async () => {
    const warned: string[] = [];
    const stage = new ValidatingWebhooks(options([configuration('v', [webhook('audit.test.dev', '/audit'), webhook('broken.test.dev', '/broken', { failurePolicy: 'Ignore' })])], warned));
    const r = request();
    await stage.admit(r);
    expect(r.context.auditAnnotations).toEqual({ 'audit.test.dev/reason': 'looked' });
    expect(r.context.warnings).toEqual(['watch out']);
    expect(warned).toEqual([`failed calling webhook "broken.test.dev": failed to call webhook: Post "${hook.url('/broken')}": the webhook answered HTTP 500: "nope" (failurePolicy Ignore: the request goes on)`]);
  });
});
