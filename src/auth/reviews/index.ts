/**
 * The create-only kinds of authorization.k8s.io/v1 and authentication.k8s.io/v1 as registry
 * ResourceTypes (answered by the workspace's authorizer, never stored), the ServiceAccount
 * type with its `token` action, and the ClusterRole and ClusterRoleBinding types that serve the
 * bootstrap policy in every workspace.
 *
 * Wiring (for the server): `types = withAuthResourceTypes(baseTypes, { authorizer, tokens })`,
 * then build the API catalog from `types`. Whether a user may create a review (or a token) at all
 * is the surface's authorization check, made before the registry is called.
 */
import { builtin, checkSchema, type ResourceType, type Strategy } from '../../registry/index.js';
import type { ServiceAccountTokens } from '../authn/service-account-tokens.js';
import { bootstrapPolicyTypes } from '../rbac/bootstrap-objects.js';
import { localSubjectAccessReview, selfSubjectAccessReview, subjectAccessReview } from './access-reviews.js';
import { AUTHENTICATION_GROUP, AUTHN, AUTHN_V1BETA1, AUTHORIZATION_GROUP, AUTHZ, authComponents } from './openapi.js';
import { selfSubjectRulesReview, selfSubjectReview } from './self-reviews.js';
import {
  selfSubjectAccessReviewSchema,
  selfSubjectRulesReviewSchema,
  selfSubjectReviewSchema,
  subjectAccessReviewSchema,
  tokenReviewSchema,
} from './shapes.js';
import type { ReviewAuthorizer } from './support.js';
import { serviceAccountsWithTokens } from './token-request.js';
import { tokenReview, type TokenReviewer } from './token-review.js';

export { authComponents } from './openapi.js';
export { serviceAccountsWithTokens, tokenRequestAction } from './token-request.js';
export type { ReviewAuthorizer } from './support.js';
export type { TokenReviewer } from './token-review.js';

export interface AuthResourceDeps {
  authorizer: ReviewAuthorizer;
  tokens: ServiceAccountTokens;
  /** The authenticators TokenReview asks; without them TokenReview is not served. */
  tokenReviewer?: TokenReviewer;
}

type Answer = NonNullable<ResourceType['ephemeral']>['create'];

function reviewKind(group: string, schemaPrefix: string, kind: string, namespaced: boolean, schema: Parameters<typeof checkSchema>[0], create: Answer, version = 'v1'): ResourceType {
  const strategy: Strategy = { validate: (o) => checkSchema(schema, o) };
  const t = builtin(
    { group, version, resource: `${kind.toLowerCase()}s`, kind, namespaced, nameRule: 'subdomain', hasStatus: false, schema: { name: `${schemaPrefix}${kind}`, components: authComponents } },
    strategy,
  );
  return { ...t, ephemeral: { create } };
}

/** The review kinds, the ServiceAccount type with `token`, and the RBAC types serving the bootstrap policy. */
export function authResourceTypes({ authorizer, tokens, tokenReviewer }: AuthResourceDeps): ResourceType[] {
  const authz = (kind: string, namespaced: boolean, schema: Parameters<typeof checkSchema>[0], create: Answer) =>
    reviewKind(AUTHORIZATION_GROUP, AUTHZ, kind, namespaced, schema, create);
  return [
    authz('SelfSubjectAccessReview', false, selfSubjectAccessReviewSchema, selfSubjectAccessReview(authorizer)),
    authz('SubjectAccessReview', false, subjectAccessReviewSchema, subjectAccessReview(authorizer)),
    authz('LocalSubjectAccessReview', true, subjectAccessReviewSchema, localSubjectAccessReview(authorizer)),
    authz('SelfSubjectRulesReview', false, selfSubjectRulesReviewSchema, selfSubjectRulesReview(authorizer)),
    reviewKind(AUTHENTICATION_GROUP, AUTHN, 'SelfSubjectReview', false, selfSubjectReviewSchema, selfSubjectReview()),
    reviewKind(AUTHENTICATION_GROUP, AUTHN_V1BETA1, 'SelfSubjectReview', false, selfSubjectReviewSchema, selfSubjectReview(), 'v1beta1'),
    ...(tokenReviewer ? [reviewKind(AUTHENTICATION_GROUP, AUTHN, 'TokenReview', false, tokenReviewSchema, tokenReview(tokenReviewer))] : []),
    serviceAccountsWithTokens(tokens),
    ...bootstrapPolicyTypes(),
  ];
}

/** `base` with the auth types: ones it already serves (the built-in ServiceAccount and RBAC kinds) replaced, the rest added. */
export function withAuthResourceTypes(base: readonly ResourceType[], deps: AuthResourceDeps): ResourceType[] {
  const added = authResourceTypes(deps);
  const key = (t: ResourceType) => `${t.group}/${t.version}/${t.resource}`;
  const byKey = new Map(added.map((t) => [key(t), t]));
  const out = base.map((t) => byKey.get(key(t)) ?? t);
  const served = new Set(out.map(key));
  return [...out, ...added.filter((t) => !served.has(key(t)))];
}
