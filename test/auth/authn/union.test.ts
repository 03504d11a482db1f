import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  bearerToken,
  NO_CREDENTIALS,
  unionAuthenticator,
  withAuthenticatedGroup,
  type AuthResult,
  type Authenticator,
} from '../../../src/auth/authn/index.js';

const fixed = (result: AuthResult | undefined, calls: string[] = [], name = 'a'): Authenticator => ({
  async authenticate() {
    calls.push(name);
    return result;
  },
});
const req = { headers: {} };

describe('unionAuthenticator', () => {
  it('returns the first user, with system:authenticated added', async () => {
    const calls: string[] = [];
    const union = unionAuthenticator([
      fixed(undefined, calls, 'none'),
      fixed({ error: 'bad token' }, calls, 'bad'),
      fixed({ user: { name: 'alice', groups: ['dev'] } }, calls, 'alice'),
      fixed({ user: { name: 'bob', groups: [] } }, calls, 'bob'),
    ]);
    expect(await union.authenticate(req)).toEqual({ user: { name: 'alice', groups: ['dev', 'system:authenticated'] } });
    expect(calls).toEqual(['none', 'bad', 'alice']);
  });

  it('refuses when credentials were invalid and nobody accepted them — even with anonymous access on', async () => {
    const union = unionAuthenticator([fixed({ error: 'bad token' }), fixed(undefined), fixed({ error: 'expired' })], { anonymous: true });
    expect(await union.authenticate(req)).toEqual({ error: 'bad token; expired' });
  });

  it('refuses requests without credentials by default; lets them through as anonymous when enabled', async () => {
    expect(await unionAuthenticator([fixed(undefined)]).authenticate(req)).toEqual({ error: NO_CREDENTIALS });
    expect(await unionAuthenticator([]).authenticate(req)).toEqual({ error: NO_CREDENTIALS });
    const anon = await unionAuthenticator([fixed(undefined)], { anonymous: true }).authenticate(req);
    expect(anon).toEqual({ user: { name: 'system:anonymous', groups: ['system:unauthenticated'] } });
    expect(anon).toEqual({ user: ANONYMOUS });
  });

  it('adds system:authenticated once', () => {
    expect(withAuthenticatedGroup({ name: 'x', groups: ['system:authenticated'] }).groups).toEqual(['system:authenticated']);
    expect(withAuthenticatedGroup(ANONYMOUS)).toBe(ANONYMOUS);
  });
});

describe('bearerToken', () => {
  it('reads Authorization: Bearer, case-insensitively, ignoring other schemes and empty tokens', () => {
    expect(bearerToken({ authorization: 'Bearer abc' })).toBe('abc');
    expect(bearerToken({ authorization: '  bEaReR   abc  ' })).toBe('abc');
    expect(bearerToken({ authorization: 'Basic abc' })).toBeUndefined();
    expect(bearerToken({ authorization: 'Bearer' })).toBeUndefined();
    expect(bearerToken({})).toBeUndefined();
  });

  it('reads the Kubernetes WebSocket protocol form', () => {
    const encoded = Buffer.from('my-token').toString('base64url');
    expect(bearerToken({ 'sec-websocket-protocol': `graphql-transport-ws, base64url.bearer.authorization.k8s.io.${encoded}` })).toBe('my-token');
    expect(bearerToken({ 'sec-websocket-protocol': 'graphql-transport-ws' })).toBeUndefined();
    expect(bearerToken({ 'sec-websocket-protocol': 'base64url.bearer.authorization.k8s.io.' })).toBeUndefined();
  });
});
