/**
 * ResourceQuota scopes (`spec.scopes` and `spec.scopeSelector`): which scopes exist, which
 * resources each may constrain, and which pairs contradict each other.
 */
import type { FieldError } from '../errors.js';
import { isStandardQuotaResource } from './resource-names.js';

const STANDARD_SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);

const POD_COUNT = new Set(['pods']);
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

/** Scopes that only ask whether something holds, so their selector operator must be `Exists`. */
const PRESENCE_SCOPES = new Set(['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity']);

const CONFLICTS: readonly (readonly [string, string])[] = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

function scopeFitsResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return POD_COUNT.has(resource) || POD_COMPUTE.has(resource);
    case 'BestEffort':
      return POD_COUNT.has(resource);
    default:
      return true;
  }
}

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

function checkScope(scope: string, hard: readonly string[], field: string, value: unknown, errs: FieldError[]): void {
  if (!STANDARD_SCOPES.has(scope)) errs.push(invalid(field, value, 'unsupported scope'));
  for (const r of hard) {
    if (isStandardQuotaResource(r) && !scopeFitsResource(scope, r)) errs.push(invalid(field, value, 'unsupported scope applied to resource'));
  }
}

function conflicts(scopes: ReadonlySet<string>): boolean {
  return CONFLICTS.some(([a, b]) => scopes.has(a) && scopes.has(b));
}

export function validateScopes(scopes: readonly string[], hard: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const scope of scopes) checkScope(scope, hard, 'spec.scopes', scopes, errs);
  if (conflicts(new Set(scopes))) errs.push(invalid('spec.scopes', scopes, 'conflicting scopes'));
  return errs;
}

export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[] | null;
}

/**
 * Kubernetes reports these without the list index (`spec.scopeSelector.matchExpressions.operator`);
 * we keep its paths so tools matching on them keep working.
 */
export function validateScopeSelector(reqs: readonly ScopeRequirement[], hard: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const at = 'spec.scopeSelector.matchExpressions';
  const seen = new Set<string>();
  for (const req of reqs) {
    if (!STANDARD_SCOPES.has(req.scopeName)) errs.push(invalid(`${at}.scopeName`, req.scopeName, 'unsupported scope'));
    for (const r of hard) {
      if (isStandardQuotaResource(r) && !scopeFitsResource(req.scopeName, r)) errs.push(invalid(at, reqs, 'unsupported scope applied to resource'));
    }
    if (PRESENCE_SCOPES.has(req.scopeName) && req.operator !== 'Exists') {
      errs.push(
        invalid(
          `${at}.operator`,
          req.operator,
          'must be \'Exist\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity',
        ),
      );
    }
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push({ type: 'FieldValueRequired', field: `${at}.values`, detail: "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector" });
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) errs.push(invalid(`${at}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
        break;
      default:
        errs.push(invalid(`${at}.operator`, req.operator, 'not a valid selector operator'));
    }
    seen.add(req.scopeName);
  }
  if (conflicts(seen)) errs.push(invalid(at, reqs, 'conflicting scopes'));
  return errs;
}
