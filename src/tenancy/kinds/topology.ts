/**
 * topology.kcp.io/v1alpha1 Partition and PartitionSet: named sets of shards (by shard labels) that
 * an APIExportEndpointSlice can restrict its endpoints to. kcp serves them through root's
 * `topology.kcp.io` export; Atoll serves them as built-ins in every workspace and binds that export
 * in each new workspace only so the binding is there, as kcp-aware tools expect (docs/ARCHITECTURE.md,
 * "System exports"). With one shard there is nothing to partition: they are stored, not acted on.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { builtin, checkSchema, groupResource, kindSchema, labelSelectorSchema, validateLabelSelector, type FieldError, type SchemaCheck } from '../../registry/index.js';
import { tenancyComponents, TOPOLOGY } from './openapi.js';
import { conditionList } from './workspace.js';

export const TOPOLOGY_GROUP = 'topology.kcp.io';

const partitionSchema = kindSchema({ spec: z.strictObject({ selector: labelSelectorSchema.nullable().optional() }).optional() });
const partitionSetSchema = kindSchema({
  spec: z.strictObject({ dimensions: z.array(z.string()).nullable().optional(), shardSelector: labelSelectorSchema.nullable().optional() }),
  status: z.strictObject({ count: z.number().int().optional(), conditions: conditionList }).optional(),
});

/** The shape first; then the selector's own rules at its field path. */
function checked(shape: SchemaCheck, selector: unknown, at: string): SchemaCheck {
  if (shape.errors.length > 0 || !selector) return shape;
  const errors: FieldError[] = validateLabelSelector(selector as Parameters<typeof validateLabelSelector>[0], at);
  return { errors, unknownFields: shape.unknownFields };
}

const specOf = (o: KubeObject): Record<string, unknown> => (o.spec ?? {}) as Record<string, unknown>;

export const partitions = builtin(
  {
    group: TOPOLOGY_GROUP,
    version: 'v1alpha1',
    resource: 'partitions',
    kind: 'Partition',
    namespaced: false,
    nameRule: 'subdomain',
    hasStatus: false,
    categories: ['kcp'],
    schema: { name: `${TOPOLOGY}Partition`, components: tenancyComponents },
  },
  { validate: (o) => checked(checkSchema(partitionSchema, o), specOf(o).selector, 'spec.selector') },
);

export const partitionSets = builtin(
  {
    group: TOPOLOGY_GROUP,
    version: 'v1alpha1',
    resource: 'partitionsets',
    kind: 'PartitionSet',
    namespaced: false,
    nameRule: 'subdomain',
    hasStatus: true,
    categories: ['kcp'],
    schema: { name: `${TOPOLOGY}PartitionSet`, components: tenancyComponents },
    columns: [{ name: 'Count', type: 'string', description: 'How many partitions the set has.', priority: 0, cell: (o) => (o.status as { count?: number } | undefined)?.count ?? null }],
  },
  { validate: (o) => checked(checkSchema(partitionSetSchema, o), specOf(o).shardSelector, 'spec.shardSelector') },
);

/** Where partitions are stored (controllers watch them). */
export const PARTITION_RESOURCE = groupResource(partitions);
