/**
 * ValidatingAdmissionPolicy with the real kubectl against a real server process: a Warn binding
 * makes kubectl print `Warning:` and create the object, a Deny binding makes it fail with the
 * policy's message, and CEL that does not compile is refused with the expression's position.
 * Skipped (with a reason) without kubectl.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { haveKubectl, KUBECTL } from '../support/kubectl.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
const G = 'admissionregistration.k8s.io';
const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];

const policy = (name: string, expression: string) => ({
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { matchConstraints: { resourceRules: rules }, validations: [{ expression, message: `${name} failed` }] },
});
const binding = (name: string, action: string) => ({ apiVersion: `${G}/v1`, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name, validationActions: [action] } });

describe.skipIf(!haveKubectl)(`kubectl and ValidatingAdmissionPolicy${reason}`, () => {
  const fx = useKubectlAtoll('atoll-kubectl-vap');
  const apply = async (name: string, content: unknown): Promise<void> => {
    await fx.k.ok(['apply', '-f', fx.file(name, stringify(content))]);
  };

  it('prints the policy’s warning and creates the object under Warn', async () => {
    await apply('warn.yaml', policy('labelled', "has(object.metadata.labels) && 'team' in object.metadata.labels"));
    await apply('warn-b.yaml', binding('labelled', 'Warn'));
    const r = await fx.k.run(['create', 'configmap', 'unlabelled', '--from-literal=a=1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Warning: Validation failed for ValidatingAdmissionPolicy 'labelled' with binding 'labelled': labelled failed");
    expect(r.stdout).toContain('configmap/unlabelled created');
  });

  it('fails the create with the policy’s message under Deny', async () => {
    await apply('deny.yaml', policy('small', 'size(object.data) < 2'));
    await apply('deny-b.yaml', binding('small', 'Deny'));
    const r = await fx.k.run(['create', 'configmap', 'big', '--from-literal=a=1', '--from-literal=b=2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("ValidatingAdmissionPolicy 'small' with binding 'small' denied request: small failed");
  });

  it('refuses a policy whose CEL does not compile, with the position', async () => {
    const r = await fx.k.run(['create', '-f', fx.file('bad.yaml', stringify(policy('bad', 'object.data.size() >')))]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/spec\.validations\[0\]\.expression: Invalid value: "object\.data\.size\(\) >": compilation failed: ERROR: <input>:1:\d+:/);
  });
});
