/**
 * What the server knows of the request being served, reachable from anything it calls (the
 * registry's writes, for the audit log) through AsyncLocalStorage. Work that no request started
 * — controllers reacting to the change feed — runs outside any scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  /** The request's Audit-Id. */
  id: string;
  /** Path and query, as received. */
  uri: string;
  sourceIp: string;
  userAgent: string;
  received: Date;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
