/**
 * Prepared operations: a document (by its text) that envelop has already parsed and validated
 * for a schema runs again without envelop. Going through envelop costs a plugin chain per request
 * even when every answer comes from a cache (yoga's parse cache, its validation cache keyed by the
 * rule names it joins per request, the context and execute hook chains, a timer, a Fetch Request
 * for the context factory): with the lean HTTP path it was most of what a single-object query
 * still cost over a REST GET (docs/benchmarks.md, issue 19).
 *
 * What envelop would do at execution is done here instead, by the same code where it can be
 * shared: the context the endpoint's factory builds, the deadline (plugins/execution-timeout.ts),
 * graphql-jit (jit-execute.ts), yoga's error masking, and the warnings extension
 * (plugins/warnings.ts). Validation-time plugins need nothing at run time: a document valid for
 * a schema under the server's limits stays valid for it. Documents that introspect are never
 * prepared: whether they may run, and on which view of the schema, depends on the caller
 * (plugins/introspection.ts, plugins/filtered-introspection.ts), so they always go through envelop.
 */
import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { asksIntrospection } from '../../plugins/filtered-introspection.js';
import { withinDeadline } from '../../plugins/execution-timeout.js';
import { withWarnings } from '../../plugins/warnings.js';
import type { GraphQLContext } from './context.js';
import { jitExecute } from './jit-execute.js';

/** As many documents as yoga's parse cache keeps. */
const MAX_DOCUMENTS = 1024;
/**
 * Longer texts are not prepared (they run through envelop each time): a document keeps its text,
 * and comments and whitespace count against no query limit, so this bounds what the prepared
 * documents can hold to 64 MiB.
 */
const MAX_TEXT_LENGTH = 64 * 1024;

/**
 * The documents envelop validated, by text, and the schemas each is valid for. Bounded like yoga's
 * parse cache (least recently used out first); a document that falls out is prepared again by the
 * next request that sends it through envelop.
 */
export class PreparedDocuments {
  private readonly byText = new Map<string, DocumentNode>();
  private readonly valid = new WeakMap<GraphQLSchema, WeakSet<DocumentNode>>();

  constructor(private readonly max = MAX_DOCUMENTS) {}

  /** The prepared document of `text` for `schema`, or undefined when envelop must see it. */
  get(schema: GraphQLSchema, text: string): DocumentNode | undefined {
    const document = this.byText.get(text);
    if (!document || !this.valid.get(schema)?.has(document)) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.byText.delete(text);
    this.byText.set(text, document);
    return document;
  }

  /** Records that envelop parsed `text` into `document` and found it valid for `schema`. */
  add(schema: GraphQLSchema, text: string, document: DocumentNode): void {
    if (text.length > MAX_TEXT_LENGTH || asksIntrospection(document)) return;
    let valid = this.valid.get(schema);
    if (!valid) this.valid.set(schema, (valid = new WeakSet()));
    valid.add(document);
    if (this.byText.get(text) === document) return;
    this.byText.delete(text);
    this.byText.set(text, document);
    if (this.byText.size > this.max) this.byText.delete(this.byText.keys().next().value as string);
  }
}

/** What a prepared operation needs besides its document. */
export interface PreparedRun {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  /** The context as the endpoint's context factory builds it. */
  context: GraphQLContext;
  timeoutMs: number;
  /** yoga's masking of an error that is not one of our GraphQL errors (logged, replaced by INTERNAL_SERVER_ERROR). */
  mask: (err: unknown) => GraphQLError;
}

/** Runs a prepared operation as envelop's execute (with the endpoint's plugins) would. */
export async function executePrepared(run: PreparedRun): Promise<ExecutionResult> {
  const { context, timeoutMs } = run;
  context.deadline = Date.now() + timeoutMs;
  let result: ExecutionResult;
  try {
    const execution = jitExecute({ schema: run.schema, document: run.document, contextValue: context, variableValues: run.variables, operationName: run.operationName });
    result = await withinDeadline(execution, timeoutMs);
  } catch (err) {
    // As yoga's handleError, when execution itself throws.
    return { errors: [run.mask(err)] };
  }
  if (result.errors?.length) result = { ...result, errors: result.errors.map(run.mask) };
  return withWarnings(result, context.warnings);
}
