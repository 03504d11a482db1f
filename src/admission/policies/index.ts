/**
 * Admission policies: ValidatingAdmissionPolicy and MutatingAdmissionPolicy as chain stages, their
 * status controller, and the CEL pieces webhooks share (matchConditions, expression checks).
 */
export { ValidatingPolicyStage } from './validating.js';
export { MutatingPolicyStage } from './mutating.js';
export { PolicyStatusController, type PolicyStatusOptions } from './status.js';
export { checkExpressions } from './check-expressions.js';
export { evaluateMatchConditions, webhookActivation, type FailurePolicy, type MatchCondition, type MatchResult } from './match-conditions.js';
export { POLICY_COST_BUDGET, policyProgramCount } from './cel-env.js';
export type { PolicyStageOptions, TypesFor } from './policy-common.js';
