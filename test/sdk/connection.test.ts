/**
 * How the SDK connects. Its kubeconfig loader reads what kubectl reads: the server's own admin kubeconfig (token,
 * CA data), file references relative to the kubeconfig, client certificates, a named context, and
 * refuses what it cannot do (exec plugins) or find, with the reason. Its HTTP client turns any
 * error reply into an ApiStatusError.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildAdminKubeconfig } from '../../src/auth/index.js';
import { resolveConnection } from '../../src/cli/kubeconfig.js';
import { ApiStatusError, connectionFromKubeconfig, HttpClient, loadKubeconfig } from '../../src/sdk/index.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('the SDK kubeconfig loader', () => {
  it('reads the admin kubeconfig the server writes', () => {
    const text = buildAdminKubeconfig({ baseUrl: 'https://127.0.0.1:6443', ca: CA, credentials: { token: 'secret' } });
    expect(connectionFromKubeconfig(text)).toEqual({ server: 'https://127.0.0.1:6443/clusters/root', ca: CA, token: 'secret' });
    expect(connectionFromKubeconfig(text, { context: 'base' }).server).toBe('https://127.0.0.1:6443');
  });

  it('resolves file references against the kubeconfig’s folder, and reads $KUBECONFIG', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-sdk-kubeconfig-'));
    fs.writeFileSync(path.join(dir, 'ca.crt'), CA);
    fs.writeFileSync(path.join(dir, 'client.crt'), 'CERT');
    fs.writeFileSync(path.join(dir, 'client.key'), 'KEY');
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://example.test:6443/', 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { 'client-certificate': 'client.crt', 'client-key': 'client.key' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${file}${path.delimiter}/nonexistent`;
    try {
      expect(loadKubeconfig()).toEqual({ server: 'https://example.test:6443', ca: CA, insecureSkipTlsVerify: true, clientCertificate: 'CERT', clientKey: 'KEY' });
      // The same, as the CLI reads it (one loader for both).
      expect(resolveConnection({})).toEqual(loadKubeconfig());
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses exec plugins, unknown contexts and unreadable files, saying why', () => {
    const config = (user: Record<string, unknown>) =>
      stringify({ clusters: [{ name: 'c', cluster: { server: 'https://x' } }], users: [{ name: 'u', user }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' });
    expect(() => connectionFromKubeconfig(config({ exec: { command: 'gcloud' } }))).toThrow(/authenticates with an exec plugin, which is not run here/);
    expect(() => connectionFromKubeconfig(config({}), { context: 'nope' })).toThrow(/no context named nope/);
    expect(() => loadKubeconfig({ file: '/nonexistent/kubeconfig' })).toThrow(/cannot read kubeconfig \/nonexistent\/kubeconfig/);
  });
});

describe('the SDK HTTP client', () => {
  it('turns an error reply that is not JSON into an ApiStatusError with its text', async () => {
    const http = await import('node:http');
    const server = http.createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = new HttpClient({ server: `http://127.0.0.1:${port}` });
    try {
      const err = await client.json('GET', '/anything').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiStatusError);
      expect(err).toMatchObject({ code: 502, message: '<html>bad gateway</html>' });
    } finally {
      client.close();
      server.close();
    }
  });
});
