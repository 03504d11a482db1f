/**
 * Persisted operations: documents an operator lists in a JSON file (`{ "<id>": "<document>" }`),
 * which clients run by id instead of sending the document. An id arrives Apollo style
 * (`extensions.persistedQuery: { version: 1, sha256Hash }`) or as a `documentId` (GraphQL over
 * HTTP's persisted documents; in a POST body or a GET query parameter); `sha256:<hex>` and `<hex>`
 * name the same entry. An unknown id fails with PERSISTED_QUERY_NOT_FOUND (the code Apollo
 * clients react to). With `onlyPersisted`, requests that carry a document of their own fail with
 * PERSISTED_QUERY_REQUIRED — the server then runs nothing but the listed operations, introspection
 * included.
 *
 * HTTP goes through graphql-yoga's persisted-operations plugin; graphql-ws, which yoga's request
 * pipeline does not see, calls `persistedDocument` with the same rules and errors.
 */
import fs from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const PERSISTED_QUERY_REQUIRED = 'PERSISTED_QUERY_REQUIRED';
const BAD_REQUEST = 'BAD_REQUEST';

const SHA256 = 'sha256:';

/** The operations of one file, by id. */
export class PersistedOperations {
  private constructor(private readonly byId: ReadonlyMap<string, string>) {}

  /** Reads and checks a file: a JSON object of id → document, every document parseable. */
  static load(file: string): PersistedOperations {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the persisted operations file ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return PersistedOperations.parse(text, file);
  }

  static parse(text: string, origin = 'persisted operations'): PersistedOperations {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${origin}: not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${origin}: expected a JSON object of id → GraphQL document`);
    const byId = new Map<string, string>();
    for (const [id, document] of Object.entries(json)) {
      if (id === '') throw new Error(`${origin}: an id must not be empty`);
      if (typeof document !== 'string') throw new Error(`${origin}: the operation "${id}" is not a string`);
      try {
        parse(document);
      } catch (err) {
        throw new Error(`${origin}: the operation "${id}" does not parse: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      byId.set(id, document);
    }
    return new PersistedOperations(byId);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The document listed under `id`, where `sha256:<hex>` and `<hex>` are the same id. */
  get(id: string): string | undefined {
    return this.byId.get(id) ?? (id.startsWith(SHA256) ? this.byId.get(id.slice(SHA256.length)) : this.byId.get(SHA256 + id));
  }
}

export interface PersistedOperationsOptions {
  operations: PersistedOperations;
  /** Refuse every request that sends a document instead of an id. */
  onlyPersisted: boolean;
}

/** What a request sends, whatever the transport. */
export interface OperationParams {
  query?: string | null | undefined;
  extensions?: Record<string, unknown> | null | undefined;
  documentId?: unknown;
}

/** The persisted operation a request names, or null when it names none. */
export function persistedOperationId(params: OperationParams, url?: URL): string | null {
  const apollo = params.extensions?.persistedQuery;
  if (apollo !== null && typeof apollo === 'object' && 'sha256Hash' in apollo && typeof apollo.sha256Hash === 'string' && apollo.sha256Hash !== '') {
    return apollo.sha256Hash;
  }
  const documentId = params.documentId ?? url?.searchParams.get('documentId');
  return typeof documentId === 'string' && documentId !== '' ? documentId : null;
}

/** 404 as Apollo Server answers it: Apollo clients retry with the full document then, but give up on persisted queries after a 400. */
const notFound = (id: string | null): GraphQLError =>
  new GraphQLError(`no persisted operation has the id "${id ?? ''}"`, { extensions: { code: PERSISTED_QUERY_NOT_FOUND, http: { status: 404 } } });

const required = (): GraphQLError =>
  new GraphQLError(
    'this server runs persisted operations only: send the id of one (extensions.persistedQuery.sha256Hash or documentId) instead of a document',
    { extensions: { code: PERSISTED_QUERY_REQUIRED, http: { status: 400 } } },
  );

const missing = (onlyPersisted: boolean): GraphQLError =>
  new GraphQLError(
    onlyPersisted
      ? 'the request names no persisted operation: send its id in extensions.persistedQuery.sha256Hash or documentId'
      : 'the request has neither a query nor the id of a persisted operation (extensions.persistedQuery.sha256Hash or documentId)',
    { extensions: { code: onlyPersisted ? PERSISTED_QUERY_REQUIRED : BAD_REQUEST, http: { status: 400 } } },
  );

/** The yoga plugin for HTTP requests (POST and GET). */
export function usePersistedOperationList(options: PersistedOperationsOptions): Plugin {
  const idOf = (params: GraphQLParams, request: Request): string | null =>
    persistedOperationId(params as OperationParams, request.method === 'GET' ? new URL(request.url) : undefined);
  return usePersistedOperations({
    allowArbitraryOperations: !options.onlyPersisted,
    extractPersistedOperationId: idOf,
    getPersistedOperation: (id) => options.operations.get(id) ?? null,
    customErrors: {
      notFound: ({ params, request }) => notFound(idOf(params, request)),
      persistedQueryOnly: required,
      keyNotFound: () => missing(options.onlyPersisted),
    },
  });
}

/**
 * The document a graphql-ws subscribe message runs, by the plugin's rules (graphql-ws requires a
 * `query` string: an empty one means "none"). Throws the plugin's errors, without their HTTP part.
 */
export function persistedDocument(options: PersistedOperationsOptions, params: OperationParams): string {
  const withoutHttp = (error: GraphQLError): GraphQLError => {
    const { http: _http, ...extensions } = error.extensions;
    return new GraphQLError(error.message, { extensions });
  };
  if (params.query) {
    if (options.onlyPersisted) throw withoutHttp(required());
    return params.query;
  }
  const id = persistedOperationId(params);
  if (id === null) throw withoutHttp(missing(options.onlyPersisted));
  const document = options.operations.get(id);
  if (document === undefined) throw withoutHttp(notFound(id));
  return document;
}
