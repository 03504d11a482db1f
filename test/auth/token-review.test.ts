/**
 * authentication.k8s.io/v1 TokenReview on a real server over HTTP, as kube-apiserver answers it:
 * a valid token (token file, admin, ServiceAccount) is `authenticated` with its user and
 * audiences; an unknown one is a 201 with `error`; audiences narrow what a token is valid for;
 * an empty token is a 400; creating a review takes RBAC `create` on tokenreviews, which
 * system:auth-delegator grants; discovery lists it; protobuf bodies (encoded here by field number
 * from k8s.io/api's generated.proto) are taken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ISSUER } from '../../src/auth/index.js';
import { KUBE_PROTOBUF } from '../../src/kube/protobuf/index.js';
import { useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-tokenreview-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'alice-token,alice,1001,"dev,ops"\nproxy-token,proxy,1002\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const REVIEWS = (ws: string) => `/clusters/${ws}/apis/authentication.k8s.io/v1/tokenreviews`;
const review = (token: string, audiences?: string[]) => ({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenReview',
  metadata: { creationTimestamp: null },
  spec: { token, ...(audiences ? { audiences } : {}) },
});

async function serviceAccountToken(ws: string, name: string, audiences?: string[]): Promise<string> {
  expect((await fx.call('POST', `/clusters/${ws}/api/v1/namespaces/default/serviceaccounts`, { metadata: { name } })).status).toBe(201);
  const r = await fx.call('POST', `/clusters/${ws}/api/v1/namespaces/default/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: audiences ? { audiences } : {},
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return String((r.body.status as { token: string }).token);
}

describe('TokenReview', () => {
  it('answers a token-file token with its user and the API audience, echoing the review', async () => {
    const r = await fx.call('POST', REVIEWS('root'), review('alice-token'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: { creationTimestamp: null },
      spec: { token: 'alice-token' },
      status: {
        authenticated: true,
        user: { username: 'alice', uid: '1001', groups: ['dev', 'ops', 'system:authenticated'] },
        audiences: [DEFAULT_ISSUER],
      },
    });
  });

  it('answers an unknown token with an error, not a failure', async () => {
    const r = await fx.call('POST', REVIEWS('root'), review('nobody-knows-this'));
    expect(r.status).toBe(201);
    expect(r.body.status).toEqual({ user: {}, error: 'invalid bearer token' });
  });

  it('answers a ServiceAccount token with the account, its cluster and audiences, and checks the audiences asked for', async () => {
    await fx.workspace('root', 'tr');
    const token = await serviceAccountToken('root:tr', 'robot');
    const r = await fx.call('POST', REVIEWS('root'), review(token));
    expect(r.status).toBe(201);
    const status = r.body.status as { authenticated: boolean; user: { username: string; groups: string[]; extra: Record<string, string[]> }; audiences: string[] };
    expect(status.authenticated).toBe(true);
    expect(status.user.username).toBe('system:serviceaccount:default:robot');
    expect(status.user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    expect(status.user.extra['authentication.kubernetes.io/cluster-name']).toHaveLength(1);
    expect(status.audiences).toEqual([DEFAULT_ISSUER]);

    const elsewhere = await fx.call('POST', REVIEWS('root'), review(token, ['vault']));
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.status).toEqual({ user: {}, error: expect.stringContaining('service account token: token audiences are invalid for the target audiences ["vault"]') });

    const forVault = await serviceAccountToken('root:tr', 'vault-client', ['vault', 'other']);
    const vault = await fx.call('POST', REVIEWS('root'), review(forVault, ['vault']));
    expect(vault.body.status).toMatchObject({ authenticated: true, audiences: ['vault'], user: { username: 'system:serviceaccount:default:vault-client' } });
  });

  it('finds a token that knows no audiences valid for the API audience only', async () => {
    const other = await fx.call('POST', REVIEWS('root'), review('alice-token', ['vault']));
    expect(other.body.status).toEqual({ user: {}, error: 'invalid bearer token' });
    const api = await fx.call('POST', REVIEWS('root'), review('alice-token', ['vault', DEFAULT_ISSUER]));
    expect(api.body.status).toMatchObject({ authenticated: true, audiences: [DEFAULT_ISSUER] });
  });

  it('refuses a review without a token (400)', async () => {
    const r = await fx.call('POST', REVIEWS('root'), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('token is required for TokenReview in authentication');
  });

  it('takes create on tokenreviews, as system:auth-delegator grants it', async () => {
    const denied = await fx.callAs('proxy-token', 'POST', REVIEWS('root'), review('alice-token'));
    expect(denied.status).toBe(403);
    // Entering the workspace is kcp's `access` verb; the review itself is auth-delegator's.
    for (const role of ['system:kcp:workspace:access', 'system:auth-delegator']) {
      const bound = await fx.call('POST', '/clusters/root/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        metadata: { name: `proxy-${role.replace(/:/g, '-')}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'proxy' }],
      });
      expect(bound.status, JSON.stringify(bound.body)).toBe(201);
      if (role === 'system:kcp:workspace:access') expect((await fx.callAs('proxy-token', 'POST', REVIEWS('root'), review('alice-token'))).status).toBe(403);
    }
    const allowed = await fx.callAs('proxy-token', 'POST', REVIEWS('root'), review('alice-token'));
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
    expect(allowed.body.status).toMatchObject({ authenticated: true, user: { username: 'alice' } });
  });

  it('takes a protobuf body', async () => {
    // runtime.Unknown{typeMeta{apiVersion, kind}, raw: TokenReview{metadata{}, spec{token, audiences}}} after the "k8s\0" magic.
    const spec = protobuf.Writer.create().uint32((1 << 3) | 2).string('alice-token').uint32((2 << 3) | 2).string(DEFAULT_ISSUER).finish();
    const raw = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(new Uint8Array()).uint32((2 << 3) | 2).bytes(spec).finish();
    const typeMeta = protobuf.Writer.create().uint32((1 << 3) | 2).string('authentication.k8s.io/v1').uint32((2 << 3) | 2).string('TokenReview').finish();
    const unknown = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(typeMeta).uint32((2 << 3) | 2).bytes(raw).finish();
    const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]);
    // Clients that send protobuf take JSON answers (Atoll answers JSON).
    const r = await fetch(`${fx.base}${REVIEWS('root')}`, { method: 'POST', headers: { ...fx.headers, 'content-type': KUBE_PROTOBUF, accept: `${KUBE_PROTOBUF}, application/json` }, body });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({
      kind: 'TokenReview',
      spec: { token: 'alice-token', audiences: [DEFAULT_ISSUER] },
      status: { authenticated: true, user: { username: 'alice', uid: '1001' }, audiences: [DEFAULT_ISSUER] },
    });
  });

  it('is listed in discovery with the create verb only', async () => {
    const list = await fx.call('GET', '/clusters/root/apis/authentication.k8s.io/v1');
    const resources = list.body.resources as { name: string; kind: string; verbs: string[]; namespaced: boolean }[];
    expect(resources.find((r) => r.name === 'tokenreviews')).toMatchObject({ kind: 'TokenReview', verbs: ['create'], namespaced: false });
  });
});
