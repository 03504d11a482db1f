/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview, SubjectAccessReview and
 * LocalSubjectAccessReview: "may this subject do this?", answered by the workspace's authorizer
 * with the validation and wording of Kubernetes' registry/authorization packages.
 */
import type { KubeObject } from '../../meta/index.js';
import { errors, type ErrorTarget, type FieldError, type RequestContext, type UserInfo } from '../../registry/index.js';
import type { AuthUser } from '../authn/types.js';
import { forbiddenMessage } from '../rbac/evaluator.js';
import { nonResourceAttributes, resourceAttributes, type Attributes, type Decision } from '../rbac/types.js';
import { AUTHORIZATION_GROUP } from './openapi.js';
import type { SubjectAccessReviewSpecWire } from './shapes.js';
import { emptyMetadata, requestingUser, type ReviewAuthorizer } from './support.js';

type Spec = SubjectAccessReviewSpecWire;

const kind = (resource: string, kind: string): ErrorTarget => ({ group: AUTHORIZATION_GROUP, resource, kind });
export const SELF_SUBJECT_ACCESS_REVIEW = kind('selfsubjectaccessreviews', 'SelfSubjectAccessReview');
export const SUBJECT_ACCESS_REVIEW = kind('subjectaccessreviews', 'SubjectAccessReview');
export const LOCAL_SUBJECT_ACCESS_REVIEW = kind('localsubjectaccessreviews', 'LocalSubjectAccessReview');

/** Exactly one of the two kinds of attributes (apiserver's ValidateSelfSubjectAccessReviewSpec). */
function attributeErrors(spec: Spec): FieldError[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    const value = spec.nonResourceAttributes;
    return [{ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', value, detail: 'cannot be specified in combination with resourceAttributes' }];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    // Go prints the nil pointer it was given as "null".
    return [{ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', value: 'null', detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }];
  }
  return [];
}

function subjectErrors(spec: Spec): FieldError[] {
  if (spec.user || (spec.groups ?? []).length > 0) return [];
  return [{ type: 'FieldValueInvalid', field: 'spec.user', value: spec.user ?? '', detail: 'at least one of user or group must be specified' }];
}

function metadataErrors(o: KubeObject, except: string[] = []): FieldError[] {
  if (emptyMetadata(o.metadata, ['managedFields', ...except])) return [];
  const detail = except.includes('namespace') ? 'must be empty except for namespace' : 'must be empty';
  return [{ type: 'FieldValueInvalid', field: 'metadata', value: o.metadata, detail }];
}

function attributesOf(user: UserInfo, spec: Spec): Attributes {
  const r = spec.resourceAttributes;
  if (r) {
    const what = { apiGroup: r.group ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '', name: r.name ?? '', namespace: r.namespace ?? '' };
    return resourceAttributes(user, r.verb ?? '', what);
  }
  const n = spec.nonResourceAttributes;
  return nonResourceAttributes(user, n?.verb ?? '', n?.path ?? '');
}

/**
 * The review's status. RBAC never denies outright, it only fails to allow; Kubernetes then gives
 * no reason unless bindings were broken (`RBAC: ...`), so the Forbidden message the authorizer
 * words for refused requests is left out, and `kubectl auth can-i` prints a bare "no".
 */
function statusOf(attributes: Attributes, decision: Decision): Record<string, unknown> {
  if (decision.allowed) return decision.reason ? { allowed: true, reason: decision.reason } : { allowed: true };
  const forbidden = forbiddenMessage(attributes);
  const reason = decision.reason.startsWith(forbidden) ? decision.reason.slice(forbidden.length).replace(/^: /, '') : decision.reason;
  return reason ? { allowed: false, reason } : { allowed: false };
}

async function review(authorizer: ReviewAuthorizer, ctx: RequestContext, o: KubeObject, user: UserInfo, spec: Spec): Promise<KubeObject> {
  const attributes = attributesOf(user, spec);
  const decision = await authorizer.authorize({ cluster: ctx.cluster, ...attributes });
  return { ...o, status: statusOf(attributes, decision) };
}

const specOf = (o: KubeObject): Spec => (o.spec as Spec | null | undefined) ?? {};

function check(t: ErrorTarget, errs: FieldError[]): void {
  // Kubernetes names no object in these errors: reviews have no name.
  if (errs.length) throw errors.invalid(t, '', errs);
}

export function selfSubjectAccessReview(authorizer: ReviewAuthorizer) {
  return async (ctx: RequestContext, o: KubeObject): Promise<KubeObject> => {
    const spec = specOf(o);
    check(SELF_SUBJECT_ACCESS_REVIEW, [...attributeErrors(spec), ...metadataErrors(o)]);
    return review(authorizer, ctx, o, requestingUser(ctx), spec);
  };
}

/** The subject a SubjectAccessReview names, `extra` included (it tells a service account's home workspace). */
function subjectOf(spec: Spec): AuthUser {
  const extra = Object.fromEntries(Object.entries(spec.extra ?? {}).map(([k, v]) => [k, v ?? []]));
  return { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra } : {}) };
}

export function subjectAccessReview(authorizer: ReviewAuthorizer) {
  return async (ctx: RequestContext, o: KubeObject): Promise<KubeObject> => {
    const spec = specOf(o);
    check(SUBJECT_ACCESS_REVIEW, [...attributeErrors(spec), ...subjectErrors(spec), ...metadataErrors(o)]);
    return review(authorizer, ctx, o, subjectOf(spec), spec);
  };
}

/** The namespace comes from the URL (the registry set metadata.namespace); the attributes must name it. */
export function localSubjectAccessReview(authorizer: ReviewAuthorizer) {
  return async (ctx: RequestContext, o: KubeObject): Promise<KubeObject> => {
    const spec = specOf(o);
    const namespace = o.metadata.namespace ?? '';
    const errs = [...attributeErrors(spec), ...subjectErrors(spec), ...metadataErrors(o, ['namespace'])];
    const asked = spec.resourceAttributes?.namespace ?? '';
    if (spec.resourceAttributes && asked !== namespace) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.resourceAttributes.namespace', value: asked, detail: 'must match metadata.namespace' });
    }
    if (spec.nonResourceAttributes) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', value: spec.nonResourceAttributes, detail: 'disallowed on this kind of request' });
    }
    check(LOCAL_SUBJECT_ACCESS_REVIEW, errs);
    return review(authorizer, ctx, o, subjectOf(spec), spec);
  };
}
