/**
 * What the front proxy vouches for by itself (the admin token, its token file, re-read when it
 * changes) and what it passes on untouched (tokens it does not know: the shard decides), and the
 * headers a vouched-for request leaves with: X-Remote-* in, the client's credentials out.
 */
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../../src/auth/index.js';
import { asAuthenticated, ProxyAuthentication } from '../../src/proxy/authentication.js';
import { eventually } from '../support/eventually.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-proxy-auth-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const request = (headers: Record<string, string>): IncomingMessage => ({ headers, socket: {} }) as unknown as IncomingMessage;
const bearer = (token: string) => request({ authorization: `Bearer ${token}` });

describe('ProxyAuthentication', () => {
  it('vouches for the admin token and the token file’s users, and for nothing else', async () => {
    const file = path.join(dir, 'tokens.csv');
    fs.writeFileSync(file, 'alice-token,alice,u1,"dev,ops"\nodd-token,"two\nlines",u2\n');
    const auth = new ProxyAuthentication({ adminToken: 'admin-secret', tokenFile: file });
    expect(await auth.authenticate(bearer('admin-secret'))).toEqual({ name: 'kcp-admin', groups: ['system:kcp:admin', 'system:authenticated'] });
    expect(await auth.authenticate(bearer('alice-token'))).toEqual({ name: 'alice', uid: 'u1', groups: ['dev', 'ops', 'system:authenticated'] });
    // A ServiceAccount token, an unknown one: passed on for the shard to decide.
    expect(await auth.authenticate(bearer('eyJhbGciOiJFUzI1NiJ9.e30.sig'))).toBeUndefined();
    expect(await auth.authenticate(request({}))).toBeUndefined();
    // A name no header can carry: passed on as sent, never a request the proxy cannot make.
    expect(await auth.authenticate(bearer('odd-token'))).toBeUndefined();
  });

  it('re-reads its token file when it changes', async () => {
    const file = path.join(dir, 'reloaded.csv');
    fs.writeFileSync(file, 'first-token,first,u1\n');
    const reloads: unknown[] = [];
    const auth = new ProxyAuthentication({ tokenFile: file, onTokenFile: (err) => reloads.push(err) });
    auth.start();
    try {
      // Written again on each try: the first look at the file may come after a single write.
      let n = 0;
      await eventually(async () => {
        fs.writeFileSync(file, `second-token,second,u2\n${'#'.repeat(n++)}\n`);
        expect(await auth.authenticate(bearer('second-token'))).toMatchObject({ name: 'second' });
      }, 10_000);
      expect(await auth.authenticate(bearer('first-token'))).toBeUndefined();
      expect(reloads).toContain(undefined);
    } finally {
      auth.stop();
    }
  });
});

describe('ProxyAuthentication.track', () => {
  it('ends a request vouched for by a token the token file no longer has, and leaves the others', async () => {
    const file = path.join(dir, 'revoked.csv');
    fs.writeFileSync(file, 'dave-token,dave,u4\nerin-token,erin,u5\n');
    const auth = new ProxyAuthentication({ adminToken: 'admin-secret', tokenFile: file });
    const ended: string[] = [];
    for (const [token, name] of [['dave-token', 'dave'], ['erin-token', 'erin'], ['admin-secret', 'kcp-admin']] as const) {
      const req = bearer(token);
      const user = await auth.authenticate(req);
      expect(user?.name).toBe(name);
      auth.track(req, user as AuthUser, () => ended.push(name));
    }
    // Over before the reload: forgotten, never ended.
    const done = bearer('erin-token');
    auth.track(done, (await auth.authenticate(done)) as AuthUser, () => ended.push('erin, done'))();
    auth.start();
    try {
      let n = 0;
      await eventually(() => {
        fs.writeFileSync(file, `erin-token,erin,u5\n${'#'.repeat(n++)}\n`);
        expect(ended).toEqual(['dave']);
      }, 10_000);
    } finally {
      auth.stop();
    }
  });
});

describe('asAuthenticated', () => {
  it('adds X-Remote-* and drops the client’s Authorization and WebSocket bearer-token subprotocol', () => {
    const out = asAuthenticated(
      { authorization: 'Bearer t', 'sec-websocket-protocol': 'graphql-transport-ws, base64url.bearer.authorization.k8s.io.dA', accept: 'application/json' },
      { name: 'alice', groups: ['dev', 'system:authenticated'], extra: { 'acme.com/Team': ['a'] } },
    );
    expect(out).toEqual({
      accept: 'application/json',
      'sec-websocket-protocol': 'graphql-transport-ws',
      'x-remote-user': 'alice',
      'x-remote-group': ['dev', 'system:authenticated'],
      'x-remote-extra-acme.com%2Fteam': ['a'],
    });
    expect(asAuthenticated({ 'sec-websocket-protocol': 'base64url.bearer.authorization.k8s.io.dA' }, { name: 'a', groups: [] })).toEqual({ 'x-remote-user': 'a' });
  });
});
