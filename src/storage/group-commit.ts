/**
 * The write queue of a store's group commit, shared by the backends: the writes queued in one turn
 * of the event loop are committed together, in queue order, at most `maxBatch` to a group. A
 * backend whose commit is asynchronous (MongoDB) gathers the writes that arrive while a group is
 * in flight into the next one; a synchronous one (SQLite) drains the queue without yielding, so no
 * other write slips between its groups.
 */
export class GroupCommit<T> {
  private queue: T[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly maxBatch: number,
    /** Commits one group and settles each of its writes; it must not throw. */
    private readonly commit: (batch: T[]) => void | Promise<void>,
  ) {}

  /** A group is being committed, or the queue is waiting for its turn. */
  get busy(): boolean {
    return this.flushing !== undefined;
  }

  push(write: T): void {
    this.queue.push(write);
    // setImmediate lets the I/O callbacks of this loop turn add their writes to the group.
    if (!this.flushing) this.flushing = new Promise((done) => setImmediate(() => done(this.flush())));
  }

  /** Resolves once every write queued so far is committed. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private flush(): Promise<void> | undefined {
    while (this.queue.length > 0) {
      const batch = this.queue.length > this.maxBatch ? this.queue.splice(0, this.maxBatch) : this.queue;
      if (batch === this.queue) this.queue = [];
      const pending = this.commit(batch);
      if (pending) return pending.then(() => this.flush());
    }
    this.flushing = undefined;
    return undefined;
  }
}
