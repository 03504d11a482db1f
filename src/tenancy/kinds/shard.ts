/**
 * core.kcp.io/v1alpha1 Shard: one Atoll process with its own store, hosting many logical clusters
 * (docs/shards.md). Each shard registers its own Shard in root when it starts; the workspace
 * scheduler places new logical clusters on shards chosen by their labels, and a front proxy routes
 * `/clusters/<path>` to the shard that holds the path's logical cluster. Like kcp, Atoll keeps
 * the object cluster-scoped and meaningful in root only; it is served in every workspace as the
 * topology kinds are, and nothing reads it anywhere else.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { builtin, checkSchema, groupResource, kindSchema, type FieldError, type SchemaCheck } from '../../registry/index.js';
import { CORE_KCP, tenancyComponents } from './openapi.js';
import { conditionList } from './workspace.js';

export interface ShardSpec {
  /** Where the shard answers for itself: what the front proxy and other shards connect to. */
  baseURL: string;
  /** What users see in Workspace URLs of logical clusters on this shard (the front proxy's address). */
  externalURL?: string;
  /** Where the shard's virtual workspaces (`/services/...`) are reached. */
  virtualWorkspaceURL?: string;
}

/** kcp's name for the shard `npm start` runs and the one that holds `root`. */
export const ROOT_SHARD = 'root';

const url = z.string().min(1);
const shardSchema = kindSchema({
  spec: z.strictObject({ baseURL: url, externalURL: url.optional(), virtualWorkspaceURL: url.optional() }),
  status: z.strictObject({ capacity: z.record(z.string(), z.union([z.string(), z.number()])).optional(), conditions: conditionList }).optional(),
});

/** kcp's `format: uri`: an absolute http(s) URL, which is what the proxy and other shards dial. */
function urlErrors(value: unknown, field: string): FieldError[] {
  if (value === undefined) return [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(value));
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'https:' || parsed.protocol === 'http:')) return [];
  return [{ type: 'FieldValueInvalid', field, value, detail: 'must be an absolute http or https URL' }];
}

export const specOfShard = (o: KubeObject): ShardSpec => (o.spec ?? {}) as ShardSpec;

function validate(o: KubeObject): SchemaCheck {
  const shape = checkSchema(shardSchema, o);
  if (shape.errors.length > 0) return shape;
  const spec = specOfShard(o);
  const errors = [
    ...urlErrors(spec.baseURL, 'spec.baseURL'),
    ...urlErrors(spec.externalURL, 'spec.externalURL'),
    ...urlErrors(spec.virtualWorkspaceURL, 'spec.virtualWorkspaceURL'),
  ];
  return { errors, unknownFields: shape.unknownFields };
}

/** kcp's defaulting: both other addresses default to the base URL. */
function defaultAddresses(o: KubeObject): void {
  const spec = o.spec as Partial<ShardSpec> | undefined;
  if (!spec || typeof spec.baseURL !== 'string') return;
  spec.externalURL ??= spec.baseURL;
  spec.virtualWorkspaceURL ??= spec.baseURL;
}

export const shards = builtin(
  {
    group: 'core.kcp.io',
    version: 'v1alpha1',
    resource: 'shards',
    kind: 'Shard',
    namespaced: false,
    nameRule: 'subdomain',
    hasStatus: true,
    categories: ['kcp'],
    schema: { name: `${CORE_KCP}Shard`, components: tenancyComponents },
    columns: [
      { name: 'Region', type: 'string', description: 'The region this shard is in', priority: 0, cell: (o) => o.metadata.labels?.region ?? null },
      { name: 'URL', type: 'string', description: 'Where to connect to the shard directly', priority: 0, cell: (o) => specOfShard(o).baseURL ?? null },
      { name: 'External URL', type: 'string', description: 'The URL in Workspace URLs of logical clusters on the shard', priority: 0, cell: (o) => specOfShard(o).externalURL ?? null },
    ],
  },
  { validate, prepareForCreate: defaultAddresses, prepareForUpdate: (o) => defaultAddresses(o) },
);

/** Where Shards are stored (the scheduler and the front proxy watch them in root). */
export const SHARD_RESOURCE = groupResource(shards);
