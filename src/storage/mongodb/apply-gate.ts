/**
 * Orders this process's reads against its own applies. The change records are the commit point,
 * and the objects collection is brought up to them by a bulk write that is not atomic (no
 * multi-document transactions on every MongoDB-wire server): a read must not see a group half
 * applied. Reads share the gate; an apply takes it alone, after the reads in progress, and reads
 * that arrive meanwhile wait for it (so a steady stream of reads cannot hold applies off). Only
 * one apply runs at a time: the store's group commit is serial.
 */
export class ApplyGate {
  private readers = 0;
  private applying: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.applying) await this.applying;
    this.readers++;
    try {
      return await fn();
    } finally {
      if (--this.readers === 0 && this.drained) this.drained();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    this.applying = new Promise((resolve) => (release = resolve));
    try {
      if (this.readers > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      return await fn();
    } finally {
      this.applying = undefined;
      release();
    }
  }
}
