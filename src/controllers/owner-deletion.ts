/**
 * The garbage collector's work on an owner being deleted with a GC finalizer:
 *
 * - `orphan`: remove the owner's reference from every dependent, then the finalizer (the
 *   registry deletes the owner when it was the last);
 * - `foregroundDeletion`: while dependents that block owner deletion remain, queue all
 *   dependents for deletion (blocking ones first) and wait — each dependent that goes wakes the
 *   owner again; when none block any more, remove the finalizer.
 */
import type { KubeObject } from '../meta/index.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type RequestContext, type ResourceType } from '../registry/index.js';
import { isDeleting, refOf, type CollectorState, type Item } from './collector-state.js';
import type { Dependent } from './owner-index.js';
import { rewrite, withoutFinalizer } from './registry-client.js';
import { typeByResource } from './resource-lookup.js';

/** Dependents rewritten together while orphaning. */
const BATCH = 64;

export async function processOwner(
  s: CollectorState,
  ctx: RequestContext,
  t: ResourceType,
  types: readonly ResourceType[],
  owner: Item,
  current: KubeObject,
): Promise<void> {
  if (isDeleting(current, ORPHAN_FINALIZER)) {
    await orphanDependents(s, ctx, types, owner);
    await rewrite(s.registry, ctx, t, refOf(owner), withoutFinalizer(ORPHAN_FINALIZER));
    return;
  }
  if (!isDeleting(current, FOREGROUND_FINALIZER)) return;
  const dependents = s.index.dependentsOf(ctx.cluster, owner.uid);
  const blocking = dependents.filter((d) => d.owners.some((o) => o.uid === owner.uid && o.blockOwnerDeletion));
  if (blocking.length === 0) {
    await rewrite(s.registry, ctx, t, refOf(owner), withoutFinalizer(FOREGROUND_FINALIZER));
    return;
  }
  const rest = dependents.filter((d) => !blocking.includes(d));
  for (const d of [...blocking, ...rest]) {
    // A dependent that waits for its own dependents makes progress as an owner already.
    if (!s.inForeground(ctx.cluster, d.uid)) s.enqueue({ role: 'dependent', key: d.key, uid: d.uid });
  }
}

async function orphanDependents(s: CollectorState, ctx: RequestContext, types: readonly ResourceType[], owner: Item): Promise<void> {
  const dependents = s.index.dependentsOf(ctx.cluster, owner.uid);
  const orphan = async (d: Dependent): Promise<void> => {
    const dt = typeByResource(types, d.key.resource);
    if (dt) await rewrite(s.registry, ctx, dt, refOf(d), (o) => dropReferences(o, new Set([owner.uid])));
  };
  for (let i = 0; i < dependents.length; i += BATCH) await Promise.all(dependents.slice(i, i + BATCH).map(orphan));
}

/** Removes the references to the given owner uids; undefined when there were none. */
export function dropReferences(o: KubeObject, uids: ReadonlySet<string>): KubeObject | undefined {
  const refs = o.metadata.ownerReferences ?? [];
  const kept = refs.filter((r) => !uids.has(r.uid));
  if (kept.length === refs.length) return undefined;
  if (kept.length > 0) o.metadata.ownerReferences = kept;
  else delete o.metadata.ownerReferences;
  return o;
}
