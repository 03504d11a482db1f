/**
 * graphql-ws `next` messages built around each result's JSON, made once per result object.
 * graphql-ws stringifies every message whole (`{id, type, payload}`), so an event's 5,000
 * subscribers cost 5,000 serializations of one payload even though they share one result
 * (shared-events.ts; docs/benchmarks.md, issue 19). Here the payload of a result is serialized
 * the first time any subscription sends it, and each subscription's message is its own id around
 * that JSON. A result no other subscription shares is serialized once, as before.
 *
 * Messages are sent as graphql-ws sends its own: one at a time per subscription, the next event
 * taken once the previous message is written (at once when the kernel took it whole, ws-transport.ts). So a subscriber that stops reading still backs up
 * into its watch, which the hub cuts off with TOO_SLOW, and the error comes after what was sent.
 * graphql-ws still sends `complete` and `error` (a source that throws), after these.
 */
import type { ExecutionResult } from 'graphql';

/** Each result's payload JSON, kept with the result (it goes when the event does). */
const payloads = new WeakMap<ExecutionResult, string>();

/** The payload graphql-ws would send for `result`: the same fields, errors by their toJSON, last. */
export function payloadJson(result: ExecutionResult): string {
  let json = payloads.get(result);
  if (json === undefined) {
    const { errors, ...rest } = result;
    json = JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
    payloads.set(result, json);
  }
  return json;
}

/** What a `next` message of subscription `id` starts with: the payload's JSON and `}` follow. */
export const nextMessageHead = (id: string): string => `{"id":${JSON.stringify(id)},"type":"next","payload":`;

type Results = AsyncIterableIterator<ExecutionResult> & {
  return(value?: unknown): Promise<IteratorResult<ExecutionResult>>;
  throw(error?: unknown): Promise<IteratorResult<ExecutionResult>>;
};

const DONE: IteratorResult<ExecutionResult> = Object.freeze({ value: undefined, done: true });

/**
 * Subscription `id`'s `results`, each sent with `send` as it comes: to graphql-ws an iterator that
 * yields nothing and ends when they do (graphql-ws then sends `complete`), or throws what they throw.
 */
export function sendingResults(results: AsyncIterator<ExecutionResult>, id: string, send: (data: string) => Promise<void> | undefined): Results {
  const head = nextMessageHead(id);
  let ended = false;
  return {
    async next() {
      for (;;) {
        const r = await results.next();
        // Nothing more once graphql-ws has returned the subscription (the client completed it).
        if (r.done || ended) return DONE;
        const writing = send(`${head}${payloadJson(r.value)}}`);
        if (writing) await writing;
      }
    },
    async return() {
      ended = true;
      await results.return?.(undefined);
      return DONE;
    },
    async throw(error: unknown) {
      ended = true;
      if (results.throw) await results.throw(error);
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
