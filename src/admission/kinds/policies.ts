/**
 * ValidatingAdmissionPolicy and its Binding (v1 stored, v1beta1 the same objects), and
 * MutatingAdmissionPolicy and its Binding (v1beta1 stored, v1alpha1 the same objects): their
 * shapes, the kube-apiserver's structural rules and defaults. CEL is compiled by the policies
 * stage (`checkExpressions`), once the structure is sound.
 */
import { z } from 'zod';
import { cloneObject, type KubeObject } from '../../meta/index.js';
import { builtin, checkSchema, kindSchema, type FieldError, type PrinterColumn, type ResourceType } from '../../registry/index.js';
import { checkExpressions } from '../policies/check-expressions.js';
import { ADMISSION_GROUP, admissionComponents, schemaPrefix } from './openapi.js';
import {
  defaultMatchResources,
  failurePolicy,
  matchConditionErrors,
  matchConditions,
  matchResources,
  matchResourcesErrors,
  paramKind,
  paramKindErrors,
  paramRef,
  paramRefErrors,
  reinvocationPolicy,
  specObject,
  variableErrors,
  variables,
  type MatchResources,
  type NamedExpression,
  type ParamRef,
} from './shared.js';

const REASONS = ['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'] as const;
export const VALIDATION_ACTIONS = ['Deny', 'Warn', 'Audit'] as const;

const vapSchema = kindSchema({
  spec: z
    .strictObject({
      paramKind: paramKind.nullable().optional(),
      matchConstraints: matchResources.nullable().optional(),
      validations: z
        .array(z.strictObject({ expression: z.string(), message: z.string().optional(), reason: z.enum(REASONS).nullable().optional(), messageExpression: z.string().optional() }))
        .nullable()
        .optional(),
      failurePolicy,
      auditAnnotations: z.array(z.strictObject({ key: z.string(), valueExpression: z.string() })).nullable().optional(),
      matchConditions,
      variables,
    })
    .optional(),
  status: z
    .strictObject({
      observedGeneration: z.number().int().optional(),
      typeChecking: z.strictObject({ expressionWarnings: z.array(z.strictObject({ fieldRef: z.string(), warning: z.string() })).nullable().optional() }).nullable().optional(),
      conditions: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
    })
    .optional(),
});

const bindingFields = { policyName: z.string().optional(), paramRef: paramRef.nullable().optional(), matchResources: matchResources.nullable().optional() };
const vapbSchema = kindSchema({ spec: z.strictObject({ ...bindingFields, validationActions: z.array(z.enum(VALIDATION_ACTIONS)).nullable().optional() }).optional() });
const mapbSchema = kindSchema({ spec: z.strictObject(bindingFields).optional() });

const mapSchema = kindSchema({
  spec: z
    .strictObject({
      paramKind: paramKind.nullable().optional(),
      matchConstraints: matchResources.nullable().optional(),
      variables,
      mutations: z
        .array(
          z.strictObject({
            patchType: z.enum(['ApplyConfiguration', 'JSONPatch']),
            applyConfiguration: z.strictObject({ expression: z.string().optional() }).nullable().optional(),
            jsonPatch: z.strictObject({ expression: z.string().optional() }).nullable().optional(),
          }),
        )
        .nullable()
        .optional(),
      failurePolicy,
      matchConditions,
      reinvocationPolicy,
    })
    .optional(),
});

interface PolicySpec {
  paramKind?: { apiVersion?: string; kind?: string } | null;
  matchConstraints?: MatchResources | null;
  validations?: { expression: string; message?: string; reason?: string | null; messageExpression?: string }[] | null;
  auditAnnotations?: { key: string; valueExpression: string }[] | null;
  mutations?: { patchType: string; applyConfiguration?: { expression?: string } | null; jsonPatch?: { expression?: string } | null }[] | null;
  matchConditions?: NamedExpression[] | null;
  variables?: NamedExpression[] | null;
}

interface BindingSpec {
  policyName?: string;
  paramRef?: ParamRef | null;
  matchResources?: MatchResources | null;
  validationActions?: string[] | null;
}

const policySpecOf = (o: KubeObject): PolicySpec => (o.spec ?? {}) as PolicySpec;
const bindingSpecOf = (o: KubeObject): BindingSpec => (o.spec ?? {}) as BindingSpec;

/** What both policy kinds check: parameters, constraints, conditions, variables. */
function commonPolicyErrors(spec: PolicySpec): FieldError[] {
  return [
    ...paramKindErrors(spec.paramKind ?? undefined, 'spec.paramKind'),
    ...matchResourcesErrors(spec.matchConstraints ?? undefined, 'spec.matchConstraints', true),
    ...matchConditionErrors(spec.matchConditions, 'spec.matchConditions'),
    ...variableErrors(spec.variables, 'spec.variables'),
  ];
}

