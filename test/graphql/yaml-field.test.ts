/**
 * The `yaml` field of every kind, through the real server: the object as `kubectl get -o yaml`
 * prints it (sorted keys, YAML 1.1 quoting, no managedFields), in single reads, lists and
 * subscription events, and only for objects the caller may read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-gql-yaml-'));
const tokenFile = path.join(dir, 'tokens.csv');
fs.writeFileSync(tokenFile, 'bob-token,bob,2001\n');
const fx = useServer({ auth: { tokenFile } });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const WS = 'root:yamls';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function query(q: string, token?: string): Promise<Answer> {
  const r = token === undefined ? await fx.call('POST', `/clusters/${WS}/graphql`, { query: q }) : await fx.callAs(token, 'POST', `/clusters/${WS}/graphql`, { query: q });
  return r.body as Answer;
}

beforeAll(async () => {
  await fx.workspace('root', 'yamls');
  const created = await fx.call('POST', CONFIGMAPS(WS), { metadata: { name: 'web', labels: { on: 'yes' } }, data: { n: '012', script: 'line 1\nline 2\n' } });
  expect(created.status).toBe(201);
  expect((await fx.call('POST', `/clusters/${WS}/api/v1/namespaces`, { metadata: { name: 'private' } })).status).toBe(201);
  expect((await fx.call('POST', CONFIGMAPS(WS, 'private'), { metadata: { name: 'secret' }, data: { password: 'hunter2' } })).status).toBe(201);
  // bob may enter the workspace and read in "default" only.
  for (const [name, role, ns] of [['bob-access', 'system:kcp:workspace:access', undefined], ['bob-view', 'view', 'default']] as const) {
    const url = ns ? `/clusters/${WS}${RBAC}/namespaces/${ns}/rolebindings` : `/clusters/${WS}${RBAC}/clusterrolebindings`;
    const body = { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }] };
    expect((await fx.call('POST', url, body)).status).toBe(201);
  }
});

describe('the yaml field', () => {
  it('prints the object as kubectl get -o yaml does', async () => {
    const a = await query('{ v1 { ConfigMap(name: "web", namespace: "default") { yaml } } }');
    expect(a.errors).toBeUndefined();
    const yaml = (a.data as { v1: { ConfigMap: { yaml: string } } }).v1.ConfigMap.yaml;
    const rest = await fx.call('GET', `${CONFIGMAPS(WS)}/web`);
    const { managedFields, ...metadata } = rest.body.metadata as Record<string, unknown>;
    expect(managedFields).toBeDefined();
    // The same object, without managedFields (kubectl's --show-managed-fields=false).
    expect(parse(yaml)).toEqual({ ...rest.body, metadata });
    // Keys sorted, strings a YAML 1.1 reader would misread quoted, lists of a mapping unindented.
    expect(yaml.startsWith('apiVersion: v1\ndata:\n  "n": "012"\n  script: |\n    line 1\n    line 2\nkind: ConfigMap\nmetadata:\n')).toBe(true);
    expect(yaml).toContain(`  creationTimestamp: "${String(metadata.creationTimestamp)}"\n`);
    expect(yaml).toContain('  labels:\n    "on": "yes"\n');
    expect(yaml).not.toContain('managedFields');
  });

  it('is there in lists and subscription events', async () => {
    const a = await query('{ v1 { ConfigMaps(namespace: "default", fieldSelector: "metadata.name=web") { items { yaml } } } }');
    expect(a.errors).toBeUndefined();
    const items = (a.data as { v1: { ConfigMaps: { items: { yaml: string }[] } } }).v1.ConfigMaps.items;
    expect(items).toHaveLength(1);
    expect(parse(items[0]?.yaml ?? '')).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'web' } });

    const client = fx.graphqlClient(WS);
    try {
      const event = await new Promise<{ type: string; object: { yaml: string } }>((resolve, reject) => {
        const stop = client.subscribe<{ v1_configmap: { type: string; object: { yaml: string } } }>(
          { query: 'subscription { v1_configmap(name: "web", namespace: "default") { type object { yaml } } }' },
          {
            next: (p) => {
              stop();
              if (p.data) resolve(p.data.v1_configmap);
              else reject(new Error(JSON.stringify(p)));
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      expect(event.type).toBe('ADDED');
      expect(parse(event.object.yaml)).toMatchObject({ data: { n: '012' } });
    } finally {
      await client.dispose();
    }
  });

  it('is authorized as the object it prints: FORBIDDEN, and nothing printed, where the caller may not read', async () => {
    const allowed = await query('{ v1 { ConfigMap(name: "web", namespace: "default") { yaml } } }', 'bob-token');
    expect(allowed.errors).toBeUndefined();
    expect(parse((allowed.data as { v1: { ConfigMap: { yaml: string } } }).v1.ConfigMap.yaml)).toMatchObject({ metadata: { name: 'web' } });
    const refused = await query('{ v1 { ConfigMap(name: "secret", namespace: "private") { yaml } ConfigMaps(namespace: "private") { items { yaml } } } }', 'bob-token');
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(JSON.stringify(refused)).not.toContain('hunter2');
  });
});
