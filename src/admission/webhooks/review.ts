/**
 * AdmissionReview (admission.k8s.io/v1, and v1beta1 for webhooks that accept only it): the request
 * a webhook is sent and the checks on its answer, as the kube-apiserver builds and verifies them
 * (apiserver's admission/plugin/webhook/request). kcp's part: the object and old object sent out
 * carry the request's logical cluster as the `kcp.io/cluster` annotation, and the user's `extra`
 * carries it under the same key (docs/admission.md), so a webhook serving a provider's export
 * across consumers knows which workspace a request is for.
 */
import { isPlainObject } from '../../meta/index.js';
import { annotated, ApiError, CLUSTER_ANNOTATION, type AdmissionRequest, type StatusReason } from '../../registry/index.js';

export type ReviewVersion = 'v1' | 'v1beta1';

const GROUP = 'admission.k8s.io';

/** The version to send: the first of the webhook's `admissionReviewVersions` Atoll speaks (as Kubernetes picks). */
export function reviewVersion(accepted: readonly string[]): ReviewVersion | undefined {
  return accepted.find((v): v is ReviewVersion => v === 'v1' || v === 'v1beta1');
}

const OPTIONS_KIND = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions' } as const;

/** The user as AdmissionReview's userInfo carries it (authentication/v1 UserInfo), with the request's cluster in `extra` (policies' `request.userInfo` too). */
export function userInfo(request: AdmissionRequest): Record<string, unknown> {
  const user = request.context.user;
  const known = (user as { extra?: Readonly<Record<string, readonly string[]>> } | undefined)?.extra ?? {};
  const extra: Record<string, string[]> = Object.fromEntries(Object.entries(known).map(([k, v]) => [k, [...v]]));
  extra[CLUSTER_ANNOTATION] = [request.context.cluster];
  return {
    username: user?.name ?? 'system:anonymous',
    ...(user?.uid ? { uid: user.uid } : {}),
    groups: [...(user?.groups ?? ['system:unauthenticated'])],
    extra,
  };
}

/**
 * The operation's options as Kubernetes sends them: CreateOptions or UpdateOptions (a patch's
 * too) with the field manager and field validation, DeleteOptions with the propagation policy
 * and preconditions; `dryRun: [All]` on dry runs.
 */
function optionsOf(request: AdmissionRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { apiVersion: 'meta.k8s.io/v1', kind: OPTIONS_KIND[request.operation], ...(request.dryRun ? { dryRun: ['All'] } : {}) };
  const o = request.options;
  if (!o) return out;
  if ('propagationPolicy' in o && o.propagationPolicy) out.propagationPolicy = o.propagationPolicy;
  if ('preconditions' in o && o.preconditions) out.preconditions = { ...o.preconditions };
  if ('fieldManager' in o && o.fieldManager) out.fieldManager = o.fieldManager;
  if ('fieldValidation' in o && o.fieldValidation) out.fieldValidation = o.fieldValidation;
  return out;
}

/** The AdmissionReview to send for `request`, with its uid. */
export function buildReview(request: AdmissionRequest, version: ReviewVersion, uid: string): Record<string, unknown> {
  const t = request.type;
  const { object, oldObject } = request;
  const meta = (object ?? oldObject)?.metadata;
  const kind = { group: t.group, version: t.version, kind: t.kind };
  const resource = { group: t.group, version: t.version, resource: t.resource };
  const sub = request.subresource ? { subResource: request.subresource, requestSubResource: request.subresource } : {};
  const cluster = request.context.cluster;
  return {
    apiVersion: `${GROUP}/${version}`,
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource,
      requestKind: kind,
      requestResource: resource,
      ...sub,
      name: meta?.name ?? '',
      ...(t.namespaced && meta?.namespace ? { namespace: meta.namespace } : {}),
      operation: request.operation,
      userInfo: userInfo(request),
      object: object ? annotated(object, cluster) : null,
      oldObject: oldObject ? annotated(oldObject, cluster) : null,
      dryRun: request.dryRun,
      options: optionsOf(request),
    },
  };
}

/** An answer that does not follow the protocol: a failure to call the webhook (under its failurePolicy). */
export class ReviewError extends Error {
  override readonly name = 'ReviewError';
}

export interface ReviewStatus {
  code?: number;
  message?: string;
  reason?: string;
}