function validatingPolicyErrors(spec: PolicySpec): FieldError[] {
  const errs = commonPolicyErrors(spec);
  const validations = spec.validations ?? [];
  const annotations = spec.auditAnnotations ?? [];
  if (validations.length === 0 && annotations.length === 0) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.validations', detail: 'validations or auditAnnotations must contain at least one item' });
  }
  validations.forEach((v, i) => {
    const at = `spec.validations[${i}]`;
    if (v.expression.trim() === '') errs.push({ type: 'FieldValueRequired', field: `${at}.expression`, detail: 'expression is not specified' });
    if (v.message !== undefined && /[\r\n]/.test(v.message)) errs.push({ type: 'FieldValueInvalid', field: `${at}.message`, value: v.message, detail: 'message must not contain line breaks' });
    if (v.message !== undefined && v.message.trim() === '' && v.message !== '') errs.push({ type: 'FieldValueInvalid', field: `${at}.message`, value: v.message, detail: 'message must be non-empty if specified' });
  });
  const keys = new Set<string>();
  annotations.forEach((a, i) => {
    const at = `spec.auditAnnotations[${i}]`;
    if (a.key === '') errs.push({ type: 'FieldValueRequired', field: `${at}.key`, detail: '' });
    else if (a.key.length > 63) errs.push({ type: 'FieldValueTooLong', field: `${at}.key`, value: a.key, detail: 'may not be more than 63 bytes' });
    else for (const detail of validateAnnotationKey(a.key)) errs.push({ type: 'FieldValueInvalid', field: `${at}.key`, value: a.key, detail });
    if (keys.has(a.key)) errs.push({ type: 'FieldValueDuplicate', field: `${at}.key`, value: a.key, detail: '' });
    keys.add(a.key);
    if (a.valueExpression.trim() === '') errs.push({ type: 'FieldValueRequired', field: `${at}.valueExpression`, detail: 'valueExpression is not specified' });
  });
  return errs;
}

/** An audit annotation key becomes `<policy name>/<key>`: the key is the name part of a qualified name. */
function validateAnnotationKey(key: string): string[] {
  return /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(key) ? [] : ["must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"];
}

function mutatingPolicyErrors(spec: PolicySpec): FieldError[] {
  const errs = commonPolicyErrors(spec);
  const mutations = spec.mutations ?? [];
  if (mutations.length === 0) errs.push({ type: 'FieldValueRequired', field: 'spec.mutations', detail: 'mutations must contain at least one item' });
  mutations.forEach((m, i) => {
    const at = `spec.mutations[${i}]`;
    const [own, other] = m.patchType === 'JSONPatch' ? (['jsonPatch', 'applyConfiguration'] as const) : (['applyConfiguration', 'jsonPatch'] as const);
    const expression = m[own]?.expression ?? '';
    if (!m[own]) errs.push({ type: 'FieldValueRequired', field: `${at}.${own}`, detail: `${own} is required when patchType is ${m.patchType}` });
    else if (expression.trim() === '') errs.push({ type: 'FieldValueRequired', field: `${at}.${own}.expression`, detail: '' });
    if (m[other]) errs.push({ type: 'FieldValueForbidden', field: `${at}.${other}`, detail: `must not be set when patchType is ${m.patchType}` });
  });
  return errs;
}

function bindingErrors(spec: BindingSpec, validating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push({ type: 'FieldValueRequired', field: 'spec.policyName', detail: '' });
  errs.push(...paramRefErrors(spec.paramRef ?? undefined, 'spec.paramRef'), ...matchResourcesErrors(spec.matchResources ?? undefined, 'spec.matchResources', false));
  if (validating) {
    const actions = spec.validationActions ?? [];
    if (actions.length === 0) errs.push({ type: 'FieldValueRequired', field: 'spec.validationActions', detail: 'at least one validation action is required' });
    const seen = new Set<string>();
    actions.forEach((a, i) => {
      if (seen.has(a)) errs.push({ type: 'FieldValueDuplicate', field: `spec.validationActions[${i}]`, value: a, detail: '' });
      seen.add(a);
    });
    if (seen.has('Deny') && seen.has('Warn')) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.validationActions', value: actions, detail: 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)' });
    }
  }
  return errs;
}

/** Shape first; the rules between fields and the expressions' compilation only on a sound shape. */
function validator(schema: z.ZodType, kind: string, rules: (o: KubeObject) => FieldError[]) {
  return (o: KubeObject) => {
    const shape = checkSchema(schema, o);
    if (shape.errors.length > 0) return shape;
    const errors = rules(o);
    if (errors.length === 0) errors.push(...checkExpressions(kind, o));
    return { errors, unknownFields: shape.unknownFields };
  };
}

function defaultPolicy(o: KubeObject, mutating: boolean): void {
  const spec = specObject(o);
  if (!spec) return;
  spec.failurePolicy ??= 'Fail';
  if (mutating) spec.reinvocationPolicy ??= 'Never';
  defaultMatchResources(spec.matchConstraints);
}

function defaultBinding(o: KubeObject): void {
  const spec = specObject(o);
  if (spec) defaultMatchResources(spec.matchResources);
}

