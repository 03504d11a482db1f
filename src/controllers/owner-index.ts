/**
 * The garbage collector's in-memory index: owner uid → dependents, holding only objects that
 * have ownerReferences. Kubernetes' collector keeps a graph node for every object of every
 * resource; here an object without owner references (most ConfigMaps, Secrets, Namespaces, ...)
 * costs nothing, and an owner appears only as a key. Memory is proportional to the number of
 * objects with owner references, at roughly their storage key plus ~60 bytes per reference
 * (a few hundred bytes per dependent): a million dependents stay in the low hundreds of MiB,
 * ten thousand idle workspaces without any add nothing.
 *
 * Everything is keyed by (logical cluster, uid): an owner reference can only point into its own
 * logical cluster, and a client could write another cluster's uid into one, so uids alone must
 * not connect clusters.
 */
import type { KubeObject } from '../meta/index.js';
import type { ObjectKey } from '../storage/index.js';

/** One owner reference as the index needs it. */
export interface OwnerLink {
  uid: string;
  blockOwnerDeletion: boolean;
}

export interface Dependent {
  key: ObjectKey;
  uid: string;
  owners: readonly OwnerLink[];
}

export interface IndexChange {
  /** Owner uids the object newly refers to. */
  readonly added: readonly string[];
  /** Owner uids it no longer refers to. */
  readonly removed: readonly string[];
}

const NO_CHANGE: IndexChange = { added: [], removed: [] };

export const uidKey = (cluster: string, uid: string): string => `${cluster}/${uid}`;

function linksOf(object: KubeObject): OwnerLink[] {
  return (object.metadata.ownerReferences ?? []).map((r) => ({ uid: r.uid, blockOwnerDeletion: r.blockOwnerDeletion === true }));
}

export class OwnerIndex {
  /** (cluster, dependent uid) → dependent. */
  private readonly dependents = new Map<string, Dependent>();
  /** (cluster, owner uid) → (cluster, dependent uid) keys. */
  private readonly byOwner = new Map<string, Set<string>>();

  get size(): number {
    return this.dependents.size;
  }

  /** Records an object's current owner references (forgetting it when it has none). */
  set(key: ObjectKey, object: KubeObject): IndexChange {
    const uid = object.metadata.uid ?? '';
    const id = uidKey(key.cluster, uid);
    const before = this.dependents.get(id);
    // The common case, on every write to the store: no references, before or now.
    if (!before && !object.metadata.ownerReferences?.length) return NO_CHANGE;
    const owners = linksOf(object);
    const was = new Set(before?.owners.map((o) => o.uid));
    const now = new Set(owners.map((o) => o.uid));
    const change: IndexChange = { added: [...now].filter((u) => !was.has(u)), removed: [...was].filter((u) => !now.has(u)) };
    for (const u of change.removed) this.unlink(key.cluster, u, id);
    for (const u of change.added) {
      const k = uidKey(key.cluster, u);
      let set = this.byOwner.get(k);
      if (!set) this.byOwner.set(k, (set = new Set()));
      set.add(id);
    }
    if (owners.length === 0) this.dependents.delete(id);
    else this.dependents.set(id, { key: { ...key }, uid, owners });
    return change;
  }

  /** Forgets a deleted object; returns what it was as a dependent, if it was one. */
  remove(cluster: string, uid: string): Dependent | undefined {
    const id = uidKey(cluster, uid);
    const before = this.dependents.get(id);
    if (!before) return undefined;
    for (const o of before.owners) this.unlink(cluster, o.uid, id);
    this.dependents.delete(id);
    return before;
  }

  dependentsOf(cluster: string, ownerUid: string): Dependent[] {
    const ids = this.byOwner.get(uidKey(cluster, ownerUid));
    if (!ids) return [];
    return [...ids].map((id) => this.dependents.get(id)).filter((d): d is Dependent => d !== undefined);
  }

  hasDependents(cluster: string, ownerUid: string): boolean {
    return this.byOwner.has(uidKey(cluster, ownerUid));
  }

  all(): IterableIterator<Dependent> {
    return this.dependents.values();
  }

  private unlink(cluster: string, ownerUid: string, id: string): void {
    const k = uidKey(cluster, ownerUid);
    const set = this.byOwner.get(k);
    if (!set) return;
    set.delete(id);
    if (set.size === 0) this.byOwner.delete(k);
  }
}
