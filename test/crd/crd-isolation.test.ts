/** CRDs belong to their workspace: same names, different schemas, no leaks; identical CRDs share their compiled form. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server-fixture.js';
import { establish, widgetCrd, WIDGETS } from './fixtures.js';

const fx = useServer();

beforeAll(async () => {
  for (const ws of ['iso-a', 'iso-b', 'iso-c', 'iso-d']) await fx.workspace('root', ws);
  await establish(fx, 'root:iso-a', widgetCrd());
  // Same CRD name in another workspace, with a different schema.
  await establish(fx, 'root:iso-b', widgetCrd({ specProperties: { color: { type: 'integer' } } }));
  await establish(fx, 'root:iso-c', widgetCrd());
});

describe('CRDs across workspaces', () => {
  it('validate with their own workspace’s schema', async () => {
    expect((await fx.call('POST', WIDGETS('root:iso-a'), { metadata: { name: 'w' }, spec: { color: 'red' } })).status).toBe(201);
    expect((await fx.call('POST', WIDGETS('root:iso-b'), { metadata: { name: 'w' }, spec: { color: 'red' } })).status).toBe(422);
    expect((await fx.call('POST', WIDGETS('root:iso-b'), { metadata: { name: 'w' }, spec: { color: 7 } })).status).toBe(201);
    expect((await fx.call('GET', `${WIDGETS('root:iso-a')}/w`)).body.spec?.color).toBe('red');
    expect((await fx.call('GET', `${WIDGETS('root:iso-b')}/w`)).body.spec?.color).toBe(7);
  });

  it('are not served where they were not created', async () => {
    expect((await fx.call('GET', WIDGETS('root:iso-d'))).status).toBe(404);
    expect((await fx.call('GET', '/clusters/root:iso-d/apis/example.com/v1')).status).toBe(404);
    const groups = await fx.call('GET', '/clusters/root:iso-d/apis');
    expect((groups.body.groups as { name: string }[]).map((g) => g.name)).not.toContain('example.com');
    // Objects of a namesake CRD stay in their workspace.
    expect((await fx.call('GET', WIDGETS('root:iso-c'))).body.items).toEqual([]);
  });

  it('share one API set (and so one GraphQL schema and discovery) when identical', async () => {
    const catalog = (fx.server as unknown as { catalog: { forCluster(c: string): Promise<{ fingerprint: string }> } }).catalog;
    const cluster = async (path: string): Promise<string> => {
      const [parent, name] = [path.split(':').slice(0, -1).join(':'), path.split(':').pop() as string];
      const ws = await fx.call('GET', `/clusters/${parent}/apis/tenancy.kcp.io/v1alpha1/workspaces/${name}`);
      return ws.body.spec?.cluster as string;
    };
    const [a, b, c, d] = await Promise.all(['root:iso-a', 'root:iso-b', 'root:iso-c', 'root:iso-d'].map(cluster));
    const [sa, sb, sc, sd] = await Promise.all([a, b, c, d].map((x) => catalog.forCluster(x as string)));
    expect(sa).toBe(sc);
    expect(sa).not.toBe(sb);
    expect(sa?.fingerprint).not.toBe(sd?.fingerprint);
  });
});
