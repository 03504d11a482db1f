/**
 * core.kcp.io/v1alpha1 LogicalCluster: the singleton `cluster` in every logical cluster, carrying
 * its path (`kcp.io/path`), its type, its owner Workspace, and its phase with the initializers it
 * still waits for. Initializing → Ready; on deletion Terminating → Deleting, after which the
 * whole logical cluster (this object included) is purged. A delete request never removes the
 * object by itself: it only starts that sequence.
 */
import { z } from 'zod';
import { deepEqual, type KubeObject } from '../../meta/index.js';
import type { ObjectKey } from '../../storage/index.js';
import { builtin, checkSchema, groupResource, kindSchema, type FieldError } from '../../registry/index.js';
import { CORE_KCP, tenancyComponents } from './openapi.js';
import { conditionList, deletingPhase, phase, type Phase } from './workspace.js';

export const LOGICAL_CLUSTER_NAME = 'cluster';
export const PATH_ANNOTATION = 'kcp.io/path';
/** The logical cluster's workspace type, as `<path>:<name>` (root's is `root:root`). */
export const TYPE_ANNOTATION = 'internal.tenancy.kcp.io/type';
/**
 * Who created the workspace, as kcp records it on the Workspace and its LogicalCluster: JSON
 * `{"username":"…","uid":"…"}`. Set by admission from the authenticated user, never by the client.
 */
export const OWNER_ANNOTATION = 'experimental.tenancy.kcp.io/owner';
/**
 * The workspace's own quota (docs/admission.md): JSON `{"count/configmaps":"100",…}` on its
 * LogicalCluster, which only privileged users may change; on a WorkspaceType, the default copied
 * to the LogicalCluster of every workspace of that type when it is created.
 */
export const WORKSPACE_QUOTA_ANNOTATION = 'quota.atoll.io/workspace-hard';
/** The ClusterRoleBinding that makes the creator cluster-admin inside the new workspace (kcp's name). */
export const OWNER_BINDING = 'workspace-admin';

export interface WorkspaceOwner {
  username: string;
  uid?: string;
}

/** The owner an annotation value names, or undefined when absent or malformed. */
export function ownerOf(object: KubeObject): WorkspaceOwner | undefined {
  const text = object.metadata.annotations?.[OWNER_ANNOTATION];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { username?: unknown; uid?: unknown };
    if (typeof v.username !== 'string' || v.username === '') return undefined;
    return { username: v.username, ...(typeof v.uid === 'string' && v.uid ? { uid: v.uid } : {}) };
  } catch {
    return undefined;
  }
}

export interface LogicalClusterSpec {
  owner?: { apiVersion: string; resource: string; name: string; cluster: string; UID: string };
  initializers?: string[];
  terminators?: string[];
  directlyDeletable?: boolean;
}

export interface LogicalClusterStatus {
  phase?: Phase;
  URL?: string;
  initializers?: string[];
  terminators?: string[];
  conditions?: unknown[];
}

const schema = kindSchema({
  spec: z
    .strictObject({
      owner: z.strictObject({ apiVersion: z.string(), resource: z.string(), name: z.string(), cluster: z.string(), UID: z.string() }).optional(),
      initializers: z.array(z.string()).nullable().optional(),
      terminators: z.array(z.string()).nullable().optional(),
      directlyDeletable: z.boolean().optional(),
    })
    .optional(),
  status: z
    .strictObject({
      phase: phase.optional(),
      URL: z.string().optional(),
      initializers: z.array(z.string()).nullable().optional(),
      terminators: z.array(z.string()).nullable().optional(),
      conditions: conditionList,
    })
    .optional(),
});

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (o.metadata.name !== undefined && o.metadata.name !== LOGICAL_CLUSTER_NAME) {
    const err: FieldError = { type: 'FieldValueInvalid', field: 'metadata.name', value: o.metadata.name, detail: `must be "${LOGICAL_CLUSTER_NAME}"` };
    check.errors.push(err);
  }
  return check;
}

/** The status starts from the spec: every initializer and terminator still has to run. */
function prepareForCreate(o: KubeObject): void {
  const spec = lcSpecOf(o);
  o.status = { phase: 'Initializing', initializers: [...(spec.initializers ?? [])], terminators: [...(spec.terminators ?? [])] };
}

/** Fields that say where the logical cluster sits and who owns it: resolution and type rules rely on them. */
function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of [PATH_ANNOTATION, TYPE_ANNOTATION]) {
    const was = old.metadata.annotations?.[key];
    const now = o.metadata.annotations?.[key];
    if (was !== undefined && now !== was) {
      errs.push({ type: 'FieldValueInvalid', field: `metadata.annotations[${key}]`, value: now, detail: 'field is immutable' });
    }
  }
  // Compared as values: a client's full update writes the owner back with its keys in its own order.
  if (!deepEqual(lcSpecOf(o).owner ?? null, lcSpecOf(old).owner ?? null)) errs.push({ type: 'FieldValueInvalid', field: 'spec.owner', value: lcSpecOf(o).owner, detail: 'field is immutable' });
  return errs;
}

function markDeleting(o: KubeObject): void {
  const status = lcStatusOf(o);
  o.status = { ...status, phase: deletingPhase(status) };
}

export const lcSpecOf = (o: KubeObject): LogicalClusterSpec => (o.spec ?? {}) as LogicalClusterSpec;
export const lcStatusOf = (o: KubeObject): LogicalClusterStatus => (o.status ?? {}) as LogicalClusterStatus;

export const logicalClusters = builtin(
  {
    group: 'core.kcp.io',
    version: 'v1alpha1',
    resource: 'logicalclusters',
    kind: 'LogicalCluster',
    namespaced: false,
    nameRule: 'label',
    hasStatus: true,
    categories: ['kcp'],
    schema: { name: `${CORE_KCP}LogicalCluster`, components: tenancyComponents },
    columns: [
      { name: 'Phase', type: 'string', description: 'The phase.', priority: 0, cell: (o) => lcStatusOf(o).phase ?? '' },
      { name: 'URL', type: 'string', description: 'Where it is served.', priority: 0, cell: (o) => lcStatusOf(o).URL ?? '' },
    ],
  },
  { validate, prepareForCreate, validateUpdate, markDeleting, holdsDeletion: () => true },
);

/** The storage key's resource part of LogicalCluster objects. */
export const LOGICAL_CLUSTER_RESOURCE = groupResource(logicalClusters);

/** The storage key of a logical cluster's LogicalCluster: it exists exactly while the cluster does. */
export const logicalClusterKey = (cluster: string): ObjectKey => ({ cluster, resource: LOGICAL_CLUSTER_RESOURCE, namespace: '', name: LOGICAL_CLUSTER_NAME });
