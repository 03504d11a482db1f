/**
 * The garbage collector's decision about one dependent (Kubernetes' attemptToDeleteItem): look
 * up each owner it references, then
 *
 * - keep it while a live owner remains, dropping references to missing owners and to owners
 *   that wait for their dependents to go (foreground deletion);
 * - otherwise delete it: in the foreground when an owner waits and it has dependents of its own
 *   (so the wait covers the whole subtree), else honouring its own GC finalizers, else Background.
 *
 * Owners whose kind the cluster does not serve, and namespaced owners named by cluster-scoped
 * objects, cannot be looked up; like Kubernetes, nothing is deleted on their account.
 */
import type { KubeObject, OwnerReference } from '../meta/index.js';
import {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  type PropagationPolicy,
  type RequestContext,
  type ResourceType,
} from '../registry/index.js';
import { isDeleting, refOf, type CollectorState, type Item } from './collector-state.js';
import { dropReferences } from './owner-deletion.js';
import { hasReason, rewrite } from './registry-client.js';
import { typeByOwner } from './resource-lookup.js';

type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unresolvable';

export async function checkDependent(
  s: CollectorState,
  ctx: RequestContext,
  t: ResourceType,
  types: readonly ResourceType[],
  item: Item,
  o: KubeObject,
): Promise<void> {
  // Deletion is a one-way trip: wait for it (a foreground one is handled as an owner).
  if (o.metadata.deletionTimestamp) return;
  const refs = o.metadata.ownerReferences ?? [];
  if (refs.length === 0) return;
  const states = await Promise.all(refs.map((r) => ownerState(s, ctx, types, o, r)));
  const uidsIn = (state: OwnerState): string[] => refs.filter((_, i) => states[i] === state).map((r) => r.uid);
  const gone = [...uidsIn('dangling'), ...uidsIn('waiting')];
  if (gone.length < refs.length) {
    if (gone.length > 0) await rewrite(s.registry, ctx, t, refOf(item), (x) => dropReferences(x, new Set(gone)));
    return;
  }
  const finalizers = o.metadata.finalizers ?? [];
  let policy: PropagationPolicy = finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  if (uidsIn('waiting').length > 0 && s.index.hasDependents(ctx.cluster, item.uid)) {
    // If one of its own dependents waits too, stop blocking our owners: a possible cycle
    // (Kubernetes breaks it the same way).
    const cycle = s.index.dependentsOf(ctx.cluster, item.uid).some((d) => s.inForeground(ctx.cluster, d.uid));
    if (cycle) await rewrite(s.registry, ctx, t, refOf(item), unblockOwners);
    policy = 'Foreground';
  }
  try {
    await s.registry.delete(ctx, t, item.key.namespace || undefined, item.key.name, { propagationPolicy: policy, preconditions: { uid: item.uid } });
  } catch (err) {
    if (!hasReason(err, 'NotFound') && !hasReason(err, 'Conflict')) throw err;
  }
}

async function ownerState(s: CollectorState, ctx: RequestContext, types: readonly ResourceType[], dependent: KubeObject, ref: OwnerReference): Promise<OwnerState> {
  const ot = typeByOwner(types, ref);
  if (!ot || (ot.namespaced && !dependent.metadata.namespace)) return 'unresolvable';
  try {
    const owner = await s.registry.get(ctx, ot, ot.namespaced ? dependent.metadata.namespace : undefined, ref.name);
    // A namesake with another uid is not the owner: the owner is gone.
    if (owner.metadata.uid !== ref.uid) return 'dangling';
    return isDeleting(owner, FOREGROUND_FINALIZER) ? 'waiting' : 'solid';
  } catch (err) {
    if (hasReason(err, 'NotFound')) return 'dangling';
    throw err;
  }
}

function unblockOwners(o: KubeObject): KubeObject | undefined {
  const refs = o.metadata.ownerReferences ?? [];
  if (!refs.some((r) => r.blockOwnerDeletion)) return undefined;
  o.metadata.ownerReferences = refs.map((r) => ({ ...r, blockOwnerDeletion: false }));
  return o;
}
