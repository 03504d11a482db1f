/**
 * Introspection on or off per request. When `allowed(context)` is false, a document that asks for
 * `__schema` or `__type` fails validation with `extensions.code` INTROSPECTION_DISABLED, before any
 * resolver runs; `__typename` (a String, which clients need to tell union members apart) stays
 * available. The rule is graphql-js's NoSchemaIntrospectionCustomRule with a code, and it reports
 * only where introspection is entered, not every field beneath it.
 *
 * `allowed` sees the request's context as validation does: the server context (workspace cluster,
 * the HTTP or WebSocket upgrade request) — not yet what the context factory adds. Today the server
 * passes a constant from its configuration; an authorization layer that identifies the caller
 * before GraphQL runs can pass a permission check instead.
 */
import { getNamedType, GraphQLError, isIntrospectionType, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED';

/**
 * Refuses fields whose type is an introspection type (`__schema`, `__type`), reported once where
 * the document enters introspection. The name is distinct on purpose: yoga's validation cache
 * keys on rule names, so a document validated with and without this rule is cached apart.
 */
export const IntrospectionDisabledRule: ValidationRule = (context) => ({
  Field(node) {
    const type = context.getType();
    const parent = context.getParentType();
    if (!type || !isIntrospectionType(getNamedType(type))) return;
    if (parent && isIntrospectionType(parent)) return;
    context.reportError(
      new GraphQLError(`introspection is disabled on this server: the document asks for "${node.name.value}"`, {
        nodes: node,
        extensions: { code: INTROSPECTION_DISABLED },
      }),
    );
  },
});

export function useIntrospectionControl<TContext extends Record<string, unknown>>(allowed: (context: Readonly<TContext>) => boolean): Plugin<TContext> {
  return {
    onValidate({ addValidationRule, context }) {
      if (!allowed(context)) addValidationRule(IntrospectionDisabledRule);
    },
  };
}
