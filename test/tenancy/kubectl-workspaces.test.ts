/**
 * Workspaces end to end with the real kubectl against the real server: what a kcp user types to
 * list, create, wait for, nest, inspect, isolate and delete workspaces, and the errors they see
 * for bad input. The REST tests (workspaces.test.ts) pin the API; this file pins that kubectl's
 * discovery, table printing, `wait` and error reporting work with it, addressing each workspace
 * with `--server <base>/clusters/<path or cluster name>` over the admin kubeconfig.
 * Skipped (with a reason) where kubectl is absent.
 */
import { describe, expect, it } from 'vitest';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { haveKubectl, KUBECTL, type KubectlResult } from '../support/kubectl.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;

/** A Workspace manifest as a user would write it. */
function workspaceYaml(name: string, opts: { type?: string; labels?: Record<string, string> } = {}): string {
  let yaml = `apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata:\n  name: ${name}\n`;
  if (opts.labels) yaml += `  labels:\n${Object.entries(opts.labels).map(([k, v]) => `    ${k}: ${v}\n`).join('')}`;
  if (opts.type) yaml += `spec:\n  type:\n    name: ${opts.type}\n`;
  return yaml;
}

/** kubectl's stderr in an assertion message, so a failure says what the server answered. */
const said = (r: KubectlResult): string => `kubectl exited ${r.code}; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;

describe.skipIf(!haveKubectl)(`kubectl with workspaces${reason}`, () => {
  /** Logical cluster names, captured on creation to check they are unreachable after deletion. */
  let orgCluster = '';
  let teamCluster = '';

  const fx = useKubectlAtoll('atoll-kubectl-ws');

  /** Points kubectl at one workspace, by path (root:acme) or logical cluster name. */
  const at = (workspace: string): string[] => ['--server', `${fx.atoll.url}/clusters/${workspace}`];
  const createReady = async (workspace: string, manifest: string, name: string): Promise<void> => {
    expect(await fx.k.ok([...at(workspace), 'create', '-f', manifest])).toBe(`workspace.tenancy.kcp.io/${name} created\n`);
    await fx.k.ok([...at(workspace), 'wait', '--for=jsonpath={.status.phase}=Ready', `ws/${name}`, '--timeout=30s'], { timeoutMs: 45_000 });
  };

  it('starts in root, with no workspaces in it', async () => {
    // The admin kubeconfig's current context points at root.
    const server = await fx.k.ok(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
    expect(server).toBe(`${fx.atoll.url}/clusters/root`);
    const lc = await fx.k.ok(['get', 'logicalcluster', 'cluster', '-o', 'yaml']);
    expect(lc).toContain('kcp.io/path: root');
    expect(lc).toContain('internal.tenancy.kcp.io/type: root:root');

    const empty = await fx.k.run(['get', 'ws']);
    expect(empty.code, said(empty)).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/No resources found/);
  });

  it('creates an organization from a manifest, waits for Ready and prints it as a table', async () => {
    await createReady('root', fx.file('acme.yaml', workspaceYaml('acme', { labels: { region: 'eu-west' } })), 'acme');
    const lines = (await fx.k.ok(['get', 'ws'])).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+REGION\s+PHASE\s+URL\s+AGE$/);
    const url = `${fx.atoll.url}/clusters/root:acme`.replace(/[.:/]/g, '\\$&');
    expect(lines[1]).toMatch(new RegExp(`^acme\\s+organization\\s+eu-west\\s+Ready\\s+${url}\\s+\\d+[smh]`));
  });

  it('gives the workspace its own logical cluster, reachable by path and by cluster name', async () => {
    orgCluster = await fx.k.ok(['get', 'ws', 'acme', '-o', 'jsonpath={.spec.cluster}']);
    expect(orgCluster).toMatch(/^[a-z0-9]{16}$/);
    expect(await fx.k.ok(['get', 'ws', 'acme', '-o', 'jsonpath={.spec.URL}'])).toBe(`${fx.atoll.url}/clusters/root:acme`);

    const byPath = await fx.k.ok([...at('root:acme'), 'get', 'ns']);
    expect(byPath).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    expect(byPath).toMatch(/^default\s+Active\s+/m);
    expect(await fx.k.ok([...at(orgCluster), 'get', 'ns', '-o', 'name'])).toContain('namespace/default');

    const lc = await fx.k.ok([...at('root:acme'), 'get', 'logicalcluster', 'cluster', '-o', 'yaml']);
    expect(lc).toContain('kcp.io/path: root:acme');
    expect(lc).toContain('internal.tenancy.kcp.io/type: root:organization');
  });

  it('nests a team inside the organization, and refuses a team directly in root', async () => {
    const team = fx.file('web.yaml', workspaceYaml('web', { type: 'team' }));
    await createReady('root:acme', team, 'web');
    const table = await fx.k.ok([...at('root:acme'), 'get', 'ws']);
    expect(table).toMatch(/^NAME\s+TYPE\s+REGION\s+PHASE\s+URL\s+AGE\n/);
    expect(table).toMatch(/^web\s+team\s+Ready\s+\S+\/clusters\/root:acme:web\s+/m);
    teamCluster = await fx.k.ok([...at('root:acme'), 'get', 'ws', 'web', '-o', 'jsonpath={.spec.cluster}']);
    expect(teamCluster).toMatch(/^[a-z0-9]{16}$/);
    expect(await fx.k.ok([...at('root:acme:web'), 'get', 'ns', '-o', 'name'])).toContain('namespace/default');

    const inRoot = await fx.k.run(['create', '-f', team]);
    expect(inRoot.code, said(inRoot)).not.toBe(0);
    expect(inRoot.stderr, said(inRoot)).toContain('forbidden');
    expect(inRoot.stderr, said(inRoot)).toContain('only allows parents');
    expect((await fx.k.run(['get', 'ws', 'web'])).stderr).toContain('not found');
  });

  it('discovers the tenancy API: workspace types, api-resources and explain', async () => {
    const types = (await fx.k.ok(['get', 'workspacetypes', '-o', 'name'])).trim().split('\n');
    expect(types.sort()).toEqual(['home', 'organization', 'root', 'team', 'universal'].map((t) => `workspacetype.tenancy.kcp.io/${t}`));
    expect(await fx.k.ok(['get', 'workspacetypes'])).toMatch(/^NAME\s+AGE\nhome\s+\S+\norganization\s+/);

    const resources = await fx.k.ok(['api-resources', '--api-group=tenancy.kcp.io']);
    expect(resources).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    expect(resources).toMatch(/^workspaces\s+ws\s+tenancy\.kcp\.io\/v1alpha1\s+false\s+Workspace$/m);
    expect(resources).toMatch(/^workspacetypes\s+tenancy\.kcp\.io\/v1alpha1\s+false\s+WorkspaceType$/m);

    const explained = await fx.k.ok(['explain', 'ws.spec.type']);
    expect(explained).toContain('KIND:       Workspace');
    expect(explained).toMatch(/FIELD:\s+type/);
    expect(explained).toMatch(/name\s+<string>/);
  });

  it('keeps same-named objects apart in two workspaces', async () => {
    await createReady('root', fx.file('beta.yaml', workspaceYaml('beta')), 'beta');
    expect(await fx.k.ok([...at('root:acme'), 'create', 'configmap', 'shared', '--from-literal=owner=a'])).toBe('configmap/shared created\n');
    expect(await fx.k.ok([...at('root:beta'), 'create', 'configmap', 'shared', '--from-literal=owner=b'])).toBe('configmap/shared created\n');
    expect(await fx.k.ok([...at('root:acme'), 'create', 'configmap', 'only-acme'])).toBe('configmap/only-acme created\n');

    expect(await fx.k.ok([...at('root:acme'), 'get', 'cm', 'shared', '-o', 'jsonpath={.data.owner}'])).toBe('a');
    expect(await fx.k.ok([...at('root:beta'), 'get', 'cm', 'shared', '-o', 'jsonpath={.data.owner}'])).toBe('b');
    const acme = await fx.k.ok([...at('root:acme'), 'get', 'cm', '-A']);
    expect(acme).toMatch(/^default\s+only-acme\s+/m);
    expect(acme).toMatch(/^default\s+shared\s+1\s+/m);
    const beta = await fx.k.ok([...at('root:beta'), 'get', 'cm', '-A']);
    expect(beta).toMatch(/^default\s+shared\s+1\s+/m);
    expect(beta).not.toContain('only-acme');
    // Neither is visible from root.
    expect(await fx.k.ok(['get', 'cm', '-A', '-o', 'name'])).not.toContain('configmap/shared');
  });

  it('deletes an organization with its subtree; the name is then free for a fresh workspace', async () => {
    expect(await fx.k.ok(['delete', 'ws', 'acme'], { timeoutMs: 90_000 })).toBe('workspace.tenancy.kcp.io "acme" deleted\n');
    await fx.k.ok(['wait', '--for=delete', 'ws/acme', '--timeout=60s'], { timeoutMs: 90_000 });
    expect((await fx.k.run(['get', 'ws', 'acme'])).stderr).toContain('workspaces.tenancy.kcp.io "acme" not found');

    for (const gone of ['root:acme', orgCluster, 'root:acme:web', teamCluster]) {
      const r = await fx.k.run([...at(gone), 'get', 'ns']);
      expect(r.code, `${gone}: ${said(r)}`).not.toBe(0);
      expect(r.stderr, `${gone}: ${said(r)}`).toMatch(/NotFound|not found/);
    }
    // The sibling is untouched.
    expect(await fx.k.ok([...at('root:beta'), 'get', 'cm', 'shared', '-o', 'jsonpath={.data.owner}'])).toBe('b');

    await createReady('root', fx.file('acme.yaml', workspaceYaml('acme', { labels: { region: 'eu-west' } })), 'acme');
    const fresh = await fx.k.ok(['get', 'ws', 'acme', '-o', 'jsonpath={.spec.cluster}']);
    expect(fresh).toMatch(/^[a-z0-9]{16}$/);
    expect(fresh).not.toBe(orgCluster);
    const stale = await fx.k.run([...at('root:acme'), 'get', 'cm', 'shared']);
    expect(stale.code, said(stale)).not.toBe(0);
    expect(stale.stderr).toContain('configmaps "shared" not found');
    expect((await fx.k.run([...at('root:acme'), 'get', 'ws'])).stderr).toMatch(/No resources found/);
  }, 120_000);

  it('reports bad names, unknown types and unknown workspaces', async () => {
    const badName = await fx.k.run(['create', '-f', fx.file('bad-name.yaml', workspaceYaml('Bad_Name'))]);
    expect(badName.code, said(badName)).not.toBe(0);
    expect(badName.stderr, said(badName)).toContain('metadata.name');
    expect(badName.stderr).toContain('Bad_Name');

    const badType = await fx.k.run(['create', '-f', fx.file('bad-type.yaml', workspaceYaml('weird', { type: 'nosuchtype' }))]);
    expect(badType.code, said(badType)).not.toBe(0);
    expect(badType.stderr, said(badType)).toContain('spec.type');
    expect((await fx.k.run(['get', 'ws', 'weird'])).stderr).toContain('not found');

    const nowhere = await fx.k.run([...at('root:nope'), 'get', 'ns']);
    expect(nowhere.code, said(nowhere)).not.toBe(0);
    expect(nowhere.stderr, said(nowhere)).toMatch(/NotFound|not found|could not find/);
  });
});
