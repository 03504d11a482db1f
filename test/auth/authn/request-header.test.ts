/**
 * The request-header authenticator over real TLS: the front proxy's certificate (CN
 * atoll-front-proxy, issued by the request-header CA) makes X-Remote-* the user; any other
 * connection — no certificate, another name from the same CA, the same name from another CA the
 * server also trusts — has its X-Remote-* headers ignored.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  adminTokenAuthenticator,
  clientCertAuthenticator,
  ensurePki,
  FRONT_PROXY_USER,
  remoteUser,
  remoteUserHeaders,
  requestHeaderAuthenticator,
  unionAuthenticator,
  type Pki,
} from '../../../src/auth/authn/index.js';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-rh-'));
  dirs.push(dir);
  return dir;
};

/** A PKI whose admin certificate names `name`, issued by the CA of `ca` when given (else a new CA). */
async function pkiWith(name: string, ca?: Pki): Promise<Pki> {
  const dir = tmp();
  if (ca) {
    fs.mkdirSync(path.join(dir, 'pki'), { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'pki', 'ca.crt'), ca.ca.cert);
    fs.writeFileSync(path.join(dir, 'pki', 'ca.key'), ca.ca.key, { mode: 0o600 });
  }
  return ensurePki(dir, { admin: { name, groups: [] } });
}

let pki: Pki;
let proxyCert: Pki;
let otherCa: Pki;
let server: https.Server;
let port = 0;

beforeAll(async () => {
  pki = await ensurePki(tmp());
  proxyCert = await pkiWith(FRONT_PROXY_USER, pki);
  otherCa = await pkiWith(FRONT_PROXY_USER);
  const shared = requestHeaderAuthenticator({ ca: pki.ca.cert, allowedNames: [FRONT_PROXY_USER] });
  const separate = requestHeaderAuthenticator({ ca: otherCa.ca.cert, allowedNames: [FRONT_PROXY_USER] });
  const union = unionAuthenticator([shared, adminTokenAuthenticator('the-admin-token'), clientCertAuthenticator(pki.ca.cert)]);
  // The server trusts both CAs for TLS, as a shard with a separate request-header CA does.
  server = https.createServer({ key: pki.serving.key, cert: pki.serving.cert, ca: [pki.ca.cert, otherCa.ca.cert], requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void (async () => {
      const request = { headers: req.headers, socket: req.socket };
      const body = { shared: (await shared.authenticate(request)) ?? null, separate: (await separate.authenticate(request)) ?? null, union: await union.authenticate(request) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Reply {
  shared: unknown;
  separate: unknown;
  union: unknown;
}

const call = (client: { cert?: string; key?: string }, headers: Record<string, string | string[]>) =>
  new Promise<Reply>((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', ca: pki.ca.cert, agent: false, headers, ...client }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Reply));
    });
    req.on('error', reject);
    req.end();
  });

const forged = { 'x-remote-user': 'mallory', 'x-remote-group': ['system:masters', 'system:kcp:admin'] };
const asProxy = () => ({ cert: proxyCert.admin.cert, key: proxyCert.admin.key });

describe('request-header authentication', () => {
  it('takes the user, every group and the extras from a connection with the front proxy’s certificate', async () => {
    const user = { name: 'jörg 用户', groups: ['dev', 'ops'], extra: { 'authentication.kubernetes.io/cluster-name': ['abc'], 'Scopes(x)': ['a', 'b'] } };
    const reply = await call(asProxy(), remoteUserHeaders(user));
    expect(reply.shared).toEqual({
      user: { name: 'jörg 用户', groups: ['dev', 'ops'], extra: { 'authentication.kubernetes.io/cluster-name': ['abc'], 'scopes(x)': ['a', 'b'] } },
    });
    expect(reply.union).toMatchObject({ user: { name: 'jörg 用户', groups: ['dev', 'ops', 'system:authenticated'] } });
    // A certificate with the allowed name from another CA is not a request-header source for this one.
    expect(reply.separate).toBeNull();
  });

  it('lets a proxy connection without X-Remote-User fall through to the token it passes on', async () => {
    const token = await call(asProxy(), { authorization: 'Bearer the-admin-token' });
    expect(token.shared).toBeNull();
    expect(token.union).toMatchObject({ user: { name: 'kcp-admin' } });
  });

  it('ignores X-Remote-* on a connection without a client certificate', async () => {
    const reply = await call({}, forged);
    expect(reply.shared).toBeNull();
    expect(reply.union).toEqual({ error: 'no credentials provided (anonymous requests are disabled)' });
  });

  it('ignores X-Remote-* under a certificate of the same CA with a name that is not allowed (it is that certificate’s user)', async () => {
    const reply = await call({ cert: pki.admin.cert, key: pki.admin.key }, forged);
    expect(reply.shared).toBeNull();
    expect(reply.union).toMatchObject({ user: { name: 'kcp-admin' } });
  });

  it('ignores X-Remote-* under a certificate named atoll-front-proxy from another CA', async () => {
    const reply = await call({ cert: otherCa.admin.cert, key: otherCa.admin.key }, forged);
    expect(reply.shared).toBeNull();
    // Trusted by a request-header authenticator for that CA only.
    expect(reply.separate).toEqual({ user: { name: 'mallory', groups: ['system:masters', 'system:kcp:admin'] } });
    expect(JSON.stringify(reply.union)).not.toContain('mallory');
  });

  it('reads a connection’s certificate once, not per request (it costs about 0.5 ms)', async () => {
    const original = TLSSocket.prototype.getPeerCertificate;
    let serverReads = 0;
    const spy = vi.spyOn(TLSSocket.prototype, 'getPeerCertificate').mockImplementation(function (this: TLSSocket, detailed?: boolean) {
      if ((this as TLSSocket & { server?: unknown }).server) serverReads++;
      return original.call(this, detailed as true);
    });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: pki.ca.cert, ...asProxy() });
    try {
      for (let i = 0; i < 3; i++) {
        const reply = await new Promise<Reply>((resolve, reject) => {
          https
            .get({ host: '127.0.0.1', port, path: '/', agent, headers: forged }, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve(JSON.parse(text) as Reply));
            })
            .on('error', reject);
        });
        expect(reply.shared).toMatchObject({ user: { name: 'mallory' } });
      }
      expect(serverReads).toBe(1);
    } finally {
      spy.mockRestore();
      agent.destroy();
    }
  });

  it('refuses to be built without an allowed name or a CA', () => {
    expect(() => requestHeaderAuthenticator({ ca: pki.ca.cert, allowedNames: [] })).toThrow(/at least one allowed name/);
    expect(() => requestHeaderAuthenticator({ ca: 'not a certificate', allowedNames: [FRONT_PROXY_USER] })).toThrow(/no PEM certificate/);
  });
});

describe('remoteUser', () => {
  it('reads kube’s headers: groups repeated (joined by Node), extra keys lower-cased and unescaped, no user no identity', () => {
    expect(remoteUser({ 'x-remote-group': 'a' })).toBeUndefined();
    expect(remoteUser({ 'x-remote-user': '  ' })).toBeUndefined();
    expect(remoteUser({ 'x-remote-user': 'alice', 'x-remote-group': 'a, b, a', 'x-remote-extra-acme.com%2fproject': 'p1, p2', 'x-remote-extra-bad%zz': 'v' })).toEqual({
      name: 'alice',
      groups: ['a', 'b'],
      extra: { 'acme.com/project': ['p1', 'p2'], 'bad%zz': ['v'] },
    });
  });
});
