/**
 * The admission benchmark's webhook variant (bench/admission.ts): the workspace holds one
 * ValidatingWebhookConfiguration matching ConfigMap creates, whose webhook is a local HTTPS server
 * (node:https on 127.0.0.1, certificate from a CA made for the run) answering `allowed: true` at
 * once. Its ratio to the baseline is what a webhook call costs a write when the webhook itself
 * costs nothing: the AdmissionReview built and parsed, one HTTPS round trip over a kept-alive
 * connection. The webhook runs in the benchmark's process, so it shares the CPU with the server.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { validatingWebhookConfigurations } from '../src/admission/kinds/webhooks.js';
import { ensurePki } from '../src/auth/authn/pki.js';
import type { ResourceType } from '../src/registry/index.js';
import type { AtollServer } from '../src/server/index.js';
import type { AdmissionVariant } from './admission.js';

interface LocalWebhook {
  url: string;
  caBundle: string;
}

let started: Promise<LocalWebhook> | undefined;

/** One webhook server for the run, started on first use; it does not keep the process alive. */
function localWebhook(): Promise<LocalWebhook> {
  started ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-bench-webhook-'));
    const pki = await ensurePki(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    const server = https.createServer({ key: pki.serving.key, cert: pki.serving.cert, keepAliveTimeout: 60_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { apiVersion: string; request: { uid: string } };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/validate`, caBundle: Buffer.from(pki.ca.cert).toString('base64') };
  })();
  return started;
}

export const localWebhookVariant: AdmissionVariant = {
  label: 'one local webhook',
  async setup(server: AtollServer, cluster: string) {
    const hook = await localWebhook();
    await server.registry.create({ cluster }, validatingWebhookConfigurations as ResourceType, undefined, {
      metadata: { name: 'bench' },
      webhooks: [
        {
          name: 'bench.atoll.test',
          clientConfig: { url: hook.url, caBundle: hook.caBundle },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
  },
};
