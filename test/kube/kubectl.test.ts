/**
 * End to end with the real kubectl against the real server: the commands users type, with the
 * output and error messages they expect. Skipped (with a reason) where kubectl is absent.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { BUNDLED_DIR, haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;

describe.skipIf(!haveKubectl)(`kubectl against Atoll${reason}`, () => {

  const fx = useKubectlAtoll('atoll-kubectl');


  it('reports a real server version, which picks the bundled kubectl 1.32', async () => {
    const out = JSON.parse(await fx.k.ok(['version', '-o', 'json'])) as { serverVersion: { major: string; minor: string } };
    expect(out.serverVersion).toMatchObject({ major: '1', minor: '32' });
  });

  it('discovers resources: api-resources and api-versions', async () => {
    const resources = await fx.k.ok(['api-resources']);
    for (const line of [/^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m, /^secrets\s+v1\s+true\s+Secret$/m]) {
      expect(resources).toMatch(line);
    }
    expect(resources).toMatch(/^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/m);
    const versions = await fx.k.ok(['api-versions']);
    expect(versions.split('\n')).toEqual(expect.arrayContaining(['v1', 'rbac.authorization.k8s.io/v1', 'coordination.k8s.io/v1']));
  });

  it('explains a field from the OpenAPI v3 documents', async () => {
    const out = await fx.k.ok(['explain', 'configmap.data']);
    expect(out).toContain('KIND:       ConfigMap');
    expect(out).toContain('FIELD: data <map[string]string>');
  });

  it('creates a namespace and a configmap with the typed commands (protobuf bodies)', async () => {
    expect(await fx.k.ok(['create', 'namespace', 'team'])).toBe('namespace/team created\n');
    expect(await fx.k.ok(['create', 'configmap', 'app', '-n', 'team', '--from-literal=color=blue', '--from-literal=size=10'])).toBe('configmap/app created\n');
    expect(await fx.k.ok(['create', 'secret', 'generic', 'creds', '-n', 'team', '--from-literal=password=s3cret'])).toBe('secret/creds created\n');
    expect(await fx.k.ok(['create', 'serviceaccount', 'robot', '-n', 'team'])).toBe('serviceaccount/robot created\n');
    const secret = JSON.parse(await fx.k.ok(['get', 'secret', 'creds', '-n', 'team', '-o', 'json'])) as { data: Record<string, string> };
    expect(Buffer.from(secret.data.password as string, 'base64').toString()).toBe('s3cret');
  });

  it('gets in every output format, with server-side tables', async () => {
    const table = await fx.k.ok(['get', 'cm', 'app', '-n', 'team']);
    expect(table).toMatch(/^NAME\s+DATA\s+AGE\napp\s+2\s+\d+s\n$/);
    const yaml = await fx.k.ok(['get', 'configmap', 'app', '-n', 'team', '-o', 'yaml']);
    expect(yaml).toContain('color: blue');
    const json = JSON.parse(await fx.k.ok(['get', 'configmap', 'app', '-n', 'team', '-o', 'json'])) as { kind: string; data: object };
    expect(json).toMatchObject({ kind: 'ConfigMap', data: { color: 'blue', size: '10' } });
    expect(await fx.k.ok(['get', 'cm', '-n', 'team', '-o', 'name'])).toContain('configmap/app');
    expect(await fx.k.ok(['get', 'cm', 'app', '-n', 'team', '-o', 'jsonpath={.data.color}'])).toBe('blue');
    const custom = await fx.k.ok(['get', 'cm', '-n', 'team', '-o', 'custom-columns=NAME:.metadata.name,COLOR:.data.color']);
    expect(custom).toMatch(/NAME\s+COLOR\napp\s+blue/);
    expect(await fx.k.ok(['get', 'cm', '-n', 'team', '-o', 'wide'])).toMatch(/^NAME\s+DATA\s+AGE/);
    const secrets = await fx.k.ok(['get', 'secrets', '-n', 'team']);
    expect(secrets).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\ncreds\s+Opaque\s+1\s+/);
    expect(await fx.k.ok(['get', 'ns', 'team'])).toMatch(/^NAME\s+STATUS\s+AGE\nteam\s+Active\s+/);
    expect(await fx.k.ok(['get', 'cm', '-A'])).toMatch(/NAMESPACE\s+NAME\s+DATA\s+AGE/);
  });

  it('labels, annotates and describes', async () => {
    expect(await fx.k.ok(['label', 'cm', 'app', '-n', 'team', 'tier=web'])).toBe('configmap/app labeled\n');
    expect(await fx.k.ok(['annotate', 'cm', 'app', '-n', 'team', 'owner=alice'])).toBe('configmap/app annotated\n');
    expect(await fx.k.ok(['get', 'cm', '-n', 'team', '-l', 'tier=web', '-o', 'name'])).toBe('configmap/app\n');
    // != also matches objects without the label (the namespace's kube-root-ca.crt), as in Kubernetes.
    expect(await fx.k.ok(['get', 'cm', '-n', 'team', '-l', 'tier,tier!=web', '-o', 'name'])).toBe('');
    const described = await fx.k.ok(['describe', 'cm', 'app', '-n', 'team']);
    expect(described).toMatch(/Name:\s+app/);
    expect(described).toMatch(/Labels:\s+tier=web/);
    expect(described).toMatch(/Annotations:\s+kcp\.io\/cluster: root\s+owner: alice/);
  });

  it('patches with strategic, merge and JSON patches', async () => {
    expect(await fx.k.ok(['patch', 'cm', 'app', '-n', 'team', '-p', '{"data":{"color":"green"}}'])).toBe('configmap/app patched\n');
    expect(await fx.k.ok(['patch', 'cm', 'app', '-n', 'team', '--type=merge', '-p', '{"data":{"size":null,"shape":"round"}}'])).toBe('configmap/app patched\n');
    expect(await fx.k.ok(['patch', 'cm', 'app', '-n', 'team', '--type=json', '-p', '[{"op":"replace","path":"/data/shape","value":"square"}]'])).toBe('configmap/app patched\n');
    const data = JSON.parse(await fx.k.ok(['get', 'cm', 'app', '-n', 'team', '-o', 'jsonpath={.data}'])) as object;
    expect(data).toEqual({ color: 'green', shape: 'square' });
    const failed = await fx.k.run(['patch', 'cm', 'app', '-n', 'team', '--type=json', '-p', '[{"op":"test","path":"/data/color","value":"red"}]']);
    expect(failed.code).not.toBe(0);
  });

  it('applies client-side twice, pruning a removed field', async () => {
    const v1 = fx.file('applied-v1.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: team\ndata:\n  a: "1"\n  b: "2"\n');
    expect(await fx.k.ok(['apply', '-f', v1])).toBe('configmap/applied created\n');
    const v2 = fx.file('applied-v2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: team\ndata:\n  a: "1"\n');
    expect(await fx.k.ok(['apply', '-f', v2])).toBe('configmap/applied configured\n');
    expect(JSON.parse(await fx.k.ok(['get', 'cm', 'applied', '-n', 'team', '-o', 'jsonpath={.data}']))).toEqual({ a: '1' });
    expect(await fx.k.ok(['apply', '-f', v2])).toBe('configmap/applied unchanged\n');
  });

  it('applies server-side, reporting conflicts and forcing them', async () => {
    const mine = fx.file('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: team\ndata:\n  k: mine\n');
    expect(await fx.k.ok(['apply', '--server-side', '--field-manager=alice', '-f', mine])).toBe('configmap/ssa serverside-applied\n');
    const theirs = fx.file('ssa-bob.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: team\ndata:\n  k: theirs\n');
    const conflict = await fx.k.run(['apply', '--server-side', '--field-manager=bob', '-f', theirs]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "alice"');
    expect(conflict.stderr).toContain('.data.k');
    expect(await fx.k.ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', theirs])).toBe('configmap/ssa serverside-applied\n');
    expect(await fx.k.ok(['get', 'cm', 'ssa', '-n', 'team', '-o', 'jsonpath={.data.k}'])).toBe('theirs');
    const managers = await fx.k.ok(['get', 'cm', 'ssa', '-n', 'team', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    expect(managers.split(' ')).toContain('bob');
  });

  it('edits with a scripted EDITOR and replaces', async () => {
    const editor = fx.file('editor.sh', '#!/bin/sh\nsed -i "s/color: green/color: purple/" "$1"\n');
    fs.chmodSync(editor, 0o755);
    expect(await fx.k.ok(['edit', 'cm', 'app', '-n', 'team'], { env: { KUBE_EDITOR: editor, EDITOR: editor } })).toBe('configmap/app edited\n');
    expect(await fx.k.ok(['get', 'cm', 'app', '-n', 'team', '-o', 'jsonpath={.data.color}'])).toBe('purple');
    const current = await fx.k.ok(['get', 'cm', 'app', '-n', 'team', '-o', 'yaml']);
    const replaced = fx.file('replace.yaml', current.replace('color: purple', 'color: orange'));
    expect(await fx.k.ok(['replace', '-f', replaced])).toBe('configmap/app replaced\n');
    expect(await fx.k.ok(['get', 'cm', 'app', '-n', 'team', '-o', 'jsonpath={.data.color}'])).toBe('orange');
  });

  it('watches with get -w and sees a later change', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', fx.atoll.kubeconfig, '--cache-dir', fx.k.cacheDir, 'get', 'cm', 'app', '-n', 'team', '-w', '-o', 'jsonpath={.data.color}{"\\n"}']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('orange'));
      await fx.k.ok(['patch', 'cm', 'app', '-n', 'team', '-p', '{"data":{"color":"teal"}}']);
      await waitFor(() => out.includes('teal'));
    } finally {
      child.kill();
    }
  });

  it('prints the usual messages for missing and invalid objects', async () => {
    const missing = await fx.k.run(['get', 'cm', 'nope', '-n', 'team']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "nope" not found');
    const invalid = await fx.k.run(['create', 'configmap', 'Bad_Name', '-n', 'team']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    const invalidFile = fx.file('invalid.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: team\n');
    const fromFile = await fx.k.run(['create', '-f', invalidFile]);
    expect(fromFile.stderr).toContain('The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain');
    const dup = await fx.k.run(['create', 'configmap', 'app', '-n', 'team']);
    expect(dup.stderr).toContain('configmaps "app" already exists');
    const dupFile = await fx.k.run(['create', '-f', fx.file('dup.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: team\n')]);
    expect(dupFile.stderr).toContain('Error from server (AlreadyExists): error when creating');
    const unknownField = fx.file('unknown.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unk\n  namespace: team\nbogus: 1\n');
    const strict = await fx.k.run(['create', '-f', unknownField]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('unknown field "bogus"');
    const noNs = await fx.k.run(['create', 'configmap', 'x', '-n', 'does-not-exist']);
    expect(noNs.stderr).toContain('namespaces "does-not-exist" not found');
  });

  it('paginates get --chunk-size over 1,000 objects', async () => {
    await fx.k.ok(['create', 'namespace', 'bulk']);
    const docs = Array.from({ length: 1000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(4, '0')}\n  namespace: bulk\n  labels:\n    batch: "yes"\ndata:\n  i: "${i}"\n`).join('---\n');
    await fx.k.ok(['create', '-f', fx.file('bulk.yaml', docs)], { timeoutMs: 120_000 });
    // By label: the namespace also holds its kube-root-ca.crt.
    const names = (await fx.k.ok(['get', 'cm', '-n', 'bulk', '-l', 'batch=yes', '--chunk-size=100', '-o', 'name'])).trim().split('\n');
    expect(names).toHaveLength(1000);
    expect(new Set(names).size).toBe(1000);
    const table = (await fx.k.ok(['get', 'cm', '-n', 'bulk', '-l', 'batch=yes', '--chunk-size=150'])).trim().split('\n');
    expect(table).toHaveLength(1001);
    // The namespace controller clears all 1,000 when the namespace goes.
    await fx.k.ok(['delete', 'ns', 'bulk', '--timeout=60s'], { timeoutMs: 90_000 });
  }, 180_000);

  it('deletes by name, by label and with --all, and waits for deletion', async () => {
    await fx.k.ok(['create', 'cm', 'd1', '-n', 'team']);
    await fx.k.ok(['create', 'cm', 'd2', '-n', 'team']);
    await fx.k.ok(['label', 'cm', 'd2', '-n', 'team', 'doomed=yes']);
    expect(await fx.k.ok(['delete', 'cm', 'd1', '-n', 'team'])).toBe('configmap "d1" deleted\n');
    expect(await fx.k.ok(['delete', 'cm', '-n', 'team', '-l', 'doomed=yes'])).toBe('configmap "d2" deleted\n');
    expect(await fx.k.ok(['wait', '--for=delete', 'cm/d2', '-n', 'team', '--timeout=10s'])).toBe('');
    // kubectl deletes one by one under its client-side rate limit, so keep this set small.
    await fx.k.ok(['create', 'namespace', 'some']);
    for (const n of ['s1', 's2', 's3', 's4', 's5']) await fx.k.ok(['create', 'cm', n, '-n', 'some']);
    const all = await fx.k.ok(['delete', 'cm', '--all', '-n', 'some']);
    for (const n of ['s1', 's2', 's3', 's4', 's5']) expect(all).toContain(`configmap "${n}" deleted`);
    // Only the namespace's kube-root-ca.crt can be there again (its publisher remakes it, as in Kubernetes).
    expect(await fx.k.ok(['get', 'cm', '-n', 'some', '-o', 'name'])).not.toMatch(/configmap\/s\d/);
  }, 120_000);

  it('deletes a namespace with everything in it', async () => {
    await fx.k.ok(['create', 'namespace', 'doomed']);
    await fx.k.ok(['create', 'cm', 'inside', '-n', 'doomed']);
    await fx.k.ok(['create', 'secret', 'generic', 'inside', '-n', 'doomed']);
    expect(await fx.k.ok(['delete', 'ns', 'doomed', '--wait=true', '--timeout=30s'])).toBe('namespace "doomed" deleted\n');
    expect((await fx.k.run(['get', 'ns', 'doomed'])).stderr).toContain('not found');
    // The namespace name is free again and empty.
    await fx.k.ok(['create', 'namespace', 'doomed']);
    expect(await fx.k.ok(['get', 'cm,secrets', '-n', 'doomed', '-o', 'name'])).not.toContain('inside');
  });

  it.each(['1.27', '1.33'])('works with the bundled kubectl %s too', async (v) => {
    const binary = path.join(BUNDLED_DIR, `kubectl.${v}`);
    if (!fs.existsSync(binary)) return;
    const old = kubectlFor(fx.atoll.kubeconfig, binary);
    try {
      expect(await old.ok(['get', 'cm', 'app', '-n', 'team', '-o', 'jsonpath={.metadata.name}'])).toBe('app');
      expect(await old.ok(['create', 'configmap', `v${v.replace('.', '')}`, '-n', 'team', '--from-literal=x=y'])).toContain('created');
      expect(await old.ok(['api-resources'])).toMatch(/configmaps\s+cm/);
    } finally {
      old.cleanup();
    }
  });
});

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
