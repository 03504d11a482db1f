/**
 * matchConditions, for policies and webhooks alike (Kubernetes' matchconditions.Matcher): a
 * configuration applies only if all of its conditions are true. A false condition decides at once
 * (it wins over errors in the others); an error, when no condition is false, fails the request
 * under failurePolicy Fail and skips the configuration under Ignore.
 */
import type { AdmissionRequest } from '../../registry/index.js';
import { buildActivation, compilePolicyExpression, run, type Activation } from './cel-env.js';

export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

export type FailurePolicy = 'Fail' | 'Ignore';

export type MatchResult = { matches: true } | { matches: false } | { matches: false; error: string };

/**
 * Evaluates `conditions` in `activation` (a policy's, with its params and variables; for a
 * webhook, `webhookActivation`). `error` is set only under failurePolicy Fail: the caller refuses
 * the request with it.
 */
export function evaluateMatchConditions(conditions: readonly MatchCondition[] | null | undefined, activation: Activation, failurePolicy: FailurePolicy | null | undefined): MatchResult {
  if (!conditions || conditions.length === 0) return { matches: true };
  const errors: string[] = [];
  for (const c of conditions) {
    const compiled = compilePolicyExpression(c.expression, 'bool');
    const r = 'error' in compiled ? compiled : run(compiled.program, activation);
    if ('error' in r) {
      errors.push(`failed to evaluate match condition '${c.name}': ${r.error}`);
      continue;
    }
    if (r.value === false) return { matches: false };
    if (r.value !== true) errors.push(`match condition '${c.name}' did not evaluate to a bool`);
  }
  if (errors.length === 0) return { matches: true };
  return (failurePolicy ?? 'Fail') === 'Fail' ? { matches: false, error: errors.join('; ') } : { matches: false };
}

/** The activation of a webhook's matchConditions: object, oldObject and request (no params, no variables). */
export function webhookActivation(request: AdmissionRequest): Activation {
  return buildActivation({ request, params: undefined, namespaceObject: undefined, variables: [] });
}
