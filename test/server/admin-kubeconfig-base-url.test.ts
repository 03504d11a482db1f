/**
 * A shard given `--shard-base-url` (the address the proxy and the other shards reach it at) names
 * that address in its admin.kubeconfig: it is the file other shards and the front proxy are given as
 * `--root-shard-kubeconfig`, and a shard listening on 0.0.0.0 in a container (docker/compose.yaml)
 * would otherwise name 127.0.0.1, which is another container's loopback to them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { AtollServer } from '../../src/server/index.js';
import { HttpClient, loadKubeconfig } from '../../src/sdk/index.js';
import { freePort } from '../support/free-port.js';

describe('admin.kubeconfig of a shard with a base URL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-base-url-'));
  let server: AtollServer | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the base URL, and its certificate is valid for that host', async () => {
    const port = await freePort();
    // localhost: a name the machine resolves, unlike the listen address the kubeconfig named before.
    const base = `https://localhost:${port}`;
    server = new AtollServer({ port, host: '127.0.0.1', dataDir, logLevel: 'silent', tls: true, shardBaseUrl: base }, pino({ level: 'silent' }));
    await server.start();
    const connection = loadKubeconfig({ file: server.kubeconfigPath });
    expect(connection.server).toBe(`${base}/clusters/root`);
    const client = new HttpClient(connection);
    try {
      const list = await client.json<{ kind: string }>('GET', '/clusters/root/api/v1/namespaces');
      expect(list.kind).toBe('NamespaceList');
    } finally {
      client.close();
    }
  });
});
