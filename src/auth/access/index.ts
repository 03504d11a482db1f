/**
 * The request gate shared by every surface (authenticate, enter the workspace, authorize) and the
 * tracking that ends open streams whose credentials were revoked.
 */
export { AccessControl, forbidden, UNAUTHORIZED_MESSAGE, type AccessControlOptions } from './access-control.js';
export { REVOKED_REASON, Sessions, type SessionsOptions } from './sessions.js';
