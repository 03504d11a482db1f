/**
 * Admission webhooks (docs/admission.md, "Webhooks"): Validating- and MutatingWebhookConfiguration
 * called over HTTPS with AdmissionReview, within the destinations the operator allows.
 */
export { WEBHOOK_CALL_CHANNEL, type WebhookCallMessage, type WebhookCallResult } from './call-channel.js';
export { WebhookClient, WebhookCallError, type WebhookClientOptions } from './client.js';
export { DestinationPolicy, parseAllowedDestinations, webhookUrlProblems } from './destinations.js';
export type { WebhookStageOptions, WebhookLogger } from './dispatch.js';
export { MutatingWebhooks } from './mutating.js';
export { ValidatingWebhooks } from './validating.js';
