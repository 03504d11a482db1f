/**
 * admissionregistration.k8s.io with the real kubectl against a real server process: each kind is
 * created, applied, listed with its table columns, read back with its defaults and explained;
 * invalid objects are refused with 422 and the field paths at fault. Skipped (with a reason)
 * without kubectl.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_DIR, haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
const G = 'admissionregistration.k8s.io';

const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
const vap = {
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'small-configmaps' },
  spec: {
    matchConstraints: { resourceRules: rules },
    validations: [{ expression: 'size(object.data) < 10', message: 'too many keys' }],
  },
};
const vapb = {
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'small-configmaps' },
  spec: { policyName: 'small-configmaps', validationActions: ['Deny'] },
};
const map = {
  apiVersion: `${G}/v1beta1`,
  kind: 'MutatingAdmissionPolicy',
  metadata: { name: 'label-configmaps' },
  spec: {
    matchConstraints: { resourceRules: rules },
    mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{metadata: Object.metadata{labels: {"seen": "yes"}}}' } }],
  },
};
const mapb = { apiVersion: `${G}/v1alpha1`, kind: 'MutatingAdmissionPolicyBinding', metadata: { name: 'label-configmaps' }, spec: { policyName: 'label-configmaps' } };
const webhook = (name: string) => ({
  name,
  clientConfig: { url: 'https://127.0.0.1:9443/validate' },
  rules,
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
});
const vwc = { apiVersion: `${G}/v1`, kind: 'ValidatingWebhookConfiguration', metadata: { name: 'checks' }, webhooks: [webhook('check.example.dev.test')] };
const mwc = { apiVersion: `${G}/v1`, kind: 'MutatingWebhookConfiguration', metadata: { name: 'defaults' }, webhooks: [webhook('default.example.dev.test'), webhook('other.example.dev.test')] };

describe.skipIf(!haveKubectl)(`kubectl with admissionregistration.k8s.io${reason}`, () => {
  const fx = useKubectlAtoll('atoll-kubectl-admission');
  const manifest = (name: string, content: unknown): string => fx.file(name, stringify(content));

  it('lists the group’s resources in discovery, with v1 preferred', async () => {
    const resources = await fx.k.ok(['api-resources', '--api-group', G]);
    expect(resources).toMatch(/mutatingadmissionpolicies\s+admissionregistration.k8s.io\/v1beta1\s+false\s+MutatingAdmissionPolicy/);
    expect(resources).toMatch(/mutatingadmissionpolicybindings\s+admissionregistration.k8s.io\/v1beta1\s+false\s+MutatingAdmissionPolicyBinding/);
    expect(resources).toMatch(/mutatingwebhookconfigurations\s+admissionregistration.k8s.io\/v1\s+false\s+MutatingWebhookConfiguration/);
    expect(resources).toMatch(/validatingadmissionpolicies\s+admissionregistration.k8s.io\/v1\s+false\s+ValidatingAdmissionPolicy/);
    expect(resources).toMatch(/validatingadmissionpolicybindings\s+admissionregistration.k8s.io\/v1\s+false\s+ValidatingAdmissionPolicyBinding/);
    expect(resources).toMatch(/validatingwebhookconfigurations\s+admissionregistration.k8s.io\/v1\s+false\s+ValidatingWebhookConfiguration/);
    const versions = (await fx.k.ok(['api-versions'])).split('\n');
    expect(versions).toEqual(expect.arrayContaining([`${G}/v1`, `${G}/v1beta1`, `${G}/v1alpha1`]));
  });

  it('creates, applies, lists and reads back each kind with its defaults', async () => {
    expect(await fx.k.ok(['create', '-f', manifest('vap.yaml', vap)])).toContain('validatingadmissionpolicy.admissionregistration.k8s.io/small-configmaps created');
    expect(await fx.k.ok(['apply', '-f', manifest('vapb.yaml', vapb)])).toContain('validatingadmissionpolicybinding.admissionregistration.k8s.io/small-configmaps created');
    expect(await fx.k.ok(['apply', '--server-side', '-f', manifest('map.yaml', map)])).toContain('mutatingadmissionpolicy.admissionregistration.k8s.io/label-configmaps serverside-applied');
    expect(await fx.k.ok(['create', '-f', manifest('mapb.yaml', mapb)])).toContain('mutatingadmissionpolicybinding.admissionregistration.k8s.io/label-configmaps created');
    expect(await fx.k.ok(['apply', '-f', manifest('vwc.yaml', vwc)])).toContain('validatingwebhookconfiguration.admissionregistration.k8s.io/checks created');
    expect(await fx.k.ok(['create', '-f', manifest('mwc.yaml', mwc)])).toContain('mutatingwebhookconfiguration.admissionregistration.k8s.io/defaults created');

    expect(await fx.k.ok(['get', 'validatingadmissionpolicies'])).toMatch(/NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE\s*\nsmall-configmaps\s+1\s+<unset>\s+\d+s/);
    expect(await fx.k.ok(['get', 'validatingadmissionpolicybindings'])).toMatch(/NAME\s+POLICYNAME\s+PARAMREF\s+AGE\s*\nsmall-configmaps\s+small-configmaps\s+<unset>\s+\d+s/);
    expect(await fx.k.ok(['get', 'mutatingadmissionpolicies'])).toMatch(/NAME\s+MUTATIONS\s+PARAMKIND\s+AGE\s*\nlabel-configmaps\s+1\s+<unset>/);
    expect(await fx.k.ok(['get', 'mutatingadmissionpolicybindings'])).toMatch(/NAME\s+POLICYNAME\s+PARAMREF\s+AGE\s*\nlabel-configmaps\s+label-configmaps/);
    expect(await fx.k.ok(['get', 'validatingwebhookconfigurations'])).toMatch(/NAME\s+WEBHOOKS\s+AGE\s*\nchecks\s+1\s+\d+s/);
    expect(await fx.k.ok(['get', 'mutatingwebhookconfigurations'])).toMatch(/NAME\s+WEBHOOKS\s+AGE\s*\ndefaults\s+2\s+\d+s/);

    const policy = JSON.parse(await fx.k.ok(['get', 'validatingadmissionpolicy', 'small-configmaps', '-o', 'json'])) as { spec: Record<string, unknown> & { matchConstraints: Record<string, unknown> } };
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints).toMatchObject({ matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ scope: '*' }] });
    const hooks = JSON.parse(await fx.k.ok(['get', 'mutatingwebhookconfiguration', 'defaults', '-o', 'json'])) as { webhooks: Record<string, unknown>[] };
    expect(hooks.webhooks[0]).toMatchObject({ failurePolicy: 'Fail', matchPolicy: 'Equivalent', timeoutSeconds: 10, reinvocationPolicy: 'Never', namespaceSelector: {}, objectSelector: {} });

    // The same stored objects in the other versions.
    const beta = JSON.parse(await fx.k.ok(['get', `validatingadmissionpolicies.v1beta1.${G}`, 'small-configmaps', '-o', 'json'])) as { apiVersion: string; spec: unknown };
    expect(beta.apiVersion).toBe(`${G}/v1beta1`);
    expect(beta.spec).toEqual(policy.spec);
    const alpha = JSON.parse(await fx.k.ok(['get', `mutatingadmissionpolicies.v1alpha1.${G}`, 'label-configmaps', '-o', 'json'])) as { apiVersion: string };
    expect(alpha.apiVersion).toBe(`${G}/v1alpha1`);

    // A second apply changes the object in place.
    const changed = { ...vwc, webhooks: [{ ...webhook('check.example.dev.test'), timeoutSeconds: 5 }] };
    expect(await fx.k.ok(['apply', '-f', manifest('vwc2.yaml', changed)])).toContain('validatingwebhookconfiguration.admissionregistration.k8s.io/checks configured');
    expect(await fx.k.ok(['get', 'validatingwebhookconfiguration', 'checks', '-o', 'jsonpath={.webhooks[0].timeoutSeconds}'])).toBe('5');
  });

  it('explains each kind', async () => {
    expect(await fx.k.ok(['explain', 'validatingadmissionpolicies.spec.validations'])).toContain('expression');
    expect(await fx.k.ok(['explain', 'validatingadmissionpolicybindings.spec.validationActions'])).toContain('Deny');
    expect(await fx.k.ok(['explain', 'mutatingadmissionpolicies.spec.mutations'])).toContain('patchType');
    expect(await fx.k.ok(['explain', 'mutatingadmissionpolicybindings.spec'])).toContain('policyName');
    expect(await fx.k.ok(['explain', 'validatingwebhookconfigurations.webhooks.clientConfig'])).toContain('caBundle');
    expect(await fx.k.ok(['explain', 'mutatingwebhookconfigurations.webhooks'])).toContain('reinvocationPolicy');
  });

  it('refuses invalid objects with 422 and the fields at fault', async () => {
    const refused = async (name: string, content: unknown): Promise<string> => {
      const r = await fx.k.run(['create', '-f', manifest(name, content), '-v=6']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('422');
      return r.stderr;
    };
    const noRules = await refused('bad-vap.yaml', { ...vap, metadata: { name: 'bad' }, spec: { validations: [{ expression: '' }], failurePolicy: 'Maybe' } });
    expect(noRules).toContain('spec.failurePolicy: Unsupported value: "Maybe"');
    const noValidations = await refused('bad-vap2.yaml', { ...vap, metadata: { name: 'bad2' }, spec: { matchConstraints: { resourceRules: [{ operations: ['*', 'CREATE'], apiGroups: [], apiVersions: ['v1'], resources: ['*', 'pods'] }] } } });
    expect(noValidations).toContain('spec.validations: Required value');
    expect(noValidations).toContain("spec.matchConstraints.resourceRules[0].operations: Invalid value");
    expect(noValidations).toContain('spec.matchConstraints.resourceRules[0].apiGroups: Required value');
    expect(noValidations).toContain("if '*' is present, must not specify other resources without subresources");
    const actions = await refused('bad-vapb.yaml', { ...vapb, metadata: { name: 'bad' }, spec: { policyName: 'x', validationActions: ['Deny', 'Warn'] } });
    expect(actions).toContain('spec.validationActions: Invalid value');
    // v1beta1's Some and Unknown are not v1 values.
    const some = await refused('bad-vwc0.yaml', { ...vwc, metadata: { name: 'bad' }, webhooks: [{ ...webhook('a.example.dev'), sideEffects: 'Some' }] });
    expect(some).toContain('webhooks[0].sideEffects: Unsupported value: "Some"');
    const { sideEffects: _dropped, ...withoutSideEffects } = webhook('b.example.dev');
    const missing = await refused('bad-vwc1.yaml', { ...vwc, metadata: { name: 'bad' }, webhooks: [withoutSideEffects] });
    expect(missing).toContain('webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun');
    const sideEffects = await refused('bad-vwc.yaml', {
      ...vwc,
      metadata: { name: 'bad' },
      webhooks: [
        { ...webhook('a.example.dev'), timeoutSeconds: 31, clientConfig: { url: 'http://user:pw@example.dev/x?q=1#f' } },
        { ...webhook('a.example.dev'), admissionReviewVersions: ['v2'] },
        { ...webhook('short'), clientConfig: { service: { namespace: 'ns', name: 'svc' } } },
      ],
    });
    expect(sideEffects).toContain('webhooks[0].timeoutSeconds: Invalid value: 31');
    expect(sideEffects).toContain("'https' is the only allowed URL scheme");
    expect(sideEffects).toContain('user information is not permitted in the URL');
    expect(sideEffects).toContain('webhooks[1].name: Duplicate value');
    expect(sideEffects).toContain('webhooks[1].admissionReviewVersions: Invalid value');
    expect(sideEffects).toContain('webhooks[2].name: Invalid value: "short": should be a domain with at least three segments');
    expect(sideEffects).toContain('webhooks[2].clientConfig.service: Forbidden: service references are not supported by Atoll');
    const bundle = await refused('bad-mwc.yaml', { ...mwc, metadata: { name: 'bad' }, webhooks: [{ ...webhook('x.example.dev'), clientConfig: { url: 'https://127.0.0.1/', caBundle: Buffer.from('not a certificate').toString('base64') } }] });
    expect(bundle).toContain('webhooks[0].clientConfig.caBundle: Invalid value');
    const mutation = await refused('bad-map.yaml', { ...map, metadata: { name: 'bad' }, spec: { ...map.spec, mutations: [{ patchType: 'JSONPatch', applyConfiguration: { expression: 'x' } }] } });
    expect(mutation).toContain('spec.mutations[0].jsonPatch: Required value');
    expect(mutation).toContain('spec.mutations[0].applyConfiguration: Forbidden');
  });

  it('serves kubectl 1.27–1.29 era clients the v1beta1 validating policies', async () => {
    for (const version of ['1.27', '1.29']) {
      const binary = path.join(BUNDLED_DIR, `kubectl.${version}`);
      if (!fs.existsSync(binary)) continue;
      const old = kubectlFor(fx.atoll.kubeconfig, binary);
      try {
        const name = `beta-${version.replace('.', '-')}`;
        const beta = { ...vap, apiVersion: `${G}/v1beta1`, metadata: { name } };
        expect(await old.ok(['apply', '-f', manifest(`${name}.yaml`, beta)])).toContain(`validatingadmissionpolicy.admissionregistration.k8s.io/${name} created`);
        expect(await old.ok(['get', `validatingadmissionpolicies.v1beta1.${G}`, name, '-o', 'jsonpath={.apiVersion} {.spec.failurePolicy}'])).toBe(`${G}/v1beta1 Fail`);
        expect(await old.ok(['get', 'validatingadmissionpolicies', name])).toMatch(new RegExp(`NAME\\s+VALIDATIONS\\s+PARAMKIND\\s+AGE\\s*\\n${name}\\s+1`));
      } finally {
        old.cleanup();
      }
    }
  });
});
