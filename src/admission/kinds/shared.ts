/**
 * What the admissionregistration.k8s.io kinds share: the wire shapes of rules, match resources,
 * match conditions, variables and parameters, the kube-apiserver's rules on them beyond their
 * shape (pkg/apis/admissionregistration/validation), and their defaults.
 */
import { z } from 'zod';
import { isPlainObject, validateDNS1123Label, validateQualifiedName, type KubeObject } from '../../meta/index.js';
import { labelSelectorSchema, validateLabelSelector, type FieldError, type LabelSelectorValue } from '../../registry/index.js';

const strings = z.array(z.string()).nullable().optional();
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).nullable().optional();

export const FAILURE_POLICIES = ['Fail', 'Ignore'] as const;
export const MATCH_POLICIES = ['Exact', 'Equivalent'] as const;
export const REINVOCATION_POLICIES = ['Never', 'IfNeeded'] as const;
export const SCOPES = ['Cluster', 'Namespaced', '*'] as const;
export const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;

export const failurePolicy = optionalEnum(FAILURE_POLICIES);
export const reinvocationPolicy = optionalEnum(REINVOCATION_POLICIES);
const selector = labelSelectorSchema.nullable().optional();

const ruleFields = {
  operations: z.array(z.enum(OPERATIONS)).nullable().optional(),
  apiGroups: strings,
  apiVersions: strings,
  resources: strings,
  scope: optionalEnum(SCOPES),
};
export const ruleWithOperations = z.strictObject(ruleFields);
const namedRule = z.strictObject({ ...ruleFields, resourceNames: strings });

export const matchResources = z.strictObject({
  namespaceSelector: selector,
  objectSelector: selector,
  resourceRules: z.array(namedRule).nullable().optional(),
  excludeResourceRules: z.array(namedRule).nullable().optional(),
  matchPolicy: optionalEnum(MATCH_POLICIES),
});

export const matchConditions = z.array(z.strictObject({ name: z.string(), expression: z.string() })).nullable().optional();
export const variables = z.array(z.strictObject({ name: z.string(), expression: z.string() })).nullable().optional();
export const paramKind = z.strictObject({ apiVersion: z.string().optional(), kind: z.string().optional() });
export const paramRef = z.strictObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  selector,
  parameterNotFoundAction: optionalEnum(['Allow', 'Deny'] as const),
});
export const selectorSchema = selector;

export interface Rule {
  operations?: string[] | null;
  apiGroups?: string[] | null;
  apiVersions?: string[] | null;
  resources?: string[] | null;
  scope?: string | null;
  resourceNames?: string[] | null;
}

export interface MatchResources {
  namespaceSelector?: LabelSelectorValue | null;
  objectSelector?: LabelSelectorValue | null;
  resourceRules?: Rule[] | null;
  excludeResourceRules?: Rule[] | null;
  matchPolicy?: string | null;
}

export interface NamedExpression {
  name: string;
  expression: string;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelectorValue | null;
  parameterNotFoundAction?: string | null;
}

const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/** A list of strings where "*" must stand alone (apiGroups, apiVersions, operations). */
function wildcardAlone(items: readonly string[] | null | undefined, at: string, what: string): FieldError[] {
  const list = items ?? [];
  if (list.length === 0) return [required(at)];
  const errs: FieldError[] = [];
  if (list.length > 1 && list.includes('*')) errs.push(invalid(at, list, `if '*' is present, must not specify other ${what}`));
  return errs;
}

