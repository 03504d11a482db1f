/**
 * A deadline for queries and mutations: past it the client gets a TIMEOUT error at once, and
 * resolvers that have not yet called the registry stop before doing so (requestContext() checks
 * the deadline), so a slow operation cannot hold a connection or keep reading indefinitely.
 * Subscriptions are long-lived by design and have no deadline.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const TIMEOUT_CODE = 'TIMEOUT';

export function timeoutError(ms: number): GraphQLError {
  return new GraphQLError(`the operation did not finish within ${ms} ms`, { extensions: { code: TIMEOUT_CODE } });
}

/**
 * The execution's result, or a TIMEOUT error if it has none after `ms`. A result that is already
 * there (no resolver waited) needs no timer. Shared with the prepared path (src/graphql/prepared.ts),
 * which applies the deadline without envelop.
 */
export async function withinDeadline<T>(execution: PromiseLike<T> | T, ms: number): Promise<T | ExecutionResult> {
  if (!isPromiseLike(execution)) return execution;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(() => resolve({ errors: [timeoutError(ms)] }), ms);
  });
  try {
    return await Promise.race([execution, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const isPromiseLike = <T>(value: PromiseLike<T> | T): value is PromiseLike<T> => typeof (value as Partial<PromiseLike<T>> | null)?.then === 'function';

export function useExecutionTimeout(ms: number): Plugin<{ deadline?: number }> {
  return {
    onExecute({ executeFn, setExecuteFn, extendContext }) {
      extendContext({ deadline: Date.now() + ms });
      setExecuteFn((args) => withinDeadline(executeFn(args), ms));
    },
  };
}
