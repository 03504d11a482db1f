import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CLUSTER_NAME_EXTRA,
  isForeignServiceAccount,
  loadServiceAccountKeys,
  rotateServiceAccountKey,
  ServiceAccountAuthenticator,
  ServiceAccountTokens,
  TokenFileAuthenticator,
  unionAuthenticator,
  type AuthResult,
  type ServiceAccountKeys,
} from '../../../src/auth/authn/index.js';
import { ApiError, secrets, serviceAccounts, type Registry } from '../../../src/registry/index.js';
import { useRegistry } from '../../support/registry-fixture.js';

const fx = useRegistry();
let dataDir = '';
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-sa-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const T0 = new Date('2030-01-01T00:00:00Z');
const bearer = (token: string, cluster?: string) => ({ headers: { authorization: `Bearer ${token}` }, ...(cluster ? { cluster } : {}) });

async function createSa(reg: Registry, cluster: string, name = 'robot', namespace = 'default'): Promise<string> {
  const sa = await reg.create({ cluster }, serviceAccounts, namespace, { metadata: { name } });
  return sa.metadata.uid ?? '';
}

/** Tokens and an authenticator over the fixture's registry, with a settable clock. */
function setup(options: { keys?: ServiceAccountKeys; crossCluster?: 'refuse' | 'mark'; cacheTtlMs?: number } = {}) {
  let now = T0.getTime();
  const tokens = new ServiceAccountTokens({ keys: options.keys ?? loadServiceAccountKeys(dataDir), now: () => new Date(now) });
  const auth = new ServiceAccountAuthenticator({
    tokens,
    registry: fx.reg,
    nowMs: () => now,
    ...(options.crossCluster ? { crossCluster: options.crossCluster } : {}),
    ...(options.cacheTtlMs !== undefined ? { cacheTtlMs: options.cacheTtlMs } : {}),
  });
  return { tokens, auth, advance: (ms: number) => (now += ms) };
}

const errorOf = (r: AuthResult | undefined): string => (r && 'error' in r ? r.error : `not an error: ${JSON.stringify(r)}`);

describe('service account signing keys', () => {
  it('are made on first start with mode 0600, reused afterwards, and rotated keeping the previous one', async () => {
    const first = loadServiceAccountKeys(dataDir);
    const file = path.join(dataDir, 'pki', 'sa.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'pki')).mode & 0o777).toBe(0o700);
    expect(loadServiceAccountKeys(dataDir).current.kid).toBe(first.current.kid);

    const uid = await createSa(fx.reg, 'root');
    const before = new ServiceAccountTokens({ keys: first });
    const old = await before.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid });

    const rotated = rotateServiceAccountKey(dataDir);
    expect(rotated.current.kid).not.toBe(first.current.kid);
    expect(rotated.previous?.kid).toBe(first.current.kid);
    expect(fs.statSync(path.join(dataDir, 'pki', 'sa.previous.key')).mode & 0o777).toBe(0o600);
    const after = new ServiceAccountTokens({ keys: loadServiceAccountKeys(dataDir) });
    const auth = new ServiceAccountAuthenticator({ tokens: after, registry: fx.reg });
    // A token signed before the rotation still verifies; new ones carry the new kid.
    expect(await auth.authenticate(bearer(old.token))).toMatchObject({ user: { name: 'system:serviceaccount:default:robot' } });
    const fresh = await after.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid });
    expect(decodeProtectedHeader(fresh.token).kid).toBe(rotated.current.kid);

    // After a second rotation the first key is gone, and so are its tokens.
    rotateServiceAccountKey(dataDir);
    const later = new ServiceAccountAuthenticator({ tokens: new ServiceAccountTokens({ keys: loadServiceAccountKeys(dataDir) }), registry: fx.reg });
    expect(errorOf(await later.authenticate(bearer(old.token)))).toBe('service account token: token signed by an unknown key');
    expect(await later.authenticate(bearer(fresh.token))).toMatchObject({ user: { uid } });
  });
});