/** The apiserver's validateResources: wildcards must not overlap what they already cover. */
function resourceErrors(resources: readonly string[] | null | undefined, at: string, subresources: boolean): FieldError[] {
  const list = resources ?? [];
  if (list.length === 0) return [required(at)];
  const errs: FieldError[] = [];
  const wildcardSubs = new Set<string>();
  const wildcardRes = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let plain = false;
  list.forEach((r, i) => {
    if (r === '') {
      errs.push(required(`${at}[${i}]`));
      return;
    }
    if (r === '*/*') doubleWildcard = true;
    if (r === '*') singleWildcard = true;
    const slash = r.indexOf('/');
    if (slash < 0) {
      if (r !== '*') plain = true;
      return;
    }
    if (!subresources) {
      errs.push(invalid(`${at}[${i}]`, r, 'must not specify subresources'));
      return;
    }
    const res = r.slice(0, slash);
    const sub = r.slice(slash + 1);
    if (wildcardSubs.has(res)) errs.push(invalid(`${at}[${i}]`, r, `if '${res}/*' is present, must not specify ${r}`));
    if (wildcardRes.has(sub)) errs.push(invalid(`${at}[${i}]`, r, `if '*/${sub}' is present, must not specify ${r}`));
    if (sub === '*') wildcardSubs.add(res);
    if (res === '*') wildcardRes.add(sub);
  });
  if (list.length > 1 && doubleWildcard) errs.push(invalid(at, list, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && plain) errs.push(invalid(at, list, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** A rule with operations (webhooks' rules, policies' resourceRules). */
export function ruleErrors(rule: Rule, at: string): FieldError[] {
  const errs = [
    ...wildcardAlone(rule.operations, `${at}.operations`, 'operations'),
    ...wildcardAlone(rule.apiGroups, `${at}.apiGroups`, 'API groups'),
    ...wildcardAlone(rule.apiVersions, `${at}.apiVersions`, 'API versions'),
    ...resourceErrors(rule.resources, `${at}.resources`, true),
  ];
  (rule.apiVersions ?? []).forEach((v, i) => {
    if (v === '') errs.push(required(`${at}.apiVersions[${i}]`));
  });
  return errs;
}

export function selectorErrors(sel: LabelSelectorValue | null | undefined, at: string): FieldError[] {
  return sel ? validateLabelSelector(sel, at) : [];
}

/** A policy's matchConstraints (`requireRules`) or a binding's matchResources. */
export function matchResourcesErrors(m: MatchResources | undefined, at: string, requireRules: boolean): FieldError[] {
  if (!m) return requireRules ? [required(at)] : [];
  const errs = [...selectorErrors(m.namespaceSelector, `${at}.namespaceSelector`), ...selectorErrors(m.objectSelector, `${at}.objectSelector`)];
  const rules = m.resourceRules ?? [];
  if (requireRules && rules.length === 0) errs.push(required(`${at}.resourceRules`));
  rules.forEach((r, i) => errs.push(...ruleErrors(r, `${at}.resourceRules[${i}]`)));
  (m.excludeResourceRules ?? []).forEach((r, i) => errs.push(...ruleErrors(r, `${at}.excludeResourceRules[${i}]`)));
  return errs;
}

/** Kubernetes allows at most 64 match conditions per webhook or policy. */
const MAX_MATCH_CONDITIONS = 64;

export function matchConditionErrors(conditions: readonly NamedExpression[] | null | undefined, at: string): FieldError[] {
  const list = conditions ?? [];
  const errs: FieldError[] = [];
  if (list.length > MAX_MATCH_CONDITIONS) errs.push({ type: 'FieldValueTooLong', field: at, detail: `must have at most ${MAX_MATCH_CONDITIONS} items` });
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const p = `${at}[${i}]`;
    if (c.name === '') errs.push(required(`${p}.name`));
    else for (const detail of validateQualifiedName(c.name)) errs.push(invalid(`${p}.name`, c.name, detail));
    if (seen.has(c.name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: c.name, detail: '' });
    seen.add(c.name);
    if (c.expression.trim() === '') errs.push(required(`${p}.expression`));
  });
  return errs;
}

const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export function variableErrors(vars: readonly NamedExpression[] | null | undefined, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (vars ?? []).forEach((v, i) => {
    const p = `${at}[${i}]`;
    if (v.name === '') errs.push(required(`${p}.name`));
    else if (!CEL_IDENTIFIER.test(v.name)) errs.push(invalid(`${p}.name`, v.name, 'name is not a valid CEL identifier'));
    if (seen.has(v.name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: v.name, detail: '' });
    seen.add(v.name);
    if (v.expression.trim() === '') errs.push(required(`${p}.expression`));
  });
  return errs;
}

const GROUP_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function paramKindErrors(k: { apiVersion?: string; kind?: string } | undefined, at: string): FieldError[] {
  if (!k) return [];
  const errs: FieldError[] = [];
  if (!k.apiVersion) errs.push(required(`${at}.apiVersion`));
  else if (!GROUP_VERSION.test(k.apiVersion)) errs.push(invalid(`${at}.apiVersion`, k.apiVersion, 'must be a valid group/version'));
  if (!k.kind) errs.push(required(`${at}.kind`));
  return errs;
}

export function paramRefErrors(r: ParamRef | undefined, at: string): FieldError[] {
  if (!r) return [];
  const errs: FieldError[] = [];
  const named = !!r.name;
  if (named === !!r.selector) errs.push({ type: 'FieldValueForbidden', field: at, detail: named ? 'name and selector are mutually exclusive' : 'one of name or selector must be specified' });
  if (r.namespace) for (const detail of validateDNS1123Label(r.namespace)) errs.push(invalid(`${at}.namespace`, r.namespace, detail));
  errs.push(...selectorErrors(r.selector, `${at}.selector`));
  if (!r.parameterNotFoundAction) errs.push(required(`${at}.parameterNotFoundAction`));
  return errs;
}

/** Defaults of a rule: scope "*". Only plain objects are touched: validation reports the rest. */
function defaultRules(rules: unknown): void {
  if (!Array.isArray(rules)) return;
  for (const r of rules) if (isPlainObject(r) && (r.scope === undefined || r.scope === null)) r.scope = '*';
}

/** Defaults of match resources: Equivalent, empty selectors, scope "*" on every rule. */
export function defaultMatchResources(m: unknown): void {
  if (!isPlainObject(m)) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

export { defaultRules };

/** The object's spec when it is a plain object, for defaulting. */
export const specObject = (o: KubeObject): Record<string, unknown> | undefined => (isPlainObject(o.spec) ? o.spec : undefined);
