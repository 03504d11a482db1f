/**
 * OpenAPI v3 schemas of the create-only kinds of authorization.k8s.io/v1 (the four access and
 * rules reviews) and authentication.k8s.io/v1 (SelfSubjectReview, TokenRequest, TokenReview), named as in
 * Kubernetes, on top of the built-in components (ObjectMeta & co.), so `kubectl explain` and the
 * OpenAPI documents describe them. Descriptions are Atoll's own.
 */
import type { OpenApiComponents, OpenApiSchema } from '../../meta/index.js';
import { builtinComponents, schemaBuilders as b } from '../../registry/index.js';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
export const AUTHENTICATION_GROUP = 'authentication.k8s.io';
export const AUTHZ = 'io.k8s.api.authorization.v1.';
export const AUTHN = 'io.k8s.api.authentication.v1.';

const FIELD_SELECTOR_REQUIREMENT = `${b.META_V1}FieldSelectorRequirement`;
const LABEL_SELECTOR_REQUIREMENT = `${b.META_V1}LabelSelectorRequirement`;

/** `map[string][]string`, as user `extra` values travel. */
const extraMap = (description: string): OpenApiSchema => ({
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string', default: '' } },
  description,
});

const review = (group: string, kind: string, description: string, properties: Record<string, OpenApiSchema>, required?: string[], version = 'v1') =>
  b.kindSchema({ group, version, kind, description, properties, ...(required ? { required } : {}) });

/** authentication.k8s.io/v1beta1, where kubectl 1.27's `auth whoami` asks. */
export const AUTHN_V1BETA1 = 'io.k8s.api.authentication.v1beta1.';

const accessReviewStatus = () => b.refObject(`${AUTHZ}SubjectAccessReviewStatus`, 'The answer, filled in by the server.');

const selectorAttributes = (what: string, requirement: string): OpenApiSchema => ({
  type: 'object',
  description: `Limits the request to objects matching a ${what} selector.`,
  properties: {
    rawSelector: b.str(`The ${what} selector as a client sends it in a query parameter. Do not set both it and requirements.`),
    requirements: b.refList(requirement, 'The selector as parsed requirements.', b.ATOMIC),
  },
});

