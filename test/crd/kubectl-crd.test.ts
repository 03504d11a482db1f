/**
 * CRDs with the real kubectl against the real server: apply a CRD, wait for it, use the new
 * resource by plural, short name and category, explain it, create valid and invalid objects,
 * read printer columns, write status with --subresource and scale it.
 * Skipped (with a reason) where kubectl is absent.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { haveKubectl, KUBECTL, type KubectlResult } from '../support/kubectl.js';
import { widgetCrd } from './fixtures.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
const said = (r: KubectlResult): string => `kubectl exited ${r.code}; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;

describe.skipIf(!haveKubectl)(`kubectl with CRDs${reason}`, () => {

  const fx = useKubectlAtoll('atoll-kubectl-crd');
  /** Writes an object as a YAML manifest. */
  const manifest = (name: string, content: unknown): string => fx.file(name, stringify(content));


  it('applies a CRD and waits for it to be established', async () => {
    const applied = await fx.k.run(['apply', '-f', manifest('crd.yaml', widgetCrd())]);
    expect(applied.code, said(applied)).toBe(0);
    expect(applied.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    const waited = await fx.k.run(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
    expect(waited.code, said(waited)).toBe(0);
    const crds = await fx.k.ok(['get', 'crds']);
    expect(crds).toMatch(/NAME\s+CREATED AT/);
    expect(crds).toContain('widgets.example.com');
  });

  it('creates objects and lists them by plural, short name and category with printer columns', async () => {
    const created = await fx.k.run(['apply', '-f', manifest('w.yaml', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { color: 'blue', replicas: 2 } })]);
    expect(created.code, said(created)).toBe(0);
    expect(created.stdout).toContain('widget.example.com/w1 created');
    for (const what of ['widgets', 'wd', 'gadgets', 'widget.example.com']) {
      const out = await fx.k.ok(['get', what]);
      expect(out, what).toMatch(/NAME\s+COLOR\s+REPLICAS\s+AGE/);
      expect(out, what).toMatch(/w1\s+blue\s+2\s+\d+s/);
    }
    expect(await fx.k.ok(['get', 'wd', '-o', 'wide'])).toMatch(/NAME\s+COLOR\s+REPLICAS\s+PHASE\s+AGE/);
    expect(await fx.k.ok(['get', 'wd', 'w1', '-o', 'jsonpath={.spec.minReplicas}'])).toBe('0');
    expect(await fx.k.ok(['get', 'wd', '--field-selector', 'spec.color=blue', '-o', 'name'])).toBe('widget.example.com/w1\n');
  });

  it('explains the new resource from its schema', async () => {
    const out = await fx.k.ok(['explain', 'widgets.spec']);
    expect(out).toContain('KIND:       Widget');
    expect(out).toMatch(/color\s+<string>/);
    expect(out).toMatch(/replicas\s+<integer>/);
  });

  it('reports invalid objects field by field', async () => {
    const r = await fx.k.run(['apply', '-f', manifest('bad.yaml', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { color: 'purple', replicas: 200 } })]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The Widget "bad" is invalid');
    expect(r.stderr).toContain('spec.color: Unsupported value: "purple"');
    expect(r.stderr).toContain('spec.replicas: Invalid value: 200: spec.replicas in body should be less than or equal to 100');
    const cel = await fx.k.run(['apply', '-f', manifest('cel.yaml', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { replicas: 1, minReplicas: 3 } })]);
    expect(cel.code).not.toBe(0);
    expect(cel.stderr).toContain('replicas must be at least minReplicas');
  });

  it('writes status through --subresource=status and scales', async () => {
    const st = await fx.k.run(['patch', 'widget', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready","replicas":2}}']);
    expect(st.code, said(st)).toBe(0);
    expect(await fx.k.ok(['get', 'widget', 'w1', '-o', 'jsonpath={.status.phase}'])).toBe('Ready');
    const scaled = await fx.k.run(['scale', 'widget', 'w1', '--replicas=5']);
    expect(scaled.code, said(scaled)).toBe(0);
    expect(scaled.stdout).toContain('widget.example.com/w1 scaled');
    expect(await fx.k.ok(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
    const tooMany = await fx.k.run(['scale', 'widget', 'w1', '--replicas=500']);
    expect(tooMany.code).not.toBe(0);
  });

  it('deletes the CRD with its objects', async () => {
    const del = await fx.k.run(['delete', 'crd', 'widgets.example.com', '--wait=true', '--timeout=60s']);
    expect(del.code, said(del)).toBe(0);
    const gone = await fx.k.run(['get', 'widgets']);
    expect(gone.code).not.toBe(0);
    // kubectl may still have the resource in its discovery cache; either way the server says it is gone.
    expect(gone.stderr).toMatch(/doesn't have a resource type "widgets"|NotFound/);
  });
});
