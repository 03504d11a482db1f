/**
 * How a write moves ownership between managers. Whatever a write adds or modifies leaves every
 * other manager's set (for Update that is silent; for Apply it is a conflict first, unless
 * forced), and whatever it removes leaves every set. Managers left owning nothing are dropped.
 */
import type { Comparison } from './compare.js';
import type { Conflict } from './conflict-error.js';
import type { KubeObject } from '../../meta/index.js';
import { encodeManagedFields, type Managers } from './managers.js';

/** The fields of managers other than `except` that `changes` would change. */
export function conflictsOf(managers: Managers, except: string | undefined, changes: Comparison): Conflict[] {
  const touched = changes.modified.union(changes.added);
  const out: Conflict[] = [];
  for (const [id, owner] of managers) {
    if (id === except) continue;
    const fields = owner.set.intersection(touched);
    if (!fields.isEmpty) out.push({ id, owner, fields });
  }
  return out;
}

/** Takes the changed and removed fields away from every manager but `except`. */
export function releaseChanged(managers: Managers, except: string | undefined, changes: Comparison): void {
  const touched = changes.modified.union(changes.added);
  for (const [id, owner] of [...managers]) {
    if (id === except) continue;
    owner.set = owner.set.difference(touched).difference(changes.removed);
    if (owner.set.isEmpty) managers.delete(id);
  }
}

/** A shallow copy without managedFields: they are never part of what is compared or merged. */
export function withoutManagedFields(o: KubeObject): KubeObject {
  const metadata = { ...o.metadata };
  delete metadata.managedFields;
  return { ...o, metadata };
}

/** Writes `managers` into `o.metadata.managedFields` (omitted when there are none). */
export function storeManagedFields(o: KubeObject, managers: Managers): KubeObject {
  const entries = encodeManagedFields(managers);
  if (entries.length > 0) o.metadata.managedFields = entries;
  else delete o.metadata.managedFields;
  return o;
}
