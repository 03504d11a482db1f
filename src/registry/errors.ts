/**
 * API errors: everything the registry refuses is an ApiError that renders as a Kubernetes
 * `Status` (REST) and maps to an `extensions.code` (GraphQL). Storage errors are translated
 * here, at the boundary (as apiserver's storage/errors.go InterpretCreateError & co.).
 */
import { StorageError } from '../storage/index.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'RequestEntityTooLarge'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'Timeout'
  | 'ServiceUnavailable'
  | 'InternalError';

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound'
  | 'FieldManagerConflict'
  | 'ResourceVersionTooLarge'
  | 'UnexpectedServerResponse';

/** One problem with one field, as `details.causes[]` carries it. */
export interface FieldError {
  type: CauseType;
  /** Path as Kubernetes prints it: `metadata.name`, `data[key]`, `spec.containers[0].image`. */
  field: string;
  /** Human detail without the field and value, e.g. "must be no more than 63 characters". */
  detail: string;
  value?: unknown;
}

const CAUSE_LABEL: Record<CauseType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotFound: 'Not found',
  FieldManagerConflict: 'Conflict',
  ResourceVersionTooLarge: 'Too large resource version',
  UnexpectedServerResponse: 'Unexpected response',
};

/** `metadata.name: Invalid value: "Foo": a lowercase RFC 1123 ...`, as apimachinery's field.Error prints. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** The message without the field, as a Status cause carries it (apimachinery's ErrorBody). */
export function fieldErrorBody(e: FieldError): string {
  const parts = [CAUSE_LABEL[e.type]];
  const showValue = e.value !== undefined && e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden';
  if (showValue) parts.push(JSON.stringify(e.value) ?? String(e.value));
  if (e.detail) parts.push(e.detail);
  return parts.join(': ');
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason | '';
  details?: StatusDetails;
  code: number;
}

const CODES: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;
  /**
   * A watch cut off because its client fell behind: the resourceVersion to watch again from (it
   * needs no re-list). REST says it in the message; GraphQL in `extensions.resourceVersion`.
   */
  resumeFrom?: string;

  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    code?: number,
  ) {
    super(message);
    this.code = code ?? CODES[reason];
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** For a create that may find its object made already (idempotent start-up, a race): AlreadyExists passes, anything else is thrown. */
export function ignoreAlreadyExists(err: unknown): void {
  if (!(isApiError(err) && err.reason === 'AlreadyExists')) throw err;
}

/** Identifies the resource an error is about, as Status details name it. */
export interface ErrorTarget {
  group: string;
  /** Plural resource name (`configmaps`); Status details call it "kind" for NotFound. */
  resource: string;
  kind: string;
}

const qualified = (t: ErrorTarget): string => (t.group ? `${t.resource}.${t.group}` : t.resource);

export const errors = {
  notFound: (t: ErrorTarget, name: string): ApiError =>
    new ApiError('NotFound', `${qualified(t)} "${name}" not found`, { name, group: t.group, kind: t.resource }),
  alreadyExists: (t: ErrorTarget, name: string): ApiError =>
    new ApiError('AlreadyExists', `${qualified(t)} "${name}" already exists`, { name, group: t.group, kind: t.resource }),
  conflict: (t: ErrorTarget, name: string, why: string): ApiError =>
    new ApiError('Conflict', `Operation cannot be fulfilled on ${qualified(t)} "${name}": ${why}`, {
      name,
      group: t.group,
      kind: t.resource,
    }),
  invalid: (t: ErrorTarget, name: string, causes: FieldError[]): ApiError => {
    const list = causes.map(formatFieldError);
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    // Kubernetes names the kind with its group (`Role.rbac.authorization.k8s.io "x" is invalid`).
    return new ApiError('Invalid', `${t.group ? `${t.kind}.${t.group}` : t.kind} "${name}" is invalid: ${summary}`, {
      name,
      group: t.group,
      kind: t.kind,
      causes: causes.map((c) => ({ reason: c.type, message: fieldErrorBody(c), field: c.field })),
    });
  },
  badRequest: (message: string): ApiError => new ApiError('BadRequest', message),
  forbidden: (t: ErrorTarget, name: string, why: string): ApiError =>
    new ApiError('Forbidden', `${qualified(t)} "${name}" is forbidden: ${why}`, { name, group: t.group, kind: t.resource }),
  methodNotSupported: (t: ErrorTarget, verb: string): ApiError =>
    new ApiError('MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(t)}"`, {
      group: t.group,
      kind: t.resource,
    }),
  expired: (message: string): ApiError => new ApiError('Expired', message),
  gone: (message: string): ApiError => new ApiError('Gone', message),
  tooLarge: (message: string): ApiError => new ApiError('RequestEntityTooLarge', message),
  // Not a 410: the client resumes from `resourceVersion` without re-listing.
  watchTooSlow: (message: string, resourceVersion: string): ApiError =>
    Object.assign(new ApiError('TooManyRequests', message, { retryAfterSeconds: 0 }), { resumeFrom: resourceVersion }),
  internal: (message: string): ApiError =>
    new ApiError('InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: 'UnexpectedServerResponse', message }] }),
};

/** Translates a storage error (or passes through an ApiError) for the named object. */
export function fromStorage(err: unknown, t: ErrorTarget, name: string): ApiError {
  if (err instanceof ApiError) return err;
  if (!(err instanceof StorageError)) {
    return errors.internal(err instanceof Error ? err.message : String(err));
  }
  switch (err.code) {
    case 'NotFound':
      return errors.notFound(t, name);
    case 'AlreadyExists':
      return errors.alreadyExists(t, name);
    case 'Conflict':
      return err.message.startsWith('Precondition failed')
        ? errors.conflict(t, name, err.message)
        : errors.conflict(t, name, 'the object has been modified; please apply your changes to the latest version and try again');
    case 'Expired':
      return errors.expired(err.message);
    case 'TooSlow':
      return errors.watchTooSlow(err.message, String(err.revision));
    case 'InvalidContinue':
      return errors.badRequest(err.message);
    case 'RevisionTooLarge':
      return new ApiError('Timeout', err.message, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    case 'TooLarge':
      return errors.tooLarge(err.message);
    case 'ContainerGone':
      // The workspace was deleted while the create was on its way: as if it had never resolved.
      return new ApiError('NotFound', err.message, { name, group: t.group, kind: t.resource });
    case 'Closed':
      return new ApiError('ServiceUnavailable', 'the server is shutting down');
    case 'Unavailable':
      // 503, not the 500 kube-apiserver gives etcd's "database space exceeded": the condition is
      // the server's, passes without a restart, and GraphQL would mask a 500's message. Retry-After:
      // a full disk or a MongoDB that is away (or failing over) is often back within seconds.
      return new ApiError('ServiceUnavailable', err.message, { retryAfterSeconds: 1 });
    case 'Internal':
      return errors.internal(err.message);
  }
}
