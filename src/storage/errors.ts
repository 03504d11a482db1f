/**
 * Typed storage errors with predicates (as k8s.io/apiserver storage/errors.go): the registry
 * translates them into API errors; nothing above the registry sees them.
 */
export type StorageErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'TooSlow'
  | 'InvalidContinue'
  | 'RevisionTooLarge'
  | 'TooLarge'
  /** A create's required key (its logical cluster's LogicalCluster) did not exist at commit. */
  | 'ContainerGone'
  | 'Closed'
  /** The data directory cannot take writes now (disk full, I/O error); nothing of the write was applied. */
  | 'Unavailable'
  | 'Internal';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** For Expired/TooSlow: the newest revision the caller has seen, to resume from (after a re-list if Expired). */
    readonly revision?: number,
  ) {
    super(message);
  }
}

const is =
  (code: StorageErrorCode) =>
  (err: unknown): err is StorageError =>
    err instanceof StorageError && err.code === code;

export const isNotFound = is('NotFound');
export const isAlreadyExists = is('AlreadyExists');
export const isConflict = is('Conflict');
export const isExpired = is('Expired');
export const isTooSlow = is('TooSlow');
export const isInvalidContinue = is('InvalidContinue');
