/**
 * Impersonation without a server: what the Impersonate-* headers ask for, the 400 for parts
 * without a user, the user that results (Kubernetes' added groups, a service account's own), kcp's
 * privilege gate, and AlwaysAllow letting every authenticated user impersonate.
 */
import { describe, expect, it } from 'vitest';
import {
  AccessControl,
  impersonatedUser,
  impersonationHeaders,
  impersonationHeadersIn,
  nonResourceAttributes,
  requestedImpersonation,
  unionAuthenticator,
  type AuthUser,
} from '../../src/auth/index.js';
import { isApiError } from '../../src/registry/index.js';

const refusal = (f: () => unknown): { code: number; reason: string; message: string } => {
  try {
    f();
  } catch (err) {
    if (isApiError(err)) return { code: err.code, reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('reading Impersonate-* headers', () => {
  it('keeps every value of a repeated header, and nothing but impersonation headers', () => {
    const req = {
      headers: { authorization: 'Bearer x', 'impersonate-user': 'alice', 'impersonate-group': 'a, b', 'impersonate-foo': 'no' },
      headersDistinct: { authorization: ['Bearer x'], 'impersonate-user': ['alice'], 'impersonate-group': ['a', 'b'], 'impersonate-foo': ['no'] },
    };
    expect(impersonationHeaders(req)).toEqual({ 'impersonate-user': ['alice'], 'impersonate-group': ['a', 'b'] });
    expect(impersonationHeaders({ headers: { authorization: 'Bearer x' }, headersDistinct: { authorization: ['Bearer x'] } })).toBeUndefined();
    expect(impersonationHeadersIn({ Authorization: 'Bearer x', 'Impersonate-User': 'alice', 'Impersonate-Group': ['a', 'b'] })).toEqual({
      'impersonate-user': ['alice'],
      'impersonate-group': ['a', 'b'],
    });
  });

  it('asks in the apiserver order, with extra keys percent-decoded and service accounts recognised', () => {
    const wanted = requestedImpersonation({
      'impersonate-uid': ['u-1'],
      'impersonate-extra-acme.com%2fproject': ['p1', 'p2'],
      'impersonate-group': ['team-a'],
      'impersonate-user': ['system:serviceaccount:default:robot'],
    });
    expect(wanted).toEqual([
      { kind: 'ServiceAccount', namespace: 'default', name: 'robot' },
      { kind: 'Group', name: 'team-a' },
      { kind: 'UserExtra', name: 'p1', key: 'acme.com/project' },
      { kind: 'UserExtra', name: 'p2', key: 'acme.com/project' },
      { kind: 'UID', name: 'u-1' },
    ]);
    // Not a valid service-account name: a plain user of that name, as SplitUsername decides.
    expect(requestedImpersonation({ 'impersonate-user': ['system:serviceaccount:a:b:c'] })).toEqual([{ kind: 'User', name: 'system:serviceaccount:a:b:c' }]);
    expect(requestedImpersonation({ 'impersonate-user': [''] })).toEqual([]);
  });

  it('refuses groups, extras or a uid without a user with the apiserver 400', () => {
    expect(refusal(() => requestedImpersonation({ 'impersonate-group': ['system:masters'] }))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: 'requested [{Group  system:masters    }] without impersonating a user',
    });
    expect(refusal(() => requestedImpersonation({ 'impersonate-extra-scopes': ['view'], 'impersonate-uid': ['42'] })).message).toBe(
      'requested [{UserExtra  view  authentication.k8s.io/v1  scopes} {UID  42  authentication.k8s.io/v1  }] without impersonating a user',
    );
  });
});

describe('the impersonated user', () => {
  it('is what was asked plus system:authenticated, or system:unauthenticated for the anonymous user', () => {
    expect(impersonatedUser(requestedImpersonation({ 'impersonate-user': ['alice'] }), 'c1')).toEqual({ name: 'alice', groups: ['system:authenticated'] });
    const full = requestedImpersonation({ 'impersonate-user': ['alice'], 'impersonate-group': ['g'], 'impersonate-uid': ['7'], 'impersonate-extra-k': ['v'] });
    expect(impersonatedUser(full, 'c1')).toEqual({ name: 'alice', uid: '7', groups: ['g', 'system:authenticated'], extra: { k: ['v'] } });
    expect(impersonatedUser(requestedImpersonation({ 'impersonate-user': ['system:anonymous'] }), 'c1')).toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
    expect(impersonatedUser(requestedImpersonation({ 'impersonate-user': ['x'], 'impersonate-group': ['system:unauthenticated'] }), 'c1').groups).toEqual([
      'system:unauthenticated',
    ]);
  });

  it('is a service account of the workspace, with its groups unless groups were given', () => {
    expect(impersonatedUser(requestedImpersonation({ 'impersonate-user': ['system:serviceaccount:ns:robot'] }), 'c1')).toEqual({
      name: 'system:serviceaccount:ns:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/cluster-name': ['c1'] },
    });
    expect(impersonatedUser(requestedImpersonation({ 'impersonate-user': ['system:serviceaccount:ns:robot'], 'impersonate-group': ['g'] }), 'c1').groups).toEqual([
      'g',
      'system:authenticated',
    ]);
  });
});

describe('impersonation with AlwaysAllow (no authorizer)', () => {
  const access = new AccessControl({ authenticator: unionAuthenticator([]) });
  const bob: AuthUser = { name: 'bob', groups: ['system:authenticated'] };
  const admit = (headers: Record<string, string[]>) => access.admit(bob, headers, 'root:x', 'c1', (u) => nonResourceAttributes(u, 'get', '/api'));

  it('lets every authenticated user impersonate anyone', () => {
    const admitted = admit({ 'impersonate-user': ['alice'], 'impersonate-group': ['team-a'] });
    expect(admitted.cluster).toBe('c1');
    expect(admitted.user).toEqual({ name: 'alice', groups: ['team-a', 'system:authenticated'] });
    expect(admitted.attributes.user).toBe(admitted.user);
    expect(admit({}).user).toBe(bob);
  });

  it('keeps kcp\'s gate: no privileged group the requester lacks, no reserved extra key', () => {
    for (const group of ['system:masters', 'system:kcp:admin']) {
      expect(refusal(() => admit({ 'impersonate-user': ['alice'], 'impersonate-group': [group] }))).toEqual({
        code: 403,
        reason: 'Forbidden',
        message: 'forbidden: impersonation is not allowed for the requestor',
      });
    }
    expect(admit({ 'impersonate-user': ['alice'], 'impersonate-group': ['system:authenticated'] }).user.groups).toEqual(['system:authenticated']);
    expect(refusal(() => admit({ 'impersonate-user': ['alice'], 'impersonate-extra-authentication.kubernetes.io%2fcluster-name': ['other'] })).message).toBe(
      'forbidden: impersonating the extra key "authentication.kubernetes.io/cluster-name" is not allowed for the requestor',
    );
    expect(refusal(() => admit({ 'impersonate-user': ['alice'], 'impersonate-extra-authentication.kcp.io%2fscopes': ['x'] })).code).toBe(403);
    const master: AuthUser = { name: 'ctl', groups: ['system:masters'] };
    expect(access.admit(master, { 'impersonate-user': ['alice'], 'impersonate-group': ['system:masters'] }, 'root:x', 'c1', (u) => nonResourceAttributes(u, 'get', '/')).user.groups).toEqual([
      'system:masters',
      'system:authenticated',
    ]);
  });
});
