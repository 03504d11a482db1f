/**
 * CRDs as kcp allows them, with the real kubectl against a real server process: a workspace
 * brings in Deployments by a CRD for `deployments.apps` (a group Kubernetes serves itself, kcp
 * not), then applies, reads and patches one; strategic merge patch on a custom resource is 415 as
 * in Kubernetes, while kubectl's own apply and merge patch keep working; the reserved
 * `apis.kcp.io/bound-crd` annotation is refused with kcp's message. Skipped (with a reason) without kubectl.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { haveKubectl, KUBECTL, type KubectlResult } from '../support/kubectl.js';
import { widgetCrd } from './fixtures.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
const said = (r: KubectlResult): string => `kubectl exited ${r.code}; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;

/** A small CRD for apps/v1 Deployments, as kcp users write them to bring Deployments into a workspace. */
const deploymentsCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'deployments.apps' },
  spec: {
    group: 'apps',
    names: { plural: 'deployments', singular: 'deployment', kind: 'Deployment', shortNames: ['deploy'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  replicas: { type: 'integer', default: 1 },
                  selector: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

const deployment = (replicas: number, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

describe.skipIf(!haveKubectl)(`kubectl with CRDs where kcp allows them${reason}`, () => {
  const fx = useKubectlAtoll('atoll-kubectl-kcp-crds');
  const at = ['--server', ''];
  const manifest = (name: string, content: unknown): string => fx.file(name, stringify(content));

  it('defines deployments.apps in a workspace and applies, reads and scales a Deployment there', async () => {
    await fx.k.ok(['apply', '-f', manifest('ws.yaml', { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: 'apps' } })]);
    await fx.k.ok(['wait', '--for=jsonpath={.status.phase}=Ready', 'workspace/apps', '--timeout=30s']);
    at[1] = `${fx.atoll.url}/clusters/root:apps`;
    const crd = await fx.k.run([...at, 'apply', '-f', manifest('crd.yaml', deploymentsCrd)]);
    expect(crd.code, said(crd)).toBe(0);
    expect(crd.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/deployments.apps created');
    await fx.k.ok([...at, 'wait', '--for=condition=Established', 'crd/deployments.apps', '--timeout=30s']);

    const applied = await fx.k.run([...at, 'apply', '-f', manifest('deploy.yaml', deployment(2, 'nginx:1.27'))]);
    expect(applied.code, said(applied)).toBe(0);
    expect(applied.stdout).toContain('deployment.apps/web created');
    expect(await fx.k.ok([...at, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe('2 nginx:1.27');
    expect(await fx.k.ok([...at, 'get', 'deployments.apps', '-o', 'name'])).toBe('deployment.apps/web\n');
    const scaled = await fx.k.run([...at, 'scale', 'deployment', 'web', '--replicas=3']);
    expect(scaled.code, said(scaled)).toBe(0);
    expect(await fx.k.ok([...at, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
  });

  it('patches the Deployment strategically (kubectl’s default for apps/v1) and applies a changed manifest, as kcp allows for client-go’s groups', async () => {
    const patched = await fx.k.run([...at, 'patch', 'deployment', 'web', '-p', '{"spec":{"replicas":4}}']);
    expect(patched.code, said(patched)).toBe(0);
    expect(await fx.k.ok([...at, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
    const reapplied = await fx.k.run([...at, 'apply', '-f', manifest('deploy2.yaml', deployment(5, 'nginx:1.28'))]);
    expect(reapplied.code, said(reapplied)).toBe(0);
    expect(reapplied.stdout).toContain('deployment.apps/web configured');
    expect(await fx.k.ok([...at, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe('5 nginx:1.28');
  });

  it('refuses strategic merge patch on other custom resources with the apiserver’s 415; merge patch and apply still work', async () => {
    await fx.k.ok([...at, 'apply', '-f', manifest('widgets.yaml', widgetCrd())]);
    await fx.k.ok([...at, 'wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
    const widget = (color: string, replicas: number) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec: { color, replicas } });
    await fx.k.ok([...at, 'apply', '-f', manifest('w1.yaml', widget('blue', 2))]);
    const strategic = await fx.k.run([...at, 'patch', 'widget', 'w1', '-p', '{"spec":{"replicas":3}}']);
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const merged = await fx.k.run([...at, 'patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
    expect(merged.code, said(merged)).toBe(0);
    expect(await fx.k.ok([...at, 'get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
    // Client-side apply picks its patch type from OpenAPI, which must not offer strategic merge here.
    const reapplied = await fx.k.run([...at, 'apply', '-f', manifest('w1b.yaml', widget('green', 4))]);
    expect(reapplied.code, said(reapplied)).toBe(0);
    expect(reapplied.stdout).toContain('widget.example.com/w1 configured');
    expect(await fx.k.ok([...at, 'get', 'widget', 'w1', '-o', 'jsonpath={.spec.color} {.spec.replicas}'])).toBe('green 4');
  });

  it('refuses strategic merge patch on kcp’s own kinds, which kcp serves as custom resources; merge patch, annotate and apply work', async () => {
    const ws = { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: 'patched' } };
    await fx.k.ok(['apply', '-f', manifest('patched.yaml', ws)]);
    // `kubectl patch` sends a strategic merge patch unless told otherwise: kcp's users pass --type=merge.
    const strategic = await fx.k.run(['patch', 'workspace', 'patched', '-p', '{"metadata":{"labels":{"a":"b"}}}']);
    expect(strategic.code).not.toBe(0);
    expect(strategic.stderr).toContain(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const patched = await fx.k.run(['patch', 'workspace', 'patched', '--type=merge', '-p', '{"metadata":{"labels":{"a":"b"}}}']);
    expect(patched.code, said(patched)).toBe(0);
    const annotated = await fx.k.run(['annotate', 'workspace', 'patched', 'note=kept']);
    expect(annotated.code, said(annotated)).toBe(0);
    const reapplied = await fx.k.run(['apply', '-f', manifest('patched2.yaml', { ...ws, metadata: { name: 'patched', labels: { c: 'd' } } })]);
    expect(reapplied.code, said(reapplied)).toBe(0);
    expect(await fx.k.ok(['get', 'workspace', 'patched', '-o', 'jsonpath={.metadata.labels.c} {.metadata.annotations.note}'])).toBe('d kept');
    const binding = await fx.k.run(['patch', 'apibinding', 'tenancy.kcp.io-x', '--type=strategic', '-p', '{}']);
    expect(binding.code).not.toBe(0);
  });

  it('still refuses a dotless group kcp does not allow, and a CRD carrying a reserved apis.kcp.io annotation', async () => {
    const bare = widgetCrd({ group: 'example' });
    const refused = await fx.k.run([...at, 'apply', '-f', manifest('bare.yaml', bare)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.group: Invalid value: "example": should be a domain with at least one dot');

    const annotated = widgetCrd({ group: 'example.org' });
    (annotated.metadata as { annotations?: Record<string, string> }).annotations = { 'apis.kcp.io/bound-crd': '' };
    const reserved = await fx.k.run([...at, 'create', '-f', manifest('bound.yaml', annotated)]);
    expect(reserved.code).not.toBe(0);
    expect(reserved.stderr).toContain(
      'customresourcedefinitions.apiextensions.k8s.io "widgets.example.org" is forbidden: apis.kcp.io/bound-crd is a reserved annotation',
    );
    // Later, too: an existing CRD cannot be given one.
    await fx.k.ok([...at, 'create', '-f', manifest('plain.yaml', widgetCrd({ group: 'example.org' }))]);
    const annotate = await fx.k.run([...at, 'annotate', 'crd', 'widgets.example.org', 'identity.apis.kcp.io/x=y']);
    expect(annotate.code).not.toBe(0);
    expect(annotate.stderr).toContain('identity.apis.kcp.io/x is a reserved annotation');
  });
});
