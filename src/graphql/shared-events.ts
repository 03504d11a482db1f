/**
 * Subscription fan-out without a GraphQL execution per subscriber. graphql-js runs each event of a
 * subscription as an execution of its own (the event as root value); with 5,000 subscriptions of
 * the same operation, one write cost 5,000 identical executions (docs/benchmarks.md, issue 19).
 * Here an event is executed once per distinct (schema, document, operation name, variables,
 * permission view) and every subscription of that kind gets the same result.
 *
 * Events are recognized by the object they carry: the watch hub hands every watcher of a write the
 * same stored object, so subscriptions of one workspace see one object per write (a registry
 * that copies it per watcher, as for kinds served through a conversion, only shares less). The
 * results are kept with that object (a WeakMap), so they go when the last subscriber is done with
 * the event. The permission view is what the resolvers beneath the event may read (references,
 * each authorized): the logical cluster and who asks, name, uid, groups and extra. Operations in a
 * provider's view, whose checks are closures of their own, and deliveries that end a subscription
 * with an error are executed per subscription, as before.
 *
 * A subscription with `onlyOnSelectedChange` gets, with each MODIFIED, the object of that name it
 * saw before (`previous`, subscription-fields.ts). Both are executed here — each through the
 * same sharing, and the previous one was usually executed already when it was sent — and the event
 * is dropped when the two results are the same; that verdict is kept with the pair of results, so
 * subscriptions sharing an operation compare once per event, not once each.
 */
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import type { KubeObject } from '../meta/index.js';
import type { RegistryWatchEvent } from '../registry/index.js';
import type { Pollable } from '../storage/index.js';
import type { GraphQLContext } from './context.js';
import { idOf } from './object-ids.js';


const userKeys = new WeakMap<object, string>();
function userKey(ctx: GraphQLContext): string {
  const user = ctx.user as (GraphQLContext['user'] & { extra?: Readonly<Record<string, readonly string[]>> }) | undefined;
  if (!user) return '';
  let key = userKeys.get(user);
  if (key === undefined) userKeys.set(user, (key = JSON.stringify([user.name, user.uid ?? null, user.groups, user.extra ?? null])));
  return key;
}

/** What makes two subscriptions' executions of one event alike, or undefined when they must not share (a provider's view). */
export function operationKey(args: ExecutionArgs): string | undefined {
  const ctx = args.contextValue as GraphQLContext;
  if (ctx.scope) return undefined;
  return [idOf(args.schema), idOf(args.document), args.operationName ?? '', JSON.stringify(args.variableValues ?? null), ctx.cluster, ctx.access ? 1 : 0, userKey(ctx)].join('\n');
}

/** Results per event object, then per event type and operation key. */
const results = new WeakMap<KubeObject, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

interface EventPayload {
  type?: unknown;
  object?: KubeObject;
  previous?: KubeObject;
}

/** A watch event as a subscription's source yields it; `previous` only for `onlyOnSelectedChange`. */
export type WatchPayload = RegistryWatchEvent & { previous?: KubeObject };

/** The result of `payload` for an operation of key `key`: executed by the first subscription to need it. */
function sharedResult(key: string, payload: EventPayload, run: () => Promise<ExecutionResult> | ExecutionResult): Promise<ExecutionResult> | ExecutionResult {
  const object = payload.object;
  if (typeof object !== 'object' || object === null) return run();
  let byKey = results.get(object);
  if (!byKey) results.set(object, (byKey = new Map()));
  const full = `${String(payload.type)}\n${key}`;
  let result = byKey.get(full);
  if (result === undefined) {
    const ran = run();
    result = ran instanceof Promise ? ran.then(serializedOnce) : serializedOnce(ran);
    byKey.set(full, result);
  }
  return result;
}

/**
 * Gives a shared result the `stringify` yoga writes each SSE event's `data:` line with, made once
 * for all its subscribers. Yoga calls it with the result itself, or with a copy when it has errors
 * or internal extensions to leave out, which is serialized as it is. Not enumerable: a copy of the
 * result (graphql-ws's message, envelop's plugins) does not take it along.
 */
function serializedOnce(result: ExecutionResult): ExecutionResult {
  let json: string | undefined;
  const stringify = (r: ExecutionResult): string => (r === result ? (json ??= JSON.stringify(r)) : JSON.stringify(r));
  return Object.defineProperty(result, 'stringify', { value: stringify });
}

/** What an event comes to for one subscription: its result (maybe still executing), or UNCHANGED. */
export type Outcome = ExecutionResult | typeof UNCHANGED | Promise<ExecutionResult | typeof UNCHANGED>;

