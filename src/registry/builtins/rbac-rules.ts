/**
 * Pieces of rbac.authorization.k8s.io/v1 that Roles and bindings share: policy rules, subjects,
 * role references, their v1 defaulting (empty apiGroups filled in) and RBAC's validation rules.
 * Whether the requester may grant what a role or binding grants (escalation checks) is an
 * authorization question, answered by the RBAC authorizer, not here.
 */
import { z } from 'zod';
import { isPlainObject, validateDNS1123Subdomain, validatePathSegmentName, type KubeObject } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { isSet } from './common.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const strings = z.array(z.string()).nullable().optional();

export const policyRuleSchema = z.strictObject({
  verbs: strings,
  apiGroups: strings,
  resources: strings,
  resourceNames: strings,
  nonResourceURLs: strings,
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const subjectSchema = z.strictObject({
  kind: z.string().nullable().optional(),
  apiGroup: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  namespace: z.string().nullable().optional(),
});
export type Subject = z.infer<typeof subjectSchema>;

export const roleRefSchema = z.strictObject({
  apiGroup: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
});
export type RoleRef = z.infer<typeof roleRefSchema>;

/** Rules in a namespaced Role cannot name non-resource URLs, which exist only cluster-wide. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const len = (a: readonly string[] | null | undefined): number => a?.length ?? 0;
  if (len(rule.verbs) === 0) errs.push({ type: 'FieldValueRequired', field: `${at}.verbs`, detail: 'verbs must contain at least one value' });
  if (len(rule.nonResourceURLs) > 0) {
    const field = `${at}.nonResourceURLs`;
    if (namespaced) errs.push({ type: 'FieldValueInvalid', field, value: rule.nonResourceURLs, detail: 'namespaced rules cannot apply to non-resource URLs' });
    if (len(rule.apiGroups) > 0 || len(rule.resources) > 0 || len(rule.resourceNames) > 0) {
      errs.push({ type: 'FieldValueInvalid', field, value: rule.nonResourceURLs, detail: 'rules cannot apply to both regular resources and non-resource URLs' });
    }
    return errs;
  }
  if (len(rule.apiGroups) === 0) errs.push({ type: 'FieldValueRequired', field: `${at}.apiGroups`, detail: 'resource rules must supply at least one api group' });
  if (len(rule.resources) === 0) errs.push({ type: 'FieldValueRequired', field: `${at}.resources`, detail: 'resource rules must supply at least one resource' });
  return errs;
}

const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

/** A ClusterRoleBinding's service accounts need a namespace; a RoleBinding's default to its own. */
export function validateSubject(s: Subject, namespaced: boolean, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = s.name ?? '';
  const apiGroup = s.apiGroup ?? '';
  if (name === '') errs.push({ type: 'FieldValueRequired', field: `${at}.name`, detail: '' });
  switch (s.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const detail of validateDNS1123Subdomain(name)) errs.push({ type: 'FieldValueInvalid', field: `${at}.name`, value: name, detail });
      if (apiGroup !== '') errs.push(notSupported(`${at}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !isSet(s.namespace)) errs.push({ type: 'FieldValueRequired', field: `${at}.namespace`, detail: '' });
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(`${at}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${at}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateRoleRef(ref: RoleRef, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  if ((ref.apiGroup ?? '') !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(ref.kind ?? '')) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  const name = ref.name ?? '';
  if (name === '') errs.push({ type: 'FieldValueRequired', field: 'roleRef.name', detail: '' });
  else for (const detail of validatePathSegmentName(name)) errs.push({ type: 'FieldValueInvalid', field: 'roleRef.name', value: name, detail });
  return errs;
}

/**
 * rbac/v1 defaulting, which the apiserver applies while decoding: a missing roleRef.apiGroup is
 * RBAC's, and so is a User's or Group's. Runs before validation, so it touches only sound shapes.
 */
export function defaultBinding(o: Record<string, unknown>): void {
  if (o.roleRef === undefined || o.roleRef === null) o.roleRef = {};
  if (isPlainObject(o.roleRef) && !isSet(o.roleRef.apiGroup)) o.roleRef.apiGroup = RBAC_GROUP;
  if (!Array.isArray(o.subjects)) return;
  for (const s of o.subjects) {
    if (isPlainObject(s) && !isSet(s.apiGroup) && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}

/** kubectl's USERS, GROUPS and SERVICEACCOUNTS cells (rbac.SubjectsStrings). */
export function subjectNames(o: KubeObject, kind: 'User' | 'Group' | 'ServiceAccount'): string {
  const subjects = Array.isArray(o.subjects) ? (o.subjects as Subject[]) : [];
  return subjects
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name ?? ''}` : (s.name ?? '')))
    .join(', ');
}
