/**
 * The workspace's own quota: limits on the objects of one logical cluster as a whole — every
 * namespace, cluster-scoped objects, bound resources — kept on its LogicalCluster, where the
 * workspace's admins cannot lift it: only privileged users (system:masters, system:kcp:admin: the
 * platform) may set, change or remove it. A WorkspaceType's annotation is the default the
 * scheduler copies to each new workspace of that type.
 */
import { ADMIN_GROUP } from '../../auth/index.js';
import type { KubeObject } from '../../meta/index.js';
import { errors, isSystem, readQuantity, SYSTEM_MASTERS, validateQuotaQuantity, validateQuotaResourceName, type AdmissionRequest, type FieldError } from '../../registry/index.js';
import { LOGICAL_CLUSTER_NAME, logicalClusters, WORKSPACE_QUOTA_ANNOTATION, workspaceTypes } from '../../tenancy/index.js';
import { hardOf, TOTAL_OBJECTS, WORKSPACE_QUOTA, type QuotaLimits } from './limits.js';

const FIELD = `metadata.annotations[${WORKSPACE_QUOTA_ANNOTATION}]`;

/**
 * kcp's limit on the total number of objects of a logical cluster (every resource but events),
 * on its LogicalCluster; 0 or less, or absent: no limit.
 */
export const MAX_TOTAL_OBJECTS_ANNOTATION = 'core.kcp.io/max-total-objects';

/** The workspace quota a LogicalCluster carries, or undefined (none, or one validation would refuse). */
export function workspaceLimits(lc: KubeObject): QuotaLimits | undefined {
  const annotations = lc.metadata.annotations ?? {};
  const text = annotations[WORKSPACE_QUOTA_ANNOTATION];
  const parsed = text === undefined ? undefined : parseHard(text);
  const hard = parsed?.ok ? hardOf(parsed.hard) : new Map<string, bigint>();
  const total = maxTotal(annotations[MAX_TOTAL_OBJECTS_ANNOTATION]);
  if (total !== undefined && total > 0n) hard.set(TOTAL_OBJECTS, total);
  if (hard.size === 0) return undefined;
  return { name: WORKSPACE_QUOTA, namespace: undefined, hard, scoped: false };
}

/** The limit an annotation value says (an integer, as kcp parses it), or undefined when it is none. */
function maxTotal(text: string | undefined): bigint | undefined {
  return text !== undefined && /^[+-]?\d{1,18}$/.test(text.trim()) ? BigInt(text.trim()) : undefined;
}

function parseHard(text: string): { ok: true; hard: Record<string, unknown> } | { ok: false; errors: FieldError[] } {
  const notAList = { ok: false as const, errors: [{ type: 'FieldValueInvalid' as const, field: FIELD, value: text, detail: 'must be a JSON object of quota resource names to quantities' }] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return notAList;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return notAList;
  const hard = value as Record<string, unknown>;
  const errs: FieldError[] = [];
  for (const [name, raw] of Object.entries(hard)) {
    const at = `${FIELD}[${name}]`;
    errs.push(...validateQuotaResourceName(name, at));
    const read = readQuantity(raw, at);
    errs.push(...read.errors);
    if (read.quantity) errs.push(...validateQuotaQuantity(name, read.quantity, at));
  }
  return errs.length ? { ok: false, errors: errs } : { ok: true, hard };
}

const privileged = (request: AdmissionRequest): boolean => {
  const groups = request.context.user?.groups ?? [];
  return groups.includes(SYSTEM_MASTERS) || groups.includes(ADMIN_GROUP);
};

/**
 * Refuses a change of the workspace quota by anyone but the platform (Forbidden), and a value
 * that is not a valid resource list (Invalid), on LogicalClusters and on WorkspaceTypes (whose
 * value becomes a workspace's quota).
 */
export function guardWorkspaceQuota(request: AdmissionRequest): void {
  const { operation, type, object, oldObject } = request;
  if (operation === 'DELETE' || !object || request.subresource) return;
  const isCluster = type === logicalClusters;
  if (!isCluster && type !== workspaceTypes) return;
  const annotation = (o: KubeObject | undefined, name: string): string | undefined => o?.metadata.annotations?.[name];
  if (isCluster && annotation(object, MAX_TOTAL_OBJECTS_ANNOTATION) !== annotation(oldObject, MAX_TOTAL_OBJECTS_ANNOTATION)) {
    if (!privileged(request)) {
      throw errors.forbidden(logicalClusters, LOGICAL_CLUSTER_NAME, `only the platform's administrators may change the workspace quota (${MAX_TOTAL_OBJECTS_ANNOTATION})`);
    }
    const value = annotation(object, MAX_TOTAL_OBJECTS_ANNOTATION);
    if (value !== undefined && maxTotal(value) === undefined) {
      const field = `metadata.annotations[${MAX_TOTAL_OBJECTS_ANNOTATION}]`;
      throw errors.invalid(type, object.metadata.name ?? '', [{ type: 'FieldValueInvalid', field, value, detail: 'must be an integer' }]);
    }
  }
  const now = annotation(object, WORKSPACE_QUOTA_ANNOTATION);
  const before = annotation(oldObject, WORKSPACE_QUOTA_ANNOTATION);
  if (now === before) return;
  if (isCluster && !privileged(request)) {
    throw errors.forbidden(logicalClusters, LOGICAL_CLUSTER_NAME, `only the platform's administrators may change the workspace quota (${WORKSPACE_QUOTA_ANNOTATION})`);
  }
  // The scheduler copies a type's value, checked when the type was written (else ignored, see workspaceLimits).
  if (now === undefined || (isCluster && isSystem(request.context))) return;
  const parsed = parseHard(now);
  if (!parsed.ok) throw errors.invalid(type, object.metadata.name ?? '', parsed.errors);
}
