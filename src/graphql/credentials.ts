/**
 * Where a GraphQL client's credentials travel besides the HTTP request's own headers. graphql-ws
 * clients may authenticate the connection in `connection_init`'s payload (`connectionParams`):
 * `{ "authorization": "Bearer …" }` or `{ "headers": { "Authorization": "Bearer …" } }`, names in
 * any case. Each operation may carry its own in `extensions.headers` — GraphiQL sends the headers
 * of its header editor that way on WebSockets (graphql-tools' WebSocket executor puts the
 * operation's extensions, where GraphiQL's fetcher placed them, into the subscribe payload).
 * Only the Authorization header is taken: nothing else a client writes there acts as a header.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isPlainObject } from '../meta/index.js';

/** `{ authorization }` from an object that has the key in any case, else undefined. */
function authorizationIn(o: unknown): IncomingHttpHeaders | undefined {
  if (!isPlainObject(o)) return undefined;
  for (const [key, value] of Object.entries(o)) {
    if (key.toLowerCase() === 'authorization' && typeof value === 'string') return { authorization: value };
  }
  return undefined;
}

/** The credentials of graphql-ws `connectionParams`, at the top level or under `headers`. */
export function connectionCredentials(params: unknown): IncomingHttpHeaders | undefined {
  return authorizationIn(params) ?? (isPlainObject(params) ? authorizationIn(params.headers) : undefined);
}

/** The credentials of one operation: `extensions.headers.Authorization`. */
export function operationCredentials(extensions: unknown): IncomingHttpHeaders | undefined {
  return isPlainObject(extensions) ? authorizationIn(extensions.headers) : undefined;
}
