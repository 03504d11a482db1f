/** typeByCategory: the resources of a category, with the names to query them by. */
import { expect, it } from 'vitest';
import { schemaFor } from '../../src/graphql/index.js';
import { workspaces } from '../../src/tenancy/index.js';
import { ctx, useRegistry } from '../support/registry-fixture.js';
import { builtinSet, run } from './support.js';

const fx = useRegistry();

it('lists the resources of a category and the field that lists each', async () => {
  const result = await run(schemaFor(builtinSet()), fx.reg, '{ typeByCategory(name: "kcp") { group version kind resource scope typeName listField } }');
  expect(result.errors).toBeUndefined();
  const entries = (result.data as { typeByCategory: { kind: string; listField: string; typeName: string; scope: string }[] }).typeByCategory;
  // kcp's kinds: tenancy, topology, core and apis.kcp.io (APIExport and APIBinding in both served versions).
  expect(entries.map((e) => e.kind).sort()).toEqual([
    'APIBinding',
    'APIBinding',
    'APIExport',
    'APIExport',
    'APIExportEndpointSlice',
    'APIResourceSchema',
    'LogicalCluster',
    'Partition',
    'PartitionSet',
    'Shard',
    'Workspace',
    'WorkspaceType',
  ]);
  const ws = entries.find((e) => e.kind === 'Workspace');
  expect(ws).toMatchObject({ typeName: 'TenancyKcpIoV1alpha1Workspace', listField: 'tenancy_kcp_io.v1alpha1.Workspaces', scope: 'Cluster' });
  // The path it names really lists them.
  await fx.reg.create(ctx, workspaces, undefined, { metadata: { name: 'w' } });
  const listed = await run(schemaFor(builtinSet()), fx.reg, '{ tenancy_kcp_io { v1alpha1 { Workspaces { items { metadata { name } } } } } }');
  expect(listed.data).toEqual({ tenancy_kcp_io: { v1alpha1: { Workspaces: { items: [{ metadata: { name: 'w' } }] } } } });
  const none = await run(schemaFor(builtinSet()), fx.reg, '{ typeByCategory(name: "nothing") { kind } }');
  expect(none.data).toEqual({ typeByCategory: [] });
});
