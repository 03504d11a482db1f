/**
 * The lean HTTP path: a plain query or mutation (POST with a JSON body, or a query by GET) runs
 * through yoga's envelop — every plugin's parse, validate, context and execute hooks, the same
 * caches — and its result is shaped by yoga's own `processRegularResult`, but without yoga's
 * Fetch-API adapter around it (a Fetch Request and Blob body per request, the promise-helper
 * chain, the Response and its node writer). That adapter was most of the gap between a GraphQL
 * query and a REST GET of the same object (docs/benchmarks.md, issue 19).
 *
 * Anything this path does not take is left to yoga exactly as before, and it decides that before
 * anything runs: another method, media type or Accept that would choose another answer than JSON,
 * a body that is not a plain JSON object of the four GraphQL parameters, a subscription, a
 * document that does not parse or validate (yoga then answers from its caches with its own
 * errors and status), and every request while persisted operations are on (their plugin works on
 * yoga's parameter hooks, which this path does not run).
 *
 * A document envelop has validated for the schema once is then run as a prepared operation,
 * without envelop (prepared.ts), and a result without errors is written without yoga's result
 * processing, as the same bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { maskError, processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLContext } from './context.js';
import { MASKED_MESSAGE } from './errors.js';
import { executePrepared, type PreparedDocuments } from './prepared.js';
import type { ResultCache } from './result-cache.js';

/** The GraphQL parameters of a request, as yoga's request parsers produce them. */
export interface LeanParams {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
}

