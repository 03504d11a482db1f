/** What the review kinds share: the authorizer they ask, the requesting user, Go's idea of "empty". */
import { errors, type RequestContext, type UserInfo } from '../../registry/index.js';
import type { Authorizer } from '../rbac/authorizer.js';

/** The part of the Authorizer the reviews use (a test or a wrapping authorizer may supply its own). */
export type ReviewAuthorizer = Pick<Authorizer, 'authorize' | 'rulesFor'>;

/** The user a Self* review answers for; Kubernetes refuses the review without one. */
export function requestingUser(ctx: RequestContext): UserInfo {
  if (!ctx.user) throw errors.badRequest('no user present on request');
  return ctx.user;
}

/** A JSON value Go would decode to its zero value (null, "", 0, false, empty maps and lists). */
function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * Whether metadata is empty but for the `except` keys, as the apiserver compares it with a zero
 * ObjectMeta: clients send `{"creationTimestamp": null}` for "nothing".
 */
export function emptyMetadata(meta: object, except: readonly string[]): boolean {
  return Object.entries(meta).every(([k, v]) => except.includes(k) || isZero(v));
}
