/** The webhook client and its destination policy, against a real HTTPS webhook on 127.0.0.1 with a test CA. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookCallError, WebhookClient, type WebhookEndpoint } from '../../src/admission/webhooks/client.js';
import { DestinationPolicy, parseAllowedDestinations, webhookUrlProblems } from '../../src/admission/webhooks/destinations.js';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.js';

let hook: WebhookServer;
beforeAll(async () => {
  hook = await startWebhookServer();
});
afterAll(async () => {
  await hook.close();
});

const review = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1' } });
const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({ key: 'test', url: hook.url('/check'), caBundle: hook.caBundle, timeoutSeconds: 10, ...over });

async function failure(p: Promise<unknown>): Promise<WebhookCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookCallError);
  return err as WebhookCallError;
}

describe('webhook client', () => {
  it('posts the review and reuses one TLS connection for calls in sequence', async () => {
    hook.handle(() => ({ allowed: true }));
    const client = new WebhookClient({ destinations: new DestinationPolicy() });
    const before = hook.handshakes();
    for (let i = 0; i < 5; i++) {
      const answer = (await client.post(endpoint(), review)) as { response: { uid: string; allowed: boolean } };
      expect(answer.response).toEqual({ uid: 'u-1', allowed: true });
    }
    expect(hook.handshakes() - before).toBe(1);
    client.close();
  });

  it('trusts only the caBundle: without it the certificate is refused with a TLS error', async () => {
    const client = new WebhookClient({ destinations: new DestinationPolicy() });
    const { caBundle: _, ...noCa } = endpoint();
    const err = await failure(client.post(noCa, review));
    expect(err.failure).toBe('tls');
    expect(err.message).toContain(`Post "${hook.url('/check')}": TLS`);
    client.close();
  });

  it('fails clearly on a timeout, a non-200 answer, garbage and an oversized answer', async () => {
    const client = new WebhookClient({ destinations: new DestinationPolicy(), maxResponseBytes: 1024 });
    hook.handle(() => ({ hang: true }));
    const timeout = await failure(client.post(endpoint({ timeoutSeconds: 1 }), review));
    expect(timeout.failure).toBe('timeout');
    expect(timeout.message).toContain('timed out after 1s');

    hook.handle(() => ({ raw: 'upstream broke', status: 502 }));
    const status = await failure(client.post(endpoint(), review));
    expect(status.failure).toBe('status');
    expect(status.message).toContain('HTTP 502: "upstream broke"');

    hook.handle(() => ({ raw: '<html>not json' }));
    const garbage = await failure(client.post(endpoint(), review));
    expect(garbage.failure).toBe('response');
    expect(garbage.message).toContain('the answer is not JSON');

    hook.handle(() => ({ raw: JSON.stringify({ pad: 'x'.repeat(4096) }) }));
    const large = await failure(client.post(endpoint(), review));
    expect(large.message).toContain('larger than 1024 bytes');
    client.close();
  });

  it('keeps at most maxConcurrent calls in flight per webhook, queues the next and refuses past the queue', async () => {
    const client = new WebhookClient({ destinations: new DestinationPolicy(), maxConcurrent: 2, maxQueued: 3 });
    const held: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    hook.handle(
      () =>
        new Promise((resolve) => {
          inFlight++;
          most = Math.max(most, inFlight);
          held.push(() => {
            inFlight--;
            resolve({ allowed: true });
          });
        }),
    );
    const received = hook.reviews.length;
    const calls = Array.from({ length: 5 }, () => client.post(endpoint(), review));
    const refused = await failure(client.post(endpoint(), review));
    expect(refused.failure).toBe('busy');
    // Release answers one by one as they arrive; all five complete, never more than two at once.
    for (let done = 0; done < 5; ) {
      const next = held.shift();
      if (next) {
        next();
        done++;
      } else await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(calls);
    expect(hook.reviews.length - received).toBe(5);
    expect(most).toBe(2);
    client.close();
  });
});

describe('webhook destinations', () => {
  it('refuses other schemes, user info, queries, link-local and metadata destinations as written', () => {
    expect(webhookUrlProblems('http://127.0.0.1/x')).toEqual(["'https' is the only allowed URL scheme"]);
    expect(webhookUrlProblems('https://u:p@example.com/?a=b')).toEqual(['user information is not permitted in the URL', 'query parameters are not permitted in the URL']);
    expect(webhookUrlProblems('https://169.254.169.254/latest')[0]).toContain('link-local');
    expect(webhookUrlProblems('https://[fe80::1]/')[0]).toContain('link-local');
    expect(webhookUrlProblems('https://[fd00:ec2::254]/')[0]).toContain('metadata');
    expect(webhookUrlProblems('https://[::ffff:169.254.169.254]/')[0]).toContain('link-local');
    expect(webhookUrlProblems('https://metadata.google.internal./computeMetadata')[0]).toContain('cloud metadata service');
    expect(webhookUrlProblems('https://127.0.0.1:8443/validate')).toEqual([]);
  });

  it('checks the resolved address against the allow list when calling', async () => {
    hook.handle(() => ({ allowed: true }));
    const port = new URL(hook.url()).port;
    const byName = endpoint({ url: `https://localhost:${port}/check` });
    // localhost resolves to loopback, outside 10.0.0.0/8: refused after resolution, not by the URL's text.
    const ranges = new WebhookClient({ destinations: new DestinationPolicy(['10.0.0.0/8']) });
    const refused = await failure(ranges.post(byName, review));
    expect(refused.failure).toBe('destination');
    expect(refused.message).toMatch(/webhook destination localhost is not allowed .*\(resolved to .*(127\.0\.0\.1|::1)/);
    const literal = await failure(ranges.post(endpoint(), review));
    expect(literal.message).toContain('webhook destination 127.0.0.1 is not allowed');
    ranges.close();
    // Loopback listed: both pass (the certificate names localhost and 127.0.0.1).
    const loopback = new WebhookClient({ destinations: new DestinationPolicy(['127.0.0.0/8', '::1']) });
    await expect(loopback.post(byName, review)).resolves.toMatchObject({ response: { allowed: true } });
    await expect(loopback.post(endpoint(), review)).resolves.toMatchObject({ response: { allowed: true } });
    loopback.close();
    const named = new WebhookClient({ destinations: new DestinationPolicy(['localhost']) });
    await expect(named.post(byName, review)).resolves.toMatchObject({ response: { allowed: true } });
    named.close();
  });

  it('refuses a metadata URL at call time too', async () => {
    const client = new WebhookClient({ destinations: new DestinationPolicy() });
    const err = await failure(client.post(endpoint({ url: 'https://169.254.169.254/latest/meta-data' }), review));
    expect(err.failure).toBe('destination');
    client.close();
  });

  it('parses the operator flag and names a bad entry', () => {
    expect(parseAllowedDestinations(undefined)).toEqual({});
    expect(parseAllowedDestinations(' 10.0.0.0/8, hooks.internal ,*.svc.example.com,::1')).toEqual({ list: ['10.0.0.0/8', 'hooks.internal', '*.svc.example.com', '::1'] });
    expect(parseAllowedDestinations('10.0.0.0/33').error).toBe('invalid --admission-webhook-allowed-destinations: "10.0.0.0/33" is not a valid CIDR range');
    expect(parseAllowedDestinations('bad_host').error).toContain('"bad_host" is not a host name');
  });
});
