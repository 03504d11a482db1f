/**
 * WorkspaceType default APIBindings on a real server: kcp's `system:apibindings` initializer binds
 * the exports a new workspace's type chain names (kcp's binding names and specs, every claim
 * accepted), the workspace turns Ready only once they are bound, and waits while an export is
 * missing. Workspaces of the built-in types bind root's system exports (tenancy.kcp.io, topology.kcp.io).
 */
import { describe, expect, it } from 'vitest';
import { base62Sha224, defaultBindingName } from '../../src/apiexports/index.js';
import { eventually } from '../support/eventually.js';
import { useServer, WORKSPACES, type Reply } from '../support/server-fixture.js';
import { APIS, publishWidgets, widget, WIDGETS } from './support.js';

const fx = useServer();

const TYPES = (ws: string): string => `/clusters/${ws}/apis/tenancy.kcp.io/v1alpha1/workspacetypes`;
const LOGICAL_CLUSTER = (ws: string): string => `/clusters/${ws}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`;
const universal = { name: 'universal', path: 'root' };

type Conditioned = { status?: Record<string, unknown> };
const cond = (body: Conditioned, type: string) =>
  ((body.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string; severity?: string }[]).find((c) => c.type === type);

async function workspaceType(ws: string, name: string, spec: Record<string, unknown>): Promise<void> {
  const made = await fx.call('POST', TYPES(ws), { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'WorkspaceType', metadata: { name }, spec });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
}

const SYSTEM_EXPORTS = ['tenancy.kcp.io', 'topology.kcp.io'];
const isSystem = (b: Reply['body']): boolean => SYSTEM_EXPORTS.includes(String((b.spec?.reference as { export?: { name?: string } } | undefined)?.export?.name));

/** The workspace's bindings, by default without the system exports' every workspace has. */
async function bindingsIn(ws: string, { system = false } = {}): Promise<Reply['body'][]> {
  const list = await fx.call('GET', `${APIS(ws)}/apibindings`);
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  return (list.body.items as Reply['body'][]).filter((b) => system || !isSystem(b));
}

describe('Base62Sha224 and default binding names', () => {
  it('match kcp’s test vectors', () => {
    expect(base62Sha224('')).toBe('aAkHCkvjglfF66mdhRcVKb0I3FT1lepYlWZNwj');
    expect(base62Sha224('hello')).toBe('bPWFAjMdldrWYheSsV0t7VkdTNtgGHBplr6qLF');
    expect(base62Sha224('root:tenancy.kcp.io')).toBe('bmCdly9xXiUpEHe3ypvDwvXMTfoVZUE92mqAQf');
    expect(base62Sha224('{"resource":"configmaps","verbs":null}')).toBe('3QVjs6pfBjMpLEVYYhysJnroYGsQGlWm05E4qe');
    expect(defaultBindingName('2hwz9858gy8nw0g1', 'root', 'tenancy.kcp.io')).toBe('tenancy.kcp.io-4p2y9');
  });

  it('keep at most 247 characters of the export’s name, so the name is a valid subdomain', () => {
    const name = defaultBindingName('2hwz9858gy8nw0g1', 'root:some:export:ws', 'a'.repeat(300));
    expect(name).toMatch(/^a{247}-[0-9a-z]{5}$/);
    expect(defaultBindingName('2hwz9858gy8nw0g1', 'root', 'a')).toMatch(/^a-[0-9a-z]{5}$/);
  });
});

