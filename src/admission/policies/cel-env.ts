/**
 * The CEL environment of admission policies, as Kubernetes defines it: `object`, `oldObject`
 * (null on create, and `object` null on delete), `request`, `params`, `namespaceObject`,
 * `variables.<name>` (lazy: each evaluated at most once per request and policy). Built on the CRD
 * engine (src/crd/cel: its libraries, metering and error texts). `object`, `oldObject`, `params`
 * and `namespaceObject` are dyn, as Kubernetes' policy compiler declares them; `request` is dyn
 * too, but its field names are checked at compile time (`request.operatoin` does not compile, as
 * in Kubernetes; the types of its fields are not), and `variables` a map whose names are checked
 * at compile time.
 * `authorizer` is not provided (Atoll's authorizer is asynchronous and CEL evaluation is not):
 * an expression naming it does not compile.
 *
 * Programs are compiled once per distinct expression text and purpose, in one process-wide cache
 * shared by every workspace (DESIGN decision 5): 10,000 workspaces holding the same policy hold
 * one compiled program per expression.
 *
 * Cost: every expression may spend the CRD engine's per-expression limit, and all expressions of
 * one policy on one request share POLICY_COST_BUDGET, Kubernetes' runtime budget per policy
 * evaluation; past either the evaluation is an error (counted per failurePolicy).
 */
import {
  PER_OBJECT_LIMIT,
  allNodes,
  compileExpressionIn,
  createVariablesEnv,
  dynToCel,
  evaluateExpression,
  type AstNode,
  type CelBudget,
  type ExpressionProgram,
} from '../../crd/cel/index.js';
import type { KubeObject } from '../../meta/index.js';
import type { AdmissionRequest } from '../../registry/index.js';
import { Optional } from '@marcbachmann/cel-js';
import { userInfo } from '../webhooks/review.js';
import { rewriteMessageLiterals } from './message-literals.js';

/** Kubernetes' RuntimeCELCostBudget for one policy on one request, in the CRD engine's units. */
export const POLICY_COST_BUDGET = PER_OBJECT_LIMIT / 2;

const VARIABLES = {
  object: 'dyn',
  oldObject: 'dyn',
  params: 'dyn',
  namespaceObject: 'dyn',
  request: 'dyn',
  variables: 'map<string, dyn>',
} as const;

/** What an expression must evaluate to. */
export type Want = 'bool' | 'string' | 'any' | 'apply' | 'jsonpatch';

export interface PolicyProgram extends ExpressionProgram {
  /** Names used as `variables.<name>`, with the position of their first use. */
  readonly variableRefs: ReadonlyMap<string, number>;
  /** Whether the expression mentions namespaceObject (it is then read for the request). */
  readonly usesNamespace: boolean;
  readonly positionOf: (pos: number) => number;
}

export type CompiledExpression = { program: PolicyProgram } | { error: string };

const MAX_PROGRAMS = 8192;
const programs = new Map<string, CompiledExpression>();
let env: ReturnType<typeof createVariablesEnv> | undefined;

function location(source: string, pos: number): string {
  const before = source.slice(0, pos);
  return `<input>:${before.split('\n').length}:${pos - before.lastIndexOf('\n')}`;
}

const WANTED: Record<Want, (type: string) => string | undefined> = {
  bool: (t) => (t === 'bool' || t === 'dyn' ? undefined : `cel expression must evaluate to a bool, not ${t}`),
  string: (t) => (t === 'string' || t === 'dyn' ? undefined : `cel expression must evaluate to a string, not ${t}`),
  any: () => undefined,
  apply: (t) => (t.startsWith('map') || t === 'dyn' ? undefined : `cel expression must evaluate to an Object, not ${t}`),
  jsonpatch: (t) => (t.startsWith('list') || t === 'dyn' ? undefined : `cel expression must evaluate to a list of JSONPatch, not ${t}`),
};

function variableRefs(root: AstNode): Map<string, number> {
  const refs = new Map<string, number>();
  for (const n of allNodes(root)) {
    if ((n.op !== '.' && n.op !== '.?') || !Array.isArray(n.args)) continue;
    const [operand, key] = n.args as unknown[];
    const o = operand as AstNode | undefined;
    if (o?.op === 'id' && o.args === 'variables' && typeof key === 'string' && !refs.has(key)) refs.set(key, n.start ?? 0);
  }
  return refs;
}

