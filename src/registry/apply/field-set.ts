/**
 * A set of field paths stored as a trie, the structure FieldsV1 serialises: at each level the
 * elements that are members themselves, and the elements that lead to deeper members. A path can
 * be both (a list item someone owns, whose fields they own too). Set algebra here is what
 * ownership is computed with; operations return new sets and never share mutable children.
 */
import { compareElements, type Path, type PathElement } from './path-element.js';

interface Child {
  readonly element: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (the empty path is not a field and is ignored). */
  insert(path: Path): void {
    if (path.length === 0) return;
    const parent = path.slice(0, -1).reduce<FieldSet>((node, pe) => node.childFor(pe), this);
    const last = path[path.length - 1] as PathElement;
    parent.members.set(last.id, last);
  }

  private childFor(pe: PathElement): FieldSet {
    let c = this.children.get(pe.id);
    if (!c) {
      c = { element: pe, set: new FieldSet() };
      this.children.set(pe.id, c);
    }
    return c.set;
  }

  /** Whether `path` itself is a member (not merely a prefix of one). */
  has(path: Path): boolean {
    if (path.length === 0) return false;
    const parent = path.slice(0, -1).reduce<FieldSet | undefined>((node, pe) => node?.child(pe), this);
    return !!parent && parent.members.has((path[path.length - 1] as PathElement).id);
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(pe.id);
  }

  /** The paths below `pe`, relative to it (structured-merge-diff's WithPrefix). */
  child(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe.id)?.set;
  }

  get isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty) return false;
    return true;
  }

  /** Adds a member without touching children (used to mark named fields). */
  addMember(pe: PathElement): void {
    this.members.set(pe.id, pe);
  }

  /** Attaches `set` under `pe`, merging with what is there; empty sets are not kept. */
  addChild(pe: PathElement, set: FieldSet): void {
    if (set.isEmpty) return;
    const existing = this.children.get(pe.id);
    this.children.set(pe.id, { element: pe, set: existing ? existing.set.union(set) : set });
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const [id, pe] of other.members) out.members.set(id, pe);
    for (const c of other.children.values()) out.addChild(c.element, c.set.copy());
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (other.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const o = other.children.get(id);
      if (o) out.addChild(c.element, c.set.intersection(o.set));
    }
    return out;
  }

  /** Removes exactly the members of `other`; deeper paths of a removed member stay. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!other.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const o = other.children.get(id);
      out.addChild(c.element, o ? c.set.difference(o.set) : c.set.copy());
    }
    return out;
  }

  /** Removes the members of `other` and everything below them. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!other.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      if (other.members.has(id)) continue;
      const o = other.children.get(id);
      out.addChild(c.element, o ? c.set.recursiveDifference(o.set) : c.set.copy());
    }
    return out;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, c] of this.children) if (!c.set.isEmpty) out.children.set(id, { element: c.element, set: c.set.copy() });
    return out;
  }

  /** Members in Kubernetes order. */
  sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(compareElements);
  }

  /** Non-empty children in Kubernetes order. */
  sortedChildren(): Child[] {
    return [...this.children.values()].filter((c) => !c.set.isEmpty).sort((a, b) => compareElements(a.element, b.element));
  }

  /** Every member path, in the order Kubernetes lists them: a level's members, then its children's. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.sortedMembers().map((pe) => [...prefix, pe]);
    for (const c of this.sortedChildren()) out.push(...c.set.paths([...prefix, c.element]));
    return out;
  }
}
