/**
 * The ValidatingAdmissionPolicy stage (Kubernetes' validating policy plugin): for each policy
 * whose matchConstraints select the request and each of its bindings whose matchResources do,
 * with each of the binding's params, the matchConditions decide, then every validation runs.
 * A failed validation is acted on per the binding's validationActions: Deny refuses the request
 * (the validation's reason: Invalid 422 unless Forbidden 403, Unauthorized 401 or
 * RequestEntityTooLarge 413), Warn adds a warning for the client, Audit an audit annotation.
 * An evaluation error (or a missing param under `Deny`) fails the request under failurePolicy
 * Fail and is ignored under Ignore. auditAnnotations land in the request's audit event.
 */
import { ApiError, type AdmissionRequest, type StatusReason } from '../../registry/index.js';
import { namespaceReader } from '../matching.js';
import type { ValidatingStage } from '../types.js';
import { buildActivation, celToJson, compilePolicyExpression, requestValues, run, type Activation, type NamedExpression, type RequestValues } from './cel-env.js';
import { evaluateMatchConditions, type FailurePolicy, type MatchCondition } from './match-conditions.js';
import {
  PolicyCache,
  compileVariables,
  nameOf,
  paramsFor,
  policyBindings,
  type BindingSpec,
  type Compiled,
  type CompiledBase,
  type PolicySpecBase,
  type PolicyStageOptions,
} from './policy-common.js';

interface ValidationSpec {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string | null;
}

interface ValidatingSpec extends PolicySpecBase {
  validations?: ValidationSpec[] | null;
  auditAnnotations?: { key: string; valueExpression: string }[] | null;
}

interface CompiledValidation {
  readonly spec: ValidationSpec;
  readonly compiled: Compiled;
  readonly message?: Compiled;
}

interface CompiledPolicy extends CompiledBase {
  readonly spec: ValidatingSpec;
  readonly matchConditions: readonly MatchCondition[];
  readonly validations: readonly CompiledValidation[];
  readonly auditAnnotations: readonly { key: string; compiled: Compiled }[];
  readonly failurePolicy: FailurePolicy;
}

function compilePolicy(raw: unknown): CompiledPolicy {
  const spec = raw as ValidatingSpec;
  const { variables, usesNamespace: varsUseNamespace } = compileVariables(spec.variables);
  let usesNamespace = varsUseNamespace;
  const note = (c: Compiled): Compiled => {
    if ('program' in c) usesNamespace ||= c.program.usesNamespace;
    return c;
  };
  const validations = (spec.validations ?? []).map((v) => ({
    spec: v,
    compiled: note(compilePolicyExpression(v.expression, 'bool')),
    ...(v.messageExpression ? { message: note(compilePolicyExpression(v.messageExpression, 'string')) } : {}),
  }));
  const auditAnnotations = (spec.auditAnnotations ?? []).map((a) => ({ key: a.key, compiled: note(compilePolicyExpression(a.valueExpression, 'any')) }));
  for (const c of spec.matchConditions ?? []) note(compilePolicyExpression(c.expression, 'bool'));
  return { spec, variables, usesNamespace, matchConditions: spec.matchConditions ?? [], validations, auditAnnotations, failurePolicy: spec.failurePolicy ?? 'Fail' };
}

const REASONS: ReadonlySet<string> = new Set(['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge']);

/** One validation that did not pass (or could not be evaluated) for one binding and param. */
interface Failure {
  readonly message: string;
  readonly reason: StatusReason;
  readonly index: number;
  /** An evaluation error rather than a false validation: subject to failurePolicy. */
  readonly error: boolean;
}

