/**
 * Authentication and authorization (DESIGN.md's `auth/` layer): authenticators in `authn/`,
 * RBAC in `rbac/`.
 */
export * from './authn/index.js';
export * from './rbac/index.js';
export * from './access/index.js';
export * from './reviews/index.js';
