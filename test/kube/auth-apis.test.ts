/**
 * The review kinds and `serviceaccounts/token` on the REST surface: discovery (as a real
 * kube-apiserver advertises them), OpenAPI documents, status codes over HTTP, and a GraphQL
 * schema that still compiles with them in the API set.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiSet } from '../../src/apis/index.js';
import { keyId } from '../../src/auth/authn/service-account-keys.js';
import { ServiceAccountTokens } from '../../src/auth/authn/service-account-tokens.js';
import { withAuthResourceTypes, type ReviewAuthorizer } from '../../src/auth/reviews/index.js';
import { compileSchema } from '../../src/graphql/compile.js';
import { discoveryFor } from '../../src/kube/discovery.js';
import { openApiDocument } from '../../src/kube/openapi.js';
import { KUBE_PROTOBUF } from '../../src/kube/protobuf/index.js';
import { builtinResourceTypes, serviceAccounts } from '../../src/registry/index.js';
import { useKubeHandlerServer } from '../support/kube-handler-server.js';
import { useRegistry } from '../support/registry-fixture.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const tokens = new ServiceAccountTokens({ keys: { current: { kid: keyId(publicKey), privateKey, publicKey } } });
/** Allows bob everything and nobody else anything. */
const authorizer: ReviewAuthorizer = {
  authorize: (a) => Promise.resolve(a.user.name === 'bob' ? { allowed: true, reason: 'bob may' } : { allowed: false, reason: '' }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};
const set = new ApiSet(withAuthResourceTypes(builtinResourceTypes, { authorizer, tokens }));
const AUTHZ = 'authorization.k8s.io/v1';
const TOKEN_REQUEST = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };

type Doc = Record<string, unknown> & { resources: Record<string, unknown>[] };

describe('discovery', () => {
  const docs = discoveryFor(set);

  it('lists the review kinds with the create verb only', () => {
    const list = docs.resourceLists.get(AUTHZ) as Doc;
    expect(list.resources.map((r) => [r.name, r.namespaced, r.kind, r.verbs])).toEqual([
      ['selfsubjectaccessreviews', false, 'SelfSubjectAccessReview', ['create']],
      ['subjectaccessreviews', false, 'SubjectAccessReview', ['create']],
      ['localsubjectaccessreviews', true, 'LocalSubjectAccessReview', ['create']],
      ['selfsubjectrulesreviews', false, 'SelfSubjectRulesReview', ['create']],
    ]);
    expect((docs.resourceLists.get('authentication.k8s.io/v1') as Doc).resources).toEqual([
      { name: 'selfsubjectreviews', singularName: 'selfsubjectreview', namespaced: false, kind: 'SelfSubjectReview', verbs: ['create'] },
    ]);
  });

  it('lists serviceaccounts/token as a create-only TokenRequest subresource', () => {
    const core = docs.resourceLists.get('v1') as Doc;
    expect(core.resources.find((r) => r.name === 'serviceaccounts/token')).toEqual({
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
    expect(core.resources.find((r) => r.name === 'serviceaccounts')?.verbs).toHaveLength(8);
  });

  it('says the same in aggregated discovery', () => {
    const versions = (list: object, group: string) =>
      ((list as { items: { metadata: { name?: string }; versions: { resources: Record<string, unknown>[] }[] }[] }).items.find((g) => (g.metadata.name ?? '') === group)?.versions[0]?.resources ?? []);
    const sa = versions(docs.aggregatedLegacy, '').find((r) => r.resource === 'serviceaccounts');
    expect(sa?.subresources).toEqual([{ subresource: 'token', responseKind: TOKEN_REQUEST, verbs: ['create'] }]);
    const ssar = versions(docs.aggregatedGroups, 'authorization.k8s.io').find((r) => r.resource === 'selfsubjectaccessreviews');
    expect(ssar).toEqual({
      resource: 'selfsubjectaccessreviews',
      responseKind: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview' },
      scope: 'Cluster',
      singularResource: 'selfsubjectaccessreview',
      verbs: ['create'],
    });
  });
});

describe('OpenAPI', () => {
  it('documents only a POST for the review kinds, with their Kubernetes schemas', () => {
    const doc = openApiDocument(set, `apis/${AUTHZ}`)?.body as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toContain('/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews');
    expect(Object.keys(doc.paths).every((p) => !p.includes('{name}'))).toBe(true);
    expect(Object.keys(doc.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'] ?? {})).toEqual(['parameters', 'post']);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['io.k8s.api.authorization.v1.SelfSubjectAccessReview', 'io.k8s.api.authorization.v1.ResourceAttributes', 'io.k8s.api.authorization.v1.SubjectRulesReviewStatus']),
    );
  });

  it('documents POST serviceaccounts/{name}/token with the TokenRequest schema', () => {
    const doc = openApiDocument(set, 'api/v1')?.body as { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, unknown> } };
    const token = doc.paths['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token'] ?? {};
    expect(Object.keys(token)).toEqual(['parameters', 'post']);
    expect(token.post?.['x-kubernetes-group-version-kind']).toEqual(TOKEN_REQUEST);
    expect(JSON.stringify(token.post?.requestBody)).toContain('#/components/schemas/io.k8s.api.authentication.v1.TokenRequest');
    expect(doc.components.schemas['io.k8s.api.authentication.v1.TokenRequestSpec']).toBeDefined();
  });
});

describe('GraphQL', () => {
  it('compiles, leaving the create-only kinds out', () => {
    const schema = compileSchema(set);
    const names = Object.keys(schema.getTypeMap());
    expect(names).toContain('V1ServiceAccount');
    expect(names.filter((n) => /Review|TokenRequest/.test(n))).toEqual([]);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).filter((f) => /^authentication|^authorization/.test(f))).toEqual([]);
  });
});

