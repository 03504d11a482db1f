/**
 * The informer's local cache: objects indexed by workspace (logical cluster), then namespace,
 * then name, so a controller reads one consumer's or one namespace's objects without scanning
 * every consumer's. An emptied namespace or workspace is dropped, so a consumer that no longer
 * holds objects costs nothing.
 */
import { keyOf, type KubeObject, type ObjectKey } from './types.js';

export class ObjectCache<T extends KubeObject> {
  private readonly byWorkspace = new Map<string, Map<string, Map<string, T>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Workspaces holding at least one object. */
  workspaces(): IterableIterator<string> {
    return this.byWorkspace.keys();
  }

  get(key: ObjectKey): T | undefined {
    return this.byWorkspace.get(key.workspace)?.get(key.namespace)?.get(key.name);
  }

  /** Objects of one workspace (and namespace), or of all. */
  *list(where: { workspace?: string; namespace?: string } = {}): IterableIterator<T> {
    const workspaces = where.workspace === undefined ? this.byWorkspace.values() : [this.byWorkspace.get(where.workspace)].filter((w) => w !== undefined);
    for (const ws of workspaces) {
      const namespaces = where.namespace === undefined ? ws.values() : [ws.get(where.namespace)].filter((n) => n !== undefined);
      for (const ns of namespaces) yield* ns.values();
    }
  }

  /** Stores the object; returns the one it replaced. */
  set(o: T): T | undefined {
    const k = keyOf(o);
    let ws = this.byWorkspace.get(k.workspace);
    if (!ws) this.byWorkspace.set(k.workspace, (ws = new Map()));
    let ns = ws.get(k.namespace);
    if (!ns) ws.set(k.namespace, (ns = new Map()));
    const old = ns.get(k.name);
    ns.set(k.name, o);
    if (!old) this.count++;
    return old;
  }

  /** Removes the object at `key`; returns it. */
  delete(key: ObjectKey): T | undefined {
    const ws = this.byWorkspace.get(key.workspace);
    const ns = ws?.get(key.namespace);
    const old = ns?.get(key.name);
    if (!ws || !ns || !old) return undefined;
    ns.delete(key.name);
    this.count--;
    if (ns.size === 0) ws.delete(key.namespace);
    if (ws.size === 0) this.byWorkspace.delete(key.workspace);
    return old;
  }
}
