/**
 * Introspection answered from what the caller may see. A document that asks for `__schema` or
 * `__type` runs on the schema `view(context, schema)` returns — for Atoll, the workspace's schema
 * without the fields the user's permissions do not reach — and is validated against it first, so
 * a document that also selects a hidden field fails as if the field did not exist. Every other
 * document runs on the full schema, where a field the caller may not use answers FORBIDDEN: the
 * view shapes what clients discover, authorization is still decided by each field.
 *
 * The view is chosen at execution, after yoga's parse and validation (whose caches key on the
 * schema they were given), because whether a document introspects is known only once it is
 * parsed. Introspection being disabled outright (introspection.ts) refuses such documents during
 * validation, before this runs.
 */
import { GraphQLError, validate, visit, BREAK, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const asking = new WeakMap<DocumentNode, boolean>();

/** Whether the document selects `__schema` or `__type` (validated documents have them only on Query). */
export function asksIntrospection(document: DocumentNode): boolean {
  let found = asking.get(document);
  if (found !== undefined) return found;
  found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
      found = true;
      return BREAK;
    },
  });
  asking.set(document, found);
  return found;
}

/** Validation results per (view, document): views and parsed documents are both shared and cached upstream. */
const validated = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();

function validateOn(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
  let bySchema = validated.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    validated.set(schema, bySchema);
  }
  let errors = bySchema.get(document);
  if (!errors) {
    errors = validate(schema, document);
    bySchema.set(document, errors);
  }
  return errors;
}

export type SchemaChoice = { schema: GraphQLSchema; errors?: undefined } | { errors: readonly GraphQLError[]; schema?: undefined };

/**
 * The schema a validated `document` runs on: `schema`, or for introspection the caller's view,
 * or the errors of the document against that view. For transports that execute outside yoga's
 * executor (graphql-ws in src/graphql/endpoint.ts).
 */
export function executionSchema(schema: GraphQLSchema, document: DocumentNode, view: () => GraphQLSchema): SchemaChoice {
  if (!asksIntrospection(document)) return { schema };
  const shown = view();
  if (shown === schema) return { schema };
  const errors = validateOn(shown, document);
  return errors.length > 0 ? { errors } : { schema: shown };
}

export function useFilteredIntrospection<TContext extends Record<string, unknown>>(view: (context: TContext, schema: GraphQLSchema) => GraphQLSchema): Plugin<TContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const choice = executionSchema(args.schema, args.document, () => view(args.contextValue, args.schema));
      if (choice.errors) {
        setResultAndStopExecution({ errors: choice.errors });
        return;
      }
      if (choice.schema === args.schema) return;
      const shown = choice.schema;
      setExecuteFn((a) => executeFn({ ...a, schema: shown }));
    },
  };
}
