/**
 * The `atoll` CLI as a user runs it (a child process) against a real server over TLS, with a
 * kubeconfig as kubectl reads it: print, apply (create, unchanged, a compatible change, a change
 * that would break stored objects refused and then forced), crd to-sdl, graphql schema, and its
 * errors (bad SDL at file:line:col, unknown options, kubeconfig problems), each one line and exit 1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { eventually } from '../support/eventually.js';
import { useServer, type Reply } from '../support/server-fixture.js';
import { fixturePath } from '../sdl/support.js';
import { run } from '../../src/cli/run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'src/cli/main.ts');
const APIS = '/apis/apis.kcp.io';

const fx = useServer({ tls: true });
let dir = '';
let kubeconfig = '';

function atoll(args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '', ...env } });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI's commands in this process, for the error cases (each child process costs seconds of start-up). */
async function runInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env: { ...process.env, KUBECONFIG: '', ...env } });
  return { code, stdout, stderr };
}

const ok = (r: Reply, status = 200): Reply['body'] => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
};

/** The widget SDL with `edit` applied, written to a file of the test's directory. */
function widgetSdl(name: string, edit: (sdl: string) => string = (s) => s): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, edit(fs.readFileSync(fixturePath('widget.graphql'), 'utf8')));
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-cli-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  // As kcp's admin.kubeconfig: the server URL names a workspace; the CA and the token inline.
  fs.writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'atoll', cluster: { server: `${fx.base}/clusters/root`, 'certificate-authority-data': Buffer.from(fx.server.pki?.ca.cert ?? '').toString('base64') } }],
      users: [{ name: 'admin', user: { token: fx.adminToken } }, { name: 'nobody', user: { token: 'not-a-token' } }],
      contexts: [
        { name: 'admin', context: { cluster: 'atoll', user: 'admin' } },
        { name: 'nobody', context: { cluster: 'atoll', user: 'nobody' } },
      ],
      'current-context': 'admin',
    }),
  );
  await fx.workspace('root', 'provider');
  await fx.workspace('root', 'consumer');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('atoll export print', () => {
  it('prints the APIResourceSchema and the APIExport as YAML', async () => {
    const r = await atoll(['export', 'print', fixturePath('widget.graphql'), '--name', 'widgets']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => d.kind)).toEqual(['APIResourceSchema', 'APIExport']);
    expect(docs[1]?.metadata.name).toBe('widgets');
  });

  it('prints CustomResourceDefinitions with --crd', async () => {
    const r = await atoll(['export', 'print', '--crd', fixturePath('widget.graphql')]);
    expect(r.code).toBe(0);
    const [crd] = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(crd).toMatchObject({ kind: 'CustomResourceDefinition', metadata: { name: 'widgets.widgets.example.dev' } });
  });

  it('reports bad SDL at file:line:col, one line each, exit status 1', async () => {
    const file = path.join(dir, 'bad.graphql');
    fs.writeFileSync(file, 'type Thing @resource(group: "things.example.dev", version: "v1") {\n  spec: Spec\n}\nunion Spec = Thing\n');
    const r = await atoll(['export', 'print', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}:2:9: union Spec cannot be the type of a schema field: use an object type`,
      `${file}:4:1: union Spec cannot become a structural schema: Kubernetes schemas have no unions; use one object type with optional fields`,
    ]);
  });

  it('refuses unknown options, unknown commands and missing files in one line', async () => {
    for (const [args, message] of [
      [['export', 'print', '--nme', 'x'], /^error: Unknown option '--nme'.*see atoll --help\n$/],
      [['export', 'frobnicate'], /^error: unknown command "export frobnicate"; see atoll --help\n$/],
      [['export', 'print', path.join(dir, 'missing.graphql')], /^error: cannot read .*missing\.graphql: ENOENT\n$/],
      [['export', 'apply', '--crd', 'x.graphql'], /^error: apply makes an APIExport; for plain CRDs: atoll export print --crd … \| kubectl apply -f -\n$/],
    ] as const) {
      const r = await runInProcess([...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    const help = await runInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('atoll export apply <schema.graphql>...');
  });
});

describe('atoll export apply', () => {
  const exportPath = `/clusters/root:provider${APIS}/v1alpha2/apiexports/widgets.example.dev`;

  it('creates the schema and the export in the workspace; again, changes nothing', async () => {
    const first = await atoll(['export', 'apply', fixturePath('widget.graphql'), '--workspace', 'root:provider', '--kubeconfig', kubeconfig]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^apiresourceschema\.apis\.kcp\.io\/v[0-9a-f]{10}\.widgets\.widgets\.example\.dev created\napiexport\.apis\.kcp\.io\/widgets\.example\.dev created\n$/);
    const exp = ok(await fx.call('GET', exportPath));
    const schemaName = (exp.spec?.resources as { schema: string }[])[0]?.schema;
    ok(await fx.call('GET', `/clusters/root:provider${APIS}/v1alpha1/apiresourceschemas/${schemaName}`));
    await eventually(async () => expect(ok(await fx.call('GET', exportPath)).status?.identityHash).toBeTruthy());
    // KUBECONFIG as kubectl reads it, the workspace from the flag.
    const again = await atoll(['export', 'apply', fixturePath('widget.graphql'), '--workspace', 'root:provider'], { KUBECONFIG: kubeconfig });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/ unchanged\napiexport\.apis\.kcp\.io\/widgets\.example\.dev unchanged\n$/);
  });

  it('refuses a change that would break objects consumers store, with the reasons, unless --force', async () => {
    ok(
      await fx.call('POST', `/clusters/root:consumer${APIS}/v1alpha2/apibindings`, {
        metadata: { name: 'widgets' },
        spec: { reference: { export: { path: 'root:provider', name: 'widgets.example.dev' } } },
      }),
      201,
    );
    await eventually(async () => expect(ok(await fx.call('GET', `/clusters/root:consumer${APIS}/v1alpha2/apibindings/widgets`)).status?.phase).toBe('Bound'));
    const widgets = '/clusters/root:consumer/apis/widgets.example.dev/v1/namespaces/default/widgets';
    ok(await fx.call('POST', widgets, { apiVersion: 'widgets.example.dev/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 5, color: 'red' } }), 201);
    const before = ok(await fx.call('GET', exportPath));

    const narrower = widgetSdl('narrower.graphql', (s) => s.replace('@minimum(value: 1)', '@minimum(value: 2)').replace('  color: Color\n', '').replace('observedSize: Int', 'observedSize: Int!'));
    const refused = await atoll(['export', 'apply', narrower, '--workspace', 'root:provider', '--kubeconfig', kubeconfig]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('error: refused, this change would break stored objects (--force applies it anyway): widgets.widgets.example.dev: ');
    expect(refused.stderr).toContain('v1 .spec.size: minimum raised to 2');
    expect(refused.stderr).toContain('v1 .spec.color: field removed (stored values would be pruned)');
    expect(refused.stderr).toContain('v1 .status.observedSize: new required field without a default');
    // Nothing changed.
    expect(ok(await fx.call('GET', exportPath)).spec).toEqual(before.spec);

    const forced = await atoll(['export', 'apply', narrower, '--workspace', 'root:provider', '--kubeconfig', kubeconfig, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('applying with --force, although stored objects may break');
    expect(forced.stdout).toContain('apiexport.apis.kcp.io/widgets.example.dev configured');
    expect(ok(await fx.call('GET', exportPath)).spec?.resources).not.toEqual(before.spec?.resources);
  });

  it('applies a compatible change (a new optional field) as a new schema, keeping the export’s other fields', async () => {
    const exp = ok(await fx.call('GET', exportPath));
    ok(await fx.call('PUT', exportPath, { ...exp, spec: { ...exp.spec, permissionClaims: [{ group: '', resource: 'configmaps', verbs: ['get'] }] } }));
    const wider = widgetSdl('wider.graphql', (s) => s.replace('@minimum(value: 1)', '@minimum(value: 2)').replace('  color: Color\n', '').replace('observedSize: Int', 'observedSize: Int!').replace('ready: Boolean', 'ready: Boolean\n  message: String'));
    const r = await atoll(['export', 'apply', wider, '--workspace', 'root:provider', '--kubeconfig', kubeconfig]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ created\napiexport\.apis\.kcp\.io\/widgets\.example\.dev configured\n$/);
    const after = ok(await fx.call('GET', exportPath));
    expect(after.spec?.permissionClaims).toMatchObject([{ group: '', resource: 'configmaps', verbs: ['get'] }]);
  });

  it('lets a breaking change through when no consumer stores objects of the resource', async () => {
    const gadget = path.join(dir, 'gadget.graphql');
    fs.writeFileSync(gadget, 'type Gadget @resource(group: "gadgets.example.dev", version: "v1") {\n  spec: GadgetSpec\n}\ntype GadgetSpec { size: Int }\n');
    expect((await atoll(['export', 'apply', gadget, '--workspace', 'root:provider', '--kubeconfig', kubeconfig])).code).toBe(0);
    await eventually(async () => expect(ok(await fx.call('GET', `/clusters/root:provider${APIS}/v1alpha1/apiexportendpointslices/gadgets.example.dev`)).status?.endpoints).toBeTruthy());
    fs.writeFileSync(gadget, 'type Gadget @resource(group: "gadgets.example.dev", version: "v1") {\n  spec: GadgetSpec\n}\ntype GadgetSpec { size: Int! }\n');
    const r = await atoll(['export', 'apply', gadget, '--workspace', 'root:provider', '--kubeconfig', kubeconfig]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gadgets.gadgets.example.dev: no consumer stores objects, so this change breaks nothing: v1 .spec.size: new required field without a default');
  });

  it('applies a kind with two versions and every directive, which the server accepts', async () => {
    const r = await atoll(['export', 'apply', fixturePath('everything.graphql'), '--name', 'everything', '--workspace', 'root:provider', '--kubeconfig', kubeconfig]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const exp = ok(await fx.call('GET', `/clusters/root:provider${APIS}/v1alpha2/apiexports/everything`));
    const schemaName = (exp.spec?.resources as { schema: string }[])[0]?.schema;
    const schema = ok(await fx.call('GET', `/clusters/root:provider${APIS}/v1alpha1/apiresourceschemas/${schemaName}`));
    expect((schema.spec?.versions as { name: string }[]).map((v) => v.name)).toEqual(['v2', 'v1']);
  });

  it('uses the kubeconfig’s workspace without --workspace, and its --context', async () => {
    // The server URL names root; the context's user has a token the server does not know.
    const denied = await atoll(['export', 'apply', fixturePath('widget.graphql'), '--kubeconfig', kubeconfig, '--context', 'nobody']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: GET \/apis\/apis\.kcp\.io\/v1alpha2\/apiexports\/widgets\.example\.dev: .+\n$/);
    expect(denied.stderr).toMatch(/Unauthorized|401/i);
    const missing = await runInProcess(['export', 'apply', fixturePath('widget.graphql'), '--kubeconfig', kubeconfig, '--context', 'nope']);
    expect(missing.stderr).toBe(`error: ${kubeconfig}: no context named nope\n`);
    const noFile = await runInProcess(['export', 'apply', fixturePath('widget.graphql'), '--kubeconfig', path.join(dir, 'none')]);
    expect(noFile.stderr).toMatch(/^error: cannot read kubeconfig .*none: ENOENT\n$/);
    const noWorkspace = await runInProcess(['export', 'apply', fixturePath('widget.graphql'), '--workspace', 'Root:x'], { KUBECONFIG: kubeconfig });
    expect(noWorkspace.stderr).toBe('error: --workspace "Root:x" is not a workspace path such as root:provider\n');
  });
});

describe('atoll export types', () => {
  it('writes the example’s Widget types exactly as committed (so they follow schema.graphql)', async () => {
    const r = await runInProcess(['export', 'types', path.join(ROOT, 'examples/widgets/schema.graphql'), '--sdk-module', '../../src/sdk/index.js']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(ROOT, 'examples/widgets/widget-types.ts'), 'utf8'));
  });

  it('types what the structural schema says: required fields, enums, maps, int-or-string, embedded objects, other versions', async () => {
    const file = path.join(dir, 'typed.graphql');
    fs.writeFileSync(
      file,
      `type Gadget @resource(group: "gadgets.example.dev", version: "v2", scope: Cluster, plural: "gadgets") {
  spec: GadgetSpec!
}
type GadgetSpec {
  name: String!
  port: IntOrString
  labels: Map
  extra: JSON @preserveUnknownFields
  mode: Mode
  replicas: [Int!]
}
enum Mode { fast slow }
`,
    );
    const r = await runInProcess(['export', 'types', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain("import type { KubeObject } from 'atoll/sdk';");
    expect(r.stdout).toContain("export interface Gadget extends KubeObject {\n  apiVersion: 'gadgets.example.dev/v2';\n  kind: 'Gadget';\n  spec: {\n    name: string;\n    port?: number | string;");
    expect(r.stdout).toMatch(/labels\?: Record<string, string>;/);
    expect(r.stdout).toMatch(/mode\?: "fast" \| "slow";/);
    expect(r.stdout).toMatch(/replicas\?: number\[\];/);
    expect(r.stdout).toContain('export type GadgetSpec = NonNullable<Gadget[\'spec\']>;');
    const bad = await runInProcess(['export', 'types', path.join(dir, 'absent.graphql')]);
    expect(bad.code).toBe(1);
  });
});

describe('atoll crd to-sdl and graphql schema', () => {
  it('prints a CRD (here from standard input) as SDL that converts back', async () => {
    const r = await atoll(['crd', 'to-sdl', '-'], {}, fs.readFileSync(fixturePath('crontab-crd.yaml'), 'utf8'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('type CronTab\n  @resource(group: "stable.example.com", version: "v1", scope: Namespaced');
    const file = path.join(dir, 'crontab.graphql');
    fs.writeFileSync(file, r.stdout);
    const back = await atoll(['export', 'print', '--crd', file]);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('name: crontabs.stable.example.com');
  });

  it('prints the GraphQL schema a workspace serves with the kinds, and the provider view’s with --view', async () => {
    const full = await atoll(['graphql', 'schema', fixturePath('widget.graphql')]);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('type WidgetsExampleDevV1Widget {');
    expect(full.stdout).toContain('type V1ConfigMap {');
    const view = await atoll(['graphql', 'schema', '--view', fixturePath('widget.graphql')]);
    expect(view.stdout).toContain('type WidgetsExampleDevV1Widget {');
    expect(view.stdout).not.toContain('type V1ConfigMap {');
  });
});