/** The fields of `request` (Kubernetes' AdmissionRequest CEL type): another is a compile error, as there. */
const REQUEST_FIELDS = new Set(['kind', 'resource', 'subResource', 'requestKind', 'requestResource', 'requestSubResource', 'name', 'namespace', 'operation', 'userInfo', 'dryRun', 'options']);

function unknownRequestField(root: AstNode): { key: string; pos: number } | undefined {
  for (const n of allNodes(root)) {
    if ((n.op !== '.' && n.op !== '.?') || !Array.isArray(n.args)) continue;
    const [operand, key] = n.args as unknown[];
    const o = operand as AstNode | undefined;
    if (o?.op === 'id' && o.args === 'request' && typeof key === 'string' && !REQUEST_FIELDS.has(key)) {
      return { key, pos: n.end === undefined ? (n.start ?? 0) : n.end - key.length - (n.op === '.?' ? 2 : 1) };
    }
  }
  return undefined;
}

function compileUncached(text: string, want: Want): CompiledExpression {
  env ??= createVariablesEnv(VARIABLES);
  let source = text;
  let positionOf: (pos: number) => number = (p) => p;
  if (want === 'apply' || want === 'jsonpatch') {
    const r = rewriteMessageLiterals(text);
    if ('error' in r) return { error: `compilation failed: ERROR: ${location(text, r.pos)}: ${r.error}` };
    source = r.text;
    positionOf = r.positionOf;
  }
  const c = compileExpressionIn(env, source, text, positionOf);
  if ('error' in c) return c;
  const wrongType = WANTED[want](c.program.type);
  if (wrongType) return { error: `compilation failed: ${wrongType}` };
  const root = c.program.root;
  const badField = unknownRequestField(root);
  if (badField) return { error: `compilation failed: ERROR: ${location(text, positionOf(badField.pos))}: undefined field '${badField.key}'` };
  const usesNamespace = allNodes(root).some((n) => n.op === 'id' && n.args === 'namespaceObject');
  return { program: { ...c.program, variableRefs: variableRefs(root), usesNamespace, positionOf } };
}

/** The compiled expression (shared by every policy and workspace holding the same text). */
export function compilePolicyExpression(text: string, want: Want): CompiledExpression {
  const key = `${want}\u0000${text}`;
  const hit = programs.get(key);
  if (hit) {
    programs.delete(key);
    programs.set(key, hit);
    return hit;
  }
  const compiled = compileUncached(text, want);
  programs.set(key, compiled);
  while (programs.size > MAX_PROGRAMS) programs.delete(programs.keys().next().value as string);
  return compiled;
}

/** For tests and the benchmark: how many distinct expressions are compiled. */
export function policyProgramCount(): number {
  return programs.size;
}

/**
 * The names a program uses from `variables` that are not declared before it, as a compile error
 * (Kubernetes: a variable may use only the variables listed before it).
 */
