/**
 * Where a GraphQL client's credentials travel besides the HTTP request's own headers. graphql-ws
 * clients may authenticate the connection in `connection_init`'s payload (`connectionParams`):
 * `{ "authorization": "Bearer …" }` or `{ "headers": { "Authorization": "Bearer …" } }`, names in
 * any case. Each operation may carry its own in `extensions.headers` — GraphiQL sends the headers
 * of its header editor that way on WebSockets (graphql-tools' WebSocket executor puts the
 * operation's extensions, where GraphiQL's fetcher placed them, into the subscribe payload).
 * Only the Authorization header is taken, with the `Impersonate-*` headers beside it (so `--as`
 * in GraphiQL's editor holds for subscriptions as for queries): nothing else a client writes there
 * acts as a header, and impersonation never comes from elsewhere than the credentials it goes with.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { impersonationHeadersIn, type ImpersonationHeaders } from '../auth/index.js';
import { isPlainObject } from '../meta/index.js';

/** Credentials and the impersonation asked for with them. */
export interface Credentials {
  headers: IncomingHttpHeaders;
  impersonation?: ImpersonationHeaders | undefined;
}

/** The credentials of an object that has an Authorization key (in any case), else undefined. */
function credentialsIn(o: unknown): Credentials | undefined {
  if (!isPlainObject(o)) return undefined;
  for (const [key, value] of Object.entries(o)) {
    if (key.toLowerCase() !== 'authorization' || typeof value !== 'string') continue;
    const impersonation = impersonationHeadersIn(o);
    return { headers: { authorization: value }, ...(impersonation ? { impersonation } : {}) };
  }
  return undefined;
}

/** The credentials of graphql-ws `connectionParams`, at the top level or under `headers`. */
export function connectionCredentials(params: unknown): Credentials | undefined {
  return credentialsIn(params) ?? (isPlainObject(params) ? credentialsIn(params.headers) : undefined);
}

/** The credentials of one operation: `extensions.headers.Authorization`. */
export function operationCredentials(extensions: unknown): Credentials | undefined {
  return isPlainObject(extensions) ? credentialsIn(extensions.headers) : undefined;
}
