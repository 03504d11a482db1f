/**
 * Admission per workspace: admissionregistration.k8s.io policies and webhooks, and quota, run as
 * one chain on every write of both surfaces (docs/admission.md).
 */
export * from './types.js';
export { admissionResourceTypes, ADMISSION_GROUP, type MatchResources, type Rule, type Webhook } from './kinds/index.js';
export * from './matching.js';
export { AdmissionChain, STAGE_ORDER, type ConfigFreshness } from './chain.js';
export { AdmissionConfigIndex, CONFIG_RESOURCES, type BoundExports, type ConfigIndexOptions } from './config-index.js';
