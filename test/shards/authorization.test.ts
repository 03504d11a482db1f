/**
 * Authorization decided where the export or type lives (docs/shards.md, "Authorization across
 * shards"): the provider's workspace is on shard-1, the consumer's on the root shard. A user of a
 * token file (the proxy passes the token on, each shard checks it) may bind the export, use the
 * WorkspaceType, and is limited by the export's maximal permission policy, as RBAC in the
 * provider's workspace on shard-1 says — asked of shard-1 by the root shard, its answers kept for
 * the TTLs given here (1 s), so a revoked grant stops working soon after. Real processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { requestAtoll, type AtollProcess } from '../support/atoll-process.js';
import { jsonHeaders, readyWorkspace, startInstallation, type Installation } from '../support/installation.js';
import { ssePayloads } from '../support/sse-subscription.js';
import { fetchTrusting } from '../support/tls-fetch.js';
import { widget, widgetSchema } from '../apiexports/support.js';

let installation: Installation;
let proxy: AtollProcess;

type Body = Record<string, unknown> & { message?: string; status?: Record<string, unknown>; items?: unknown[] };

const callAs = async (token: string | undefined, method: string, url: string, body?: unknown): Promise<{ status: number; body: Body }> => {
  const headers = token ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' } : jsonHeaders(proxy);
  const r = await requestAtoll(proxy, url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: r.text ? (JSON.parse(r.text) as Body) : {} };
};
const call = (method: string, url: string, body?: unknown) => callAs(undefined, method, url, body);

const RBAC = (ws: string, kind: string): string => `/clusters/${ws}/apis/rbac.authorization.k8s.io/v1/${kind}`;
const BINDINGS = '/clusters/root:consumer/apis/apis.kcp.io/v1alpha2/apibindings';
const WIDGETS = '/clusters/root:consumer/apis/widgets.example.dev/v1/namespaces/default/widgets';
const ALICE = 'alice-token';
const BOB = 'bob-token';

async function grant(ws: string, name: string, rules: unknown[], subjects: { kind: string; name: string }[]): Promise<void> {
  const role = await call('POST', RBAC(ws, 'clusterroles'), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  const binding = await call('POST', RBAC(ws, 'clusterrolebindings'), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: subjects.map((s) => ({ apiGroup: 'rbac.authorization.k8s.io', ...s })),
  });
  expect(binding.status, JSON.stringify(binding.body)).toBe(201);
}

const apiBinding = (name: string) => ({
  apiVersion: 'apis.kcp.io/v1alpha2',
  kind: 'APIBinding',
  metadata: { name },
  spec: { reference: { export: { path: 'root:provider', name: 'widgets' } } },
});

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'atoll-shard-authz-'));
  const tokens = path.join(dir, 'tokens.csv');
  fs.writeFileSync(tokens, `${ALICE},alice,alice-uid,"devs"\n${BOB},bob,bob-uid,""\n`);
  installation = await startInstallation(['shard-1'], {
    args: ['--token-auth-file', tokens, '--shard-authorization-cache-authorized-ttl', '1s', '--shard-authorization-cache-unauthorized-ttl', '1s'],
  });
  proxy = installation.proxy;
  await readyWorkspace(installation.root, 'root', 'provider', { shard: 'shard-1' });
  await readyWorkspace(installation.root, 'root', 'consumer', { shard: 'root' });
  await eventually(async () => {
    expect((await call('GET', '/clusters/root:provider/api/v1/namespaces/default')).status).toBe(200);
    expect((await call('GET', '/clusters/root:consumer/api/v1/namespaces/default')).status).toBe(200);
  }, 20_000);
  // Both users may do anything in the consumer's workspace; only the provider's RBAC tells them apart.
  await grant('root:consumer', 'users-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }], [
    { kind: 'User', name: 'alice' },
    { kind: 'User', name: 'bob' },
  ]);
  expect((await call('POST', '/clusters/root:provider/apis/apis.kcp.io/v1alpha1/apiresourceschemas', widgetSchema())).status).toBe(201);
  const exp = await call('POST', '/clusters/root:provider/apis/apis.kcp.io/v1alpha2/apiexports', {
    apiVersion: 'apis.kcp.io/v1alpha2',
    kind: 'APIExport',
    metadata: { name: 'widgets' },
    spec: {
      resources: [{ name: 'widgets', group: 'widgets.example.dev', schema: 'v1.widgets.widgets.example.dev', storage: { crd: {} } }],
      maximalPermissionPolicy: { local: {} },
    },
  });
  expect(exp.status, JSON.stringify(exp.body)).toBe(201);
  await grant('root:provider', 'bind-widgets', [{ apiGroups: ['apis.kcp.io'], resources: ['apiexports'], resourceNames: ['widgets'], verbs: ['bind'] }], [{ kind: 'User', name: 'alice' }]);
}, 120_000);

afterAll(async () => {
  await installation?.stop();
});

describe('authorization decided on the shard that holds the export or the type', () => {
  it('lets a user granted bind in the provider’s workspace on another shard bind its export, and refuses one without', async () => {
    const refused = await callAs(BOB, 'POST', BINDINGS, apiBinding('bobs'));
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.message).toBe('apibindings.apis.kcp.io "bobs" is forbidden: unable to create APIBinding: no permission to bind to export root:provider:widgets');
    const bound = await callAs(ALICE, 'POST', BINDINGS, apiBinding('widgets'));
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    await eventually(async () => {
      const got = await call('GET', `${BINDINGS}/widgets`);
      expect(got.body.status?.phase, JSON.stringify(got.body.status)).toBe('Bound');
    }, 30_000);
  }, 60_000);

  it('limits the consumer’s users by the export’s maximal permission policy, decided on the provider’s shard', async () => {
    // Nobody is granted anything by the provider yet: the consumer's cluster-wide admin is refused.
    await eventually(async () => {
      const denied = await callAs(ALICE, 'GET', WIDGETS);
      expect(denied.status, JSON.stringify(denied.body)).toBe(403);
      expect(denied.body.message).toContain('policy');
    }, 20_000);
    expect((await callAs(ALICE, 'GET', '/clusters/root:consumer/api/v1/namespaces/default/configmaps')).status).toBe(200);
    await grant('root:provider', 'read-widgets', [{ apiGroups: ['widgets.example.dev'], resources: ['widgets'], verbs: ['get', 'list', 'watch', 'create'] }], [
      { kind: 'User', name: 'apis.kcp.io:binding:alice' },
    ]);
    // Once the denied answer (kept 1 s) has expired, the provider's grant decides.
    await eventually(async () => {
      const made = await callAs(ALICE, 'POST', WIDGETS, widget('w1', { size: 5 }));
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }, 20_000);
    // GraphQL checks each field synchronously: its first read of w1, with no answer kept for it, waits for the answer.
    const gql = await requestAtoll(proxy, '/clusters/root:consumer/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ widgets_example_dev { v1 { Widget(namespace: "default", name: "w1") { metadata { name } spec { size } } } } }' }),
    });
    expect(JSON.parse(gql.text)).toEqual({ data: { widgets_example_dev: { v1: { Widget: { metadata: { name: 'w1' }, spec: { size: 5 } } } } } });
    // The list refused above may be kept refused a moment longer.
    await eventually(async () => expect((await callAs(ALICE, 'GET', WIDGETS)).status).toBe(200), 20_000);
    const deleted = await callAs(ALICE, 'DELETE', `${WIDGETS}/w1`);
    expect(deleted.status).toBe(403);
    expect(deleted.body.message).toContain(`API export`);
    expect(deleted.body.message).toContain('policy: User "apis.kcp.io:binding:alice" cannot delete resource "widgets"');
    const bobs = await callAs(BOB, 'GET', WIDGETS);
    expect(bobs.status).toBe(403);
    expect(bobs.body.message).toContain('policy');
  }, 60_000);

  it('lets a user granted use of a WorkspaceType on another shard create a workspace of it, and refuses one without', async () => {
    const made = await call('POST', '/clusters/root:provider/apis/tenancy.kcp.io/v1alpha1/workspacetypes', { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'WorkspaceType', metadata: { name: 'special' }, spec: {} });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await grant('root:provider', 'use-special', [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspacetypes'], resourceNames: ['special'], verbs: ['use'] }], [{ kind: 'User', name: 'alice' }]);
    const workspace = (name: string) => ({ apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name }, spec: { type: { name: 'special', path: 'root:provider' } } });
    const WS = '/clusters/root:consumer/apis/tenancy.kcp.io/v1alpha1/workspaces';
    // The type reaches the root shard through shard-1's feed.
    await eventually(async () => {
      const refused = await callAs(BOB, 'POST', WS, workspace('bobs'));
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body.message).toBe(
        'workspaces.tenancy.kcp.io "bobs" is forbidden: User "bob" cannot use resource "workspacetypes" in API group "tenancy.kcp.io" at the cluster scope in workspace "root:provider"',
      );
    }, 20_000);
    await eventually(async () => {
      const allowed = await callAs(ALICE, 'POST', WS, workspace('alices'));
      expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
    }, 20_000);
  }, 60_000);

  it('serves a claim on another shard’s export in a provider’s view, limited by that export’s policy decided there', async () => {
    await grant('root:provider', 'everyone-reads', [{ apiGroups: ['widgets.example.dev'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] }], [
      { kind: 'Group', name: 'apis.kcp.io:binding:system:authenticated' },
    ]);
    const claimer = await readyWorkspace(installation.root, 'root', 'claimer', { shard: 'root' });
    const identityHash = ((await call('GET', '/clusters/root:provider/apis/apis.kcp.io/v1alpha2/apiexports/widgets')).body.status as { identityHash?: string }).identityHash;
    expect(identityHash).toMatch(/^[0-9a-f]{64}$/);
    const claim = { group: 'widgets.example.dev', resource: 'widgets', identityHash, verbs: ['*'] };
    const exp = await call('POST', '/clusters/root:claimer/apis/apis.kcp.io/v1alpha2/apiexports', { apiVersion: 'apis.kcp.io/v1alpha2', kind: 'APIExport', metadata: { name: 'watcher' }, spec: { permissionClaims: [claim] } });
    expect(exp.status, JSON.stringify(exp.body)).toBe(201);
    await eventually(async () => {
      const got = await call('GET', '/clusters/root:claimer/apis/apis.kcp.io/v1alpha2/apiexports/watcher');
      expect((got.body.status as { identityHash?: string } | undefined)?.identityHash).toBeDefined();
    }, 20_000);
    const bound = await call('POST', BINDINGS, {
      apiVersion: 'apis.kcp.io/v1alpha2',
      kind: 'APIBinding',
      metadata: { name: 'watcher' },
      spec: { reference: { export: { path: 'root:claimer', name: 'watcher' } }, permissionClaims: [{ ...claim, selector: { matchAll: true }, state: 'Accepted' }] },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    const consumer = String(((await call('GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/consumer')).body.spec as { cluster?: string }).cluster);
    const view = `/services/apiexport/${claimer.spec?.cluster ?? ''}/watcher/clusters`;
    // root:provider lets every consumer's user read widgets, nothing more: so does the claimer's view.
    await eventually(async () => {
      const list = await call('GET', `${view}/*/apis/widgets.example.dev/v1/widgets`);
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      expect((list.body.items as { metadata: { name: string } }[]).map((w) => w.metadata.name)).toEqual(['w1']);
    }, 30_000);
    // GraphQL in the view waits for the answer it has not got yet, as in a workspace.
    const gql = await requestAtoll(proxy, `${view}/${consumer}/graphql`, {
      method: 'POST',
      headers: jsonHeaders(proxy),
      body: JSON.stringify({ query: '{ widgets_example_dev { v1 { Widget(namespace: "default", name: "w1") { metadata { name } } } } }' }),
    });
    expect(JSON.parse(gql.text)).toEqual({ data: { widgets_example_dev: { v1: { Widget: { metadata: { name: 'w1' } } } } } });
    const write = await call('POST', `${view}/${consumer}/apis/widgets.example.dev/v1/namespaces/default/widgets`, widget('claimed'));
    expect(write.status, JSON.stringify(write.body)).toBe(403);
    expect(write.body.message).toContain('policy: User');
  }, 90_000);

  it('starts a GraphQL subscription that meets another shard’s policy with no answer kept, once the answer is here', async () => {
    expect((await call('POST', '/clusters/root:consumer/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } })).status).toBe(201);
    const controller = new AbortController();
    const payloads = ssePayloads(new URL('/clusters/root:consumer/graphql', proxy.url).href, { authorization: `Bearer ${ALICE}` }, 'subscription { widgets_example_dev_v1_widgets(namespace: "watched") { type object { metadata { name } } } }', controller, {
      fetchImpl: fetchTrusting(proxy.ca as string),
    });
    try {
      await eventually(async () => {
        const made = await callAs(ALICE, 'POST', '/clusters/root:consumer/apis/widgets.example.dev/v1/namespaces/watched/widgets', widget('seen'));
        expect([201, 409]).toContain(made.status);
        expect(JSON.stringify(payloads)).toContain('"seen"');
      }, 20_000);
      expect(JSON.stringify(payloads[0])).not.toContain('errors');
    } finally {
      controller.abort();
    }
  }, 60_000);

  it('stops honouring a grant revoked on the provider’s shard once its kept answer expires', async () => {
    expect((await callAs(ALICE, 'POST', BINDINGS, apiBinding('before-revoking'))).status).toBe(201);
    expect((await call('DELETE', `${RBAC('root:provider', 'clusterrolebindings')}/bind-widgets`)).status).toBe(200);
    await eventually(async () => {
      const refused = await callAs(ALICE, 'POST', BINDINGS, apiBinding(`again-${Date.now()}`));
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body.message).toContain('no permission to bind to export root:provider:widgets');
    }, 20_000);
  }, 60_000);

  it('refuses, saying why, while the shard that holds the export cannot be asked, and asks it again once it is back', async () => {
    await installation.kill('shard-1');
    await eventually(async () => {
      const refused = await callAs(ALICE, 'POST', BINDINGS, apiBinding(`down-${Date.now()}`));
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body.message).toContain('shard "shard-1", which holds workspace');
      expect(refused.body.message).toContain('could not be asked');
    }, 20_000);
    // That refusal was not kept: back up, shard-1 decides again (alice's grant is gone, bob never had one, the plain refusal).
    await installation.restart('shard-1');
    await eventually(async () => {
      const refused = await callAs(BOB, 'POST', BINDINGS, apiBinding(`back-${Date.now()}`));
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body.message).toMatch(/unable to create APIBinding: no permission to bind to export root:provider:widgets$/);
    }, 30_000);
    await grant('root:provider', 'bind-again', [{ apiGroups: ['apis.kcp.io'], resources: ['apiexports'], resourceNames: ['widgets'], verbs: ['bind'] }], [{ kind: 'User', name: 'bob' }]);
    await eventually(async () => {
      const bound = await callAs(BOB, 'POST', BINDINGS, apiBinding(`back-${Date.now()}`));
      expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    }, 30_000);
  }, 90_000);
});
