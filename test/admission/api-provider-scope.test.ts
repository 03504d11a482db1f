/**
 * A provider's admission policies apply, in every consumer, to the resources bound from its
 * export — and to nothing else of the consumer — as kcp applies them; the consumer's own policies
 * stay its own.
 */
import { describe, expect, it } from 'vitest';
import { bind, publishWidgets, widget, WIDGETS } from '../apiexports/support.js';
import { useServer } from '../support/server-fixture.js';

const G = 'admissionregistration.k8s.io';
const NO_DENY_LABEL = "!has(object.metadata.labels) || !('deny' in object.metadata.labels)";

function policy(name: string, message: string) {
  return {
    apiVersion: `${G}/v1`,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] },
      validations: [{ expression: NO_DENY_LABEL, message }],
    },
  };
}
const binding = (name: string) => ({ apiVersion: `${G}/v1`, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } });

describe('admission scope: workspace and provider', () => {
  const fx = useServer();

  it('applies the provider’s policies to its bound resources in a consumer, and only to those', async () => {
    await fx.workspace('root', 'provider');
    await fx.workspace('root', 'consumer');
    await publishWidgets(fx, 'root:provider');
    const admission = (ws: string, resource: string) => `/clusters/${ws}/apis/${G}/v1/${resource}`;
    expect((await fx.call('POST', admission('root:provider', 'validatingadmissionpolicies'), policy('provider-rule', 'denied by the provider'))).status).toBe(201);
    expect((await fx.call('POST', admission('root:provider', 'validatingadmissionpolicybindings'), binding('provider-rule'))).status).toBe(201);
    await bind(fx, 'root:consumer', 'root:provider');

    const labelled = (name: string) => ({ ...widget(name, { size: 2 }), metadata: { name, labels: { deny: 'yes' } } });
    const denied = await fx.call('POST', WIDGETS('root:consumer'), labelled('w1'));
    expect(denied.status).toBe(422);
    expect(denied.body.message).toContain('denied by the provider');
    expect((await fx.call('POST', WIDGETS('root:consumer'), widget('w2', { size: 2 }))).status).toBe(201);
    // The consumer's other objects are not the provider's business.
    const cm = { metadata: { name: 'c1', labels: { deny: 'yes' } } };
    expect((await fx.call('POST', '/clusters/root:consumer/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    // In its own workspace, the provider's policy applies to everything it matches.
    expect((await fx.call('POST', '/clusters/root:provider/api/v1/namespaces/default/configmaps', cm)).status).toBe(422);

    // The consumer's own policy is its own: it adds to the provider's, and stays in the consumer.
    expect((await fx.call('POST', admission('root:consumer', 'validatingadmissionpolicies'), policy('own-rule', 'denied by the consumer'))).status).toBe(201);
    expect((await fx.call('POST', admission('root:consumer', 'validatingadmissionpolicybindings'), binding('own-rule'))).status).toBe(201);
    const own = await fx.call('POST', '/clusters/root:consumer/api/v1/namespaces/default/configmaps', { metadata: { name: 'c2', labels: { deny: 'yes' } } });
    expect(own.status).toBe(422);
    expect(own.body.message).toContain('denied by the consumer');
    const both = await fx.call('POST', WIDGETS('root:consumer'), labelled('w3'));
    expect(both.status).toBe(422);
    // The workspace's own configurations come first; the first denial answers.
    expect(both.body.message).toContain('denied by the consumer');
  });
});
