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
 */
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import type { KubeObject } from '../meta/index.js';
import type { GraphQLContext } from './context.js';

/** Small ids for the shared objects a key names (schemas and parsed documents are cached upstream, so each is one object). */
const ids = new WeakMap<object, number>();
let nextId = 0;
const idOf = (o: object): number => {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++nextId));
  return id;
};

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
}

/** The result of `payload` for an operation of key `key`: executed by the first subscription to need it. */
function sharedResult(key: string, payload: EventPayload, run: () => Promise<ExecutionResult> | ExecutionResult): Promise<ExecutionResult> | ExecutionResult {
  const object = payload.object;
  if (typeof object !== 'object' || object === null) return run();
  let byKey = results.get(object);
  if (!byKey) results.set(object, (byKey = new Map()));
  const full = `${String(payload.type)}\n${key}`;
  let result = byKey.get(full);
  if (result === undefined) {
    result = run();
    byKey.set(full, result);
  }
  return result;
}

/** graphql-js's `subscribe`, with each event's execution shared as described above. */
export async function subscribeSharing(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const key = operationKey(args);
  const run = (payload: unknown) => (): Promise<ExecutionResult> | ExecutionResult => execute({ ...args, rootValue: payload });
  return mapAsyncIterator(stream, (payload: unknown) => (key === undefined || !isEvent(payload) ? run(payload)() : sharedResult(key, payload, run(payload))));
}

const isEvent = (payload: unknown): payload is EventPayload => typeof payload === 'object' && payload !== null && 'object' in payload && !('error' in payload);
