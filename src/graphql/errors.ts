/**
 * Registry errors → GraphQL errors (DESIGN decision 6): the Kubernetes `reason` becomes
 * `extensions.code`, the HTTP code `extensions.status`, and `details.causes` (with their field
 * paths, as REST's Status carries them) `extensions.causes`. Only GraphQLErrors leave the GraphQL
 * layer; anything unexpected is masked as INTERNAL_SERVER_ERROR, its message kept only as the
 * `originalError` for the server's log.
 */
import { GraphQLError } from 'graphql';
import { isApiError, type ApiError, type StatusReason } from '../registry/index.js';
import { pendingRefusal } from '../auth/index.js';

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'EXPIRED'
  | 'INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'
  | 'TOO_MANY_REQUESTS'
  | 'TOO_SLOW'
  | 'TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/**
 * Reasons a client can act on. Gone (a compacted resourceVersion) is EXPIRED like Expired: both
 * mean "re-list". TooManyRequests, Timeout (a resourceVersion from the future) and
 * ServiceUnavailable (shutting down) say "retry", so they are not masked either (a watcher that
 * fell behind is TooManyRequests too, but answered as TOO_SLOW: see fromApiError).
 * Media-type reasons cannot arise over GraphQL and fall back to BAD_REQUEST.
 */
const CODES: Record<StatusReason, ErrorCode> = {
  BadRequest: 'BAD_REQUEST',
  Unauthorized: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  Conflict: 'CONFLICT',
  Gone: 'EXPIRED',
  Expired: 'EXPIRED',
  Invalid: 'INVALID',
  RequestEntityTooLarge: 'PAYLOAD_TOO_LARGE',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  NotAcceptable: 'BAD_REQUEST',
  UnsupportedMediaType: 'BAD_REQUEST',
  TooManyRequests: 'TOO_MANY_REQUESTS',
  Timeout: 'TIMEOUT',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  InternalError: 'INTERNAL_SERVER_ERROR',
};

export const MASKED_MESSAGE = 'Unexpected error.';

/** One problem with one field, as `extensions.causes[]` carries it (Status `details.causes`). */
export interface ErrorCause {
  reason: string;
  message: string;
  field?: string;
}

/** The GraphQL error for anything a resolver throws. */
export function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (isApiError(err) && CODES[err.reason] !== 'INTERNAL_SERVER_ERROR') return fromApiError(err);
  return new GraphQLError(MASKED_MESSAGE, {
    extensions: { code: 'INTERNAL_SERVER_ERROR', status: 500 },
    ...(err instanceof Error ? { originalError: err } : {}),
  });
}

function fromApiError(err: ApiError): GraphQLError {
  // A watch cut off for falling behind is TOO_SLOW, not TOO_MANY_REQUESTS (a rate limit): the
  // client subscribes again from `resourceVersion`, at once.
  const code: ErrorCode = err.resumeFrom !== undefined ? 'TOO_SLOW' : CODES[err.reason];
  const extensions: Record<string, unknown> = { code, status: err.code };
  if (err.resumeFrom !== undefined) extensions.resourceVersion = err.resumeFrom;
  const causes: ErrorCause[] | undefined = err.details?.causes?.map((c) => ({
    reason: c.reason,
    message: c.message,
    ...(c.field !== undefined ? { field: c.field } : {}),
  }));
  if (causes && causes.length > 0) extensions.causes = causes;
  if (err.details?.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = err.details.retryAfterSeconds;
  // No originalError: the message is the API's own, and graphql-yoga masks any error that carries
  // a non-GraphQL original (it would turn NOT_FOUND into INTERNAL_SERVER_ERROR).
  return new GraphQLError(err.message, { extensions });
}

/** Runs a registry call, turning what it throws into a GraphQL error. */
export async function registryCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await waitingOutPending(call);
  } catch (err) {
    throw toGraphQLError(err);
  }
}

/** A call checks a few things at most (a subscription: list, then watch); each may wait once. */
const MAX_PENDING_WAITS = 4;

/**
 * Runs `call`; if it was refused only while another shard's answer was being asked
 * (pendingRefusal), waits for the answer and makes it again — GraphQL authorizes each field
 * synchronously, so it cannot ask first as REST does.
 */
export async function waitingOutPending<T>(call: () => Promise<T>): Promise<T> {
  for (let waits = 0; ; waits++) {
    try {
      return await call();
    } catch (err) {
      const pending = waits < MAX_PENDING_WAITS ? pendingRefusal(err) : undefined;
      if (!pending) throw err;
      const refusal = await pending;
      if (refusal) throw refusal;
    }
  }
}