const count = (list: unknown): number => (Array.isArray(list) ? list.length : 0);

function paramKindCell(o: KubeObject): string {
  const k = policySpecOf(o).paramKind;
  return k ? `${k.apiVersion ?? ''}/${k.kind ?? ''}` : '<unset>';
}

function paramRefCell(o: KubeObject): string {
  const r = bindingSpecOf(o).paramRef;
  if (!r) return '<unset>';
  const name = r.name ?? '*';
  return r.namespace ? `${r.namespace}/${name}` : name;
}

const columns = {
  validations: { name: 'Validations', type: 'integer', description: 'Number of validations.', priority: 0, cell: (o) => count(policySpecOf(o).validations) },
  mutations: { name: 'Mutations', type: 'integer', description: 'Number of mutations.', priority: 0, cell: (o) => count(policySpecOf(o).mutations) },
  paramKind: { name: 'ParamKind', type: 'string', description: 'The kind of the parameters.', priority: 0, cell: paramKindCell },
  policyName: { name: 'PolicyName', type: 'string', description: 'The policy bound.', priority: 0, cell: (o) => bindingSpecOf(o).policyName ?? '' },
  paramRef: { name: 'ParamRef', type: 'string', description: 'The parameters.', priority: 0, cell: paramRefCell },
} satisfies Record<string, PrinterColumn>;

/** The same stored object seen in another version: only apiVersion differs between these versions. */
export function sameShape(resource: string, stored: string, served: string): NonNullable<ResourceType['storedAs']> {
  const as = (apiVersion: string) => (o: KubeObject): KubeObject => ({ ...cloneObject(o), apiVersion });
  return { resource, toStored: as(`${ADMISSION_GROUP}/${stored}`), fromStored: as(`${ADMISSION_GROUP}/${served}`) };
}

interface KindSpec {
  resource: string;
  kind: string;
  versions: readonly string[];
  hasStatus: boolean;
  columns: PrinterColumn[];
  validate: ReturnType<typeof validator>;
  prepare: (o: KubeObject) => void;
}

/** Every served version of a kind, storage version first. */
export function versionsOf(k: KindSpec): [ResourceType, ...ResourceType[]] {
  const stored = k.versions[0] as string;
  const types = k.versions.map((version) =>
    builtin(
      {
        group: ADMISSION_GROUP,
        version,
        resource: k.resource,
        kind: k.kind,
        namespaced: false,
        nameRule: 'subdomain',
        hasStatus: k.hasStatus,
        categories: ['api-extensions'],
        columns: k.columns,
        schema: { name: `${schemaPrefix(version)}${k.kind}`, components: admissionComponents },
        ...(version === stored ? {} : { storedAs: sameShape(`${k.resource}.${ADMISSION_GROUP}`, stored, version) }),
      },
      { validate: k.validate, prepareForCreate: k.prepare, prepareForUpdate: k.prepare },
    ),
  );
  return types as [ResourceType, ...ResourceType[]];
}

export const validatingAdmissionPolicies = versionsOf({
  resource: 'validatingadmissionpolicies',
  kind: 'ValidatingAdmissionPolicy',
  versions: ['v1', 'v1beta1'],
  hasStatus: true,
  columns: [columns.validations, columns.paramKind],
  validate: validator(vapSchema, 'ValidatingAdmissionPolicy', (o) => validatingPolicyErrors(policySpecOf(o))),
  prepare: (o) => defaultPolicy(o, false),
});

export const validatingAdmissionPolicyBindings = versionsOf({
  resource: 'validatingadmissionpolicybindings',
  kind: 'ValidatingAdmissionPolicyBinding',
  versions: ['v1', 'v1beta1'],
  hasStatus: false,
  columns: [columns.policyName, columns.paramRef],
  validate: validator(vapbSchema, 'ValidatingAdmissionPolicyBinding', (o) => bindingErrors(bindingSpecOf(o), true)),
  prepare: defaultBinding,
});

export const mutatingAdmissionPolicies = versionsOf({
  resource: 'mutatingadmissionpolicies',
  kind: 'MutatingAdmissionPolicy',
  versions: ['v1beta1', 'v1alpha1'],
  hasStatus: false,
  columns: [columns.mutations, columns.paramKind],
  validate: validator(mapSchema, 'MutatingAdmissionPolicy', (o) => mutatingPolicyErrors(policySpecOf(o))),
  prepare: (o) => defaultPolicy(o, true),
});

export const mutatingAdmissionPolicyBindings = versionsOf({
  resource: 'mutatingadmissionpolicybindings',
  kind: 'MutatingAdmissionPolicyBinding',
  versions: ['v1beta1', 'v1alpha1'],
  hasStatus: false,
  columns: [columns.policyName, columns.paramRef],
  validate: validator(mapbSchema, 'MutatingAdmissionPolicyBinding', (o) => bindingErrors(bindingSpecOf(o), false)),
  prepare: defaultBinding,
});

export { validator };
