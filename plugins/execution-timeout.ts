/**
 * A deadline for queries and mutations: past it the client gets a TIMEOUT error at once, and
 * resolvers that have not yet called the registry stop before doing so (requestContext() checks
 * the deadline), so a slow operation cannot hold a connection or keep reading indefinitely.
 * Subscriptions are long-lived by design and have no deadline.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const TIMEOUT_CODE = 'TIMEOUT';

export function timeoutError(ms: number): GraphQLError {
  return new GraphQLError(`the operation did not finish within ${ms} ms`, { extensions: { code: TIMEOUT_CODE } });
}

export function useExecutionTimeout(ms: number): Plugin<{ deadline?: number }> {
  return {
    onExecute({ executeFn, setExecuteFn, extendContext }) {
      extendContext({ deadline: Date.now() + ms });
      setExecuteFn(async (args) => {
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<{ errors: GraphQLError[] }>((resolve) => {
          timer = setTimeout(() => resolve({ errors: [timeoutError(ms)] }), ms);
        });
        try {
          return await Promise.race([executeFn(args), expired]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