describe('ServiceAccount tokens', () => {
  it('carry the claims of Kubernetes bound tokens plus the logical cluster, and authenticate the service account', async () => {
    const uid = await createSa(fx.reg, 'root');
    const { tokens, auth } = setup();
    const issued = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid });
    expect(issued.expirationSeconds).toBe(3600);
    expect(issued.expirationTimestamp).toBe('2030-01-01T01:00:00Z');
    const header = decodeProtectedHeader(issued.token);
    expect(header).toMatchObject({ alg: 'ES256', kid: loadServiceAccountKeys(dataDir).current.kid });
    const claims = decodeJwt(issued.token);
    const iat = T0.getTime() / 1000;
    expect(claims).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:default:robot',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      iat,
      nbf: iat,
      exp: iat + 3600,
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'robot', uid } },
      'kcp.io/cluster': 'root',
    });
    expect(typeof claims.jti).toBe('string');

    const result = await auth.authenticate(bearer(issued.token, 'root'));
    expect(result).toEqual({
      user: {
        name: 'system:serviceaccount:default:robot',
        uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default'],
        extra: { [CLUSTER_NAME_EXTRA]: ['root'], 'authentication.kubernetes.io/credential-id': [`JTI=${String(claims.jti)}`] },
      },
      // The token's audiences the request asked for: by default the API audience.
      audiences: [tokens.issuer],
    });
    const viaUnion = await unionAuthenticator([auth]).authenticate(bearer(issued.token, 'root'));
    expect(viaUnion).toMatchObject({ user: { groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] } });
  });

  it('have no opinion on tokens that are not ours', async () => {
    const { auth } = setup();
    expect(await auth.authenticate({ headers: {} })).toBeUndefined();
    expect(await auth.authenticate(bearer('static-token'))).toBeUndefined();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://other.example').setExpirationTime('1h').sign(privateKey);
    expect(await auth.authenticate(bearer(foreign))).toBeUndefined();
  });

  it('expire', async () => {
    const uid = await createSa(fx.reg, 'root');
    const { tokens, auth, advance } = setup();
    const { token } = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid, expirationSeconds: 600 });
    advance(600_000 + 30_000); // within the 60 s leeway
    expect(await auth.authenticate(bearer(token))).toMatchObject({ user: { uid } });
    advance(31_000);
    expect(errorOf(await auth.authenticate(bearer(token)))).toBe('service account token: token has expired');
  });

  it('must name an audience the server accepts', async () => {
    const uid = await createSa(fx.reg, 'root');
    const { tokens, auth } = setup();
    const { token } = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid, audiences: ['vault'] });
    expect(errorOf(await auth.authenticate(bearer(token)))).toMatch(/^service account token: token audiences are invalid/);
    const both = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid, audiences: ['vault', tokens.issuer] });
    expect(await auth.authenticate(bearer(both.token))).toMatchObject({ user: { uid } });
  });

  it('are refused when the signature or the signed content was tampered with', async () => {
    const uid = await createSa(fx.reg, 'root');
    await createSa(fx.reg, 'root', 'admin-bot', 'kube-system');
    const { tokens, auth } = setup();
    const { token } = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid });
    const [h = '', p = '', s = ''] = token.split('.');
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    expect(errorOf(await auth.authenticate(bearer(`${h}.${p}.${flipped}`)))).toBe('service account token: token signature is invalid');
    const claims = decodeJwt(token);
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin-bot', 'kubernetes.io': { namespace: 'kube-system', serviceaccount: { name: 'admin-bot', uid } } }),
    ).toString('base64url');
    expect(errorOf(await auth.authenticate(bearer(`${h}.${forged}.${s}`)))).toBe('service account token: token signature is invalid');
    // The "none" algorithm is not accepted either.
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: decodeProtectedHeader(token).kid })).toString('base64url')}.${p}.`;
    expect(errorOf(await auth.authenticate(bearer(none)))).toMatch(/^service account token: /);
  });

  it('die with their service account (after the lookup cache expires, or at once when told)', async () => {
    const uid = await createSa(fx.reg, 'root');
    const { tokens, auth, advance } = setup();
    const { token } = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid });
    const reads = vi.spyOn(fx.reg, 'get');
    expect(await auth.authenticate(bearer(token))).toMatchObject({ user: { uid } });
    expect(await auth.authenticate(bearer(token))).toMatchObject({ user: { uid } });
    expect(reads).toHaveBeenCalledTimes(1); // the second request was served from the cache

    await fx.reg.delete({ cluster: 'root' }, serviceAccounts, 'default', 'robot');
    // Cached for up to 5 s (documented), then invalid.
    expect(await auth.authenticate(bearer(token))).toMatchObject({ user: { uid } });
    advance(5_001);
    expect(errorOf(await auth.authenticate(bearer(token)))).toBe('service account token: service account default/robot has been deleted');

    // forget() drops the cached entry at once.
    const uid2 = await createSa(fx.reg, 'root', 'other');
    const second = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'other', uid: uid2 });
    expect(await auth.authenticate(bearer(second.token))).toMatchObject({ user: { uid: uid2 } });
    await fx.reg.delete({ cluster: 'root' }, serviceAccounts, 'default', 'other');
    auth.forget('root', 'default', 'other');
    expect(errorOf(await auth.authenticate(bearer(second.token)))).toMatch(/has been deleted/);
  });

  it('bound to a Secret (legacy token Secrets) die with that Secret, and stay dead when it is recreated', async () => {
    const uid = await createSa(fx.reg, 'root');
    const { tokens, auth } = setup({ cacheTtlMs: 0 });
    const made = await fx.reg.create({ cluster: 'root' }, secrets, 'default', { metadata: { name: 'robot-token' } });
    const secret = { name: 'robot-token', uid: made.metadata.uid ?? '' };
    const { token } = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid, secret });
    expect(decodeJwt(token)['kubernetes.io']).toMatchObject({ secret });
    expect(await auth.authenticate(bearer(token))).toMatchObject({ user: { uid } });
    await fx.reg.delete({ cluster: 'root' }, secrets, 'default', 'robot-token');
    expect(errorOf(await auth.authenticate(bearer(token)))).toBe('service account token: secret default/robot-token has been deleted');
    await fx.reg.create({ cluster: 'root' }, secrets, 'default', { metadata: { name: 'robot-token' } });
    expect(errorOf(await auth.authenticate(bearer(token)))).toBe('service account token: secret default/robot-token has been deleted (a new one has another uid)');
  });

  it('of a deleted service account stay invalid when one with the same name is created again', async () => {
    const oldUid = await createSa(fx.reg, 'root');
    const { tokens, auth } = setup({ cacheTtlMs: 0 });
    const old = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid: oldUid });
    await fx.reg.delete({ cluster: 'root' }, serviceAccounts, 'default', 'robot');
    const newUid = await createSa(fx.reg, 'root');
    expect(newUid).not.toBe(oldUid);
    expect(errorOf(await auth.authenticate(bearer(old.token)))).toMatch(/has been deleted \(a new one has another uid\)/);
    const fresh = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid: newUid });
    expect(await auth.authenticate(bearer(fresh.token))).toMatchObject({ user: { uid: newUid } });
  });

  it('die with their workspace (its logical cluster purged)', async () => {
    const uid = await createSa(fx.reg, 'ws1');
    const { tokens, auth } = setup({ cacheTtlMs: 0 });
    const { token } = await tokens.issueToken({ cluster: 'ws1', namespace: 'default', name: 'robot', uid });
    expect(await auth.authenticate(bearer(token, 'ws1'))).toMatchObject({ user: { uid } });
    await fx.store.purgeCluster('ws1');
    expect(errorOf(await auth.authenticate(bearer(token, 'ws1')))).toMatch(/has been deleted/);
  });

  it('are valid only in their own logical cluster (by default refused elsewhere; marked as foreign on request)', async () => {
    const uidA = await createSa(fx.reg, 'clustera');
    await createSa(fx.reg, 'clusterb'); // same namespace and name, another service account
    const { tokens, auth } = setup();
    const { token } = await tokens.issueToken({ cluster: 'clustera', namespace: 'default', name: 'robot', uid: uidA });
    expect(await auth.authenticate(bearer(token, 'clustera'))).toMatchObject({ user: { uid: uidA } });
    expect(errorOf(await auth.authenticate(bearer(token, 'clusterb')))).toBe(
      'service account token of logical cluster "clustera" is not valid in logical cluster "clusterb"',
    );
    expect(await unionAuthenticator([auth], { anonymous: true }).authenticate(bearer(token, 'clusterb'))).toHaveProperty('error');

    const marking = setup({ crossCluster: 'mark' }).auth;
    const marked = await marking.authenticate(bearer(token, 'clusterb'));
    expect(marked).toMatchObject({ user: { name: 'system:serviceaccount:default:robot', uid: uidA, extra: { [CLUSTER_NAME_EXTRA]: ['clustera'] } } });
    if (!marked || !('user' in marked)) throw new Error('expected a user');
    expect(isForeignServiceAccount(marked.user, 'clusterb')).toBe(true);
    expect(isForeignServiceAccount(marked.user, 'clustera')).toBe(false);
    expect(isForeignServiceAccount({ name: 'alice', groups: [] }, 'clusterb')).toBe(false);
  });

  it('work beside a token file in one union: each credential finds its authenticator', async () => {
    const uid = await createSa(fx.reg, 'root');
    const tokenFile = path.join(dataDir, 'tokens.csv');
    fs.writeFileSync(tokenFile, 'static-token,alice,uid-a,dev\n');
    const { tokens, auth } = setup();
    const union = unionAuthenticator([new TokenFileAuthenticator(tokenFile), auth]);
    const { token } = await tokens.issueToken({ cluster: 'root', namespace: 'default', name: 'robot', uid });
    expect(await union.authenticate(bearer(token, 'root'))).toMatchObject({ user: { name: 'system:serviceaccount:default:robot' } });
    expect(await union.authenticate(bearer('static-token', 'root'))).toEqual({ user: { name: 'alice', uid: 'uid-a', groups: ['dev', 'system:authenticated'] } });
    expect(await union.authenticate(bearer('guess', 'root'))).toEqual({ error: 'invalid bearer token' });
    await fx.reg.delete({ cluster: 'root' }, serviceAccounts, 'default', 'robot');
    auth.clear();
    expect(await union.authenticate(bearer(token, 'root'))).toEqual({
      error: 'invalid bearer token; service account token: service account default/robot has been deleted',
    });
  });

  it('refuse to start on a signing key file that is not an ES256 key', () => {
    fs.mkdirSync(path.join(dataDir, 'pki'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'pki', 'sa.key'), 'not a key');
    expect(() => loadServiceAccountKeys(dataDir)).toThrow(/sa\.key: not a private key in PEM form/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    fs.writeFileSync(path.join(dataDir, 'pki', 'sa.key'), rsa);
    expect(() => loadServiceAccountKeys(dataDir)).toThrow(/expected an ECDSA P-256 key for ES256, found rsa/);
  });

  it('are issued only for sensible lifetimes, names and clusters', async () => {
    const keys = loadServiceAccountKeys(dataDir);
    const tokens = new ServiceAccountTokens({ keys, maxExpirationSeconds: 7200 });
    const spec = { cluster: 'root', namespace: 'default', name: 'robot', uid: 'u' };
    const tooShort = await tokens.issueToken({ ...spec, expirationSeconds: 599 }).catch((e: unknown) => e);
    expect(tooShort).toBeInstanceOf(ApiError);
    expect((tooShort as ApiError).code).toBe(422);
    expect((tooShort as ApiError).message).toContain('spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    expect((await tokens.issueToken({ ...spec, expirationSeconds: 86_400 })).expirationSeconds).toBe(7200);
    await expect(tokens.issueToken({ ...spec, cluster: '*' })).rejects.toThrow(/not a logical cluster name/);
    await expect(tokens.issueToken({ ...spec, cluster: 'root:org' })).rejects.toThrow(/not a logical cluster name/);
    await expect(tokens.issueToken({ ...spec, uid: '' })).rejects.toThrow(/uid is required/);
  });
});