export interface ReviewAnswer {
  allowed: boolean;
  status?: ReviewStatus;
  /** The decoded JSON Patch of a mutating webhook (patchType JSONPatch). */
  patch?: unknown[];
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Checks and reads a webhook's answer to the review of `version` with `uid`. Throws ReviewError. */
export function readAnswer(body: unknown, version: ReviewVersion, uid: string): ReviewAnswer {
  if (!isPlainObject(body)) throw new ReviewError('the answer is not a JSON object');
  const apiVersion = `${GROUP}/${version}`;
  // v1 answers must say what they are; v1beta1 webhooks were never held to it (nor to the uid).
  if (version === 'v1' && (body.apiVersion !== apiVersion || body.kind !== 'AdmissionReview')) {
    throw new ReviewError(`expected webhook response of ${apiVersion}, Kind=AdmissionReview, got ${String(body.apiVersion ?? '')}, Kind=${String(body.kind ?? '')}`);
  }
  const response = body.response;
  if (!isPlainObject(response)) throw new ReviewError('webhook response was absent');
  const gotUid = str(response.uid);
  if ((version === 'v1' || gotUid !== undefined) && gotUid !== uid) throw new ReviewError(`expected response.uid="${uid}", got "${gotUid ?? ''}"`);
  if (typeof response.allowed !== 'boolean') throw new ReviewError('response.allowed must be true or false');
  const answer: ReviewAnswer = { allowed: response.allowed, warnings: warningsOf(response.warnings), auditAnnotations: auditAnnotationsOf(response.auditAnnotations) };
  if (isPlainObject(response.status)) {
    const s = response.status;
    answer.status = {
      ...(typeof s.code === 'number' ? { code: s.code } : {}),
      ...(typeof s.message === 'string' ? { message: s.message } : {}),
      ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
    };
  }
  if (response.patch !== undefined && response.patch !== null) answer.patch = patchOf(response.patch, response.patchType);
  return answer;
}

function patchOf(patch: unknown, patchType: unknown): unknown[] {
  if (patchType !== 'JSONPatch') throw new ReviewError(`response.patchType must be JSONPatch with a patch, got ${JSON.stringify(patchType ?? null)}`);
  if (typeof patch !== 'string') throw new ReviewError('response.patch must be a base64-encoded JSON Patch');
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(patch, 'base64').toString('utf8'));
  } catch {
    throw new ReviewError('response.patch is not base64-encoded JSON');
  }
  if (!Array.isArray(ops) || !ops.every(isPlainObject)) throw new ReviewError('response.patch is not a JSON Patch (an array of operations)');
  return ops;
}

/** Warnings as headers can carry them: one line each, printable, at most MAX_WARNING_LENGTH characters. */
const MAX_WARNING_LENGTH = 1024;
const MAX_WARNINGS = 32;

function warningsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((w): w is string => typeof w === 'string')
    .map((w) => w.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim())
    .filter((w) => w !== '')
    .slice(0, MAX_WARNINGS)
    .map((w) => (w.length > MAX_WARNING_LENGTH ? `${w.slice(0, MAX_WARNING_LENGTH)}...` : w));
}

function auditAnnotationsOf(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

const REASONS: ReadonlySet<string> = new Set<StatusReason>([
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Gone',
  'Expired',
  'Invalid',
  'RequestEntityTooLarge',
  'MethodNotAllowed',
  'NotAcceptable',
  'UnsupportedMediaType',
  'TooManyRequests',
  'Timeout',
  'ServiceUnavailable',
  'InternalError',
]);

const REASON_OF_CODE: Readonly<Record<number, StatusReason>> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 422: 'Invalid', 429: 'TooManyRequests' };

/**
 * A webhook's refusal as the client sees it (apiserver's webhookerrors.ToStatusErr): its status
 * with `admission webhook "<name>" denied the request: <message>`, 403 unless it named a code of
 * 400 or more.
 */
export function denial(webhook: string, status: ReviewStatus | undefined): ApiError {
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const code = status?.code !== undefined && Number.isInteger(status.code) && status.code >= 400 && status.code <= 599 ? status.code : 403;
  const message = status?.message ? `${deniedBy}: ${status.message}` : status?.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const reason: StatusReason = status?.reason && REASONS.has(status.reason) ? (status.reason as StatusReason) : (REASON_OF_CODE[code] ?? 'Forbidden');
  return new ApiError(reason, message, undefined, code);
}
