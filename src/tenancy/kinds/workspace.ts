/**
 * tenancy.kcp.io/v1alpha1 Workspace (short name `ws`), cluster-scoped in its parent. Creating
 * one names a new logical cluster (random, stable forever) and starts scheduling it; the type is
 * defaulted by admission (it depends on the parent's type) and then immutable; the system owns
 * `spec.cluster`, `spec.URL` and status. A finalizer holds the Workspace until its logical
 * cluster's content is gone, which frees the path.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isPlainObject, type KubeObject } from '../../meta/index.js';
import { builtin, checkSchema, groupResource, kindSchema, type FieldError } from '../../registry/index.js';
import { tenancyComponents, TENANCY } from './openapi.js';

export const WORKSPACE_FINALIZER = 'tenancy.kcp.io/logicalcluster';
/**
 * Phases of a Workspace and its LogicalCluster: Scheduling → Initializing → Ready on the way in;
 * on the way out Terminating (terminators still to finish) → Deleting (content being removed).
 */
export const PHASES = ['Scheduling', 'Initializing', 'Ready', 'Unavailable', 'Terminating', 'Deleting'] as const;
export type Phase = (typeof PHASES)[number];

export interface TypeReference {
  name: string;
  path?: string;
}

/**
 * The shard a Workspace's logical cluster was placed on (kcp's annotation of the same name), set
 * by the scheduler before it creates the LogicalCluster there; users cannot set it.
 */
export const SHARD_ANNOTATION = 'internal.tenancy.kcp.io/shard';

export interface WorkspaceSpec {
  type?: TypeReference;
  cluster?: string;
  URL?: string;
  location?: unknown;
}

export interface WorkspaceStatus {
  phase?: Phase;
  initializers?: string[];
  terminators?: string[];
  conditions?: unknown[];
}

export const typeReference = z.strictObject({ name: z.string().min(1), path: z.string().optional() });
export const conditionList = z.array(z.record(z.string(), z.unknown())).nullable().optional();
export const phase = z.enum(PHASES);

const schema = kindSchema({
  spec: z
    .strictObject({
      type: typeReference.optional(),
      cluster: z.string().optional(),
      URL: z.string().optional(),
      location: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  status: z
    .strictObject({
      phase: phase.optional(),
      initializers: z.array(z.string()).nullable().optional(),
      terminators: z.array(z.string()).nullable().optional(),
      conditions: conditionList,
    })
    .optional(),
});

const BASE36 = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A logical cluster name as kcp makes them: 16 random base36 characters, starting with a letter-or-digit. */
export function newClusterName(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += BASE36[b % 36];
  return out;
}

export const specOf = (o: KubeObject): WorkspaceSpec => (o.spec ?? {}) as WorkspaceSpec;
export const statusOf = (o: KubeObject): WorkspaceStatus => (o.status ?? {}) as WorkspaceStatus;

function prepareForCreate(o: KubeObject): void {
  // Runs before validation: a spec that is no object is left for it to refuse, not spread into one.
  if (!isPlainObject(o.spec ?? {})) return;
  const spec = specOf(o);
  // The system names the logical cluster; a client-supplied name would let it claim another's.
  o.spec = { ...spec, cluster: newClusterName() };
  delete (o.spec as WorkspaceSpec).URL;
  o.status = { phase: 'Scheduling' };
  const finalizers = o.metadata.finalizers ?? [];
  if (!finalizers.includes(WORKSPACE_FINALIZER)) o.metadata.finalizers = [...finalizers, WORKSPACE_FINALIZER];
}

/**
 * The cluster never changes. A body without `spec.URL` (a client replacing the object from its own
 * manifest) keeps the stored one; changing it is left to admission, which lets only the system.
 */
function prepareForUpdate(o: KubeObject, old: KubeObject): void {
  const spec = specOf(o);
  const was = specOf(old);
  o.spec = { ...spec, cluster: was.cluster };
  if (spec.URL === undefined && was.URL !== undefined) (o.spec as WorkspaceSpec).URL = was.URL;
  // Likewise the shard it was placed on (admission refuses a change by anyone but the scheduler).
  const shard = old.metadata.annotations?.[SHARD_ANNOTATION];
  if (shard !== undefined && o.metadata.annotations?.[SHARD_ANNOTATION] === undefined) o.metadata.annotations = { ...o.metadata.annotations, [SHARD_ANNOTATION]: shard };
}

/** The phase a workspace or logical cluster shows once its deletion has begun. */
export function deletingPhase(status: { terminators?: string[] | null }): Phase {
  return (status.terminators ?? []).length > 0 ? 'Terminating' : 'Deleting';
}

function markDeleting(o: KubeObject): void {
  const status = statusOf(o);
  o.status = { ...status, phase: deletingPhase(status) };
}

function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const a = specOf(o).type;
  const b = specOf(old).type;
  if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) {
    return [{ type: 'FieldValueInvalid', field: 'spec.type', value: a, detail: 'field is immutable' }];
  }
  return [];
}

export const workspaces = builtin(
  {
    group: 'tenancy.kcp.io',
    version: 'v1alpha1',
    resource: 'workspaces',
    kind: 'Workspace',
    namespaced: false,
    nameRule: 'label',
    hasStatus: true,
    shortNames: ['ws'],
    categories: ['kcp'],
    schema: { name: `${TENANCY}Workspace`, components: tenancyComponents },
    columns: [
      { name: 'Type', type: 'string', description: 'The workspace type.', priority: 0, cell: (o) => specOf(o).type?.name ?? '' },
      { name: 'Region', type: 'string', description: 'The region label of the workspace.', priority: 0, cell: (o) => o.metadata.labels?.region ?? '' },
      { name: 'Phase', type: 'string', description: 'The workspace phase.', priority: 0, cell: (o) => statusOf(o).phase ?? '' },
      { name: 'URL', type: 'string', description: 'Where the workspace is served.', priority: 0, cell: (o) => specOf(o).URL ?? '' },
    ],
  },
  { validate: (o) => checkSchema(schema, o), prepareForCreate, prepareForUpdate, validateUpdate, markDeleting },
);

/** The storage key's resource part of Workspace objects. */
export const WORKSPACE_RESOURCE = groupResource(workspaces);
