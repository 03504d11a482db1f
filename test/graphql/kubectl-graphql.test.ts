/**
 * The two surfaces share one registry: what GraphQL writes the real kubectl reads, and what
 * kubectl writes (create, label) GraphQL reads, in a fresh workspace. Also `applyYaml` with
 * several documents of different kinds, checked with kubectl. Skipped (with a reason) where
 * kubectl is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { useServer } from '../support/server-fixture.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;
const WS = 'root:kgql';

interface GraphQLReply {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe.skipIf(!haveKubectl)(`GraphQL and kubectl on the same workspace${reason}`, () => {
  // Inside the suite, so a skipped run starts no server.
  // TLS: kubectl sends bearer tokens over TLS only.
  const fx = useServer({ tls: true });
  /** Runs a document against the workspace; any GraphQL error fails the test with its messages. */
  async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await fx.fetch(`${fx.base}/clusters/${WS}/graphql`, {
      method: 'POST',
      headers: { ...fx.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphQLReply;
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(res.status).toBe(200);
    return body.data as T;
  }
  let k: ReturnType<typeof kubectlFor>;
  /** kubectl addressed at the test workspace. */
  const kubectl = (args: string[], opts?: { input?: string }) => k.ok(['--server', `${fx.base}/clusters/${WS}`, ...args], opts);
  const kubectlRun = (args: string[]) => k.run(['--server', `${fx.base}/clusters/${WS}`, ...args]);

  beforeAll(async () => {
    await fx.workspace('root', 'kgql');
    k = kubectlFor(fx.server.kubeconfigPath);
  });
  afterAll(() => k?.cleanup());

  it('kubectl reads a ConfigMap created over GraphQL', async () => {
    const created = await gql<{ createV1ConfigMap: { metadata: { name: string } } }>(
      'mutation { createV1ConfigMap(namespace: "default", object: { metadata: { name: "from-graphql" }, data: { k: "v" } }) { metadata { name } } }',
    );
    expect(created.createV1ConfigMap.metadata.name).toBe('from-graphql');
    expect(await kubectl(['get', 'cm', 'from-graphql', '-n', 'default', '-o', 'jsonpath={.data.k}'])).toBe('v');
  });

  it('GraphQL reads what kubectl creates and labels', async () => {
    await kubectl(['create', 'configmap', 'from-kubectl', '-n', 'default', '--from-literal=k=w']);
    const READ = '{ v1 { ConfigMap(name: "from-kubectl", namespace: "default") { metadata { labels } data } } }';
    type Read = { v1: { ConfigMap: { metadata: { labels: Record<string, string> | null }; data: Record<string, string> } } };
    const read = await gql<Read>(READ);
    expect(read.v1.ConfigMap.data).toEqual({ k: 'w' });
    expect(read.v1.ConfigMap.metadata.labels ?? {}).toEqual({});

    await kubectl(['label', 'configmap', 'from-kubectl', '-n', 'default', 'team=blue']);
    expect((await gql<Read>(READ)).v1.ConfigMap.metadata.labels).toEqual({ team: 'blue' });
  });

  it('kubectl no longer finds a ConfigMap deleted over GraphQL', async () => {
    const deleted = await gql<{ deleteV1ConfigMap: { deleted: boolean } }>('mutation { deleteV1ConfigMap(name: "from-graphql", namespace: "default") { deleted } }');
    expect(deleted.deleteV1ConfigMap.deleted).toBe(true);
    const got = await kubectlRun(['get', 'cm', 'from-graphql', '-n', 'default']);
    expect(got.code).not.toBe(0);
    expect(got.stderr).toMatch(/NotFound/);
    expect(got.stderr).toContain('configmaps "from-graphql" not found');
  });

  it('kubectl sees every object of a multi-document applyYaml', async () => {
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: applied',
      'data:',
      '  mode: fast',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata:',
      '  name: reader',
      'rules:',
      '  - apiGroups: [""]',
      '    resources: [configmaps]',
      '    verbs: [get, list]',
      '',
    ].join('\n');
    const applied = await gql<{ applyYaml: { kind: string; metadata: { name: string; namespace: string } }[] }>(
      'mutation ($yaml: String!) { applyYaml(yaml: $yaml, fieldManager: "gql") }',
      { yaml },
    );
    expect(applied.applyYaml.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual([
      ['ConfigMap', 'default', 'applied'],
      ['Role', 'default', 'reader'],
    ]);

    const cm = JSON.parse(await kubectl(['get', 'configmap', 'applied', '-n', 'default', '-o', 'json', '--show-managed-fields'])) as {
      data: Record<string, string>;
      metadata: { managedFields: { manager: string; operation: string }[] };
    };
    expect(cm.data).toEqual({ mode: 'fast' });
    expect(cm.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'gql', operation: 'Apply' })]);
    const role = JSON.parse(await kubectl(['get', 'role', 'reader', '-n', 'default', '-o', 'json'])) as { rules: unknown[] };
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]);
    expect(await kubectl(['get', 'roles.rbac.authorization.k8s.io', '-n', 'default', '-o', 'name'])).toBe('role.rbac.authorization.k8s.io/reader\n');
  });
});
