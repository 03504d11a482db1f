/**
 * A real HTTPS admission webhook for tests: node:https on 127.0.0.1 with a certificate from a CA
 * made at test time (the project's PKI code over @peculiar/x509, in a temporary directory — a CA
 * of its own, not the server's). Each request's AdmissionReview is recorded; the test's handler
 * answers it (a `response` object, or raw text and a status to play a broken webhook). TLS
 * handshakes are counted, so a test can see connections being reused.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensurePki } from '../../src/auth/authn/pki.js';

export interface Review {
  apiVersion: string;
  kind: string;
  request: Record<string, unknown> & { uid: string; operation: string; object?: Record<string, unknown>; oldObject?: Record<string, unknown>; dryRun?: boolean };
}

/** What a handler answers: a response (uid and apiVersion are filled in), or a raw reply. */
export type Answer = Record<string, unknown> | { raw: string; status?: number } | { hang: true };

export type Handler = (review: Review, path: string) => Answer | Promise<Answer>;

export interface WebhookServer {
  /** `https://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** The CA's PEM certificate, base64-encoded, as `clientConfig.caBundle` carries it. */
  caBundle: string;
  /** Reviews received, oldest first. */
  reviews: { path: string; review: Review }[];
  /** TLS handshakes completed (new connections). */
  handshakes(): number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startWebhookServer(handler: Handler = () => ({ allowed: true })): Promise<WebhookServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-webhook-'));
  const pki = await ensurePki(dir);
  let current = handler;
  let handshakes = 0;
  const reviews: WebhookServer['reviews'] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = https.createServer({ key: pki.serving.key, cert: pki.serving.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
        const at = req.url ?? '/';
        reviews.push({ path: at, review });
        const answer = await current(review, at);
        if ('hang' in answer) {
          hanging.add(res);
          return;
        }
        if ('raw' in answer && typeof answer.raw === 'string') {
          res.writeHead(typeof answer.status === 'number' ? answer.status : 200, { 'content-type': 'application/json' });
          res.end(answer.raw);
          return;
        }
        const body = { apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, ...answer } };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      })();
    });
  });
  server.on('secureConnection', () => handshakes++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p = '/') => `https://127.0.0.1:${port}${p}`,
    caBundle: Buffer.from(pki.ca.cert).toString('base64'),
    reviews,
    handshakes: () => handshakes,
    handle(h) {
      current = h;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
