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
import { hardOf, WORKSPACE_QUOTA, type QuotaLimits } from './limits.js';

const FIELD = `metadata.annotations[${WORKSPACE_QUOTA_ANNOTATION}]`;

/** The workspace quota a LogicalCluster carries, or undefined (none, or one validation would refuse). */
export function workspaceLimits(lc: KubeObject): QuotaLimits | undefined {
  const text = lc.metadata.annotations?.[WORKSPACE_QUOTA_ANNOTATION];
  if (text === undefined) return undefined;
  const parsed = parseHard(text);
  if (!parsed.ok) return undefined;
  return { name: WORKSPACE_QUOTA, namespace: undefined, hard: hardOf(parsed.hard), scoped: false };
}

function parseHard(text: string): { ok: true; hard: Record<string, unknown> } | { ok: false; errors: FieldError[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ type: 'FieldValueInvalid', field: FIELD, value: text, detail: 'must be a JSON object of quota resource names to quantities' }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [{ type: 'FieldValueInvalid', field: FIELD, value: text, detail: 'must be a JSON object of quota resource names to quantities' }] };
  }
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
  const now = object.metadata.annotations?.[WORKSPACE_QUOTA_ANNOTATION];
  const before = oldObject?.metadata.annotations?.[WORKSPACE_QUOTA_ANNOTATION];
  if (now === before) return;
  if (isCluster && !privileged(request)) {
    throw errors.forbidden(logicalClusters, LOGICAL_CLUSTER_NAME, `only the platform's administrators may change the workspace quota (${WORKSPACE_QUOTA_ANNOTATION})`);
  }
  // The scheduler copies a type's value, checked when the type was written (else ignored, see workspaceLimits).
  if (now === undefined || (isCluster && isSystem(request.context))) return;
  const parsed = parseHard(now);
  if (!parsed.ok) throw errors.invalid(type, object.metadata.name ?? '', parsed.errors);
}
