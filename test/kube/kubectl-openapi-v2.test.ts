/**
 * kubectl 1.27 and 1.28 fetch OpenAPI v2 (as protobuf) before apply, create -f, replace, diff,
 * edit, explain and apply -k, and fail the command when it is missing: each of those, with the
 * bundled binaries, against a nested workspace serving a CRD, and a workspace binding a provider's
 * API (the README's example). Skipped where the binaries are absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../support/atoll-process.js';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { BUNDLED_DIR, kubectlFor } from '../support/kubectl.js';

const VERSIONS = ['1.27', '1.28'].filter((v) => fs.existsSync(path.join(BUNDLED_DIR, `kubectl.${v}`)));
const reason = VERSIONS.length ? '' : ` (skipped: no bundled kubectl 1.27 or 1.28 in ${BUNDLED_DIR})`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {plural: widgets, singular: widget, kind: Widget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                color: {type: string, description: The widget's color.}
                replicas: {type: integer, description: How many widgets.}
                # Shapes OpenAPI v2 cannot state as v3 does, which kubectl's v2 reader must still take.
                port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
                note: {type: string, nullable: true}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                anything: {x-kubernetes-preserve-unknown-fields: true, type: array, items: {type: string}}
                labels: {type: object, additionalProperties: {type: string}}
                parts:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name]
                  items: {type: object, required: [name], properties: {name: {type: string}, size: {type: integer, format: int32}}}
`;

describe.skipIf(VERSIONS.length === 0)(`kubectl 1.27 and 1.28 with OpenAPI v2${reason}`, () => {
  const fx = useKubectlAtoll('atoll-kubectl-v2');
  const nested = (args: string[]): string[] => ['--server', `${fx.atoll.url}/clusters/root:legacy`, ...args];
  const inWs = (ws: string, args: string[]): string[] => ['--server', `${fx.atoll.url}/clusters/root:${ws}`, ...args];
  const example = (name: string): string => path.join(ROOT_DIR, 'examples/providers', name);

  beforeAll(async () => {
    for (const ws of ['legacy', 'provider', 'bound']) {
      await fx.k.ok(['create', '-f', fx.file(`${ws}.yaml`, `apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata:\n  name: ${ws}\n`)]);
    }
    await fx.k.ok(['wait', '--for=jsonpath={.status.phase}=Ready', 'ws/legacy', 'ws/provider', 'ws/bound', '--timeout=30s']);
    await fx.k.ok(nested(['apply', '-f', fx.file('crd.yaml', CRD)]));
    await fx.k.ok(nested(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']));
    await fx.k.ok(inWs('provider', ['apply', '-f', example('widgets-schema.yaml'), '-f', example('widgets-export.yaml')]));
    await fx.k.ok(inWs('bound', ['apply', '-f', example('widgets-binding.yaml')]));
    await fx.k.ok(inWs('bound', ['wait', '--for=jsonpath={.status.phase}=Bound', 'apibinding/widgets', '--timeout=30s']));
  });

  describe.each(VERSIONS)('kubectl %s', (v) => {
    const suffix = v.replace('.', '');
    const kubectl = () => kubectlFor(fx.atoll.kubeconfig, path.join(BUNDLED_DIR, `kubectl.${v}`));
    const cm = (name: string, data: Record<string, string>) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n${Object.entries(data).map(([k, x]) => `  ${k}: ${x}\n`).join('')}`;

    it('creates with -f, applies twice pruning a removed key, diffs, replaces and edits', async () => {
      const k = kubectl();
      try {
        const name = `app${suffix}`;
        expect(await k.ok(nested(['create', '-f', fx.file(`create-${v}.yaml`, cm(`made${suffix}`, { color: 'blue' }))]))).toBe(`configmap/made${suffix} created\n`);
        // Client-side validation asks the server to refuse unknown fields, learnt from the v2 PATCH parameters.
        const bogus = await k.run(nested(['create', '-f', fx.file(`bogus-${v}.yaml`, `${cm(`bogus${suffix}`, { color: 'blue' })}bogus: 1\n`)]));
        expect(bogus.stderr).toContain('unknown field "bogus"');
        const first = fx.file(`apply-${v}.yaml`, cm(name, { color: 'blue', size: 'large' }));
        expect(await k.ok(nested(['apply', '-f', first]))).toBe(`configmap/${name} created\n`);
        expect(await k.ok(nested(['apply', '-f', first]))).toBe(`configmap/${name} unchanged\n`);
        const second = fx.file(`apply2-${v}.yaml`, cm(name, { color: 'green' }));
        const diff = await k.run(nested(['diff', '-f', second]));
        expect(diff.code, diff.stderr).toBe(1);
        expect(diff.stdout).toMatch(/^-\s+color: blue$/m);
        expect(diff.stdout).toMatch(/^\+\s+color: green$/m);
        expect(await k.ok(nested(['apply', '-f', second]))).toBe(`configmap/${name} configured\n`);
        expect(JSON.parse(await k.ok(nested(['get', 'cm', name, '-n', 'default', '-o', 'jsonpath={.data}'])))).toEqual({ color: 'green' });
        expect(await k.ok(nested(['replace', '-f', fx.file(`replace-${v}.yaml`, cm(name, { color: 'orange' }))]))).toBe(`configmap/${name} replaced\n`);
        const editor = fx.file(`editor-${v}.sh`, '#!/bin/sh\nsed -i "s/color: orange/color: purple/" "$1"\n');
        fs.chmodSync(editor, 0o755);
        expect(await k.ok(nested(['edit', 'cm', name, '-n', 'default']), { env: { KUBE_EDITOR: editor, EDITOR: editor } })).toBe(`configmap/${name} edited\n`);
        expect(await k.ok(nested(['get', 'cm', name, '-n', 'default', '-o', 'jsonpath={.data.color}']))).toBe('purple');
      } finally {
        k.cleanup();
      }
    });

    it('explains a built-in and a CRD kind, from OpenAPI v3 and from v2', async () => {
      const k = kubectl();
      try {
        expect(await k.ok(nested(['explain', 'configmap.data']))).toContain('FIELD: data <map[string]string>');
        expect(await k.ok(nested(['explain', 'widgets.spec.color']))).toContain("The widget's color.");
        const builtin = await k.ok(nested(['explain', 'configmap.data', '--output=plaintext-openapiv2']));
        expect(builtin).toMatch(/FIELD:\s+data <map\[string\]string>/);
        const crd = await k.ok(nested(['explain', 'widgets.spec', '--output=plaintext-openapiv2']));
        expect(crd).toMatch(/KIND:\s+Widget/);
        expect(crd).toMatch(/replicas\s+<integer>\n\s+How many widgets\./);
        expect(crd).toMatch(/parts\s+<\[\]Object>/);
        expect(crd).toMatch(/labels\s+<map\[string\]string>/);
      } finally {
        k.cleanup();
      }
    });

    it('applies and explains a bound API (APIBinding)', async () => {
      const k = kubectl();
      try {
        const widget = (extra: string) => fx.file(`bound-${v}.yaml`, `apiVersion: widgets.example.dev/v1\nkind: Widget\nmetadata:\n  name: bw${suffix}\n  namespace: default\nspec:\n  size: 5\n${extra}`);
        expect(await k.ok(inWs('bound', ['apply', '-f', widget('')]))).toBe(`widget.widgets.example.dev/bw${suffix} created\n`);
        expect(await k.ok(inWs('bound', ['apply', '-f', widget('  color: red\n')]))).toBe(`widget.widgets.example.dev/bw${suffix} configured\n`);
        expect((await k.run(inWs('bound', ['apply', '-f', widget('  shade: dark\n')]))).stderr).toContain('unknown field "spec.shade"');
        const explained = await k.ok(inWs('bound', ['explain', 'widgets.spec', '--output=plaintext-openapiv2']));
        expect(explained).toMatch(/size\s+<integer>/);
      } finally {
        k.cleanup();
      }
    });

    it('applies and deletes a kustomization (a ConfigMap and a custom resource) with -k', async () => {
      const k = kubectl();
      try {
        const dir = path.join(path.dirname(fx.file(`kust-${v}.marker`, '')), `kust-${v}`);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'namespace: default\nlabels:\n- pairs: {app: kust}\nresources:\n- cm.yaml\n- widget.yaml\n');
        fs.writeFileSync(path.join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kcm${suffix}\ndata:\n  color: red\n`);
        fs.writeFileSync(path.join(dir, 'widget.yaml'), `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: kw${suffix}\nspec:\n  color: red\n  replicas: 2\n`);
        expect(await k.ok(nested(['apply', '-k', dir]))).toBe(`configmap/kcm${suffix} created\nwidget.example.com/kw${suffix} created\n`);
        expect(await k.ok(nested(['apply', '-k', dir]))).toBe(`configmap/kcm${suffix} unchanged\nwidget.example.com/kw${suffix} unchanged\n`);
        expect(await k.ok(nested(['get', 'widget', `kw${suffix}`, '-n', 'default', '-o', 'jsonpath={.metadata.labels.app}']))).toBe('kust');
        expect(await k.ok(nested(['delete', '-k', dir]))).toContain(`widget.example.com "kw${suffix}" deleted`);
      } finally {
        k.cleanup();
      }
    });
  });
});
