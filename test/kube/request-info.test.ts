/** parseRequestInfo: the verbs of named subresources, as the apiserver's RequestInfoFactory reads them. */
import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from '../../src/kube/request-info.js';

const q = new URLSearchParams();

describe('parseRequestInfo', () => {
  it('reads a POST to serviceaccounts/<name>/token as create on the token subresource', () => {
    expect(parseRequestInfo('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', q)).toEqual({
      kind: 'resource',
      verb: 'create',
      group: '',
      version: 'v1',
      resource: 'serviceaccounts',
      namespace: 'default',
      name: 'robot',
      subresource: 'token',
    });
  });

  it('reads the review kinds as creates on collections', () => {
    expect(parseRequestInfo('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', q)).toEqual({
      kind: 'resource',
      verb: 'create',
      group: 'authorization.k8s.io',
      version: 'v1',
      resource: 'selfsubjectaccessreviews',
    });
    expect(parseRequestInfo('POST', '/apis/authorization.k8s.io/v1/namespaces/dev/localsubjectaccessreviews', q)).toMatchObject({
      verb: 'create',
      namespace: 'dev',
      resource: 'localsubjectaccessreviews',
    });
  });

  it('still knows no POST to a named object without a subresource', () => {
    expect(parseRequestInfo('POST', '/api/v1/namespaces/default/configmaps/x', q)).toEqual({ kind: 'unknown' });
  });

  it('keeps the other verbs of named subresources', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/default/serviceaccounts/robot/token', q)).toMatchObject({ verb: 'get', subresource: 'token' });
    expect(parseRequestInfo('PUT', '/api/v1/namespaces/x/finalize', q)).toMatchObject({ verb: 'update', resource: 'namespaces', name: 'x', subresource: 'finalize' });
  });
});
