/**
 * `serviceaccounts/<name>/token` (TokenRequest) through the registry: a token the service account
 * authenticator accepts, bound to the account's uid; Kubernetes' defaults, limits and messages.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyId } from '../../src/auth/authn/service-account-keys.js';
import { DEFAULT_ISSUER, ServiceAccountTokens, type ServiceAccountTokenOptions } from '../../src/auth/authn/service-account-tokens.js';
import { serviceAccountsWithTokens, withAuthResourceTypes } from '../../src/auth/reviews/index.js';
import { builtinResourceTypes, serviceAccounts, type RequestContext } from '../../src/registry/index.js';
import { fields, invalid, refused, useRegistry } from '../support/registry-fixture.js';

const fx = useRegistry();
const ctx: RequestContext = { cluster: 'ws' };
const T0 = new Date('2030-01-01T00:00:00Z');

function tokens(options: Partial<ServiceAccountTokenOptions> = {}): ServiceAccountTokens {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return new ServiceAccountTokens({ keys: { current: { kid: keyId(publicKey), privateKey, publicKey } }, now: () => T0, ...options });
}

const request = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenRequest',
  metadata,
  spec,
});

async function robot(): Promise<string> {
  const sa = await fx.reg.create(ctx, serviceAccounts, 'default', { metadata: { name: 'robot' } });
  return sa.metadata.uid as string;
}

describe('TokenRequest', () => {
  it('issues a token the authenticator verifies, bound to the service account’s uid', async () => {
    const uid = await robot();
    const t = tokens();
    const out = await fx.reg.createSubresource(ctx, serviceAccountsWithTokens(t), 'default', 'robot', 'token', request());
    expect(out).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'robot', namespace: 'default', uid },
      spec: { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, boundObjectRef: null },
      status: { expirationTimestamp: '2030-01-01T01:00:00Z' },
    });
    const claims = await t.verify((out.status as { token: string }).token);
    expect(claims).toMatchObject({ cluster: 'ws', namespace: 'default', name: 'robot', uid, audiences: [DEFAULT_ISSUER] });
    expect(claims.expiresAt.toISOString()).toBe('2030-01-01T01:00:00.000Z');
  });

  it('takes the audiences and lifetime asked for', async () => {
    await robot();
    const out = await fx.reg.createSubresource(ctx, serviceAccountsWithTokens(tokens()), 'default', 'robot', 'token', request({ audiences: ['vault'], expirationSeconds: 600 }));
    expect(out.spec).toMatchObject({ audiences: ['vault'], expirationSeconds: 600 });
    const jwt = decodeJwt((out.status as { token: string }).token);
    expect([jwt.aud, (jwt.exp ?? 0) - (jwt.iat ?? 0)]).toEqual([['vault'], 600]);
  });

  it('shortens a lifetime beyond the server’s maximum, with a warning', async () => {
    await robot();
    const warnings: string[] = [];
    const type = serviceAccountsWithTokens(tokens({ maxExpirationSeconds: 1200 }));
    const out = await fx.reg.createSubresource({ ...ctx, warnings }, type, 'default', 'robot', 'token', request({ expirationSeconds: 7200 }));
    expect(out.spec).toMatchObject({ expirationSeconds: 1200 });
    expect(warnings).toEqual(['requested expiration of 7200 seconds shortened to 1200 seconds']);
  });

  it('is NotFound for a missing service account', async () => {
    const err = await refused(() => fx.reg.createSubresource(ctx, serviceAccountsWithTokens(tokens()), 'default', 'ghost', 'token', request()));
    expect([err.code, err.message]).toEqual([404, 'serviceaccounts "ghost" not found']);
  });

  it('refuses lifetimes under 10 minutes and empty audiences (422)', async () => {
    await robot();
    const type = serviceAccountsWithTokens(tokens());
    const short = await invalid(() => fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({ expirationSeconds: 599 })));
    expect(short.message).toBe('TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    expect(fields(short)).toEqual(['spec.expirationSeconds']);
    const empty = await invalid(() => fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({ audiences: [''] })));
    expect(fields(empty)).toEqual(['spec.audiences']);
  });

  it('refuses binding to a pod or secret: there are none to bind to here', async () => {
    await robot();
    const type = serviceAccountsWithTokens(tokens());
    for (const kind of ['Pod', 'Secret']) {
      const err = await invalid(() => fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({ boundObjectRef: { kind, apiVersion: 'v1', name: 'x' } })));
      expect(fields(err)).toEqual(['spec.boundObjectRef']);
      expect(err.message).toContain('spec.boundObjectRef: Forbidden: tokens cannot be bound to other objects here');
    }
    // kubectl's protobuf body carries an explicit null.
    const ok = await fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({ audiences: null, expirationSeconds: null, boundObjectRef: null }));
    expect(ok.spec).toMatchObject({ expirationSeconds: 3600 });
  });

  it('wants the body’s name and uid, when given, to be the service account’s', async () => {
    const uid = await robot();
    const type = serviceAccountsWithTokens(tokens());
    const name = await invalid(() => fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({}, { name: 'other' })));
    expect(name.message).toBe('TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified');
    const stale = await refused(() => fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({}, { uid: 'old-uid' })));
    expect([stale.code, stale.message]).toEqual([
      409,
      `Operation cannot be fulfilled on TokenRequest.authentication.k8s.io "robot": the UID in the token request (old-uid) does not match the UID of the service account (${uid})`,
    ]);
    const same = await fx.reg.createSubresource(ctx, type, 'default', 'robot', 'token', request({}, { name: 'robot', uid }));
    expect(same.metadata).toMatchObject({ name: 'robot', uid });
  });

  it('mints nothing on a dry run', async () => {
    await robot();
    const out = await fx.reg.createSubresource(ctx, serviceAccountsWithTokens(tokens()), 'default', 'robot', 'token', request(), { dryRun: true });
    expect(out.status).toEqual({ token: '' });
  });

  it('is served only by the variant: the built-in type keeps no token subresource', async () => {
    await robot();
    expect(serviceAccounts.strategy.actions).toBeUndefined();
    const err = await refused(() => fx.reg.createSubresource(ctx, serviceAccounts, 'default', 'robot', 'token', request()));
    expect(err.code).toBe(404);
  });
});

describe('withAuthResourceTypes', () => {
  it('replaces the built-in ServiceAccount and adds the review kinds once', () => {
    const authorizer = { authorize: () => Promise.resolve({ allowed: false, reason: '' }), rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }) };
    const types = withAuthResourceTypes(builtinResourceTypes, { authorizer, tokens: tokens() });
    const sa = types.filter((t) => t.resource === 'serviceaccounts');
    expect(sa).toHaveLength(1);
    expect(Object.keys(sa[0]?.strategy.actions ?? {})).toEqual(['token']);
    expect(types.indexOf(sa[0] as (typeof types)[number])).toBe(builtinResourceTypes.indexOf(serviceAccounts));
    expect(types.filter((t) => t.ephemeral).map((t) => `${t.resource}.${t.group}`)).toEqual([
      'selfsubjectaccessreviews.authorization.k8s.io',
      'subjectaccessreviews.authorization.k8s.io',
      'localsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectrulesreviews.authorization.k8s.io',
      'selfsubjectreviews.authentication.k8s.io',
      'selfsubjectreviews.authentication.k8s.io',
    ]);
    expect(types).toHaveLength(builtinResourceTypes.length + 6);
  });
});
