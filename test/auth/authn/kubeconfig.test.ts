import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildAdminKubeconfig,
  clientCertAuthenticator,
  ensurePki,
  TokenFileAuthenticator,
  tlsOptions,
  unionAuthenticator,
  writeAdminKubeconfigFile,
  type Pki,
} from '../../../src/auth/authn/index.js';
import { versionInfo } from '../../../src/kube/version.js';
import { haveKubectl, kubectlFor } from '../../support/kubectl.js';

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
  users: { name: string; user: Record<string, string> }[];
}

const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

describe('buildAdminKubeconfig', () => {
  it('writes contexts root and base with the CA and the client certificate', () => {
    const doc = parse(
      buildAdminKubeconfig({ baseUrl: 'https://127.0.0.1:6443/', ca: 'CA-PEM', credentials: { clientCertificate: 'CERT-PEM', clientKey: 'KEY-PEM' } }),
    ) as Kubeconfig;
    expect(doc.clusters.map((c) => [c.name, c.cluster.server])).toEqual([
      ['root', 'https://127.0.0.1:6443/clusters/root'],
      ['base', 'https://127.0.0.1:6443'],
    ]);
    expect(doc.clusters.every((c) => unb64(c.cluster['certificate-authority-data']) === 'CA-PEM')).toBe(true);
    expect(doc['current-context']).toBe('root');
    expect(doc.contexts).toEqual([
      { name: 'root', context: { cluster: 'root', user: 'admin' } },
      { name: 'base', context: { cluster: 'base', user: 'admin' } },
    ]);
    expect(doc.users).toHaveLength(1);
    expect(unb64(doc.users[0]?.user['client-certificate-data'])).toBe('CERT-PEM');
    expect(unb64(doc.users[0]?.user['client-key-data'])).toBe('KEY-PEM');
  });

  it('writes a token instead when given one, and nothing TLS-specific for plain HTTP', () => {
    const doc = parse(buildAdminKubeconfig({ baseUrl: 'http://127.0.0.1:6443', credentials: { token: 'abc' }, userName: 'kcp-admin' })) as Kubeconfig;
    expect(doc.users).toEqual([{ name: 'kcp-admin', user: { token: 'abc' } }]);
    expect(doc.clusters[0]?.cluster).toEqual({ server: 'http://127.0.0.1:6443/clusters/root' });
  });

  it('writes the file with mode 0600', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-kc-'));
    try {
      const file = writeAdminKubeconfigFile(path.join(dir, 'admin.kubeconfig'), { baseUrl: 'http://127.0.0.1:1', credentials: { token: 't' } });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(dir)).toEqual(['admin.kubeconfig']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!haveKubectl)('kubectl with the generated kubeconfig', () => {
  let dir = '';
  let pki: Pki;
  let server: https.Server;
  let base = '';
  const seen: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-kubectl-tls-'));
    pki = await ensurePki(dir);
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(tokenFile, 'admin-token,token-admin,1,"system:masters"\n', { mode: 0o600 });
    const union = unionAuthenticator([clientCertAuthenticator(pki.ca.cert), new TokenFileAuthenticator(tokenFile)]);
    // A tiny server: /version (under any /clusters/<x> prefix) for authenticated users, 401 otherwise.
    server = https.createServer(await tlsOptions(dir), (req, res) => {
      void union.authenticate({ headers: req.headers, socket: req.socket }).then((decision) => {
        if ('error' in decision) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
          return;
        }
        seen.push(`${decision.user.name} ${req.url ?? ''}`);
        if (!/(^|\/)version\/?(\?.*)?$/.test(req.url ?? '')) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(versionInfo()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const serverVersion = (stdout: string): unknown => (JSON.parse(stdout) as { serverVersion?: { minor?: string } }).serverVersion?.minor;

  it('accepts the CA, SANs and client certificate (contexts root and base)', async () => {
    const file = writeAdminKubeconfigFile(path.join(dir, 'admin.kubeconfig'), {
      baseUrl: base,
      ca: pki.ca.cert,
      credentials: { clientCertificate: pki.admin.cert, clientKey: pki.admin.key },
    });
    const kubectl = kubectlFor(file);
    try {
      expect(serverVersion(await kubectl.ok(['version', '-o', 'json']))).toBe('32');
      expect(serverVersion(await kubectl.ok(['version', '-o', 'json', '--context', 'base']))).toBe('32');
      expect(seen).toContain('kcp-admin /clusters/root/version?timeout=32s');
    } finally {
      kubectl.cleanup();
    }
  });

  it('accepts a token kubeconfig, and fails on a wrong token', async () => {
    const file = writeAdminKubeconfigFile(path.join(dir, 'token.kubeconfig'), { baseUrl: base, ca: pki.ca.cert, credentials: { token: 'admin-token' } });
    const good = kubectlFor(file);
    try {
      expect(serverVersion(await good.ok(['version', '-o', 'json']))).toBe('32');
      expect(seen.some((s) => s.startsWith('token-admin '))).toBe(true);
    } finally {
      good.cleanup();
    }
    const wrong = kubectlFor(writeAdminKubeconfigFile(path.join(dir, 'wrong.kubeconfig'), { baseUrl: base, ca: pki.ca.cert, credentials: { token: 'nope' } }));
    try {
      const r = await wrong.run(['get', '--raw', '/version']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Unauthorized|must be logged in/);
    } finally {
      wrong.cleanup();
    }
  });
});

if (!haveKubectl) {
  describe('kubectl with the generated kubeconfig', () => {
    it.skip('skipped: no kubectl at /usr/bin/kubectl (set KUBECTL to run it)', () => undefined);
  });
}
