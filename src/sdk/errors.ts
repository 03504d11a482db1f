/** A request the server answered with an error: its Kubernetes `Status` (reason, code) as sent. */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    /** The Status' details, e.g. for TooSlow the resourceVersion to resume from. */
    readonly status?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

export const isConflict = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 409;
export const isNotFound = (err: unknown): boolean => err instanceof ApiStatusError && err.code === 404;
/** 410 Gone: the resourceVersion is older than the server keeps history; relist. */
export const isGone = (err: unknown): boolean => err instanceof ApiStatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');

/** An error from a Status object (or whatever else the server sent). */
export function statusError(code: number, body: unknown): ApiStatusError {
  const s = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const message = typeof s.message === 'string' ? s.message : `HTTP ${code}`;
  const reason = typeof s.reason === 'string' ? s.reason : String(code);
  return new ApiStatusError(typeof s.code === 'number' ? s.code : code, reason, message, s);
}