describe('over HTTP', () => {
  const fx = useRegistry();
  const http = useKubeHandlerServer(fx, set);

  async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
    const init: RequestInit = { method, headers: { 'content-type': contentType } };
    if (body !== undefined) init.body = body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body);
    const r = await fetch(`${http.base()}${path}`, init);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  it('answers a TokenRequest with 201, JSON or protobuf', async () => {
    await fx.reg.create({ cluster: 'ws' }, serviceAccounts, 'default', { metadata: { name: 'robot' } });
    const json = await call('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    expect(json.status).toBe(201);
    expect(json.body).toMatchObject({ kind: 'TokenRequest', metadata: { name: 'robot' }, status: { token: expect.any(String) as unknown } });
    const pb = readFileSync(new URL('./fixtures/protobuf/token.pb', import.meta.url));
    const viaProtobuf = await call('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', new Uint8Array(pb), KUBE_PROTOBUF);
    expect(viaProtobuf.status).toBe(201);
    expect(viaProtobuf.body.spec).toEqual({ audiences: ['api'], expirationSeconds: 600, boundObjectRef: null });
  });

  it('answers 404 for a missing service account and 405 for other verbs on token', async () => {
    const missing = await call('POST', '/api/v1/namespaces/default/serviceaccounts/ghost/token', { spec: {} });
    expect([missing.status, missing.body.message]).toEqual([404, 'serviceaccounts "ghost" not found']);
    const get = await call('GET', '/api/v1/namespaces/default/serviceaccounts/robot/token');
    expect(get.status).toBe(405);
  });

  it('answers reviews with 201, and 405 to anything but a create', async () => {
    const sar = await call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: AUTHZ,
      kind: 'SubjectAccessReview',
      spec: { resourceAttributes: { verb: 'get', resource: 'pods' }, user: 'bob' },
    });
    expect([sar.status, sar.body.status]).toEqual([201, { allowed: true, reason: 'bob may' }]);
    const list = await call('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect([list.status, list.body.reason, list.body.message]).toEqual([405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource']);
    const anonymous = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } });
    expect([anonymous.status, anonymous.body.message]).toEqual([400, 'no user present on request']);
  });
});
