/**
 * Limits on what one GraphQL document may ask, so a hostile query is refused during validation,
 * before any resolver runs: selection depth, aliases, directives, tokens and an estimated cost
 * (graphql-armor's envelop plugins), and no "did you mean" field suggestions in errors (they leak
 * schema names to whoever probes). Introspection is exempt from depth and cost: GraphiQL and
 * code generators need it, and its shape is fixed.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
}

/**
 * Room for every real query over Kubernetes objects (the deepest built-in path, group → version
 * → list → items → metadata → managedFields → …, is under 10 levels), not for bombs.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 15, maxAliases: 30, maxDirectives: 20, maxTokens: 5_000, maxCost: 10_000 };

export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: limits.maxTokens },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: true },
  });
}