const authorization: Record<string, OpenApiSchema> = {
  [`${AUTHZ}SelfSubjectAccessReview`]: review(
    AUTHORIZATION_GROUP,
    'SelfSubjectAccessReview',
    'Asks whether the requesting user may perform an action (`kubectl auth can-i`).',
    {
      spec: b.refObject(`${AUTHZ}SelfSubjectAccessReviewSpec`, 'The action asked about.'),
      status: accessReviewStatus(),
    },
    ['spec'],
  ),
  [`${AUTHZ}SelfSubjectAccessReviewSpec`]: {
    type: 'object',
    description: 'An action; exactly one of resourceAttributes and nonResourceAttributes must be set.',
    properties: {
      resourceAttributes: b.ref(`${AUTHZ}ResourceAttributes`, 'An action on a resource.'),
      nonResourceAttributes: b.ref(`${AUTHZ}NonResourceAttributes`, 'An action on a non-resource path.'),
    },
  },
  [`${AUTHZ}SubjectAccessReview`]: review(
    AUTHORIZATION_GROUP,
    'SubjectAccessReview',
    'Asks whether a given user or group may perform an action.',
    { spec: b.refObject(`${AUTHZ}SubjectAccessReviewSpec`, 'Who asks and what.'), status: accessReviewStatus() },
    ['spec'],
  ),
  [`${AUTHZ}LocalSubjectAccessReview`]: review(
    AUTHORIZATION_GROUP,
    'LocalSubjectAccessReview',
    'Asks whether a given user or group may perform an action in this namespace; the action must name the same namespace.',
    { spec: b.refObject(`${AUTHZ}SubjectAccessReviewSpec`, 'Who asks and what; only resourceAttributes are allowed.'), status: accessReviewStatus() },
    ['spec'],
  ),
  [`${AUTHZ}SubjectAccessReviewSpec`]: {
    type: 'object',
    description: 'A subject and an action; exactly one of resourceAttributes and nonResourceAttributes, and at least one of user and groups.',
    properties: {
      resourceAttributes: b.ref(`${AUTHZ}ResourceAttributes`, 'An action on a resource.'),
      nonResourceAttributes: b.ref(`${AUTHZ}NonResourceAttributes`, 'An action on a non-resource path.'),
      user: b.str('The user to check.'),
      groups: b.stringList('The groups to check.', b.ATOMIC),
      extra: extraMap('Extra attributes of the user, as the authenticator set them.'),
      uid: b.str('The user’s UID.'),
    },
  },
  [`${AUTHZ}ResourceAttributes`]: {
    type: 'object',
    description: 'An action on a resource, as an authorizer sees a request.',
    properties: {
      namespace: b.str('The namespace of the action; empty for cluster-scoped resources and for all namespaces.'),
      verb: b.str('A Kubernetes verb such as get, list, watch, create, update, patch, delete, or "*" for all.'),
      group: b.str('The API group of the resource; "*" for all.'),
      version: b.str('The API version of the resource; "*" for all.'),
      resource: b.str('The resource, such as configmaps; "*" for all.'),
      subresource: b.str('The subresource, such as status; empty for none.'),
      name: b.str('The object acted on; empty for all (and for create).'),
      fieldSelector: b.ref(`${AUTHZ}FieldSelectorAttributes`, 'A field selector the action is limited to.'),
      labelSelector: b.ref(`${AUTHZ}LabelSelectorAttributes`, 'A label selector the action is limited to.'),
    },
  },
  [`${AUTHZ}FieldSelectorAttributes`]: selectorAttributes('field', FIELD_SELECTOR_REQUIREMENT),
  [`${AUTHZ}LabelSelectorAttributes`]: selectorAttributes('label', LABEL_SELECTOR_REQUIREMENT),
  [FIELD_SELECTOR_REQUIREMENT]: {
    type: 'object',
    description: 'One condition of a field selector: a field, an operator and values.',
    properties: {
      key: b.requiredStr('The field the condition tests.'),
      operator: b.requiredStr('How the field relates to the values: In, NotIn, Exists or DoesNotExist.'),
      values: b.stringList('Values for In and NotIn; empty for Exists and DoesNotExist.', b.ATOMIC),
    },
    required: ['key', 'operator'],
  },
  [`${AUTHZ}NonResourceAttributes`]: {
    type: 'object',
    description: 'An action on a path that is not a resource, such as /healthz.',
    properties: { path: b.str('The URL path.'), verb: b.str('The verb: get, post, put, delete and so on.') },
  },
  [`${AUTHZ}SubjectAccessReviewStatus`]: {
    type: 'object',
    description: 'Whether the action is allowed.',
    properties: {
      allowed: b.bool('True when the action is allowed.', { default: false }),
      denied: b.bool('True when an authorizer denied the action outright; false when none allowed it. Never true with allowed.'),
      reason: b.str('Why, when the authorizers said.'),
      evaluationError: b.str('A problem met while evaluating; the answer may still be right.'),
    },
    required: ['allowed'],
  },
  [`${AUTHZ}SelfSubjectRulesReview`]: review(
    AUTHORIZATION_GROUP,
    'SelfSubjectRulesReview',
    'Lists what the requesting user may do in a namespace (`kubectl auth can-i --list`). The list may be incomplete and is meant ' +
      'for display, not for authorization decisions.',
    {
      spec: b.refObject(`${AUTHZ}SelfSubjectRulesReviewSpec`, 'The namespace asked about.'),
      status: b.refObject(`${AUTHZ}SubjectRulesReviewStatus`, 'The rules, filled in by the server.'),
    },
    ['spec'],
  ),
  [`${AUTHZ}SelfSubjectRulesReviewSpec`]: {
    type: 'object',
    description: 'The namespace asked about.',
    properties: { namespace: b.str('The namespace to list the rules of; required.') },
  },
  [`${AUTHZ}SubjectRulesReviewStatus`]: {
    type: 'object',
    description: 'What the user may do.',
    properties: {
      resourceRules: b.refList(`${AUTHZ}ResourceRule`, 'Actions on resources.', b.ATOMIC),
      nonResourceRules: b.refList(`${AUTHZ}NonResourceRule`, 'Actions on non-resource paths.', b.ATOMIC),
      incomplete: b.bool('True when some rules could not be read (a binding names a missing role).', { default: false }),
      evaluationError: b.str('What went wrong while collecting the rules.'),
    },
    required: ['resourceRules', 'nonResourceRules', 'incomplete'],
  },
  [`${AUTHZ}ResourceRule`]: {
    type: 'object',
    description: 'Actions the user may perform on resources.',
    properties: {
      verbs: b.stringList('The verbs; "*" is all.', b.ATOMIC),
      apiGroups: b.stringList('The API groups; "*" is all.', b.ATOMIC),
      resources: b.stringList('The resources; "*" is all, "*/foo" a subresource of all.', b.ATOMIC),
      resourceNames: b.stringList('The object names the rule is limited to; empty for all.', b.ATOMIC),
    },
    required: ['verbs'],
  },
  [`${AUTHZ}NonResourceRule`]: {
    type: 'object',
    description: 'Actions the user may perform on non-resource paths.',
    properties: {
      verbs: b.stringList('The verbs; "*" is all.', b.ATOMIC),
      nonResourceURLs: b.stringList('The paths; a trailing "*" matches every path with that prefix.', b.ATOMIC),
    },
    required: ['verbs'],
  },
};