/** A subscription's source and what each of its events comes to, or the result that refused it. */
async function sharedSource(args: ExecutionArgs): Promise<{ stream: AsyncIterable<unknown>; outcome: (payload: unknown) => Outcome } | { refused: ExecutionResult }> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return { refused: stream };
  const key = operationKey(args);
  const run = (payload: unknown) => (): Promise<ExecutionResult> | ExecutionResult => execute({ ...args, rootValue: payload });
  const result = (payload: unknown) => (key === undefined || !isEvent(payload) ? run(payload)() : sharedResult(key, payload, run(payload)));
  // Only a subscription that asked for it pays for the comparison.
  if (!(COMPARES_PREVIOUS in stream)) return { stream, outcome: result };
  const outcome = (payload: unknown): Outcome =>
    isEvent(payload) && payload.previous
      ? unlessUnchanged(result(payload), result({ type: payload.type, object: payload.previous }), key !== undefined)
      : result(payload);
  return { stream, outcome };
}

/** graphql-js's `subscribe`, with each event's execution shared as described above. */
export async function subscribeSharing(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const source = await sharedSource(args);
  if ('refused' in source) return source.refused;
  const mapped = mapAsyncIterator(source.stream, source.outcome);
  return COMPARES_PREVIOUS in source.stream ? withoutUnchanged(mapped) : (mapped as AsyncGenerator<ExecutionResult, void, void>);
}

/** A subscription's outcomes, polled (Pollable); `return` ends its source. */
export interface PolledOutcomes extends Pollable<Outcome> {
  return(): void;
}

/**
 * `subscribeSharing` for a consumer that polls (graphql-ws' fan-out, ws-fanout.ts): the outcome of
 * each event as the source has it, without a promise per event. A source that cannot be polled
 * is subscribed to as `subscribeSharing` does.
 */
export async function subscribePolled(args: ExecutionArgs): Promise<PolledOutcomes | AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const source = await sharedSource(args);
  if ('refused' in source) return source.refused;
  const { stream, outcome } = source;
  if (!isPollable(stream)) {
    const mapped = mapAsyncIterator(stream, outcome);
    return COMPARES_PREVIOUS in stream ? withoutUnchanged(mapped) : (mapped as AsyncGenerator<ExecutionResult, void, void>);
  }
  return {
    poll() {
      const r = stream.poll();
      return r && !r.done ? { value: outcome(r.value), done: false } : r;
    },
    onReady: (listener) => stream.onReady(listener),
    return: () => void stream.return?.(),
  };
}

type PollableStream = AsyncIterable<unknown> & Pollable<unknown> & { return?(): unknown };
const isPollable = (s: AsyncIterable<unknown>): s is PollableStream =>
  typeof (s as Partial<PollableStream>).poll === 'function' && typeof (s as Partial<PollableStream>).onReady === 'function';

/** Marks a subscription source whose MODIFIED events may carry `previous` (`onlyOnSelectedChange`). */
export const COMPARES_PREVIOUS = Symbol('compares previous');

/** Stands for an event a subscription does not send. */
export const UNCHANGED = Symbol('unchanged');

/** Verdicts per (new result, previous result): `true` when they are the same. */
const verdicts = new WeakMap<ExecutionResult, WeakMap<ExecutionResult, boolean>>();

/** `next`, or UNCHANGED when it selects what `before` did; without a promise when both are there. */
function unlessUnchanged(next: Promise<ExecutionResult> | ExecutionResult, before: Promise<ExecutionResult> | ExecutionResult, shared: boolean): Outcome {
  if (next instanceof Promise || before instanceof Promise) return Promise.all([next, before]).then(([a, b]) => compared(a, b, shared));
  return compared(next, before, shared);
}

function compared(a: ExecutionResult, b: ExecutionResult, shared: boolean): ExecutionResult | typeof UNCHANGED {
  let byPrevious = verdicts.get(a);
  let same = byPrevious?.get(b);
  if (same === undefined) {
    // A result with errors is always sent: its errors may say more than the data does.
    same = !a.errors && !b.errors && JSON.stringify(a.data) === JSON.stringify(b.data);
    if (shared) {
      if (!byPrevious) verdicts.set(a, (byPrevious = new WeakMap()));
      byPrevious.set(b, same);
    }
  }
  return same ? UNCHANGED : a;
}

/**
 * The results without the dropped events. By hand rather than an async generator: a generator
 * waiting for the next event would take the client's `return()` only at that event (see
 * subscription-fields.ts), while this passes it to the source at once.
 */
function withoutUnchanged(source: AsyncGenerator<ExecutionResult | typeof UNCHANGED, void, void>): AsyncGenerator<ExecutionResult, void, void> {
  const it: AsyncGenerator<ExecutionResult, void, void> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done || r.value !== UNCHANGED) return r as IteratorResult<ExecutionResult, void>;
      }
    },
    return: () => source.return(undefined) as Promise<IteratorResult<ExecutionResult, void>>,
    throw: (e: unknown) => source.throw(e) as Promise<IteratorResult<ExecutionResult, void>>,
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

const isEvent = (payload: unknown): payload is EventPayload => typeof payload === 'object' && payload !== null && 'object' in payload && !('error' in payload);
