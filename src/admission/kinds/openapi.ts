/**
 * OpenAPI v3 schemas of admissionregistration.k8s.io (v1, v1beta1, v1alpha1), named as Kubernetes
 * names them (`io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy`), with its list
 * types and defaults, so `kubectl explain`, server-side apply and GraphQL see what Kubernetes
 * serves. The structs every version shares are built once per version by `shared`.
 */
import type { OpenApiComponents, OpenApiSchema } from '../../meta/index.js';
import { builtinComponents, schemaBuilders as b } from '../../registry/index.js';

export const ADMISSION_GROUP = 'admissionregistration.k8s.io';
export const schemaPrefix = (version: string): string => `io.k8s.api.admissionregistration.${version}.`;

type Extras = Omit<OpenApiSchema, 'description'>;
const obj = (description: string, properties: Record<string, OpenApiSchema>, extras: Extras = {}): OpenApiSchema => ({ type: 'object', description, properties, ...extras });
const atomicStrings = (description: string): OpenApiSchema => b.stringList(description, b.ATOMIC);
const mapKeys = (key: string): Extras => ({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key] });

/** The structs shared by the kinds of one version. */
function shared(p: string): Record<string, OpenApiSchema> {
  const ruleProps = {
    apiGroups: atomicStrings('API groups of the resources; "*" is all groups (then alone).'),
    apiVersions: atomicStrings('API versions of the resources; "*" is all versions (then alone).'),
    resources: atomicStrings('Resources: "pods", "pods/status", "pods/*", "*/scale", "*" (not subresources) or "*/*".'),
    scope: b.str('Cluster, Namespaced or "*" (default).'),
    operations: atomicStrings('CREATE, UPDATE, DELETE, CONNECT or "*" (then alone).'),
  };
  return {
    [`${p}RuleWithOperations`]: obj('Operations on resources a webhook or policy applies to.', ruleProps),
    [`${p}NamedRuleWithOperations`]: obj('Operations on resources, optionally of some objects by name.', {
      resourceNames: atomicStrings('Names of the objects the rule applies to; empty means all.'),
      ...ruleProps,
    }, { 'x-kubernetes-map-type': 'atomic' }),
    [`${p}MatchResources`]: obj(
      'Which requests a policy or binding applies to.',
      {
        namespaceSelector: b.ref(b.LABEL_SELECTOR, 'Labels of the object’s namespace (or of a Namespace itself); empty matches everything.'),
        objectSelector: b.ref(b.LABEL_SELECTOR, 'Labels of the object (new or old); empty matches everything.'),
        resourceRules: b.refList(`${p}NamedRuleWithOperations`, 'The operations and resources that match.', b.ATOMIC),
        excludeResourceRules: b.refList(`${p}NamedRuleWithOperations`, 'Operations and resources that never match, whatever resourceRules say.', b.ATOMIC),
        matchPolicy: b.str('Exact, or Equivalent (default): also match a request for another version of a matched resource.'),
      },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    [`${p}MatchCondition`]: obj(
      'A CEL condition the request must meet for the webhook or policy to apply.',
      {
        name: b.requiredStr('Identifies the condition; unique in its list.'),
        expression: b.requiredStr('A CEL expression over object, oldObject, request, authorizer (and params); must evaluate to a bool.'),
      },
      { required: ['name', 'expression'] },
    ),
    [`${p}ParamKind`]: obj('The kind of the objects a binding takes parameters from.', {
      apiVersion: b.str('group/version of the parameter kind, e.g. v1 for ConfigMaps.'),
      kind: b.str('Kind of the parameters, e.g. ConfigMap.'),
    }, { 'x-kubernetes-map-type': 'atomic' }),
    [`${p}ParamRef`]: obj('Which parameter objects a binding uses.', {
      name: b.str('One parameter object by name; excludes selector.'),
      namespace: b.str('Namespace of the parameter objects; the request’s when empty and the kind is namespaced.'),
      selector: b.ref(b.LABEL_SELECTOR, 'Parameter objects by label; excludes name.'),
      parameterNotFoundAction: b.str('Allow or Deny when no parameter object is found.'),
    }, { 'x-kubernetes-map-type': 'atomic' }),
    [`${p}Variable`]: obj('A named CEL expression, available to the others as variables.<name>.', {
      name: b.requiredStr('Name of the variable, a CEL identifier.'),
      expression: b.requiredStr('The CEL expression.'),
    }, { required: ['name', 'expression'], 'x-kubernetes-map-type': 'atomic' }),
  };
}

const validatingPolicy = (p: string, version: string): Record<string, OpenApiSchema> => ({
  [`${p}Validation`]: obj('A CEL check of the request.', {
    expression: b.requiredStr('A CEL expression that must evaluate to true for the request to pass.'),
    message: b.str('Shown when the check fails; no line breaks.'),
    reason: b.str('The Status reason of a failed check: Unauthorized, Forbidden (default), Invalid or RequestEntityTooLarge.'),
    messageExpression: b.str('A CEL expression for the message; must evaluate to a string.'),
  }, { required: ['expression'] }),
  [`${p}AuditAnnotation`]: obj('An audit annotation the policy adds.', {
    key: b.requiredStr('Key of the annotation, unique in the policy; a qualified name of at most 63 bytes.'),
    valueExpression: b.requiredStr('A CEL expression for the value; null adds nothing.'),
  }, { required: ['key', 'valueExpression'] }),
  [`${p}ValidatingAdmissionPolicySpec`]: obj('What the policy checks, and on which requests.', {
    paramKind: b.ref(`${p}ParamKind`, 'The kind bindings take parameters from; none when unset.'),
    matchConstraints: b.ref(`${p}MatchResources`, 'The requests the policy may apply to; required, with resourceRules.'),
    validations: b.refList(`${p}Validation`, 'The checks; validations or auditAnnotations must have an item.', b.ATOMIC),
    failurePolicy: b.str('Fail (default) or Ignore when an expression fails or the parameters are missing.'),
    auditAnnotations: b.refList(`${p}AuditAnnotation`, 'Annotations added to the audit event.', b.ATOMIC),
    matchConditions: b.refList(`${p}MatchCondition`, 'CEL conditions the request must meet.', { ...mapKeys('name'), 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' }),
    variables: b.refList(`${p}Variable`, 'Named expressions the others can use.', b.ATOMIC),
  }),
  [`${p}ValidatingAdmissionPolicyStatus`]: obj('What the server observed of the policy.', {
    observedGeneration: b.int64('The generation the status is about.'),
    typeChecking: obj('Results of type checking the expressions.', {
      expressionWarnings: b.refList(`${p}ExpressionWarning`, 'Type-checking warnings, one per expression.', b.ATOMIC),
    }),
    conditions: b.conditionList('Observed conditions of the policy.'),
  }),
  [`${p}ExpressionWarning`]: obj('A type-checking warning about one expression.', {
    fieldRef: b.requiredStr('Path of the expression, e.g. spec.validations[0].expression.'),
    warning: b.requiredStr('What type checking found.'),
  }, { required: ['fieldRef', 'warning'] }),
  [`${p}ValidatingAdmissionPolicy`]: b.kindSchema({
    group: ADMISSION_GROUP,
    version,
    kind: 'ValidatingAdmissionPolicy',
    description: 'CEL checks of the requests it matches, applied through ValidatingAdmissionPolicyBindings.',
    properties: { spec: b.ref(`${p}ValidatingAdmissionPolicySpec`, 'What the policy checks.'), status: b.ref(`${p}ValidatingAdmissionPolicyStatus`, 'What the server observed.') },
  }),
  [`${p}ValidatingAdmissionPolicyBinding`]: b.kindSchema({
    group: ADMISSION_GROUP,
    version,
    kind: 'ValidatingAdmissionPolicyBinding',
    description: 'Applies a ValidatingAdmissionPolicy, with parameters, to the requests it matches.',
    properties: {
      spec: obj('Which policy, with which parameters, on which requests.', {
        policyName: b.str('Name of the ValidatingAdmissionPolicy.'),
        paramRef: b.ref(`${p}ParamRef`, 'The parameters; required when the policy has a paramKind.'),
        matchResources: b.ref(`${p}MatchResources`, 'Narrows the policy’s matchConstraints.'),
        validationActions: b.stringList('What a failed check does: Deny, Warn and/or Audit (not Deny with Warn).', { 'x-kubernetes-list-type': 'set' }),
      }),
    },
  }),
});

const mutatingPolicy = (p: string, version: string): Record<string, OpenApiSchema> => ({
  [`${p}Mutation`]: obj('A change the policy makes.', {
    patchType: b.requiredStr('ApplyConfiguration or JSONPatch.'),
    applyConfiguration: obj('A CEL expression for an apply configuration merged into the object.', { expression: b.str('The CEL expression.') }),
    jsonPatch: obj('A CEL expression for JSON Patch operations applied to the object.', { expression: b.str('The CEL expression.') }),
  }, { required: ['patchType'] }),
  [`${p}MutatingAdmissionPolicySpec`]: obj('What the policy changes, and on which requests.', {
    paramKind: b.ref(`${p}ParamKind`, 'The kind bindings take parameters from; none when unset.'),
    matchConstraints: b.ref(`${p}MatchResources`, 'The requests the policy may apply to; required, with resourceRules.'),
    variables: b.refList(`${p}Variable`, 'Named expressions the others can use.', b.ATOMIC),
    mutations: b.refList(`${p}Mutation`, 'The changes, in order.', b.ATOMIC),
    failurePolicy: b.str('Fail (default) or Ignore when an expression fails or the parameters are missing.'),
    matchConditions: b.refList(`${p}MatchCondition`, 'CEL conditions the request must meet.', { ...mapKeys('name'), 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' }),
    reinvocationPolicy: b.str('Never (default) or IfNeeded: run again when a later mutation changed the object.'),
  }),
  [`${p}MutatingAdmissionPolicy`]: b.kindSchema({
    group: ADMISSION_GROUP,
    version,
    kind: 'MutatingAdmissionPolicy',
    description: 'CEL mutations of the requests it matches, applied through MutatingAdmissionPolicyBindings.',
    properties: { spec: b.ref(`${p}MutatingAdmissionPolicySpec`, 'What the policy changes.') },
  }),
  [`${p}MutatingAdmissionPolicyBinding`]: b.kindSchema({
    group: ADMISSION_GROUP,
    version,
    kind: 'MutatingAdmissionPolicyBinding',
    description: 'Applies a MutatingAdmissionPolicy, with parameters, to the requests it matches.',
    properties: {
      spec: obj('Which policy, with which parameters, on which requests.', {
        policyName: b.str('Name of the MutatingAdmissionPolicy.'),
        paramRef: b.ref(`${p}ParamRef`, 'The parameters; required when the policy has a paramKind.'),
        matchResources: b.ref(`${p}MatchResources`, 'Narrows the policy’s matchConstraints.'),
      }),
    },
  }),
});

function webhooks(p: string): Record<string, OpenApiSchema> {
  const webhookProps = (kind: string): Record<string, OpenApiSchema> => ({
    name: b.requiredStr('Name of the webhook, unique in the configuration; a domain of at least three segments.'),
    clientConfig: b.refObject(`${p}WebhookClientConfig`, 'How to call the webhook.'),
    rules: b.refList(`${p}RuleWithOperations`, 'The operations and resources the webhook is called for.', b.ATOMIC),
    failurePolicy: b.str('Fail (default) or Ignore when the call fails.'),
    matchPolicy: b.str('Exact, or Equivalent (default): also call for another version of a matched resource.'),
    namespaceSelector: b.ref(b.LABEL_SELECTOR, 'Labels of the object’s namespace; empty matches everything.'),
    objectSelector: b.ref(b.LABEL_SELECTOR, 'Labels of the object (new or old); empty matches everything.'),
    sideEffects: b.str('None or NoneOnDryRun: only such webhooks are called for dry runs.'),
    timeoutSeconds: b.int32('Seconds to wait for an answer, 1 to 30 (default 10).'),
    admissionReviewVersions: atomicStrings('AdmissionReview versions the webhook accepts, preferred first (v1, v1beta1).'),
    matchConditions: b.refList(`${p}MatchCondition`, 'CEL conditions the request must meet.', { ...mapKeys('name'), 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' }),
    ...(kind === 'MutatingWebhook' ? { reinvocationPolicy: b.str('Never (default) or IfNeeded: call again when a later mutation changed the object.') } : {}),
  });
  const configuration = (kind: string, webhook: string, description: string): OpenApiSchema =>
    b.kindSchema({
      group: ADMISSION_GROUP,
      version: 'v1',
      kind,
      description,
      properties: { webhooks: b.refList(`${p}${webhook}`, 'The webhooks.', { ...mapKeys('name'), 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' }) },
    });
  return {
    [`${p}ServiceReference`]: obj('A Service; not served here (Atoll calls webhooks by url).', {
      namespace: b.requiredStr('Namespace of the service.'),
      name: b.requiredStr('Name of the service.'),
      path: b.str('URL path to call.'),
      port: b.int32('Port, 1 to 65535 (default 443).'),
    }, { required: ['namespace', 'name'] }),
    [`${p}WebhookClientConfig`]: obj('How to call a webhook: its HTTPS URL and the CA to trust.', {
      url: b.str('https://host[:port]/path; no user info, query or fragment.'),
      service: b.ref(`${p}ServiceReference`, 'Not available in Atoll: use url.'),
      caBundle: { type: 'string', format: 'byte', description: 'PEM certificates of the CA that signs the webhook’s serving certificate; the system’s roots when empty.' },
    }),
    [`${p}ValidatingWebhook`]: obj('An HTTPS endpoint that validates requests.', webhookProps('ValidatingWebhook'), { required: ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'] }),
    [`${p}MutatingWebhook`]: obj('An HTTPS endpoint that mutates requests.', webhookProps('MutatingWebhook'), { required: ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'] }),
    [`${p}ValidatingWebhookConfiguration`]: configuration('ValidatingWebhookConfiguration', 'ValidatingWebhook', 'Webhooks that validate the requests they match.'),
    [`${p}MutatingWebhookConfiguration`]: configuration('MutatingWebhookConfiguration', 'MutatingWebhook', 'Webhooks that mutate the requests they match.'),
  };
}

/** The kinds each version serves. */
export const ADMISSION_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  v1: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  v1beta1: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'],
  v1alpha1: ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'],
};

const schemas: Record<string, OpenApiSchema> = {};
for (const [version, kinds] of Object.entries(ADMISSION_VERSIONS)) {
  const p = schemaPrefix(version);
  Object.assign(schemas, shared(p));
  if (kinds.includes('ValidatingAdmissionPolicy')) Object.assign(schemas, validatingPolicy(p, version));
  if (kinds.includes('MutatingAdmissionPolicy')) Object.assign(schemas, mutatingPolicy(p, version));
  if (kinds.includes('ValidatingWebhookConfiguration')) Object.assign(schemas, webhooks(p));
  for (const k of kinds) schemas[`${p}${k}List`] = b.listSchema(ADMISSION_GROUP, version, k, `${p}${k}`, `The ${k} objects.`);
}

export const admissionComponents: OpenApiComponents = Object.freeze({ ...builtinComponents, ...schemas });