export function undeclaredVariable(program: PolicyProgram, declared: ReadonlySet<string>, source: string): string | undefined {
  for (const [name, pos] of program.variableRefs) {
    if (!declared.has(name)) return `compilation failed: ERROR: ${location(source, program.positionOf(pos))}: undefined field '${name}'`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Activation

export interface NamedExpression {
  readonly name: string;
  readonly program: PolicyProgram;
}

/**
 * `variables` of one evaluation: each variable is evaluated the first time an expression reads
 * it, with the activation and budget of the policy, and remembered (errors too). A plain Map
 * whose get/has are its own: the library recognises values by constructor, so no subclass.
 */
function lazyVariables(defs: ReadonlyMap<string, PolicyProgram>, budget: CelBudget, activation: () => Record<string, unknown>): Map<string, unknown> {
  const results = new Map<string, { value: unknown } | { error: string }>();
  const m = new Map<string, unknown>();
  m.has = (name) => defs.has(name);
  m.get = (name) => {
    const program = defs.get(name);
    if (!program) return undefined;
    let r = results.get(name);
    if (!r) {
      const outcome = evaluateExpression(program, activation(), budget);
      r = 'value' in outcome ? { value: outcome.value } : { error: 'error' in outcome ? outcome.error : 'operation cancelled: actual cost limit exceeded' };
      results.set(name, r);
    }
    if ('error' in r) throw new Error(`composited variable "${name}" fails to evaluate: ${r.error}`);
    return r.value;
  };
  return m;
}

/** `object`, `oldObject` and `request` as CEL values: converted once per request, shared by its policies. */
export interface RequestValues {
  readonly object: unknown;
  readonly oldObject: unknown;
  readonly request: unknown;
}

export function requestValues(r: AdmissionRequest): RequestValues {
  return {
    object: r.operation === 'DELETE' || r.object === undefined ? null : dynToCel(r.object),
    oldObject: r.operation === 'CREATE' || r.oldObject === undefined ? null : dynToCel(r.oldObject),
    request: dynToCel(requestValue(r)),
  };
}

export interface ActivationInput {
  request: AdmissionRequest;
  /** The request's values, when the caller shares them between policies (else converted here). */
  values?: RequestValues;
  params: unknown;
  namespaceObject: KubeObject | undefined;
  variables: readonly NamedExpression[];
}

/** What the request's expressions see, and the budget they share. */
export interface Activation {
  readonly vars: Record<string, unknown>;
  readonly budget: CelBudget;
}

/** The `request` variable: Kubernetes' AdmissionRequest fields that Atoll has. */
export function requestValue(r: AdmissionRequest): Record<string, unknown> {
  const t = r.type;
  const meta = (r.object ?? r.oldObject)?.metadata;
  const kind = { group: t.group, version: t.version, kind: t.kind };
  const resource = { group: t.group, version: t.version, resource: t.resource };
  return {
    kind,
    resource,
    subResource: r.subresource ?? '',
    requestKind: kind,
    requestResource: resource,
    requestSubResource: r.subresource ?? '',
    name: meta?.name ?? '',
    namespace: t.namespaced ? (meta?.namespace ?? '') : '',
    operation: r.operation,
    userInfo: userInfo(r),
    dryRun: r.dryRun,
    options: { apiVersion: 'meta.k8s.io/v1', kind: `${r.operation === 'DELETE' ? 'Delete' : r.operation === 'CREATE' ? 'Create' : 'Update'}Options` },
  };
}

export function buildActivation(input: ActivationInput): Activation {
  const { request: r } = input;
  const budget: CelBudget = { remaining: POLICY_COST_BUDGET };
  const defs = new Map(input.variables.map((v) => [v.name, v.program]));
  const values = input.values ?? requestValues(r);
  const vars: Record<string, unknown> = {
    object: values.object,
    oldObject: values.oldObject,
    params: input.params === undefined ? null : dynToCel(input.params),
    namespaceObject: input.namespaceObject === undefined ? null : dynToCel(input.namespaceObject),
    request: values.request,
    variables: undefined,
  };
  vars.variables = lazyVariables(defs, budget, () => vars);
  return { vars, budget };
}

export type EvalResult = { value: unknown } | { error: string };

/** Evaluates one expression of the policy in its activation; cost overruns are errors. */
export function run(program: PolicyProgram, activation: Activation): EvalResult {
  if (activation.budget.remaining <= 0) return { error: 'validation failed due to running out of cost budget, no further validation rules will be run' };
  const outcome = evaluateExpression(program, activation.vars, activation.budget);
  if ('cost' in outcome) return { error: 'operation cancelled: actual cost limit exceeded' };
  return outcome;
}

/** A CEL value as JSON (ints as numbers, maps as objects, bytes as base64, timestamps as RFC 3339). */
export function celToJson(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Optional) return v.hasValue() ? celToJson(v.value()) : undefined;
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of v) {
      const j = celToJson(e);
      if (j !== undefined) out[String(k)] = j;
    }
    return out;
  }
  if (Array.isArray(v)) return v.map(celToJson).filter((e) => e !== undefined);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.toISOString().replace(/\.000Z$/, 'Z');
  if (v !== null && typeof v === 'object' && 'toString' in v && typeof v.toString === 'function' && !Object.prototype.hasOwnProperty.call(v, 'toString')) {
    const s: unknown = v.toString();
    if (typeof s === 'string' && s !== '[object Object]') return s;
  }
  return v;
}
