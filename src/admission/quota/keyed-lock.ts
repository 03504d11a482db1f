/**
 * Serializes async work per key, in arrival order: the quota stage holds a quota's key from the
 * moment it counts until it has recorded what it admitted, so two creates never both take the last
 * unit. Keys with nobody waiting cost nothing.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for every key (taken in sorted order, so two callers never deadlock) and returns the release. */
  async acquire(keys: readonly string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.one(key));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  private async one(key: string): Promise<() => void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
