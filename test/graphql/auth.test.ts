/**
 * GraphQL obeys authentication and RBAC as REST does, on a real server with a token file and RBAC:
 * 401 without valid credentials on HTTP and graphql-ws (in every place a WebSocket client may put
 * them), the workspace `access` check with unknown and closed workspaces alike, each field
 * authorized with REST's attributes and Forbidden message, the user reaching the registry
 * (escalation checks), and introspection showing only what the caller may use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../support/eventually.js';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-gql-auth-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, ['bob-token,bob,2001', 'alice-token,alice,2002', 'carol-token,carol,2003'].join('\n') + '\n');

const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const A = 'root:gql-auth-a';
const B = 'root:gql-auth-b';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; status?: number };
}
interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

/** POSTs a document to a workspace's endpoint with a bearer token (or none). */
async function gql(token: string | undefined, ws: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; headers: Headers; body: GraphQLReply }> {
  const res = await fetch(`${fx.base}/clusters/${ws}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLReply };
}

async function bind(ws: string, name: string, role: string, user: string, namespace?: string): Promise<void> {
  const url = namespace ? `/clusters/${ws}${RBAC}/namespaces/${namespace}/rolebindings` : `/clusters/${ws}${RBAC}/clusterrolebindings`;
  const body = { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] };
  const r = await fx.call('POST', url, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const codes = (r: GraphQLReply): (string | undefined)[] => (r.errors ?? []).map((e) => e.extensions?.code);
const wsUrl = (ws: string): string => `${fx.base.replace('http', 'ws')}/clusters/${ws}/graphql`;

/** Runs one operation over graphql-ws; resolves with its last payload or the errors it failed with. */
function overWs(client: Client, query: string, extensions?: Record<string, unknown>): Promise<GraphQLReply> {
  return new Promise((resolve, reject) => {
    let got: GraphQLReply = {};
    client.subscribe({ query, ...(extensions ? { extensions } : {}) }, {
      next: (r) => (got = r as GraphQLReply),
      error: (err) => (Array.isArray(err) ? resolve({ errors: err as GraphQLError[] }) : reject(err instanceof Error ? err : new Error(JSON.stringify(err)))),
      complete: () => resolve(got),
    });
  });
}

const clients: Client[] = [];
function client(ws: string, connectionParams?: Record<string, unknown>): Client {
  const c = createClient({ url: wsUrl(ws), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...(connectionParams ? { connectionParams } : {}) });
  clients.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

const LIST_DEFAULT = '{ v1 { ConfigMaps(namespace: "default") { items { metadata { name } } } } }';

beforeAll(async () => {
  await fx.workspace('root', 'gql-auth-a');
  await fx.workspace('root', 'gql-auth-b');
  expect((await fx.call('POST', `/clusters/${A}/api/v1/namespaces`, { metadata: { name: 'other' } })).status).toBe(201);
  expect((await fx.call('POST', CONFIGMAPS(A), { metadata: { name: 'shown' }, data: { k: 'v' } })).status).toBe(201);
  expect((await fx.call('POST', CONFIGMAPS(A, 'other'), { metadata: { name: 'hidden' } })).status).toBe(201);
  // bob may enter A and view namespace default; alice administers default; carol may only enter.
  await bind(A, 'bob-access', 'system:kcp:workspace:access', 'bob');
  await bind(A, 'bob-view', 'view', 'bob', 'default');
  await bind(A, 'alice-access', 'system:kcp:workspace:access', 'alice');
  await bind(A, 'alice-admin', 'admin', 'alice', 'default');
  await bind(A, 'carol-access', 'system:kcp:workspace:access', 'carol');
  // Bindings take effect once the RBAC index has seen them.
  await eventually(async () => expect((await gql('bob-token', A, LIST_DEFAULT)).body.errors).toBeUndefined());
  await eventually(async () => expect((await gql('alice-token', A, LIST_DEFAULT)).body.errors).toBeUndefined());
  await eventually(async () => expect((await gql('carol-token', A, '{ __typename }')).status).toBe(200));
});

describe('authentication over HTTP', () => {
  it('answers 401 UNAUTHENTICATED without a token or with an unknown one, whatever the workspace', async () => {
    for (const token of [undefined, 'nope-token']) {
      for (const ws of [A, 'root:does-not-exist']) {
        const r = await gql(token, ws, '{ __typename }');
        expect(r.status, `${token} ${ws}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
        expect(r.body).toEqual({ errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED', status: 401 } }] });
      }
    }
  });

  it('serves the GraphiQL page to a browser without a token', async () => {
    const res = await fetch(`${fx.base}/clusters/${A}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`"endpoint":"/clusters/${A}/graphql"`);
    // Its header editor starts with the header to complete.
    expect(html).toContain('Authorization');
  });
});

describe('the workspace door', () => {
  it('refuses a workspace the user may not enter exactly as one that does not exist', async () => {
    const closed = await gql('bob-token', B, LIST_DEFAULT);
    const none = await gql('bob-token', 'root:gql-auth-nope', LIST_DEFAULT);
    expect(closed.status).toBe(403);
    expect(none.status).toBe(403);
    expect(closed.body).toEqual({
      errors: [
        {
          message: `forbidden: User "bob" cannot access path "/graphql": access to workspace "${B}" is not permitted`,
          extensions: { code: 'FORBIDDEN', status: 403 },
        },
      ],
    });
    expect(JSON.stringify(none.body)).toBe(JSON.stringify(closed.body).replace(B, 'root:gql-auth-nope'));
    // The admin, who may enter everywhere, is told the truth.
    const admin = await gql(fx.adminToken, 'root:gql-auth-nope', '{ __typename }');
    expect(admin.status).toBe(404);
    expect(codes(admin.body)).toEqual(['NOT_FOUND']);
  });
});

describe('fields authorized as REST requests', () => {
  it('lets a viewer of namespace default read there, with its namespace', async () => {
    const r = await gql('bob-token', A, '{ v1 { ConfigMap(name: "shown", namespace: "default") { data namespaceObject { metadata { name } } } } }');
    expect(r.body).toEqual({ data: { v1: { ConfigMap: { data: { k: 'v' }, namespaceObject: { metadata: { name: 'default' } } } } } });
  });

  it('refuses elsewhere with FORBIDDEN and the message REST gives, before reading anything', async () => {
    const cases: [string, string, string][] = [
      ['{ v1 { ConfigMaps(namespace: "other") { items { metadata { name } } } } }', 'GET', `/clusters/${A}/api/v1/namespaces/other/configmaps`],
      ['{ v1 { ConfigMaps { items { metadata { name } } } } }', 'GET', `/clusters/${A}/api/v1/configmaps`],
      ['{ v1 { ConfigMap(name: "hidden", namespace: "other") { metadata { name } } } }', 'GET', `/clusters/${A}/api/v1/namespaces/other/configmaps/hidden`],
      // Whether the object exists makes no difference.
      ['{ v1 { ConfigMap(name: "nothing-here", namespace: "other") { metadata { name } } } }', 'GET', `/clusters/${A}/api/v1/namespaces/other/configmaps/nothing-here`],
      ['{ v1 { Secrets(namespace: "default") { items { metadata { name } } } } }', 'GET', `/clusters/${A}/api/v1/namespaces/default/secrets`],
    ];
    for (const [query, method, url] of cases) {
      const r = await gql('bob-token', A, query);
      const rest = await fx.callAs('bob-token', method, url);
      expect(rest.status, url).toBe(403);
      expect(r.body.errors, query).toEqual([expect.objectContaining({ message: rest.body.message, extensions: { code: 'FORBIDDEN', status: 403 } })]);
    }
  });

  it('refuses writes to a viewer, and a multi-document apply as a whole', async () => {
    const created = await gql('bob-token', A, 'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "nope" } }) { metadata { name } } }');
    expect(created.body.errors).toEqual([
      expect.objectContaining({
        message: 'configmaps is forbidden: User "bob" cannot create resource "configmaps" in API group "" in the namespace "default"',
        extensions: { code: 'FORBIDDEN', status: 403 },
      }),
    ]);
    const deleted = await gql('bob-token', A, 'mutation { deleteV1ConfigMap(name: "shown", namespace: "default") { deleted } }');
    expect(deleted.body.errors?.[0]?.message).toBe('configmaps "shown" is forbidden: User "bob" cannot delete resource "configmaps" in API group "" in the namespace "default"');
    // Server-side apply is authorized as the PATCH it is in REST, also when it would create.
    const applied = await gql('bob-token', A, 'mutation { applyV1ConfigMap(name: "new", namespace: "default", fieldManager: "m", object: { data: { a: "b" } }) { metadata { name } } }');
    expect(applied.body.errors?.[0]?.message).toBe('configmaps "new" is forbidden: User "bob" cannot patch resource "configmaps" in API group "" in the namespace "default"');
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y1}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: y2}\n';
    const multi = await gql('alice-token', A, 'mutation ($yaml: String!) { applyYaml(yaml: $yaml, fieldManager: "m") }', { yaml });
    // Both land in default, where alice is admin.
    expect(multi.body.errors).toBeUndefined();
    const refused = await gql('alice-token', A, 'mutation ($yaml: String!) { applyYaml(yaml: $yaml, fieldManager: "m", namespace: "other") }', { yaml: yaml.replaceAll('y1', 'z1').replaceAll('y2', 'z2') });
    expect(refused.body.errors?.[0]?.message).toMatch(/^object 1 \(ConfigMap other\/z1\): configmaps "z1" is forbidden: User "alice" cannot patch/);
    expect(codes(refused.body)).toEqual(['FORBIDDEN']);
    expect((await fx.call('GET', `${CONFIGMAPS(A, 'other')}/z1`)).status).toBe(404);
  });

  it('authorizes references as the reads they are', async () => {
    const secret = await fx.call('POST', `/clusters/${A}/api/v1/namespaces/default/secrets`, { metadata: { name: 'owner' } });
    const ownerRef = { apiVersion: 'v1', kind: 'Secret', name: 'owner', uid: secret.body.metadata?.uid };
    expect((await fx.call('POST', CONFIGMAPS(A), { metadata: { name: 'owned', ownerReferences: [ownerRef] } })).status).toBe(201);
    const query = '{ v1 { ConfigMap(name: "owned", namespace: "default") { metadata { name } owners { __typename } } } }';
    const r = await gql('bob-token', A, query);
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        message: 'secrets "owner" is forbidden: User "bob" cannot get resource "secrets" in API group "" in the namespace "default"',
        path: ['v1', 'ConfigMap', 'owners'],
        extensions: { code: 'FORBIDDEN', status: 403 },
      }),
    ]);
    expect((await gql('alice-token', A, query)).body).toEqual({ data: { v1: { ConfigMap: { metadata: { name: 'owned' }, owners: [{ __typename: 'V1Secret' }] } } } });
  });

  it('acts as the user in the registry: RBAC escalation checks see who asks', async () => {
    const bindingTo = (role: string) =>
      `mutation { createRbacAuthorizationK8sIoV1RoleBinding(namespace: "default", object: { metadata: { name: "to-${role}" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "${role}" }, subjects: [{ kind: "User", name: "carol", apiGroup: "rbac.authorization.k8s.io" }] }) { metadata { name } } }`;
    expect((await gql('alice-token', A, bindingTo('edit'))).body).toEqual({ data: { createRbacAuthorizationK8sIoV1RoleBinding: { metadata: { name: 'to-edit' } } } });
    const up = await gql('alice-token', A, bindingTo('cluster-admin'));
    expect(codes(up.body)).toEqual(['FORBIDDEN']);
    expect(up.body.errors?.[0]?.message).toContain('attempting to grant RBAC permissions not currently held');
  });
});

describe('authentication over graphql-ws', () => {
  it('refuses operations without credentials with UNAUTHENTICATED, revealing nothing about the workspace', async () => {
    for (const ws of [A, 'root:does-not-exist']) {
      const r = await overWs(client(ws), LIST_DEFAULT);
      expect(r.errors).toEqual([expect.objectContaining({ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED', status: 401 } })]);
    }
  });

  it('takes credentials from connectionParams, in either spelling', async () => {
    for (const params of [{ authorization: 'Bearer bob-token' }, { headers: { Authorization: 'Bearer bob-token' } }]) {
      const r = await overWs(client(A, params), LIST_DEFAULT);
      expect(r.errors, JSON.stringify(params)).toBeUndefined();
      expect(JSON.stringify(r.data)).toContain('"shown"');
    }
    const denied = await overWs(client(A, { authorization: 'Bearer bob-token' }), '{ v1 { ConfigMaps(namespace: "other") { items { metadata { name } } } } }');
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    const closed = await overWs(client(B, { authorization: 'Bearer bob-token' }), LIST_DEFAULT);
    expect(closed.errors?.[0]?.message).toContain(`access to workspace "${B}" is not permitted`);
  });

  it('takes an operation’s own credentials from extensions.headers, as GraphiQL sends them', async () => {
    const anonymous = client(A);
    const r = await overWs(anonymous, LIST_DEFAULT, { headers: { Authorization: 'Bearer bob-token' } });
    expect(r.errors).toBeUndefined();
    // The next operation on the same connection brings none: refused again.
    expect(codes(await overWs(anonymous, LIST_DEFAULT))).toEqual(['UNAUTHENTICATED']);
    // An operation's credentials win over the connection's.
    const invalid = await overWs(client(A, { authorization: 'Bearer bob-token' }), LIST_DEFAULT, { headers: { authorization: 'Bearer nope-token' } });
    expect(codes(invalid)).toEqual(['UNAUTHENTICATED']);
  });

  it('closes with 4401 when connection_init carries invalid credentials', async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl(A), 'graphql-transport-ws');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer nope-token' } })));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4401);
  });

  it('refuses an upgrade with an invalid token with 401, and a closed workspace with 403', async () => {
    const status = (ws: string, headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl(ws), 'graphql-transport-ws', { headers });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => resolve(-1));
      });
    expect(await status(A, { authorization: 'Bearer nope-token' })).toBe(401);
    expect(await status(B, { authorization: 'Bearer bob-token' })).toBe(403);
    expect(await status('root:gql-auth-nope', { authorization: 'Bearer bob-token' })).toBe(403);
    expect(await status(A, { authorization: 'Bearer bob-token' })).toBe(101);
  });

  it('accepts the Kubernetes WebSocket token subprotocol and never echoes it', async () => {
    const entry = `base64url.bearer.authorization.k8s.io.${Buffer.from('bob-token').toString('base64url')}`;
    const ws = new WebSocket(wsUrl(A), [entry, 'graphql-transport-ws']);
    const messages: { type: string; payload?: GraphQLReply }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; payload?: GraphQLReply };
        messages.push(m);
        if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: LIST_DEFAULT } }));
        if (m.type === 'complete' || m.type === 'error') resolve();
      });
      ws.on('error', reject);
    });
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    expect(ws.protocol).toBe('graphql-transport-ws');
    ws.send(JSON.stringify({ type: 'connection_init' }));
    await done;
    ws.close();
    const next = messages.find((m) => m.type === 'next');
    expect(next?.payload?.errors).toBeUndefined();
    expect(JSON.stringify(next?.payload?.data)).toContain('"shown"');
  });
});

describe('introspection shows what the caller may use', () => {
  const SHAPE = `{
    __schema { mutationType { fields { name } } subscriptionType { fields { name } } }
    v1: __type(name: "V1Query") { fields { name } }
    secretInput: __type(name: "V1SecretInput") { name }
  }`;
  interface Shape {
    __schema: { mutationType: { fields: { name: string }[] } | null; subscriptionType: { fields: { name: string }[] } | null };
    v1: { fields: { name: string }[] } | null;
    secretInput: { name: string } | null;
  }
  const names = (fields: { name: string }[] | undefined): string[] => (fields ?? []).map((f) => f.name);

  it('hides from a viewer what it may not read or write, over HTTP and graphql-ws alike', async () => {
    const http = (await gql('bob-token', A, SHAPE)).body;
    expect(http.errors).toBeUndefined();
    const ws = await overWs(client(A, { authorization: 'Bearer bob-token' }), SHAPE);
    expect(ws).toEqual(http);
    const shape = http.data as unknown as Shape;
    // view has no writes: no Mutation type at all.
    expect(shape.__schema.mutationType).toBeNull();
    expect(names(shape.v1?.fields)).toContain('ConfigMaps');
    expect(names(shape.v1?.fields)).not.toContain('Secrets');
    expect(names(shape.__schema.subscriptionType?.fields)).toContain('v1_configmaps');
    expect(names(shape.__schema.subscriptionType?.fields)).not.toContain('v1_secrets');
    expect(shape.secretInput).toBeNull();
    // What is hidden from introspection still answers FORBIDDEN, not a validation error.
    expect(codes((await gql('bob-token', A, '{ v1 { Secrets(namespace: "default") { items { metadata { name } } } } }')).body)).toEqual(['FORBIDDEN']);
  });

  it('shows an admin of one namespace its writes there', async () => {
    const shape = (await gql('alice-token', A, SHAPE)).body.data as unknown as Shape;
    expect(names(shape.__schema.mutationType?.fields)).toEqual(expect.arrayContaining(['createV1Secret', 'applyYaml', 'createRbacAuthorizationK8sIoV1RoleBinding']));
    // Cluster-scoped kinds are not namespaced permissions: no namespace writes.
    expect(names(shape.__schema.mutationType?.fields)).not.toContain('createV1Namespace');
  });

  it('shows the admin everything', async () => {
    const shape = (await gql(fx.adminToken, A, SHAPE)).body.data as unknown as Shape;
    expect(names(shape.__schema.mutationType?.fields)).toEqual(expect.arrayContaining(['createV1Secret', 'createV1Namespace', 'deleteTenancyKcpIoV1alpha1Workspace']));
    expect(names(shape.v1?.fields)).toContain('Secrets');
    expect(shape.secretInput).toEqual({ name: 'V1SecretInput' });
  });

  it('refuses a document that mixes introspection with a hidden field as if the field did not exist', async () => {
    const r = await gql('bob-token', A, '{ __typename __schema { queryType { name } } v1 { Secrets(namespace: "default") { items { metadata { name } } } } }');
    expect(r.body.errors?.[0]?.message).toMatch(/Cannot query field "Secrets" on type "V1Query"/);
  });
});
