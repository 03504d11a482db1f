/**
 * The logging a controller needs: pino's `(fields, message)` shape, so the server can pass its
 * pino logger as is, and tests can pass nothing.
 */
export interface ControllerLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const ignore = (): void => {};

export const silentLog: ControllerLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Error text for log fields and status messages, without stack traces. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