const authentication: Record<string, OpenApiSchema> = {
  [`${AUTHN}SelfSubjectReview`]: review(AUTHENTICATION_GROUP, 'SelfSubjectReview', 'Tells the requesting user who the server thinks they are (`kubectl auth whoami`).', {
    status: b.refObject(`${AUTHN}SelfSubjectReviewStatus`, 'The user, filled in by the server.'),
  }),
  [`${AUTHN_V1BETA1}SelfSubjectReview`]: review(
    AUTHENTICATION_GROUP,
    'SelfSubjectReview',
    'Tells the requesting user who the server thinks they are (`kubectl auth whoami`; v1beta1, as kubectl 1.27 asks).',
    { status: b.refObject(`${AUTHN}SelfSubjectReviewStatus`, 'The user, filled in by the server.') },
    undefined,
    'v1beta1',
  ),
  [`${AUTHN}SelfSubjectReviewStatus`]: {
    type: 'object',
    description: 'Who the requesting user is.',
    properties: { userInfo: b.refObject(`${AUTHN}UserInfo`, 'The authenticated user.') },
  },
  [`${AUTHN}UserInfo`]: {
    type: 'object',
    description: 'An authenticated user.',
    properties: {
      username: b.str('The name that identifies the user.'),
      uid: b.str('A unique value that identifies the user across time.'),
      groups: b.stringList('The groups the user belongs to.', b.ATOMIC),
      extra: extraMap('Extra attributes the authenticator provided.'),
    },
  },
  [`${AUTHN}TokenRequest`]: review(
    AUTHENTICATION_GROUP,
    'TokenRequest',
    'Asks for a token of a service account (`kubectl create token`), created at serviceaccounts/<name>/token.',
    {
      spec: b.refObject(`${AUTHN}TokenRequestSpec`, 'The token asked for.'),
      status: b.refObject(`${AUTHN}TokenRequestStatus`, 'The token, filled in by the server.'),
    },
    ['spec'],
  ),
  [`${AUTHN}TokenRequestSpec`]: {
    type: 'object',
    description: 'The token asked for.',
    properties: {
      audiences: b.stringList('Who the token is for; empty means the API server itself.', b.ATOMIC),
      expirationSeconds: b.int64('The lifetime asked for, at least 600 seconds; the server may shorten it. Defaults to 3600.'),
      boundObjectRef: b.ref(`${AUTHN}BoundObjectReference`, 'An object the token would die with. Atoll binds tokens to their service account only.'),
    },
    required: ['audiences'],
  },
  [`${AUTHN}TokenRequestStatus`]: {
    type: 'object',
    description: 'The issued token.',
    properties: {
      token: b.requiredStr('The token.'),
      expirationTimestamp: b.time('When the token expires.'),
    },
    required: ['token', 'expirationTimestamp'],
  },
  [`${AUTHN}TokenReview`]: review(
    AUTHENTICATION_GROUP,
    'TokenReview',
    'Asks who a token belongs to, by this server\'s authenticators (what token-checking proxies and webhooks send).',
    {
      spec: b.refObject(`${AUTHN}TokenReviewSpec`, 'The token to check.'),
      status: b.refObject(`${AUTHN}TokenReviewStatus`, 'The answer, filled in by the server.'),
    },
    ['spec'],
  ),
  [`${AUTHN}TokenReviewSpec`]: {
    type: 'object',
    description: 'The token to check.',
    properties: {
      token: b.str('The opaque bearer token.'),
      audiences: b.stringList('The audiences the token must be for (one of them); empty means the API server\'s own.', b.ATOMIC),
    },
  },
  [`${AUTHN}TokenReviewStatus`]: {
    type: 'object',
    description: 'Whether the token is valid, and whose it is.',
    properties: {
      authenticated: b.bool('True when the token is valid.'),
      user: b.refObject(`${AUTHN}UserInfo`, 'Whose the token is.'),
      audiences: b.stringList('The audiences, of those asked for, the token is valid for.', b.ATOMIC),
      error: b.str('Why the token is not valid.'),
    },
  },
  [`${AUTHN}BoundObjectReference`]: {
    type: 'object',
    description: 'An object a token is bound to.',
    properties: {
      kind: b.str('The kind of the object: Pod or Secret.'),
      apiVersion: b.str('The API version of the object.'),
      name: b.str('The name of the object.'),
      uid: b.str('The UID of the object.'),
    },
  },
};

export const authComponents: OpenApiComponents = Object.freeze({ ...builtinComponents, ...authorization, ...authentication });
