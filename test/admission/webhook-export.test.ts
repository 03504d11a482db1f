/**
 * A provider's webhooks (configurations in its export's workspace) are called for the exported
 * resource in every consumer that binds it, as kcp does, with the consumer's logical cluster in
 * the review (`kcp.io/cluster`), and for nothing else of the consumers'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bind, publishWidgets, widget, WIDGETS } from '../apiexports/support.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js';

const fx = useServer();
const G = '/apis/admissionregistration.k8s.io/v1';
let hook: WebhookServer;

beforeAll(async () => {
  hook = await startWebhookServer((review, path) => {
    if (path === '/stamp') return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/labels', value: { provider: 'stamped' } }])).toString('base64') };
    const size = (review.request.object?.spec as { size?: number } | undefined)?.size ?? 0;
    return size <= 10 ? { allowed: true } : { allowed: false, status: { message: 'widgets are small' } };
  });
});
afterAll(async () => {
  await hook?.close();
});

describe('a provider’s webhooks', () => {
  let consumerCluster = '';
  beforeAll(async () => {
    await fx.workspace('root', 'wh-provider');
    const consumer = await fx.workspace('root', 'wh-consumer');
    consumerCluster = (consumer.spec as { cluster: string }).cluster;
    await publishWidgets(fx, 'root:wh-provider');
    // Rules for everything: still only the exported widgets may reach the provider's webhooks.
    const everything = [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }];
    const config = (name: string, path: string) => ({
      metadata: { name },
      webhooks: [{ name: `${name}.provider.test`, clientConfig: { url: hook.url(path), caBundle: hook.caBundle }, rules: everything, sideEffects: 'None', admissionReviewVersions: ['v1'] }],
    });
    expect((await fx.call('POST', `/clusters/root:wh-provider${G}/mutatingwebhookconfigurations`, config('stamp', '/stamp'))).status).toBe(201);
    expect((await fx.call('POST', `/clusters/root:wh-provider${G}/validatingwebhookconfigurations`, config('check', '/check'))).status).toBe(201);
    await bind(fx, 'root:wh-consumer', 'root:wh-provider');
  });

  it('are called for the consumer’s exported resource, with the consumer’s cluster', async () => {
    const denied = await fx.call('POST', WIDGETS('root:wh-consumer'), widget('big', { size: 50 }));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('admission webhook "check.provider.test" denied the request: widgets are small');
    const created = await fx.call('POST', WIDGETS('root:wh-consumer'), widget('small', { size: 5 }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.metadata?.labels).toEqual({ provider: 'stamped' });
    const sent = hook.reviews.find((r) => r.path === '/check' && (r.review.request.object?.metadata as { name?: string } | undefined)?.name === 'small');
    expect(sent?.review.request).toMatchObject({ object: { metadata: { annotations: { 'kcp.io/cluster': consumerCluster } } }, userInfo: { extra: { 'kcp.io/cluster': [consumerCluster] } } });
  });

  it('are not called for the consumer’s other objects', async () => {
    const before = hook.reviews.length;
    expect((await fx.call('POST', CONFIGMAPS('root:wh-consumer'), { metadata: { name: 'mine' }, data: { a: '1' } })).status).toBe(201);
    expect(hook.reviews.length).toBe(before);
  });
});
