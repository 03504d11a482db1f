/**
 * admissionregistration.k8s.io: ValidatingAdmissionPolicy(+Binding) v1 and v1beta1,
 * MutatingAdmissionPolicy(+Binding) v1beta1 and v1alpha1, Validating/MutatingWebhookConfiguration
 * v1 — all cluster-scoped, served in every workspace.
 */
import type { ResourceType } from '../../registry/index.js';
import { mutatingAdmissionPolicies, mutatingAdmissionPolicyBindings, validatingAdmissionPolicies, validatingAdmissionPolicyBindings } from './policies.js';
import { mutatingWebhookConfigurations, validatingWebhookConfigurations } from './webhooks.js';

export { ADMISSION_GROUP, admissionComponents } from './openapi.js';
export { VALIDATION_ACTIONS } from './policies.js';
export { DEFAULT_TIMEOUT_SECONDS, REVIEW_VERSIONS, webhooksOf, type Webhook } from './webhooks.js';
export type { MatchResources, NamedExpression, ParamRef, Rule } from './shared.js';

/** Every served version of every kind, storage versions first. */
export const admissionResourceTypes: readonly ResourceType[] = [
  ...validatingAdmissionPolicies,
  ...validatingAdmissionPolicyBindings,
  ...mutatingAdmissionPolicies,
  ...mutatingAdmissionPolicyBindings,
  validatingWebhookConfigurations,
  mutatingWebhookConfigurations,
];
