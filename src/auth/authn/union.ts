/**
 * The union of authenticators, with Kubernetes' semantics (apiserver's union + anonymous +
 * AuthenticatedGroupAdder):
 * - each authenticator is tried in order; the first user wins;
 * - an error does not stop the others (a bearer token the token file does not know may be a
 *   service-account token), but when nobody accepted the request and somebody saw invalid
 *   credentials, the request is refused — even with anonymous access on;
 * - with no credentials at all the request is anonymous (`system:anonymous`, group
 *   `system:unauthenticated`) when enabled, else refused (the default);
 * - every authenticated user gets the group `system:authenticated`.
 */
import {
  ANONYMOUS_USER,
  AUTHENTICATED_GROUP,
  UNAUTHENTICATED_GROUP,
  type AuthRequest,
  type AuthUser,
  type Authenticator,
} from './types.js';

export interface UnionOptions {
  /** Let requests without credentials through as `system:anonymous` (default false: refused). */
  anonymous?: boolean;
}

/** What the union decides: always a user or a refusal (the server answers a refusal with 401). */
export type AuthDecision = { user: AuthUser; audiences?: readonly string[] } | { error: string };

export interface UnionAuthenticator extends Authenticator {
  authenticate(request: AuthRequest): Promise<AuthDecision>;
}

export const ANONYMOUS: AuthUser = Object.freeze({ name: ANONYMOUS_USER, groups: Object.freeze([UNAUTHENTICATED_GROUP]) });

/** The refusal for a request that carries no credentials while anonymous access is off. */
export const NO_CREDENTIALS = 'no credentials provided (anonymous requests are disabled)';

/** Adds `system:authenticated` unless present (not to the anonymous user), as Kubernetes' AuthenticatedGroupAdder. */
export function withAuthenticatedGroup(user: AuthUser): AuthUser {
  if (user.name === ANONYMOUS_USER || user.groups.includes(AUTHENTICATED_GROUP) || user.groups.includes(UNAUTHENTICATED_GROUP)) return user;
  return { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

export function unionAuthenticator(authenticators: readonly Authenticator[], options: UnionOptions = {}): UnionAuthenticator {
  const list = [...authenticators];
  return {
    async authenticate(request) {
      const errors: string[] = [];
      for (const authenticator of list) {
        const result = await authenticator.authenticate(request);
        if (result === undefined) continue;
        if ('user' in result) return { ...result, user: withAuthenticatedGroup(result.user) };
        errors.push(result.error);
      }
      if (errors.length > 0) return { error: [...new Set(errors)].join('; ') };
      return options.anonymous ? { user: ANONYMOUS } : { error: NO_CREDENTIALS };
    },
  };
}
