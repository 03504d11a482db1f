/**
 * A provider's ValidatingAdmissionPolicy in its export's workspace applies to the exported
 * resource in every consumer that binds it (as kcp does), and to nothing else of the consumers':
 * their other objects are neither checked by it nor visible to it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bind, publishWidgets, widget, WIDGETS } from '../apiexports/support.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const fx = useServer();
const G = 'admissionregistration.k8s.io';
const VAPS = (ws: string): string => `/clusters/${ws}/apis/${G}/v1/validatingadmissionpolicies`;
const VAPBS = (ws: string): string => `/clusters/${ws}/apis/${G}/v1/validatingadmissionpolicybindings`;

describe('a provider’s policy', () => {
  beforeAll(async () => {
    for (const ws of ['vap-provider', 'vap-consumer']) await fx.workspace('root', ws);
    await publishWidgets(fx, 'root:vap-provider');
    // One policy on the exported widgets, one on everything (it must still see only the widgets).
    const everything = [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }];
    const widgets = [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['widgets.example.dev'], apiVersions: ['*'], resources: ['widgets'] }];
    for (const [name, rules, expression] of [
      ['small-widgets', widgets, 'object.spec.size <= 10'],
      ['nothing-else', everything, "request.resource.group == 'widgets.example.dev'"],
    ] as const) {
      const p = await fx.call('POST', VAPS('root:vap-provider'), { metadata: { name }, spec: { matchConstraints: { resourceRules: rules }, validations: [{ expression, message: `${name} says no` }] } });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
      const b = await fx.call('POST', VAPBS('root:vap-provider'), { metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } });
      expect(b.status, JSON.stringify(b.body)).toBe(201);
    }
    await bind(fx, 'root:vap-consumer', 'root:vap-provider');
  });

  it('denies a consumer’s write of the exported resource', async () => {
    const denied = await fx.call('POST', WIDGETS('root:vap-consumer'), widget('big', { size: 50 }));
    expect(denied.status).toBe(422);
    expect(denied.body.message).toBe("ValidatingAdmissionPolicy 'small-widgets' with binding 'small-widgets' denied request: small-widgets says no");
    expect((await fx.call('POST', WIDGETS('root:vap-consumer'), widget('small', { size: 5 }))).status).toBe(201);
  });

  it('does not apply to the consumer’s other objects', async () => {
    expect((await fx.call('POST', CONFIGMAPS('root:vap-consumer'), { metadata: { name: 'mine' }, data: { a: '1' } })).status).toBe(201);
  });
});
