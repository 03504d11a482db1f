/**
 * Returns the registry's warnings (unknown fields dropped, deprecated APIs) to the client in the
 * result's `extensions.warnings`, as REST returns them in Warning headers. Resolvers collect them
 * in the per-request context; streams (subscriptions) carry none.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** `result` with the warnings in its extensions (as it is without any). Shared with src/graphql/prepared.ts. */
export function withWarnings(result: ExecutionResult, warnings: readonly string[]): ExecutionResult {
  return warnings.length === 0 ? result : { ...result, extensions: { ...result.extensions, warnings: [...warnings] } };
}

export function useWarnings(): Plugin<{ warnings?: string[] }> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const warnings = args.contextValue.warnings ?? [];
          if (warnings.length === 0 || Symbol.asyncIterator in result) return;
          setResult(withWarnings(result, warnings));
        },
      };
    },
  };
}