const PARAMS = new Set(['query', 'variables', 'operationName', 'extensions']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The parameters of a POST body yoga would take as they are, or undefined: anything yoga might
 * answer with an error of its own (or decode differently, e.g. a byte-order mark) goes to yoga.
 */
export function postParams(contentType: string | undefined, body: Buffer): LeanParams | undefined {
  // yoga's isContentTypeMatch: the first of a (non-standard) list, exactly or with parameters.
  const first = contentType?.split(',')[0];
  if (first !== 'application/json' && !first?.startsWith('application/json;')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  for (const key in parsed) if (parsed[key] != null && !PARAMS.has(key)) return undefined;
  return checked(parsed.query, parsed.operationName, parsed.variables, parsed.extensions);
}

/** The parameters of a GET's query string, or undefined when yoga should parse them. */
export function getParams(search: URLSearchParams): LeanParams | undefined {
  for (const key of search.keys()) if (!PARAMS.has(key)) return undefined;
  let variables: unknown;
  let extensions: unknown;
  try {
    // yoga reads the first of each and treats an empty one as absent.
    const v = search.get('variables');
    const e = search.get('extensions');
    variables = v ? JSON.parse(v) : undefined;
    extensions = e ? JSON.parse(e) : undefined;
  } catch {
    return undefined;
  }
  return checked(search.get('query') || undefined, search.get('operationName') || undefined, variables, extensions);
}

function checked(query: unknown, operationName: unknown, variables: unknown, extensions: unknown): LeanParams | undefined {
  if (typeof query !== 'string' || query === '') return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  if (variables != null && !isPlainObject(variables)) return undefined;
  if (extensions != null && !isPlainObject(extensions)) return undefined;
  return { query, operationName: operationName ?? undefined, variables: variables ?? undefined, extensions: extensions ?? undefined };
}

const REGULAR = ['application/graphql-response+json', 'application/json'];
/** yoga's result processors in the order it tries them: the last match wins. */
const PROCESSORS: readonly (readonly string[])[] = [['text/event-stream'], ['multipart/mixed'], REGULAR];

/**
 * The media type yoga's result processing would answer a query or mutation in (its
 * `useResultProcessors` with `getMediaTypesForRequestInOrder`), or undefined when that is not JSON
 * (an event stream, multipart, or nothing: a 406), which this path leaves to yoga.
 */
export function jsonMediaType(accept: string | undefined): string | undefined {
  // Clients send the same few Accept headers: each is negotiated once (a few per cent of a query's CPU).
  const key = accept ?? '';
  const known = negotiated.get(key);
  if (known !== undefined || negotiated.has(key)) return known;
  if (negotiated.size >= MAX_NEGOTIATED) negotiated.clear();
  const chosen = negotiate(accept);
  negotiated.set(key, chosen);
  return chosen;
}

const MAX_NEGOTIATED = 64;
const negotiated = new Map<string, string | undefined>();

function negotiate(accept: string | undefined): string | undefined {
  const asked: string[] = [];
  for (const entry of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType, ...params] = entry.split(';');
    if (mediaType === undefined) continue;
    const charset = params.find((p) => p.includes('charset=')) ?? 'charset=utf-8';
    if (charset === 'charset=utf-8') asked.push(mediaType);
  }
  asked.reverse();
  let chosen: string | undefined;
  for (const types of PROCESSORS) for (const a of asked) for (const t of types) if (matches(t, a)) chosen = t;
  return chosen !== undefined && REGULAR.includes(chosen) ? chosen : undefined;
}

function matches(asked: string, offered: string): boolean {
  const [askedPre, askedSuf] = asked.split('/');
  const [pre, suf] = offered.split('/');
  return (pre === '*' || pre === askedPre) && (suf === '*' || suf === askedSuf);
}

/** What the endpoint hands this path: its yoga and the server context of the request. */
export interface LeanDeps<TServerContext extends { schema: GraphQLSchema }> {
  yoga: YogaServerInstance<TServerContext, GraphQLContext>;
  /** Told about unexpected errors that execution threw (yoga logs them the same way). */
  onUnexpected: (err: unknown) => void;
  /** The documents that run prepared, without envelop. */
  prepared: PreparedDocuments;
  /**
   * Results of prepared queries kept while what they read is unchanged. Only for schemas whose
   * resolvers read nothing but the registry through the context (compiled schemas): a result that
   * made no registry call is kept as it is.
   */
  results?: ResultCache;
  /** What yoga's `context` option adds to the server context (the context factory). */
  contextFor: (where: TServerContext, userAgent: string | null) => GraphQLContext;
  /** The execution-timeout plugin's deadline. */
  timeoutMs: number;
}

/**
 * Serves `req` when it takes this path; false (having written nothing) when yoga must. `body` is
 * the buffered request body (POST), `url` the parsed request URL.
 */
export async function serveLean<TServerContext extends { schema: GraphQLSchema }>(
  deps: LeanDeps<TServerContext>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  where: TServerContext,
  body: Buffer | undefined,
): Promise<boolean> {
  const method = req.method;
  const params = method === 'POST' && body ? postParams(req.headers['content-type'], body) : method === 'GET' ? getParams(url.searchParams) : undefined;
  if (!params) return false;
  const mediaType = jsonMediaType(req.headers.accept);
  if (!mediaType) return false;
  const { yoga } = deps;
  const mask = (err: unknown): GraphQLError => masked(err, deps.onUnexpected);
  const prepared = deps.prepared.get(where.schema, params.query);
  if (prepared) {
    const operation = runs(prepared, params.operationName, method);
    if (!operation) return false;
    // The context as envelop would build it: the server context, then the factory's additions.
    const context = { ...where, ...deps.contextFor(where, req.headers['user-agent'] ?? null) };
    const key = { schema: where.schema, document: prepared, operationName: params.operationName, variables: params.variables };
    const kept = deps.results?.get(key, context);
    if (kept) {
      writeJson(res, kept, mediaType);
      return true;
    }
    const reads = deps.results?.record(context, operation.operation === 'query');
    const result = await executePrepared({ schema: where.schema, document: prepared, operationName: params.operationName, variables: params.variables, context, timeoutMs: deps.timeoutMs, mask });
    if (reads && !result.errors?.length) {
      const body = Buffer.from(JSON.stringify(result));
      deps.results?.put(key, context, reads, result, body);
      if (result.extensions?.['http'] === undefined) {
        writeJson(res, body, mediaType);
        return true;
      }
    }
    await writeResult(res, result, yoga.fetchAPI, mediaType);
    return true;
  }
  // The Request plugins see (the context factory reads its User-Agent): whatwg-node's, which wraps
  // the node headers without copying them.
  const request = new yoga.fetchAPI.Request(url, { method, headers: req.headers as Record<string, string> });
  const enveloped = yoga.getEnveloped({ ...where, request, params });
  let document: DocumentNode;
  try {
    document = enveloped.parse(params.query);
  } catch {
    return false;
  }
  const schema = enveloped.schema as GraphQLSchema;
  if (enveloped.validate(schema, document).length > 0) return false;
  if (!runs(document, params.operationName, method)) return false;
  deps.prepared.add(schema, params.query, document);
  let result: ExecutionResult;
  try {
    const contextValue = await enveloped.contextFactory();
    result = (await enveloped.execute({ schema, document, contextValue, variableValues: params.variables, operationName: params.operationName })) as ExecutionResult;
  } catch (err) {
    // As yoga's handleError: masked (and logged) unless it is a GraphQL error of our own.
    result = { errors: [mask(err)] };
  }
  await writeResult(res, result, yoga.fetchAPI, mediaType);
  return true;
}

/** The document's operation when this path runs it: a query, or a mutation sent by POST. */
function runs(document: DocumentNode, operationName: string | undefined, method: string | undefined): OperationDefinitionNode | undefined {
  const operation = getOperationAST(document, operationName);
  return operation && operation.operation !== 'subscription' && (method !== 'GET' || operation.operation === 'query') ? operation : undefined;
}

/**
 * Writes the result as yoga's `processRegularResult` answers it. Without errors or HTTP extensions
 * that is always a 200 of the JSON of the result, which is written straight away; anything else
 * takes yoga's own processing (status from the errors, internal extensions left out).
 */
async function writeResult(res: ServerResponse, result: ExecutionResult, fetchAPI: YogaServerInstance<object, object>['fetchAPI'], mediaType: string): Promise<void> {
  if (!result.errors?.length && result.extensions?.['http'] === undefined) {
    writeJson(res, JSON.stringify(result), mediaType);
    return;
  }
  const response = await processRegularResult(result, fetchAPI, mediaType);
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

/** A 200 of a result's JSON without errors, as yoga's `processRegularResult` writes it. */
function writeJson(res: ServerResponse, body: string | Buffer, mediaType: string): void {
  res.writeHead(200, { 'content-type': `${mediaType}; charset=utf-8`, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** yoga's default masking (the endpoint configures none): GraphQL errors of our own pass, anything else is logged and masked. */
function masked(err: unknown, onUnexpected: (err: unknown) => void): GraphQLError {
  const error = maskError(err, MASKED_MESSAGE);
  if (error !== err) onUnexpected(err);
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
}
