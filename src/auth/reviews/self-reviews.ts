/**
 * The two reviews about the requesting user itself: authorization.k8s.io/v1
 * SelfSubjectRulesReview (what may I do in this namespace, `kubectl auth can-i --list`) and
 * authentication.k8s.io/v1 SelfSubjectReview (who am I, `kubectl auth whoami`).
 */
import { rfc3339, type KubeObject } from '../../meta/index.js';
import { errors, type RequestContext } from '../../registry/index.js';
import type { AuthUser } from '../authn/types.js';
import { requestingUser, type ReviewAuthorizer } from './support.js';

/**
 * As Kubernetes answers: a fresh object holding only the status (the spec is not echoed), and a
 * 400 for a review that names no namespace.
 */
export function selfSubjectRulesReview(authorizer: ReviewAuthorizer) {
  return (ctx: RequestContext, o: KubeObject): KubeObject => {
    const user = requestingUser(ctx);
    const namespace = (o.spec as { namespace?: string | null } | null | undefined)?.namespace;
    if (!namespace) throw errors.badRequest('no namespace on request');
    const rules = authorizer.rulesFor(ctx.cluster, user, namespace);
    const status: Record<string, unknown> = { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete };
    if (rules.evaluationError) status.evaluationError = rules.evaluationError;
    return { apiVersion: o.apiVersion, kind: o.kind, metadata: {}, spec: {}, status };
  };
}

/** Empty values are left out, as Go's `omitempty` leaves them. */
export function selfSubjectReview(now: () => Date = () => new Date()) {
  return (ctx: RequestContext, o: KubeObject): KubeObject => {
    const user: AuthUser = requestingUser(ctx);
    const userInfo: Record<string, unknown> = { username: user.name };
    if (user.uid) userInfo.uid = user.uid;
    if (user.groups.length) userInfo.groups = [...user.groups];
    const extra = Object.entries(user.extra ?? {});
    if (extra.length) userInfo.extra = Object.fromEntries(extra.map(([k, v]) => [k, [...v]]));
    return { apiVersion: o.apiVersion, kind: o.kind, metadata: { creationTimestamp: rfc3339(now()) }, status: { userInfo } };
  };
}
