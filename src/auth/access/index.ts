/**
 * The request gate shared by every surface (authenticate, enter the workspace — impersonating when
 * asked —, authorize) and the tracking that ends open streams whose credentials were revoked.
 */
export {
  AccessControl,
  forbidden,
  pendingRefusal,
  refusedPending,
  UNAUTHORIZED_MESSAGE,
  type AccessControlOptions,
  type AuthorizationLimit,
  type LimitDecision,
  type LimitPreparation,
} from './access-control.js';
export {
  impersonationHeaders,
  impersonationHeadersIn,
  impersonatedUser,
  requestedImpersonation,
  type Impersonated,
  type ImpersonationHeaders,
} from './impersonation.js';
export { REVOKED_REASON, Sessions, type SessionsOptions } from './sessions.js';
