/** Small response helpers shared by the server's handlers. */
import type { ServerResponse } from 'node:http';
import { ApiError, errors } from '../registry/index.js';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Any error as a Kubernetes Status; unexpected ones are masked (the caller logs them). */
export function sendError(res: ServerResponse, err: unknown): void {
  const api = err instanceof ApiError ? err : errors.internal('an unexpected error occurred; see the server log');
  // As the apiserver: a Status that says when to retry says it in the header too, which client-go obeys.
  const retryAfter = api.details?.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
  sendJson(res, api.code, api.toStatus());
}
