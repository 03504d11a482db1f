/**
 * Compilation of the CEL in admission configurations when they are written: every expression of a
 * policy (validations and their messageExpression, matchConditions, variables, auditAnnotations,
 * mutations) and of webhooks' matchConditions. A failure is a 422 field error at the expression,
 * worded as kube-apiserver's (`compilation failed: ERROR: <input>:1:5: ...`). The programs land
 * in the shared cache the stages use, so the first request pays nothing more.
 */
import type { KubeObject } from '../../meta/index.js';
import type { FieldError } from '../../registry/index.js';
import { compilePolicyExpression, undeclaredVariable, type Want } from './cel-env.js';

export interface Expr {
  readonly text: unknown;
  readonly field: string;
  readonly want: Want;
}

type Named = { name?: unknown; expression?: unknown };

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A policy's expressions other than its variables, with where each sits and what it must give. */
export function policyExpressions(spec: Record<string, unknown>): Expr[] {
  const out: Expr[] = [];
  list(spec.matchConditions).forEach((c, i) => out.push({ text: (c as Named).expression, field: `spec.matchConditions[${i}].expression`, want: 'bool' }));
  list(spec.validations).forEach((v, i) => {
    const r = record(v);
    out.push({ text: r.expression, field: `spec.validations[${i}].expression`, want: 'bool' });
    if (typeof r.messageExpression === 'string' && r.messageExpression.trim() !== '') {
      out.push({ text: r.messageExpression, field: `spec.validations[${i}].messageExpression`, want: 'string' });
    }
  });
  list(spec.auditAnnotations).forEach((a, i) => out.push({ text: record(a).valueExpression, field: `spec.auditAnnotations[${i}].valueExpression`, want: 'any' }));
  list(spec.mutations).forEach((m, i) => {
    const r = record(m);
    if (r.patchType === 'JSONPatch') out.push({ text: record(r.jsonPatch).expression, field: `spec.mutations[${i}].jsonPatch.expression`, want: 'jsonpatch' });
    else out.push({ text: record(r.applyConfiguration).expression, field: `spec.mutations[${i}].applyConfiguration.expression`, want: 'apply' });
  });
  return out;
}

function compileAll(exprs: readonly Expr[], declared: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const e of exprs) {
    if (typeof e.text !== 'string' || e.text.trim() === '') continue;
    const c = compilePolicyExpression(e.text, e.want);
    const detail = 'error' in c ? c.error : undeclaredVariable(c.program, declared, e.text);
    if (detail) errors.push({ type: 'FieldValueInvalid', field: e.field, value: e.text, detail });
  }
  return errors;
}

/** The variables, each compiled with only those before it declared (as Kubernetes allows). */
function variableErrors(vars: readonly unknown[]): { errors: FieldError[]; declared: Set<string> } {
  const declared = new Set<string>();
  const errors: FieldError[] = [];
  vars.forEach((v, i) => {
    const { name, expression } = v as Named;
    errors.push(...compileAll([{ text: expression, field: `spec.variables[${i}].expression`, want: 'any' }], declared));
    if (typeof name === 'string') declared.add(name);
  });
  return { errors, declared };
}

/** The 422 field errors of the kind's CEL expressions (none for bindings, which hold none). */
export function checkExpressions(kind: string, object: KubeObject): FieldError[] {
  switch (kind) {
    case 'ValidatingAdmissionPolicy':
    case 'MutatingAdmissionPolicy': {
      const spec = record(object.spec);
      const vars = variableErrors(list(spec.variables));
      return [...vars.errors, ...compileAll(policyExpressions(spec), vars.declared)];
    }
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration': {
      const exprs: Expr[] = [];
      list((object as { webhooks?: unknown }).webhooks).forEach((w, i) =>
        list(record(w).matchConditions).forEach((c, j) => exprs.push({ text: (c as Named).expression, field: `webhooks[${i}].matchConditions[${j}].expression`, want: 'bool' })),
      );
      return compileAll(exprs, new Set());
    }
    default:
      return [];
  }
}
