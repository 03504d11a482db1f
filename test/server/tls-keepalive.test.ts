/**
 * Request bodies over a reused HTTPS connection. A write whose response is larger than a socket's
 * write buffer (16 KiB: a ConfigMap echoed back) leaves that response draining while the client
 * already sends its next request; Node then pauses its HTTP parser, and on TLS the records already
 * decrypted used to reach the paused parser anyway, which Node answered by destroying the
 * connection (ECONNRESET at the client, `aborted` in the server's log). The server runs as its own
 * process, as in production: in-process, client and server share one event loop and the next
 * request never arrives before the previous response drained.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAtoll, type AtollProcess } from '../support/atoll-process.js';

let atoll: AtollProcess;
let dataDir = '';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-keepalive-'));
  atoll = await startAtoll(['--port', '0', '--data-dir', dataDir]);
});

afterAll(async () => {
  await atoll?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  reused: boolean;
}

function send(agent: https.Agent, method: string, urlPath: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(urlPath, atoll.url), {
      method,
      agent,
      headers: { ...atoll.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CONFIGMAPS = '/clusters/root/api/v1/namespaces/default/configmaps';
const CREATE = `mutation ($object: V1ConfigMapInput!) { createV1ConfigMap(namespace: "default", object: $object) { metadata { name } data } }`;
const SIZES = [20_000, 64_000, 200_000, 1_000_000];

it('answers every request with a body over one kept-alive TLS connection', async () => {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: atoll.ca });
  const answers: { what: string; answer: Answer | Error }[] = [];
  const record = async (what: string, sent: Promise<Answer>): Promise<void> => {
    answers.push({ what, answer: await sent.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))) });
  };
  try {
    for (let i = 0; i < 20; i++) {
      const size = SIZES[i % SIZES.length] as number;
      const object = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { blob: 'x'.repeat(size) } });
      await record(`POST ${size}`, send(agent, 'POST', CONFIGMAPS, JSON.stringify(object(`rest-${i}`))));
      await record(`PUT ${size}`, send(agent, 'PUT', `${CONFIGMAPS}/rest-${i}`, JSON.stringify(object(`rest-${i}`))));
      // GraphQL bodies stay well under its own (smaller) body limit.
      const small = Math.min(size, 200_000);
      const variables = { object: { metadata: { name: `graphql-${i}` }, data: { blob: 'y'.repeat(small) } } };
      await record(`GraphQL ${small}`, send(agent, 'POST', '/clusters/root/graphql', JSON.stringify({ query: CREATE, variables })));
    }
  } finally {
    agent.destroy();
  }
  const failed = answers.filter(({ answer }) => answer instanceof Error || ![200, 201].includes(answer.status));
  expect(failed.map(({ what, answer }) => `${what}: ${answer instanceof Error ? answer.message : answer.status}`)).toEqual([]);
  expect(answers).toHaveLength(60);
  // The connection really was kept alive: every request after the first went over the same one.
  expect(answers.slice(1).every(({ answer }) => !(answer instanceof Error) && answer.reused)).toBe(true);
});