describe('a WorkspaceType with default APIBindings', () => {
  it('binds them in each new workspace, which turns Ready only once they are bound and serves them at once', async () => {
    await fx.workspace('root', 'provider');
    await publishWidgets(fx, 'root:provider');
    await workspaceType('root', 'with-widgets', { extend: { with: [universal] }, defaultAPIBindings: [{ path: 'root:provider', export: 'widgets' }] });

    const ws = await fx.workspace('root', 'consumer', { name: 'with-widgets', path: 'root' });
    const cluster = String(ws.spec?.cluster);
    const [b, ...more] = await bindingsIn('root:consumer');
    expect(more).toEqual([]);
    expect(b?.metadata?.name).toBe(defaultBindingName(cluster, 'root:provider', 'widgets'));
    expect(b?.metadata?.name).toMatch(/^widgets-[0-9a-z]{5}$/);
    expect(b?.spec).toEqual({ reference: { export: { path: 'root:provider', name: 'widgets' } } });
    expect(b?.status?.phase).toBe('Bound');
    expect(cond(b ?? {}, 'InitialBindingCompleted')?.status).toBe('True');
    const made = await fx.call('POST', WIDGETS('root:consumer'), widget('w1', { color: 'red' }));
    expect(made.status, JSON.stringify(made.body)).toBe(201);

    const lc = await fx.call('GET', LOGICAL_CLUSTER('root:consumer'));
    expect(lc.body.spec?.initializers).toEqual(['root:universal', 'system:apibindings']);
    expect(lc.body.status?.initializers).toEqual([]);
    expect(lc.body.status?.phase).toBe('Ready');
  });

  it('is inherited by the types that extend it', async () => {
    await workspaceType('root', 'with-more-widgets', { extend: { with: [{ name: 'with-widgets', path: 'root' }] } });
    const ws = await fx.workspace('root', 'heir', { name: 'with-more-widgets', path: 'root' });
    const bindings = await bindingsIn('root:heir');
    expect(bindings.map((b) => b.metadata?.name)).toEqual([defaultBindingName(String(ws.spec?.cluster), 'root:provider', 'widgets')]);
    expect(bindings[0]?.status?.phase).toBe('Bound');
    expect((await fx.call('POST', WIDGETS('root:heir'), widget('w1'))).status).toBe(201);
    expect((await fx.call('GET', LOGICAL_CLUSTER('root:heir'))).body.spec?.initializers).toEqual(['root:universal', 'system:apibindings']);
  });

  it('names, with an empty path, the export in the workspace that holds the type (by its logical cluster, as kcp)', async () => {
    const provider = await fx.call('GET', `${WORKSPACES('root')}/provider`);
    const providerCluster = String(provider.body.spec?.cluster);
    await workspaceType('root:provider', 'local-widgets', { defaultAPIBindings: [{ export: 'widgets' }] });
    const ws = await fx.workspace('root', 'local', { name: 'local-widgets', path: 'root:provider' });
    const [b] = await bindingsIn('root:local');
    expect(b?.metadata?.name).toBe(defaultBindingName(String(ws.spec?.cluster), providerCluster, 'widgets'));
    expect(b?.spec).toEqual({ reference: { export: { path: providerCluster, name: 'widgets' } } });
    expect(b?.status?.phase).toBe('Bound');
  });

  it('keeps a workspace Initializing while an export is missing, and lets it go Ready once the export exists, accepting its claims', async () => {
    await fx.workspace('root', 'late-provider');
    await workspaceType('root', 'with-late-widgets', { extend: { with: [universal] }, defaultAPIBindings: [{ path: 'root:late-provider', export: 'widgets' }] });
    const created = await fx.call('POST', WORKSPACES('root'), { metadata: { name: 'waiting' }, spec: { type: { name: 'with-late-widgets', path: 'root' } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await eventually(async () => {
      const lc = await fx.call('GET', LOGICAL_CLUSTER('root:waiting'));
      expect(cond(lc.body, 'WorkspaceAPIBindingsInitialized')).toMatchObject({
        status: 'False',
        severity: 'Error',
        reason: 'WorkspaceInitializedAPIBindingErrors',
        message: 'encountered errors: unable to complete initialization: unable to find at least 1 APIExport',
      });
      // The universal initializer is done; this one is not.
      expect(lc.body.status?.initializers).toEqual(['system:apibindings']);
    });
    const waiting = await fx.call('GET', `${WORKSPACES('root')}/waiting`);
    expect(waiting.body.status?.phase).toBe('Initializing');
    expect(await bindingsIn('root:waiting')).toEqual([]);

    const claim = { group: '', resource: 'configmaps', verbs: ['get', 'list'] };
    const labelled = { group: '', resource: 'secrets', verbs: ['get'], defaultSelector: { matchLabels: { app: 'widgets' } } };
    await publishWidgets(fx, 'root:late-provider', { permissionClaims: [claim, labelled] });
    await eventually(async () => {
      const ws = await fx.call('GET', `${WORKSPACES('root')}/waiting`);
      expect(ws.body.status?.phase).toBe('Ready');
    });
    const [b] = await bindingsIn('root:waiting');
    expect(b?.status?.phase).toBe('Bound');
    // Each claim accepted, with the export's default selector when it has one.
    expect(b?.spec?.permissionClaims).toEqual([
      { ...claim, identityHash: '', selector: { matchAll: true }, state: 'Accepted' },
      { ...labelled, identityHash: '', selector: { matchLabels: { app: 'widgets' } }, state: 'Accepted' },
    ]);
    expect(cond(b ?? {}, 'PermissionClaimsApplied')?.status).toBe('True');
    expect((await fx.call('POST', WIDGETS('root:waiting'), widget('w1'))).status).toBe(201);
  });

  it('binds root’s tenancy.kcp.io and topology.kcp.io exports in workspaces of the built-in types, as kcp does', async () => {
    const ws = await fx.workspace('root', 'plain');
    const cluster = String(ws.spec?.cluster);
    const lc = await fx.call('GET', LOGICAL_CLUSTER('root:plain'));
    expect(lc.body.spec?.initializers).toEqual(['root:universal', 'system:apibindings']);
    expect(cond(lc.body, 'WorkspaceAPIBindingsInitialized')?.status).toBe('True');
    const bindings = await bindingsIn('root:plain', { system: true });
    expect(bindings.map((b) => b.metadata?.name)).toEqual([defaultBindingName(cluster, 'root', 'tenancy.kcp.io'), defaultBindingName(cluster, 'root', 'topology.kcp.io')]);
    for (const b of bindings) {
      expect(b.status?.phase).toBe('Bound');
      expect(cond(b, 'Ready')?.status).toBe('True');
      expect(b.status?.apiExportClusterName).toBe('root');
    }
    const bound = (b: Reply['body'] | undefined) => ((b?.status?.boundResources ?? []) as { group: string; resource: string }[]).map((r) => `${r.resource}.${r.group}`);
    expect(bound(bindings[0])).toEqual(['workspaces.tenancy.kcp.io', 'workspacetypes.tenancy.kcp.io']);
    expect(bound(bindings[1])).toEqual(['partitions.topology.kcp.io', 'partitionsets.topology.kcp.io']);
  });

  it('refuses a default binding whose path is not a workspace path', async () => {
    const bad = await fx.call('POST', TYPES('root'), { metadata: { name: 'bad-path' }, spec: { defaultAPIBindings: [{ path: 'Root/x', export: 'widgets' }] } });
    expect(bad.status, JSON.stringify(bad.body)).toBe(422);
    const lifecycle = await fx.call('POST', TYPES('root'), { metadata: { name: 'bad-lifecycle' }, spec: { defaultAPIBindingLifecycle: 'Sometimes' } });
    expect(lifecycle.status, JSON.stringify(lifecycle.body)).toBe(422);
  });
});
