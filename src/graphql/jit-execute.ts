/**
 * Queries and mutations run as graphql-jit compiles them: a JavaScript function per (schema,
 * document, operation), which resolves and completes the selected fields without graphql-js's
 * per-field interpretation (collecting fields, argument coercion, type checks): a single-object
 * query took ~18 % less server CPU, a list of 100 ~30 % (docs/benchmarks.md, issue 19). Documents
 * come from yoga's parse cache, so each is one object and its compiled functions go with it.
 *
 * Variables are coerced by graphql-js first: graphql-jit reports an invalid value without the
 * reason the scalar gave (a JSON value nested too deep, a Quantity that does not parse), which
 * graphql-js keeps in the message. Only valid variables reach the compiled query.
 */
import { getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** A compiled operation, or the errors that kept it from compiling (an operation name the document lacks). */
type Compiled = { failed: ExecutionResult } | { query: CompiledQuery; operation: OperationDefinitionNode | null | undefined };

const compiled = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Compiled>>>();

function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled {
  let bySchema = compiled.get(schema);
  if (!bySchema) compiled.set(schema, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = new Map()));
  const key = operationName ?? '';
  let entry = byDocument.get(key);
  if (!entry) {
    const query = compileQuery(schema, document, operationName);
    entry = isCompiledQuery(query) ? { query, operation: getOperationAST(document, operationName) } : { failed: query };
    byDocument.set(key, entry);
  }
  return entry;
}

/** `execute` of graphql-js, compiled. */
export function jitExecute(args: ExecutionArgs): Promise<ExecutionResult> | ExecutionResult {
  const entry = compiledFor(args.schema, args.document, args.operationName ?? undefined);
  if ('failed' in entry) return entry.failed;
  const definitions = entry.operation?.variableDefinitions;
  if (definitions && definitions.length > 0) {
    const coerced = getVariableValues(args.schema, definitions, args.variableValues ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
  }
  return entry.query.query(args.rootValue, args.contextValue, args.variableValues);
}
