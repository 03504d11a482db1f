/**
 * Limits on what one GraphQL document may ask, so a hostile query is refused during validation,
 * before any resolver runs: selection depth, aliases, directives, tokens and an estimated cost
 * (graphql-armor's envelop plugins), and no "did you mean" field suggestions in errors (they leak
 * schema names to whoever probes). Introspection is exempt from depth and cost: GraphiQL and
 * code generators need it, and its shape is fixed. Before any of that, a document whose brackets
 * nest deeper than `maxNesting` is refused unparsed: graphql-js parses recursively, and a few
 * thousand nested list literals or selection sets (well within the token limit) overflow the
 * stack, which yoga would answer as an internal error.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_NESTING_DEPTH } from '../src/meta/index.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Deepest nesting of `{`, `[` and `(` in the document text (selection sets, values, arguments). */
  maxNesting: number;
}

/**
 * Room for every real query over Kubernetes objects (the deepest built-in path, group → version
 * → list → items → metadata → managedFields → …, is under 10 levels), not for bombs.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 15, maxAliases: 30, maxDirectives: 20, maxTokens: 5_000, maxCost: 10_000, maxNesting: MAX_NESTING_DEPTH };

/**
 * What replaces graphql-js's "Did you mean ...?" in validation errors. graphql-armor's own mask,
 * a bare `[Suggestion hidden]`, left users wondering what was hidden and why.
 */
export const SUGGESTION_HIDDEN = "[Suggestion hidden: this server names no fields in errors; its schema is in GraphiQL's docs or by introspection]";

export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): Plugin {
  const nesting: Plugin = {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        checkNesting(typeof source === 'string' ? new Source(source) : source, limits);
        return parseFn(source, options);
      });
    },
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        EnvelopArmorPlugin({
          maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
          maxAliases: { n: limits.maxAliases },
          maxDirectives: { n: limits.maxDirectives },
          maxTokens: { n: limits.maxTokens },
          costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
          blockFieldSuggestion: { enabled: true, mask: SUGGESTION_HIDDEN },
        }),
      );
      // Added after graphql-armor (whose own plugins go right after it), so the parse function
      // it wraps is the token-limited one.
      addPlugin(nesting);
    },
  };
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Lexes the document (graphql-js's lexer is a loop, not recursive) and throws at the first bracket
 * that opens a level past the limit. It stops after the token limit: past that, the parse that
 * follows refuses the document anyway. Only documents missing yoga's parse cache are lexed.
 */
function checkNesting(source: Source, limits: QueryLimits): void {
  const lexer = new Lexer(source);
  let depth = 0;
  for (let count = 0, token = lexer.advance(); token.kind !== TokenKind.EOF && count <= limits.maxTokens; token = lexer.advance(), count++) {
    if (OPENING.has(token.kind) && ++depth > limits.maxNesting) {
      // yoga answers it as any syntax error: 400, or 200 to a client that accepts only application/json.
      throw new GraphQLError(`Syntax Error: the document is nested deeper than ${limits.maxNesting} levels of selections, lists and objects`, {
        extensions: { code: 'BAD_REQUEST' },
      });
    }
    if (CLOSING.has(token.kind)) depth--;
  }
}
