/**
 * graphql-ws subscriptions sent to in one synchronous loop. Reading each subscription's events
 * through async iterators cost a chain of promises per subscriber per event — the hub's queue,
 * the registry watch, the subscription's source, graphql-js's mapAsyncIterator, the send — and
 * with 5,000 subscribers of one event that chain, not the shared execution, was most of the
 * JavaScript of a fan-out (docs/benchmarks.md, issue 19). Here the hub tells each subscription's
 * source that it has something (Pollable), the subscription queues itself once, and on the next
 * turn of the event loop one loop polls every queued subscription and sends what it has: the
 * outcome of each event (shared-events.ts), its `next` message around the result's shared JSON
 * (ws-next.ts).
 *
 * Why the next turn and not at once: the hub publishes inside the write that made the event, so
 * sending from there would make that write wait for its whole fan-out; the write is answered
 * first, and every event published meanwhile goes out in the same loop.
 *
 * A subscription sends as graphql-ws sends: one message at a time, the next once the previous is
 * written (at once when the kernel took it, ws-transport.ts). A client that stops reading holds its
 * subscriptions up, their watches fall behind and the hub ends them with TOO_SLOW, which is sent
 * after what was sent before. An execution that waits (a resolver doing I/O) holds its
 * subscription up the same way. graphql-ws still sends `complete` when the source ends, and an
 * error message when polling it throws.
 */
import type { ExecutionResult } from 'graphql';
import { UNCHANGED, type PolledOutcomes } from './shared-events.js';
import { nextMessageHead, payloadJson } from './ws-next.js';

/** Sends one message on the subscription's socket; what it returns resolves once it is written. */
type Send = (data: string) => Promise<void> | undefined;

/** Subscriptions with something to send, polled on the next turn of the event loop. */
let queued: FanOutSubscription[] = [];
let scheduled = false;

function enqueue(s: FanOutSubscription): void {
  queued.push(s);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
}

function drain(): void {
  scheduled = false;
  const batch = queued;
  queued = [];
  for (const s of batch) s.pump();
}

const DONE: IteratorResult<ExecutionResult> = Object.freeze({ value: undefined, done: true });

/**
 * One subscription of a socket, as the iterator graphql-ws runs it by: its `next()` yields nothing
 * and settles when the subscription ends (graphql-ws then sends `complete`), or rejects with what
 * polling its source threw; `return()` is graphql-ws ending it (the client's `complete`, the socket
 * closed).
 */
export class FanOutSubscription implements AsyncIterableIterator<ExecutionResult> {
  private readonly head: string;
  /** In the queue for the next loop. */
  private queued = false;
  /** A message being written or an execution under way: nothing more is taken until it is done. */
  private busy = false;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private settle: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (err: unknown) => void } | undefined;

  constructor(
    private readonly source: PolledOutcomes,
    id: string,
    private readonly send: Send,
  ) {
    this.head = nextMessageHead(id);
    source.onReady(this.wake);
    this.wake();
  }

  private readonly wake = (): void => {
    if (this.queued || this.busy || this.ended) return;
    this.queued = true;
    enqueue(this);
  };

  /** Sends what the source has, until it has nothing, a send has to wait, or it ends. */
  pump(): void {
    this.queued = false;
    while (!this.busy && !this.ended) {
      let r: IteratorResult<ExecutionResult | typeof UNCHANGED | Promise<ExecutionResult | typeof UNCHANGED>> | undefined;
      try {
        r = this.source.poll();
      } catch (error) {
        this.finish({ error });
        return;
      }
      if (r === undefined) return;
      if (r.done) {
        this.finish(undefined);
        return;
      }
      const outcome = r.value;
      if (outcome instanceof Promise) {
        this.waitFor(outcome.then((o) => (o === UNCHANGED || this.ended ? undefined : this.send(this.message(o)))));
      } else if (outcome !== UNCHANGED) {
        const writing = this.send(this.message(outcome));
        if (writing) this.waitFor(writing);
      }
    }
  }

  private message(result: ExecutionResult): string {
    return `${this.head}${payloadJson(result)}}`;
  }

  private waitFor(p: Promise<unknown>): void {
    this.busy = true;
    p.then(
      () => {
        this.busy = false;
        this.wake();
      },
      (error: unknown) => {
        this.busy = false;
        this.finish({ error });
      },
    );
  }

  private finish(failure: { error: unknown } | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.source.return();
    const settle = this.settle;
    this.settle = undefined;
    if (!settle) this.failure = failure;
    else if (failure) settle.reject(failure.error);
    else settle.resolve(DONE);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.ended) {
      const failure = this.failure;
      this.failure = undefined;
      return failure ? Promise.reject(failure.error) : Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish(undefined);
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
