/**
 * The status conditions a terminating Namespace shows (`kubectl describe ns`), with the types,
 * reasons and messages of Kubernetes' namespace deleter (status_condition_utils.go), so tools
 * that read them keep working. Every maintained type is always present: True with the problem,
 * or False with its "all good" wording. `lastTransitionTime` moves only when `status` flips.
 */
import { rfc3339 } from '../meta/index.js';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** What one deletion pass found, per Kubernetes' allGVRDeletionMetadata and error lists. */
export interface DeletionReport {
  /** The API set could not be read. */
  discoveryError?: string;
  /** Failures to list or delete, one message per resource type. */
  contentErrors: string[];
  /** Objects left, by group-resource (`configmaps`, `widgets.example.com`). */
  remainingByResource: Map<string, number>;
  /** Objects left, by finalizer they still carry. */
  remainingByFinalizer: Map<string, number>;
}

const OK: Record<string, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
};

/** Kubernetes prints a GroupVersionResource as `resource.group` (`configmaps.` for the core group). */
function resourceDotGroup(groupResource: string): string {
  const dot = groupResource.indexOf('.');
  return dot < 0 ? `${groupResource}.` : groupResource;
}

function problems(report: DeletionReport): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  if (report.discoveryError !== undefined) {
    out.set('NamespaceDeletionDiscoveryFailure', { reason: 'DiscoveryFailed', message: report.discoveryError });
  }
  if (report.contentErrors.length > 0) {
    const msgs = [...report.contentErrors].sort();
    out.set('NamespaceDeletionContentFailure', {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`,
    });
  }
  const resources = [...report.remainingByResource]
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${resourceDotGroup(r)} has ${n} resource instances`)
    .sort();
  if (resources.length > 0) {
    out.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.join(', ')}` });
  }
  const finalizers = [...report.remainingByFinalizer]
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${f} in ${n} resource instances`)
    .sort();
  if (finalizers.length > 0) {
    out.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizerRemain', message: `Some finalizers are remaining: ${finalizers.join(', ')}` });
  }
  return out;
}

/**
 * The namespace's conditions after a pass: other condition types are kept, maintained ones are
 * added or updated. Returns undefined when nothing changed (so no write is needed).
 */
export function updateConditions(existing: readonly NamespaceCondition[], report: DeletionReport, now: Date): NamespaceCondition[] | undefined {
  const found = problems(report);
  const out = existing.map((c) => ({ ...c }));
  let changed = false;
  for (const [type, ok] of Object.entries(OK)) {
    const problem = found.get(type);
    const wanted = { status: problem ? ('True' as const) : ('False' as const), ...(problem ?? ok) };
    const old = out.find((c) => c.type === type);
    if (!old) {
      out.push({ type, lastTransitionTime: rfc3339(now), ...wanted });
      changed = true;
    } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
      if (old.status !== wanted.status) old.lastTransitionTime = rfc3339(now);
      Object.assign(old, wanted);
      changed = true;
    }
  }
  return changed ? out : undefined;
}
