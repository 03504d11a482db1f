/**
 * The README's provider walkthrough with the real kubectl against a real server process: a provider
 * workspace applies kcp-style APIResourceSchema and APIExport manifests; a consumer binds the
 * export with the exact requests kcp's `kubectl kcp bind apiexport` makes (discovery, a typed
 * v1alpha2 POST, polling for phase Bound — the plugin itself does not build from the module proxy
 * here); then kubectl sees the bound resource like a built-in. Skipped (with a reason) without kubectl.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { eventually } from '../support/eventually.js';
import { useKubectlAtoll } from '../support/kubectl-atoll.js';
import { haveKubectl, KUBECTL } from '../support/kubectl.js';
import { fetchTrusting } from '../support/tls-fetch.js';
import { widgetSchema } from './support.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;

describe.skipIf(!haveKubectl)(`kubectl with APIExports and APIBindings${reason}`, () => {
  const fx = useKubectlAtoll('atoll-kubectl-apis');
  const at = (ws: string) => ['--server', `${fx.atoll.url}/clusters/${ws}`];
  const manifest = (name: string, content: unknown): string => fx.file(name, stringify(content));

  it('publishes an export from a provider workspace and binds it in a consumer as kcp’s plugin does', async () => {
    for (const ws of ['provider', 'consumer']) {
      await fx.k.ok(['apply', '-f', manifest(`${ws}.yaml`, { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: ws } })]);
      await fx.k.ok(['wait', '--for=jsonpath={.status.phase}=Ready', `workspace/${ws}`, '--timeout=30s']);
    }
    const schema = await fx.k.ok([...at('root:provider'), 'apply', '-f', manifest('schema.yaml', widgetSchema())]);
    expect(schema).toContain('apiresourceschema.apis.kcp.io/v1.widgets.widgets.example.dev created');
    const exported = {
      apiVersion: 'apis.kcp.io/v1alpha1',
      kind: 'APIExport',
      metadata: { name: 'widgets' },
      spec: { latestResourceSchemas: ['v1.widgets.widgets.example.dev'] },
    };
    expect(await fx.k.ok([...at('root:provider'), 'apply', '-f', manifest('export.yaml', exported)])).toContain('apiexport.apis.kcp.io/widgets created');
    await eventually(async () => {
      expect(await fx.k.ok([...at('root:provider'), 'get', 'apiexport', 'widgets', '-o', 'jsonpath={.status.identityHash}'])).toMatch(/^[0-9a-f]{64}$/);
    }, 30_000);

    // kubectl-kcp bind apiexport root:provider:widgets: the preferred apibindings version from discovery…
    const f = fx.atoll.ca ? fetchTrusting(fx.atoll.ca) : fetch;
    const consumer = `${fx.atoll.url}/clusters/root:consumer`;
    const group = (await (await f(`${consumer}/apis/apis.kcp.io`, { headers: fx.atoll.headers })).json()) as { preferredVersion: { version: string } };
    expect(group.preferredVersion.version).toBe('v1alpha2');
    // …a typed v1alpha2 POST, then polling for phase Bound.
    const posted = await f(`${consumer}/apis/apis.kcp.io/v1alpha2/apibindings`, {
      method: 'POST',
      headers: { ...fx.atoll.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'APIBinding',
        apiVersion: 'apis.kcp.io/v1alpha2',
        metadata: { name: 'widgets', creationTimestamp: null },
        spec: { reference: { export: { path: 'root:provider', name: 'widgets' } } },
        status: {},
      }),
    });
    expect(posted.status).toBe(201);
    await eventually(async () => {
      expect(await fx.k.ok([...at('root:consumer'), 'get', 'apibinding', 'widgets', '-o', 'jsonpath={.status.phase}'])).toBe('Bound');
    }, 30_000);
    expect(await fx.k.ok([...at('root:consumer'), 'get', 'apibindings'])).toMatch(/NAME\s+AGE\s+READY\s*\n(.*\n)*widgets\s+\d+s\s+True/);
  });

  it('uses the bound resource as any other: api-resources, apply, get with columns, explain', async () => {
    const resources = await fx.k.ok([...at('root:consumer'), 'api-resources', '--api-group', 'widgets.example.dev']);
    expect(resources).toMatch(/widgets\s+wd\s+widgets.example.dev\/v1\s+true\s+Widget/);
    const w = { apiVersion: 'widgets.example.dev/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec: { size: 5 } };
    expect(await fx.k.ok([...at('root:consumer'), 'apply', '--server-side', '-f', manifest('w1.yaml', w)])).toContain('widget.widgets.example.dev/w1 serverside-applied');
    expect(await fx.k.ok([...at('root:consumer'), 'get', 'wd'])).toMatch(/NAME\s+SIZE\s*\nw1\s+5/);
    expect(await fx.k.ok([...at('root:consumer'), 'explain', 'widgets.spec.size'])).toContain('FIELD: size <integer>');
    const invalid = await fx.k.run([...at('root:consumer'), 'apply', '-f', manifest('w2.yaml', { ...w, metadata: { name: 'w2', namespace: 'default' }, spec: { size: 500 } })]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('size must be at most 100');
    // The provider's workspace does not serve widgets: only consumers that bind it do.
    expect((await fx.k.run([...at('root:provider'), 'get', 'widgets'])).code).not.toBe(0);
  });
});