function evaluateValidations(policy: CompiledPolicy, activation: Activation): Failure[] {
  const failures: Failure[] = [];
  policy.validations.forEach((v, index) => {
    const r = 'error' in v.compiled ? v.compiled : run(v.compiled.program, activation);
    if ('error' in r) {
      failures.push({ message: `expression '${v.spec.expression}' resulted in error: ${r.error}`, reason: 'Invalid', index, error: true });
      return;
    }
    if (r.value === true) return;
    if (r.value !== false) {
      failures.push({ message: `expression '${v.spec.expression}' resulted in error: expression must evaluate to a bool`, reason: 'Invalid', index, error: true });
      return;
    }
    let message = v.spec.message?.trim() ? v.spec.message : `failed expression: ${v.spec.expression.trim()}`;
    if (v.message && 'program' in v.message) {
      const m = run(v.message.program, activation);
      // As in Kubernetes, a messageExpression that fails or gives an empty or multi-line string falls back to message.
      if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '' && !/[\r\n]/.test(m.value)) message = m.value;
    }
    const reason = (v.spec.reason && REASONS.has(v.spec.reason) ? v.spec.reason : 'Invalid') as StatusReason;
    failures.push({ message, reason, index, error: false });
  });
  return failures;
}

function auditAnnotations(policy: CompiledPolicy, name: string, activation: Activation, out: Record<string, string>): void {
  for (const a of policy.auditAnnotations) {
    if (!('program' in a.compiled)) continue;
    const r = run(a.compiled.program, activation);
    if ('value' in r && r.value !== null && r.value !== undefined) {
      const v = celToJson(r.value);
      out[`${name}/${a.key}`] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
}

export class ValidatingPolicyStage implements ValidatingStage {
  readonly name = 'ValidatingAdmissionPolicy';
  private readonly cache = new PolicyCache(compilePolicy);

  constructor(private readonly options: PolicyStageOptions) {}

  async admit(request: AdmissionRequest): Promise<void> {
    const pairs = policyBindings(this.options.configs, request, ['validatingadmissionpolicies', 'validatingadmissionpolicybindings']);
    if (!pairs) return;
    const namespace = namespaceReader(this.options.registry)(request);
    let values: RequestValues | undefined;
    const audit: Record<string, string> = {};
    const auditFailures: unknown[] = [];
    try {
      for (const { policy, binding } of pairs) {
        const compiled = this.cache.get(policy.object);
        if (!(await this.options.matcher.matchesResources(compiled.spec.matchConstraints, request, namespace))) continue;
        const bspec = (binding.object.spec ?? {}) as BindingSpec;
        if (bspec.matchResources && !(await this.options.matcher.matchesResources(bspec.matchResources, request, namespace))) continue;
        const policyName = nameOf(policy);
        const bindingName = nameOf(binding);
        const actions = new Set(bspec.validationActions ?? []);
        const deny = (message: string, reason: StatusReason): ApiError =>
          new ApiError(reason, `ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}' denied request: ${message}`);
        const params = await paramsFor(this.options, policy, compiled.spec, bspec, request);
        if ('skip' in params) continue;
        if ('error' in params) {
          if (compiled.failurePolicy === 'Fail') throw deny(params.error, 'Invalid');
          continue;
        }
        const namespaceObject = compiled.usesNamespace ? await namespace() : undefined;
        for (const param of params.params) {
          values ??= requestValues(request);
          const activation = buildActivation({ request, values, params: param, namespaceObject, variables: compiled.variables as NamedExpression[] });
          const match = evaluateMatchConditions(compiled.matchConditions, activation, compiled.failurePolicy);
          if ('error' in match) throw deny(match.error, 'Invalid');
          if (!match.matches) continue;
          for (const f of evaluateValidations(compiled, activation)) {
            if (f.error && compiled.failurePolicy === 'Ignore') continue;
            // Audit first: a denied request's audit event still records why (the finally below).
            if (actions.has('Audit')) {
              auditFailures.push({ message: f.message, policy: policyName, binding: bindingName, expressionIndex: f.index, validationActions: [...actions] });
            }
            if (actions.has('Deny')) throw deny(f.message, f.reason);
            if (actions.has('Warn')) request.context.warnings?.push(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${f.message}`);
          }
          auditAnnotations(compiled, policyName, activation, audit);
        }
      }
    } finally {
      if (auditFailures.length > 0) audit['validation.policy.admission.k8s.io/validation_failure'] = JSON.stringify(auditFailures);
      if (Object.keys(audit).length > 0) Object.assign((request.context.auditAnnotations ??= {}), audit);
    }
  }
}
