/**
 * admissionregistration.k8s.io on the real server: discovery (every version, v1 preferred),
 * OpenAPI v3 and v2, GraphQL lists in every workspace; and the chain wired in: a policy and its
 * binding created over REST refuse the very next write, over REST and GraphQL.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';

const G = 'admissionregistration.k8s.io';

const policy = {
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'no-forbidden-key' },
  spec: {
    matchConstraints: { resourceRules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
    validations: [{ expression: "!has(object.data) || !('forbidden' in object.data)", message: 'the key "forbidden" is not allowed' }],
  },
};
const binding = {
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'no-forbidden-key' },
  spec: { policyName: 'no-forbidden-key', validationActions: ['Deny'] },
};

describe('admissionregistration.k8s.io on every surface', () => {
  const fx = useServer();

  it('is in discovery with v1 preferred, in every workspace', async () => {
    await fx.workspace('root', 'team');
    for (const ws of ['root', 'root:team']) {
      const group = await fx.call('GET', `/clusters/${ws}/apis/${G}`);
      expect(group.status).toBe(200);
      expect(group.body.preferredVersion).toEqual({ groupVersion: `${G}/v1`, version: 'v1' });
      expect((group.body.versions as { version: string }[]).map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
      const v1 = await fx.call('GET', `/clusters/${ws}/apis/${G}/v1`);
      const names = (v1.body.resources as { name: string; namespaced: boolean }[]).map((r) => r.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'validatingadmissionpolicies',
          'validatingadmissionpolicies/status',
          'validatingadmissionpolicybindings',
          'validatingwebhookconfigurations',
          'mutatingwebhookconfigurations',
        ]),
      );
      expect((v1.body.resources as { namespaced: boolean }[]).every((r) => !r.namespaced)).toBe(true);
      const beta = await fx.call('GET', `/clusters/${ws}/apis/${G}/v1beta1`);
      expect((beta.body.resources as { name: string }[]).map((r) => r.name)).toEqual(
        expect.arrayContaining(['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']),
      );
      const alpha = await fx.call('GET', `/clusters/${ws}/apis/${G}/v1alpha1`);
      expect((alpha.body.resources as { name: string }[]).map((r) => r.name).sort()).toEqual(['mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);
    }
  });

  it('is in OpenAPI v3 and v2', async () => {
    const index = await fx.call('GET', '/clusters/root/openapi/v3');
    const paths = Object.keys(index.body.paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining([`apis/${G}/v1`, `apis/${G}/v1beta1`, `apis/${G}/v1alpha1`]));
    const v1 = await fx.call('GET', `/clusters/root/openapi/v3/apis/${G}/v1`);
    const schemas = (v1.body.components as { schemas: Record<string, unknown> }).schemas;
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      expect(schemas[`io.k8s.api.admissionregistration.v1.${kind}`]).toBeDefined();
    }
    const alpha = await fx.call('GET', `/clusters/root/openapi/v3/apis/${G}/v1alpha1`);
    expect((alpha.body.components as { schemas: Record<string, unknown> }).schemas['io.k8s.api.admissionregistration.v1alpha1.MutatingAdmissionPolicy']).toBeDefined();
    const v2 = await fx.call('GET', '/clusters/root/openapi/v2');
    const definitions = v2.body.definitions as Record<string, unknown>;
    expect(definitions['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy']).toBeDefined();
    expect(definitions['io.k8s.api.admissionregistration.v1beta1.MutatingAdmissionPolicy']).toBeDefined();
  });

  it('is listed and written on GraphQL', async () => {
    const gql = (query: string) => fx.call('POST', '/clusters/root:team/graphql', { query });
    const created = await gql(
      `mutation { createAdmissionregistrationK8sIoV1ValidatingWebhookConfiguration(object: { metadata: { name: "hooks" }, webhooks: [{ name: "a.example.dev", clientConfig: { url: "https://127.0.0.1:9443/" }, sideEffects: "None", admissionReviewVersions: ["v1"] }] }) { metadata { name } webhooks { timeoutSeconds failurePolicy } } }`,
    );
    expect(created.body).toEqual({ data: { createAdmissionregistrationK8sIoV1ValidatingWebhookConfiguration: { metadata: { name: 'hooks' }, webhooks: [{ timeoutSeconds: 10, failurePolicy: 'Fail' }] } } });
    const listed = await gql(`{ admissionregistration_k8s_io { v1 { ValidatingWebhookConfigurations { items { metadata { name } } } ValidatingAdmissionPolicies { items { metadata { name } } } } v1beta1 { MutatingAdmissionPolicies { items { metadata { name } } } } } }`);
    expect(listed.body).toEqual({
      data: { admissionregistration_k8s_io: { v1: { ValidatingWebhookConfigurations: { items: [{ metadata: { name: 'hooks' } }] }, ValidatingAdmissionPolicies: { items: [] } }, v1beta1: { MutatingAdmissionPolicies: { items: [] } } } },
    });
    const invalid = await gql(
      `mutation { createAdmissionregistrationK8sIoV1ValidatingWebhookConfiguration(object: { metadata: { name: "bad" }, webhooks: [{ name: "a.example.dev", clientConfig: { url: "http://127.0.0.1/" }, sideEffects: "None", admissionReviewVersions: ["v1"] }] }) { metadata { name } } }`,
    );
    const errors = invalid.body.errors as { message: string; extensions: { code: string } }[];
    expect(errors[0]?.extensions.code).toBe('INVALID');
    expect(errors[0]?.message).toContain("webhooks[0].clientConfig.url: Invalid value: \"http://127.0.0.1/\": 'https' is the only allowed URL scheme");
  });

  it('applies a policy to the very next write, on REST and GraphQL', async () => {
    const ws = '/clusters/root:team';
    expect((await fx.call('POST', `${ws}/apis/${G}/v1/validatingadmissionpolicies`, policy)).status).toBe(201);
    expect((await fx.call('POST', `${ws}/apis/${G}/v1/validatingadmissionpolicybindings`, binding)).status).toBe(201);
    const denied = await fx.call('POST', `${ws}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'c1' }, data: { forbidden: 'x' } });
    expect(denied.status).toBe(422);
    expect(denied.body.message).toContain('the key "forbidden" is not allowed');
    expect((await fx.call('POST', `${ws}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'c2' }, data: { fine: 'x' } })).status).toBe(201);
    const viaGraphql = await fx.call('POST', `${ws}/graphql`, { query: `mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "c3" }, data: { forbidden: "x" } }) { metadata { name } } }` });
    const errors = viaGraphql.body.errors as { message: string }[];
    expect(errors[0]?.message).toContain('the key "forbidden" is not allowed');
    // Another workspace is not affected.
    expect((await fx.call('POST', '/clusters/root/api/v1/namespaces/default/configmaps', { metadata: { name: 'c1' }, data: { forbidden: 'x' } })).status).toBe(201);
    // Deleting the binding lifts the policy at once.
    expect((await fx.call('DELETE', `${ws}/apis/${G}/v1/validatingadmissionpolicybindings/no-forbidden-key`)).status).toBe(200);
    expect((await fx.call('POST', `${ws}/api/v1/namespaces/default/configmaps`, { metadata: { name: 'c4' }, data: { forbidden: 'x' } })).status).toBe(201);
  });
});
