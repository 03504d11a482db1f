import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCertAuthenticator, ensurePki, tlsOptions, unionAuthenticator, type Pki } from '../../../src/auth/authn/index.js';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-pki-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('ensurePki', () => {
  it('makes a CA, a serving and an admin certificate with private keys, and reuses them', async () => {
    const dir = tmp();
    const pki = await ensurePki(dir, { hosts: ['atoll.example.test', '10.1.2.3', '0.0.0.0'] });
    const pkiDir = path.join(dir, 'pki');
    expect(mode(pkiDir)).toBe(0o700);
    for (const key of ['ca.key', 'serving.key', 'admin.key']) expect(mode(path.join(pkiDir, key))).toBe(0o600);

    const ca = new X509Certificate(pki.ca.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=atoll-ca');
    const serving = new X509Certificate(pki.serving.cert);
    expect(serving.checkIssued(ca) && serving.verify(ca.publicKey)).toBe(true);
    expect(serving.ca).toBe(false);
    expect(serving.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:atoll.example.test, IP Address:10.1.2.3');
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const peer = { subject: { CN: 'atoll' }, subjectaltname: serving.subjectAltName } as unknown as PeerCertificate;
    for (const host of ['localhost', '127.0.0.1', '::1', 'atoll.example.test']) expect(checkServerIdentity(host, peer)).toBeUndefined();
    expect(checkServerIdentity('evil.example', peer)).toBeInstanceOf(Error);

    const admin = new X509Certificate(pki.admin.cert);
    expect(admin.subject).toBe('CN=kcp-admin\nO=system:kcp:admin');
    expect(admin.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(admin.checkIssued(ca)).toBe(true);

    // A later start reuses everything.
    expect(await ensurePki(dir, { hosts: ['atoll.example.test', '10.1.2.3'] })).toEqual(pki);
  });

  it('re-issues only what no longer fits: a new host, another admin identity, a certificate about to expire', async () => {
    const dir = tmp();
    const first = await ensurePki(dir);
    const moreHosts = await ensurePki(dir, { hosts: ['new.example.test'] });
    expect(moreHosts.ca).toEqual(first.ca);
    expect(moreHosts.admin).toEqual(first.admin);
    expect(moreHosts.serving.cert).not.toBe(first.serving.cert);
    expect(new X509Certificate(moreHosts.serving.cert).checkHost('new.example.test')).toBe('new.example.test');

    const otherAdmin = await ensurePki(dir, { hosts: ['new.example.test'], admin: { name: 'root-admin', groups: ['a', 'b'] } });
    expect(otherAdmin.serving).toEqual(moreHosts.serving);
    expect(new X509Certificate(otherAdmin.admin.cert).subject).toBe('CN=root-admin\nO=a\nO=b');

    const inElevenMonths = new Date(Date.now() + 340 * 86_400_000);
    const renewed = await ensurePki(dir, { hosts: ['new.example.test'], admin: { name: 'root-admin', groups: ['a', 'b'] }, now: () => inElevenMonths });
    expect(renewed.ca).toEqual(first.ca);
    expect(renewed.serving.cert).not.toBe(otherAdmin.serving.cert);
    expect(renewed.admin.cert).not.toBe(otherAdmin.admin.cert);
  });

  it('re-issues a certificate whose key file no longer matches it', async () => {
    const dir = tmp();
    const first = await ensurePki(dir);
    fs.writeFileSync(path.join(dir, 'pki', 'admin.key'), first.serving.key);
    const again = await ensurePki(dir);
    expect(again.admin.cert).not.toBe(first.admin.cert);
    expect(new X509Certificate(again.admin.cert).checkPrivateKey(createPrivateKey(again.admin.key))).toBe(true);
    expect(again.serving).toEqual(first.serving);
  });

  it('refuses to replace half a CA', async () => {
    const dir = tmp();
    await ensurePki(dir);
    fs.rmSync(path.join(dir, 'pki', 'ca.key'));
    await expect(ensurePki(dir)).rejects.toThrow(/found only one of ca\.crt and ca\.key/);
  });
});

describe('client certificate authentication over real TLS', () => {
  let dir = '';
  let pki: Pki;
  let other: Pki;
  let server: https.Server;
  let port = 0;

  beforeAll(async () => {
    dir = tmp();
    const options = await tlsOptions(dir, ['atoll.example.test']);
    pki = await ensurePki(dir, { hosts: ['atoll.example.test'] });
    other = await ensurePki(tmp());
    const certs = clientCertAuthenticator(pki.ca.cert);
    const union = unionAuthenticator([certs]);
    server = https.createServer(options, (req, res) => {
      void (async () => {
        const request = { headers: req.headers, socket: req.socket };
        const body = JSON.stringify({ certificate: (await certs.authenticate(request)) ?? null, union: await union.authenticate(request) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const call = (client: { cert?: string; key?: string } = {}) =>
    new Promise<{ certificate: unknown; union: unknown }>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, path: '/whoami', ca: pki.ca.cert, agent: false, ...client }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { certificate: unknown; union: unknown }));
      });
      req.on('error', reject);
      req.end();
    });

  it('authenticates the generated admin certificate as CN / O', async () => {
    const reply = await call({ cert: pki.admin.cert, key: pki.admin.key });
    expect(reply.certificate).toEqual({ user: { name: 'kcp-admin', groups: ['system:kcp:admin'] } });
    expect(reply.union).toEqual({ user: { name: 'kcp-admin', groups: ['system:kcp:admin', 'system:authenticated'] } });
  });

  it('has no opinion on a request without a client certificate (it falls through)', async () => {
    const reply = await call();
    expect(reply.certificate).toBeNull();
    expect(reply.union).toEqual({ error: 'no credentials provided (anonymous requests are disabled)' });
  });

  it('refuses a certificate signed by another CA', async () => {
    const reply = await call({ cert: other.admin.cert, key: other.admin.key });
    expect(reply.certificate).toMatchObject({ error: expect.stringMatching(/^x509: client certificate not accepted: /) as unknown });
    expect(reply.union).toHaveProperty('error');
  });

  it('refuses a certificate of the CA that is not for client authentication (the serving certificate)', async () => {
    const reply = await call({ cert: pki.serving.cert, key: pki.serving.key });
    expect(reply.certificate).toHaveProperty('error');
  });

  it('refuses a certificate the TLS layer trusts but that the client CA did not sign', async () => {
    // A server that trusts both CAs for TLS; only the client CA's certificates make users.
    const both = await tlsOptions(dir, ['atoll.example.test']);
    const auth = clientCertAuthenticator(pki.ca.cert);
    const s = https.createServer({ ...both, ca: [pki.ca.cert, other.ca.cert] }, (req, res) => {
      void auth.authenticate({ headers: req.headers, socket: req.socket }).then((r) => res.end(JSON.stringify(r ?? null)));
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const p = (s.address() as AddressInfo).port;
    const get = (cert: string, key: string) =>
      new Promise<unknown>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: p, path: '/', ca: pki.ca.cert, cert, key, agent: false }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(JSON.parse(text)));
          })
          .on('error', reject);
      });
    expect(await get(other.admin.cert, other.admin.key)).toEqual({ error: 'x509: client certificate not signed by the client CA' });
    expect(await get(pki.admin.cert, pki.admin.key)).toEqual({ user: { name: 'kcp-admin', groups: ['system:kcp:admin'] } });
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('has no opinion on plain (non-TLS) connections', async () => {
    const { Socket } = await import('node:net');
    expect(await clientCertAuthenticator(pki.ca.cert).authenticate({ headers: {}, socket: new Socket() })).toBeUndefined();
    expect(await clientCertAuthenticator(pki.ca.cert).authenticate({ headers: {} })).toBeUndefined();
  });
});
