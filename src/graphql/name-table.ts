/**
 * Keeps the names of one compiled schema unique. The naming rules (names.ts) are pure functions
 * and do not collide for any real API; this table catches the contrived cases that remain (groups
 * `a-b.io` and `a.b.io`, a kind named `WorkspaceSpec` next to Workspace's spec) so that compiling
 * never fails: the first claimant in the compiler's fixed order keeps the preferred name, later
 * ones get their fallback, then a numeric suffix. Each collision is reported, as it may rename a
 * type when an API set grows.
 */
export class NameTable {
  private readonly owners = new Map<string, string>();
  private readonly names = new Map<string, string>();

  constructor(
    reserved: readonly string[] = [],
    private readonly onCollision?: (message: string) => void,
  ) {
    for (const name of reserved) this.owners.set(name, `reserved:${name}`);
  }

  /**
   * The name of `identity` (a stable description of what is named): its earlier name if it has
   * one, else the first free name of `preferred`, `fallback`, `<fallback>_2`, `<fallback>_3`, ….
   */
  claim(identity: string, preferred: string, fallback = preferred): string {
    const known = this.names.get(identity);
    if (known !== undefined) return known;
    let name = preferred;
    if (this.owners.has(name)) {
      const holder = this.owners.get(name);
      name = fallback;
      for (let n = 2; this.owners.has(name); n++) name = `${fallback}_${n}`;
      this.onCollision?.(`GraphQL name ${preferred} of ${identity} is taken by ${holder}; using ${name}`);
    }
    this.owners.set(name, identity);
    this.names.set(identity, name);
    return name;
  }

  /** The name `identity` was given, if it claimed one. */
  nameOf(identity: string): string | undefined {
    return this.names.get(identity);
  }
}
