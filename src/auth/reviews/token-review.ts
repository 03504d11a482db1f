/**
 * authentication.k8s.io/v1 TokenReview: who a bearer token belongs to, by this server's own
 * authenticators, as Kubernetes' tokenreview REST answers it (token-checking proxies such as the
 * Kubernetes GraphQL gateway send one per request). The answer echoes the review with its status;
 * an invalid token is a 201 with `error`, not a failure. Who may ask is RBAC's `create` on
 * tokenreviews (system:auth-delegator grants it).
 */
import type { KubeObject } from '../../meta/index.js';
import { errors, type RequestContext } from '../../registry/index.js';
import { INVALID_TOKEN } from '../authn/token-file.js';
import { ANONYMOUS_USER, type AuthRequest, type AuthUser } from '../authn/types.js';
import type { AuthDecision } from '../authn/union.js';

/** The server's authenticators as a TokenReview uses them: uncached, with the audiences asked for. */
export interface TokenReviewer {
  authenticate(request: AuthRequest): Promise<AuthDecision>;
  /** The audiences a token is for when the review names none (the server's API audiences). */
  readonly apiAudiences: readonly string[];
}

interface TokenReviewSpec {
  token?: string | null;
  audiences?: string[] | null;
}

/** Go's user.Info as TokenReview's UserInfo, empty values left out (`omitempty`). */
function userInfo(user: AuthUser): Record<string, unknown> {
  const info: Record<string, unknown> = { username: user.name };
  if (user.uid) info.uid = user.uid;
  if (user.groups.length) info.groups = [...user.groups];
  const extra = Object.entries(user.extra ?? {});
  if (extra.length) info.extra = Object.fromEntries(extra.map(([k, v]) => [k, [...v]]));
  return info;
}

export function tokenReview(reviewer: TokenReviewer) {
  return async (_ctx: RequestContext, o: KubeObject): Promise<KubeObject> => {
    const spec = (o.spec ?? {}) as TokenReviewSpec;
    if (!spec.token) throw errors.badRequest('token is required for TokenReview in authentication');
    const asked = spec.audiences?.length ? spec.audiences : reviewer.apiAudiences;
    const decision = await reviewer.authenticate({ headers: { authorization: `Bearer ${spec.token}` }, audiences: asked });
    const reply = (status: Record<string, unknown>): KubeObject => ({ ...o, status });
    // A token nobody recognised: Kubernetes' bearer-token authenticator says "invalid bearer token"
    // (the anonymous fallback never applies to a request that carries a token).
    if ('error' in decision) return reply({ user: {}, error: decision.error });
    if (decision.user.name === ANONYMOUS_USER) return reply({ user: {}, error: INVALID_TOKEN });
    // Authenticators that know no audiences (token file, admin token) are valid for the API
    // audiences only, as Kubernetes wraps them (WrapAudienceAgnosticToken).
    const audiences = decision.audiences ?? asked.filter((a) => reviewer.apiAudiences.includes(a));
    if (audiences.length === 0) return reply({ user: {}, error: INVALID_TOKEN });
    return reply({ authenticated: true, user: userInfo(decision.user), audiences: [...audiences] });
  };
}
