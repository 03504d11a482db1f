/**
 * OpenAPI v3 schemas of kcp's tenancy and core kinds, named as kcp names them
 * (`io.kcp.tenancy.v1alpha1.Workspace`), so `kubectl explain ws` and apply work. They share the
 * built-in meta/v1 components (ObjectMeta & co.).
 */
import type { OpenApiComponents, OpenApiSchema } from '../../meta/index.js';
import { builtinComponents, schemaBuilders as b } from '../../registry/index.js';

export const TENANCY = 'io.kcp.tenancy.v1alpha1.';
export const CORE_KCP = 'io.kcp.core.v1alpha1.';
export const TOPOLOGY = 'io.kcp.topology.v1alpha1.';

const PHASE = 'Scheduling, Initializing, Ready or Unavailable; Terminating, then Deleting once deletion has begun.';
const typeRef = `${TENANCY}WorkspaceTypeReference`;
const typeRefList = (description: string): OpenApiSchema => b.refList(typeRef, description, b.ATOMIC);

const schemas: Record<string, OpenApiSchema> = {
  [typeRef]: {
    type: 'object',
    description: 'Names a WorkspaceType: its name and the path of the workspace that holds it.',
    properties: {
      name: b.str('Name of the WorkspaceType.'),
      path: b.str('Path of the workspace that holds the type, e.g. root. Defaults to root.'),
    },
    required: ['name'],
  },
  [`${TENANCY}Workspace`]: b.kindSchema({
    group: 'tenancy.kcp.io',
    version: 'v1alpha1',
    kind: 'Workspace',
    description: 'A child workspace: creating one creates an isolated logical cluster with its own URL, APIs and RBAC.',
    properties: {
      spec: {
        type: 'object',
        description: 'What the workspace should be.',
        properties: {
          type: b.ref(typeRef, 'The type of the workspace; defaults from the parent’s type. Immutable.'),
          cluster: b.str('Name of the logical cluster behind the workspace. Set by the system.'),
          URL: b.str('Where the workspace is served. Set by the system.'),
          location: { type: 'object', description: 'Constraints on where the workspace is scheduled.', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
      status: {
        type: 'object',
        description: 'What the workspace is.',
        properties: {
          phase: b.str(PHASE),
          initializers: b.stringList('Initializers that still have to finish before the workspace is Ready.'),
          terminators: b.stringList('Terminators that still have to finish before the workspace’s content is deleted.'),
          conditions: b.conditionList('Observed conditions of the workspace.'),
        },
      },
    },
  }),
  [`${TENANCY}WorkspaceType`]: b.kindSchema({
    group: 'tenancy.kcp.io',
    version: 'v1alpha1',
    kind: 'WorkspaceType',
    description: 'A kind of workspace: what it may contain, where it may live and how it is initialized.',
    properties: {
      spec: {
        type: 'object',
        description: 'The type’s rules.',
        properties: {
          initializer: b.bool('Whether workspaces of this type wait for an initializer named <path>:<name>.'),
          terminator: b.bool('Whether deleting a workspace of this type waits for a terminator named <path>:<name>.'),
          extend: {
            type: 'object',
            description: 'Types whose initializers and allowed relations this type inherits.',
            properties: { with: typeRefList('The extended types.') },
          },
          defaultChildWorkspaceType: b.ref(typeRef, 'The type given to child workspaces that name none.'),
          limitAllowedChildren: {
            type: 'object',
            description: 'Restricts the types of child workspaces.',
            properties: { types: typeRefList('Allowed child types.'), none: b.bool('No children at all.') },
          },
          limitAllowedParents: {
            type: 'object',
            description: 'Restricts the types of workspaces this type may be created in.',
            properties: { types: typeRefList('Allowed parent types.'), none: b.bool('May not be created anywhere.') },
          },
          defaultAPIBindings: {
            type: 'array',
            description: 'APIExports bound in every new workspace of this type.',
            items: {
              type: 'object',
              description: 'An APIExport to bind.',
              properties: {
                path: b.str('Path of the workspace holding the export; empty for the workspace holding this type.'),
                export: b.str('Name of the APIExport.'),
              },
              required: ['export'],
            },
          },
          defaultAPIBindingLifecycle: b.str('InitializeOnly (bind when the workspace is created) or Maintain.', { enum: ['InitializeOnly', 'Maintain'] }),
        },
      },
      status: {
        type: 'object',
        description: 'Observed state of the type.',
        properties: { conditions: b.conditionList('Observed conditions of the type.') },
      },
    },
  }),
  [`${CORE_KCP}LogicalCluster`]: b.kindSchema({
    group: 'core.kcp.io',
    version: 'v1alpha1',
    kind: 'LogicalCluster',
    description: 'The singleton (named "cluster") that describes the logical cluster it lives in.',
    properties: {
      spec: {
        type: 'object',
        description: 'What the logical cluster should be.',
        properties: {
          owner: {
            type: 'object',
            description: 'The Workspace that created this logical cluster.',
            properties: {
              apiVersion: b.str('API version of the owner.'),
              resource: b.str('Resource of the owner, e.g. workspaces.'),
              name: b.str('Name of the owner.'),
              cluster: b.str('Logical cluster the owner lives in.'),
              UID: b.str('UID of the owner.'),
            },
          },
          initializers: b.stringList('Initializers that must finish before the logical cluster is Ready.'),
          terminators: b.stringList('Terminators that must finish before the logical cluster’s content is deleted.'),
          directlyDeletable: b.bool('Whether the logical cluster may be deleted directly rather than through its Workspace.'),
        },
      },
      status: {
        type: 'object',
        description: 'What the logical cluster is.',
        properties: {
          phase: b.str(PHASE),
          URL: b.str('Where the logical cluster is served.'),
          initializers: b.stringList('Initializers still to finish.'),
          terminators: b.stringList('Terminators still to finish once deletion has begun.'),
          conditions: b.conditionList('Observed conditions.'),
        },
      },
    },
  }),
};

schemas[`${TOPOLOGY}Partition`] = b.kindSchema({
  group: 'topology.kcp.io',
  version: 'v1alpha1',
  kind: 'Partition',
  description: 'A set of shards, chosen by their labels; an APIExportEndpointSlice may name one.',
  properties: {
    spec: {
      type: 'object',
      description: 'Which shards belong to the partition.',
      properties: { selector: b.ref(b.LABEL_SELECTOR, 'The labels of the shards in the partition.') },
    },
  },
});
schemas[`${TOPOLOGY}PartitionSet`] = b.kindSchema({
  group: 'topology.kcp.io',
  version: 'v1alpha1',
  kind: 'PartitionSet',
  description: 'Divides the shards it selects into partitions, one per distinct value of its dimensions.',
  properties: {
    spec: {
      type: 'object',
      description: 'The shards to divide, and the shard labels to divide them by.',
      properties: {
        dimensions: b.stringList('Shard labels whose distinct values make the partitions.'),
        shardSelector: b.ref(b.LABEL_SELECTOR, 'Which shards are divided; all when empty.'),
      },
    },
    status: {
      type: 'object',
      description: 'What the set observed.',
      properties: {
        count: b.int32('How many partitions the set has.'),
        conditions: b.conditionList('Observed conditions of the set.'),
      },
    },
  },
  required: ['spec'],
});
schemas[`${CORE_KCP}Shard`] = b.kindSchema({
  group: 'core.kcp.io',
  version: 'v1alpha1',
  kind: 'Shard',
  description: 'An Atoll process with its own store, hosting logical clusters. Registered in root by the shard itself when it starts.',
  properties: {
    spec: {
      type: 'object',
      description: 'Where the shard is reached.',
      properties: {
        baseURL: { type: 'string', format: 'uri', description: 'The address of the shard for direct connections: the front proxy and other shards use it.' },
        externalURL: { type: 'string', format: 'uri', description: 'The address users see in Workspace URLs of logical clusters on this shard (usually the front proxy). Defaults to baseURL.' },
        virtualWorkspaceURL: { type: 'string', format: 'uri', description: 'The address of the shard\'s virtual workspaces. Defaults to baseURL.' },
      },
      required: ['baseURL'],
    },
    status: {
      type: 'object',
      description: 'What the shard reports.',
      properties: {
        capacity: { type: 'object', description: 'How much the shard can hold, by resource.', additionalProperties: { 'x-kubernetes-int-or-string': true } },
        conditions: b.conditionList('Observed conditions of the shard.'),
      },
    },
  },
  required: ['spec'],
});
schemas[`${CORE_KCP}ShardList`] = b.listSchema('core.kcp.io', 'v1alpha1', 'Shard', `${CORE_KCP}Shard`, 'The Shard objects.');
for (const kind of ['Partition', 'PartitionSet']) {
  schemas[`${TOPOLOGY}${kind}List`] = b.listSchema('topology.kcp.io', 'v1alpha1', kind, `${TOPOLOGY}${kind}`, `The ${kind} objects.`);
}

for (const kind of ['Workspace', 'WorkspaceType']) {
  schemas[`${TENANCY}${kind}List`] = b.listSchema('tenancy.kcp.io', 'v1alpha1', kind, `${TENANCY}${kind}`, `The ${kind} objects.`);
}
schemas[`${CORE_KCP}LogicalClusterList`] = b.listSchema('core.kcp.io', 'v1alpha1', 'LogicalCluster', `${CORE_KCP}LogicalCluster`, 'The LogicalCluster objects.');

export const tenancyComponents: OpenApiComponents = Object.freeze({ ...builtinComponents, ...schemas });
