/**
 * CEL evaluation of CustomResourceDefinition `x-kubernetes-validations` rules.
 *
 * Library: @marcbachmann/cel-js. Chosen over @bufbuild/cel because it has no dependencies and no
 * install scripts, is pure ESM for Node >= 20.19, is actively released, parses and type-checks
 * separately (so syntax and type errors are reported when the CRD is written), supports custom
 * object types with declared fields (so `self` is typed from the schema and an unknown field or a
 * non-bool rule is a compile error), optional types (`oldSelf.hasValue()`, `.?field`, `orValue`),
 * and registering functions, overloads and operators — all the Kubernetes libraries are added on
 * top. Its integers are bigints (CEL int64 semantics, overflow checked); doubles are JS numbers.
 * Regular expressions go through re2js (linear-time RE2, Kubernetes' regex dialect) instead of the
 * library's JS RegExp, which could be made to backtrack forever.
 *
 * What follows Kubernetes: typing of `self` from the schema (types.ts; with `{ resourceRoot: true }`
 * the node is the schema of a whole resource and gets apiVersion/kind/metadata.name), property-name
 * escaping,
 * transition rules (`oldSelf`; skipped on create / when uncorrelated unless `optionalOldSelf`, then
 * `oldSelf` is an optional), message / messageExpression / reason / fieldPath and the error texts,
 * compile errors at `<schemaPath>.x-kubernetes-validations[i].rule` (or `.messageExpression`,
 * `.fieldPath`, `.optionalOldSelf`), runtime errors reported as rule failures, cost limits
 * (cost.ts). Deviations are noted where they occur (types.ts, cost.ts, lib-*.ts).
 *
 * Compiled programs are cached by (schema type signature, rule text), so the same CRD installed in
 * many workspaces compiles once: environments per signature and programs per environment live in
 * bounded LRU maps.
 */
import { Optional, type Environment, type ParseResult } from '@marcbachmann/cel-js';
import type { FieldError } from '../../registry/errors.js';
import { formatPath } from '../../registry/schema-check.js';
import type { JSONSchemaProps, ValidationRule } from '../schema-types.js';
import { allNodes, callArgs, callName, isAstNode, mentionsVariable, renameMethods, type AstNode } from './ast.js';
import {
  CostExceeded,
  PER_OBJECT_LIMIT,
  PER_RULE_LIMIT,
  STATIC_LIMIT,
  estimateCost,
  markChargedNodes,
  withMeter,
  type Meter,
} from './cost.js';
import { createTypedEnv, type TypedEnv } from './env.js';
import { REPLACED_METHODS, compileRegex } from './lib-ext.js';
import { celTypeOf, escapeName, toCel, typeSignature, type CelType } from './types.js';

export { PER_OBJECT_LIMIT, PER_RULE_LIMIT, STATIC_LIMIT } from './cost.js';

export interface CompiledRules {
  /** True when some rule refers to oldSelf (a transition rule). */
  readonly hasTransitionRules: boolean;
  /**
   * Evaluates every rule of the node on `self`. `oldSelf` is the correlated old value on update
   * (undefined on create or when the value cannot be correlated: transition rules are then
   * skipped unless optionalOldSelf). `field` is where the node sits in the object (kube-printed path);
   * failures are reported there, or at field + rule.fieldPath when the rule sets fieldPath.
   */
  check(self: unknown, oldSelf: unknown, field: string): FieldError[];
}

// ---------------------------------------------------------------------------------------------
// Caches

const MAX_ENVIRONMENTS = 256;
const MAX_PROGRAMS_PER_ENVIRONMENT = 512;

interface Program {
  readonly run: ParseResult;
  readonly transition: boolean;
}

type Compiled = { program: Program } | { error: string; forbidden?: boolean };

interface EnvEntry {
  readonly selfType: CelType;
  readonly env: TypedEnv;
  readonly programs: Map<string, Compiled>;
}

const environments = new Map<string, EnvEntry>();

function lruGet<K, V>(m: Map<K, V>, k: K): V | undefined {
  const v = m.get(k);
  if (v !== undefined) {
    m.delete(k);
    m.set(k, v);
  }
  return v;
}

function lruSet<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  m.set(k, v);
  while (m.size > max) m.delete(m.keys().next().value as K);
}

function envFor(selfType: CelType): EnvEntry {
  const sig = typeSignature(selfType);
  let entry = lruGet(environments, sig);
  if (!entry) {
    entry = { selfType, env: createTypedEnv(selfType), programs: new Map() };
    lruSet(environments, sig, entry, MAX_ENVIRONMENTS);
  }
  return entry;
}

/** How many environments are cached (for tests and metrics). */
export function celCacheStats(): { environments: number; programs: number } {
  let programs = 0;
  for (const e of environments.values()) programs += e.programs.size;
  return { environments: environments.size, programs };
}

// ---------------------------------------------------------------------------------------------
// Compilation

interface CelErrorLike {
  summary?: unknown;
  message?: unknown;
  code?: unknown;
  range?: { start?: unknown };
  node?: unknown;
}

/** Maps a position of the compiled text back to the text the user wrote (they differ when it was rewritten). */
type PositionMap = (pos: number) => number;

function location(text: string, at: unknown, positionOf?: PositionMap): string {
  if (typeof at !== 'number') return '<input>';
  const pos = positionOf ? positionOf(at) : at;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `<input>:${line}:${col}`;
}

function restoreNames(s: string): string {
  let out = s;
  for (const [original, replacement] of Object.entries(REPLACED_METHODS)) out = out.split(replacement).join(original);
  return out;
}

let knownFunctions: Set<string> | undefined;

function isKnownFunction(env: Environment, name: string): boolean {
  knownFunctions ??= new Set(env.getDefinitions().functions.map((f) => f.name));
  return knownFunctions.has(name) || ['has', 'all', 'exists', 'exists_one', 'map', 'filter', 'bind', 'orValue', 'or'].includes(name);
}

function describeError(env: Environment, text: string, e: unknown, positionOf?: PositionMap): string {
  const err = (typeof e === 'object' && e !== null ? e : {}) as CelErrorLike;
  let summary = typeof err.summary === 'string' ? err.summary : typeof err.message === 'string' ? err.message : String(e);
  const node = err.node as AstNode | undefined;
  const name = node ? callName(node) : undefined;
  if (err.code === 'no_matching_overload' && name !== undefined && !isKnownFunction(env, name)) {
    summary = `undeclared reference to '${restoreNames(name)}'`;
  }
  const key = node && (node.op === '.' || node.op === '.?') && Array.isArray(node.args) ? node.args[1] : undefined;
  if (err.code === 'no_such_key' && typeof key === 'string') summary = `undefined field '${key}'`;
  return `ERROR: ${location(text, err.range?.start, positionOf)}: ${restoreNames(summary)}`;
}

/** Regular-expression literals are compiled up front, as Kubernetes does, so a bad one is a compile error. */
function checkRegexLiterals(root: AstNode, source = root.input ?? '', positionOf?: PositionMap): string | undefined {
  for (const n of allNodes(root)) {
    const name = callName(n);
    if (name !== REPLACED_METHODS.matches && name !== 'matches' && name !== 'find' && name !== 'findAll') continue;
    const args = callArgs(n);
    const pattern = n.op === 'call' ? args[1] : args[0];
    if (pattern?.op !== 'value' || typeof pattern.args !== 'string') continue;
    const compiled = compileRegex(pattern.args);
    if (typeof compiled === 'string') return `ERROR: ${location(source, pattern.start, positionOf)}: invalid regular expression: ${compiled}`;
  }
  return undefined;
}

/** `has(x.f)` on an object type without field f is a compile error, as in Kubernetes. */
function checkHasArguments(root: AstNode, env: TypedEnv): string | undefined {
  for (const n of allNodes(root)) {
    if (n.op !== 'call' || callName(n) !== 'has') continue;
    const arg = callArgs(n)[0];
    if (!arg || arg.op !== '.' || !Array.isArray(arg.args)) continue;
    const [operand, key] = arg.args as unknown[];
    const typeName = isAstNode(operand) ? operand.checkedType?.name : undefined;
    const fields = typeName ? env.fieldsOf(typeName) : undefined;
    if (fields && typeof key === 'string' && !fields.has(key)) {
      return `ERROR: ${location(root.input ?? '', arg.start)}: undefined field '${key}'`;
    }
  }
  return undefined;
}

function compileExpression(entry: EnvEntry, text: string, optionalOldSelf: boolean, want: 'bool' | 'string'): Compiled {
  const key = `${optionalOldSelf ? 'o' : 'p'}${want === 'bool' ? 'r' : 'm'}\u0000${text}`;
  const cached = lruGet(entry.programs, key);
  if (cached) return cached;
  const result = compileUncached(entry, text, optionalOldSelf, want);
  lruSet(entry.programs, key, result, MAX_PROGRAMS_PER_ENVIRONMENT);
  return result;
}

function compileUncached(entry: EnvEntry, text: string, optionalOldSelf: boolean, want: 'bool' | 'string'): Compiled {
  const env = optionalOldSelf ? entry.env.optional() : entry.env.plain;
  let run: ParseResult;
  try {
    run = env.parse(text);
  } catch (e) {
    return { error: `compilation failed: ${describeError(env, text, e)}` };
  }
  const root = run.ast as unknown as AstNode;
  renameMethods(root, REPLACED_METHODS);
  const badRegex = checkRegexLiterals(root);
  if (badRegex) return { error: `compilation failed: ${badRegex}` };
  const checked = run.check();
  if (!checked.valid) return { error: `compilation failed: ${describeError(env, text, checked.error)}` };
  const undefinedField = checkHasArguments(root, entry.env);
  if (undefinedField) return { error: `compilation failed: ${undefinedField}` };
  if (checked.type !== want && checked.type !== 'dyn') {
    return {
      error:
        want === 'bool'
          ? `compilation failed: cel expression must evaluate to a bool, not ${checked.type}`
          : `compilation failed: messageExpression must evaluate to a string, not ${checked.type}`,
    };
  }
  markChargedNodes(root);
  const cost = estimateCost(root, entry.selfType);
  if (cost > STATIC_LIMIT) {
    const factor = (cost / STATIC_LIMIT).toPrecision(3);
    return {
      forbidden: true,
      error: `estimated rule cost exceeds budget by factor of ${factor}x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
    };
  }
  return { program: { run, transition: mentionsVariable(root, 'oldSelf') } };
}

// ---------------------------------------------------------------------------------------------
// fieldPath

type Segment = string;

/** Parses a rule's fieldPath (`.a.b`, `.a['b.c']`) against the schema; a string is the problem. */
function parseFieldPath(node: JSONSchemaProps, fieldPath: string): Segment[] | string {
  const segments: Segment[] = [];
  let s = node;
  let i = 0;
  if (fieldPath === '') return 'fieldPath must not be empty';
  while (i < fieldPath.length) {
    let name: string;
    if (fieldPath[i] === '.') {
      const m = /^[^.[\]]+/.exec(fieldPath.slice(i + 1));
      if (!m) return `expected a field name at position ${i + 1}`;
      name = m[0];
      i += 1 + name.length;
    } else if (fieldPath[i] === '[') {
      const m = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(fieldPath.slice(i));
      if (!m) {
        if (/^\[\d+\]/.test(fieldPath.slice(i))) return 'numeric index of array is not supported';
        return `expected ['name'] at position ${i}`;
      }
      name = (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1');
      i += m[0].length;
    } else {
      return `expected '.' or '[' at position ${i}`;
    }
    const prop = s.properties?.[name];
    const ap = s.additionalProperties;
    if (prop) s = prop;
    else if (ap && typeof ap === 'object') s = ap;
    else if (s['x-kubernetes-preserve-unknown-fields'] || ap === true) s = {};
    else return `does not refer to a valid field: ${name}`;
    segments.push(name);
  }
  return segments;
}

function joinField(field: string, segments: readonly Segment[]): string {
  if (segments.length === 0) return field;
  const suffix = formatPath(segments);
  if (!field) return suffix;
  return suffix.startsWith('[') ? field + suffix : `${field}.${suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Budget {
  remaining: number;
  /** Set once the exhaustion has been reported: later rules are skipped silently. */
  exhausted: boolean;
}

let ambientBudget: Budget | undefined;

/**
 * Runs `fn` (typically the validation of one object) with one shared runtime cost budget for all
 * the CEL rules it evaluates, as Kubernetes does per custom resource. Without it, each `check()`
 * call gets a budget of its own.
 */
export function runWithCelBudget<T>(fn: () => T, limit: number = PER_OBJECT_LIMIT): T {
  const previous = ambientBudget;
  ambientBudget = { remaining: limit, exhausted: false };
  try {
    return fn();
  } finally {
    ambientBudget = previous;
  }
}

type Outcome = { value: unknown } | { error: string } | { cost: 'rule' | 'object' };

function evaluate(program: ParseResult, vars: Record<string, unknown>, budget: Budget, charge?: (used: number) => void): Outcome {
  const perRule = budget.remaining < PER_RULE_LIMIT ? budget.remaining : PER_RULE_LIMIT;
  const meter: Meter = { used: 0, limit: perRule, exceeded: false };
  const costKind = (): 'rule' | 'object' => (perRule < PER_RULE_LIMIT ? 'object' : 'rule');
  try {
    const value: unknown = withMeter(meter, () => program(vars));
    if (meter.exceeded) return { cost: costKind() };
    return { value };
  } catch (e) {
    if (meter.exceeded || e instanceof CostExceeded) return { cost: costKind() };
    if (e instanceof RangeError) return { error: 'evaluation too deeply nested' };
    const err = (typeof e === 'object' && e !== null ? e : {}) as CelErrorLike;
    const detail = typeof err.summary === 'string' ? err.summary : e instanceof Error ? e.message : String(e);
    return { error: restoreNames(detail) };
  } finally {
    const used = Math.min(meter.used, meter.limit);
    budget.remaining -= used;
    charge?.(used);
  }
}

interface RuleEntry {
  readonly index: number;
  readonly rule: ValidationRule;
  readonly program: Program;
  readonly message?: Program;
  readonly fieldPath: readonly Segment[];
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message && rule.message.trim() !== '' ? rule.message.trim() : rule.rule.trim();
}

function ruleMessageOrDefault(rule: ValidationRule): string {
  return rule.message && rule.message.trim() !== '' ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

function fieldErrorForReason(field: string, value: string, detail: string, reason: ValidationRule['reason']): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return { type: 'FieldValueForbidden', field, detail };
    case 'FieldValueRequired':
      return { type: 'FieldValueRequired', field, detail };
    case 'FieldValueDuplicate':
      // As apimachinery's field.Duplicate: the value only, no detail.
      return { type: 'FieldValueDuplicate', field, value, detail: '' };
    default:
      return { type: 'FieldValueInvalid', field, value, detail };
  }
}

class Rules implements CompiledRules {
  readonly hasTransitionRules: boolean;

  constructor(
    private readonly entry: EnvEntry,
    private readonly schemaType: string,
    private readonly rules: readonly RuleEntry[],
  ) {
    this.hasTransitionRules = rules.some((r) => r.program.transition);
  }

  check(self: unknown, oldSelf: unknown, field: string): FieldError[] {
    // A missing or null value is not validated (nor is a null oldSelf correlated), as in Kubernetes.
    if (self === undefined || self === null) return [];
    if (oldSelf === null) oldSelf = undefined;
    const errors: FieldError[] = [];
    const budget: Budget = ambientBudget ?? { remaining: PER_OBJECT_LIMIT, exhausted: false };
    if (budget.exhausted) return [];
    const invalid = (detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value: this.schemaType, detail });
    let selfCel: unknown;
    let oldCel: unknown;
    try {
      selfCel = toCel(this.entry.selfType, self, this.entry.env.ctorOf);
      oldCel = oldSelf === undefined ? undefined : toCel(this.entry.selfType, oldSelf, this.entry.env.ctorOf);
    } catch {
      return [invalid('value too deeply nested to evaluate validation rules')];
    }
    for (const r of this.rules) {
      const { rule, program } = r;
      if (program.transition && oldSelf === undefined && !rule.optionalOldSelf) continue;
      if (budget.remaining <= 0) {
        errors.push(invalid('validation failed due to running out of cost budget, no further validation rules will be run'));
        budget.exhausted = true;
        break;
      }
      const old = rule.optionalOldSelf ? (oldCel === undefined ? Optional.none() : Optional.of(oldCel)) : oldCel;
      const vars = { self: selfCel, oldSelf: old };
      const outcome = evaluate(program.run, vars, budget);
      if ('cost' in outcome) {
        // As in Kubernetes, running out stops all further validation of the object.
        budget.exhausted = true;
        budget.remaining = 0;
        errors.push(
          invalid(
            outcome.cost === 'rule'
              ? `no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`
              : 'validation failed due to running out of cost budget, no further validation rules will be run',
          ),
        );
        break;
      }
      if ('error' in outcome) {
        errors.push(invalid(`${outcome.error} evaluating rule: ${ruleErrorString(rule)}`));
        continue;
      }
      if (outcome.value === true) continue;
      if (outcome.value !== false) {
        errors.push(invalid(`rule did not evaluate to a bool evaluating rule: ${ruleErrorString(rule)}`));
        continue;
      }
      let detail = ruleMessageOrDefault(rule);
      if (r.message) {
        const m = evaluate(r.message.run, vars, budget);
        if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '' && !/[\r\n]/.test(m.value)) detail = m.value;
      }
      errors.push(fieldErrorForReason(joinField(field, r.fieldPath), this.schemaType, detail, rule.reason));
    }
    return errors;
  }
}

const REASONS: readonly string[] = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'];

export interface CompileOptions {
  /**
   * The node is the schema of a whole resource (a CRD version's openAPIV3Schema): as in Kubernetes,
   * `self.apiVersion`, `self.kind`, `self.metadata.name` and `self.metadata.generateName` are then
   * accessible whatever the schema declares. Pass the same value when validating the CRD and when
   * compiling for validation of objects, or the two may disagree.
   */
  resourceRoot?: boolean;
}

/**
 * Compiles the `x-kubernetes-validations` of one schema node (the node gives `self` its type).
 * Returns compile errors as FieldErrors located at `schemaPath` + `.x-kubernetes-validations[i].rule`
 * (the CRD is then rejected with them); `compiled` is undefined when the node has no rules.
 */
export function compileValidationRules(
  node: JSONSchemaProps,
  schemaPath: string,
  options: CompileOptions = {},
): { compiled?: CompiledRules; errors: FieldError[] } {
  const rules = node['x-kubernetes-validations'];
  if (!rules || rules.length === 0) return { errors: [] };
  const selfType = celTypeOf(node, options.resourceRoot === true);
  const entry = envFor(selfType);
  const errors: FieldError[] = [];
  const compiled: RuleEntry[] = [];
  const at = (i: number, child: string): string => `${schemaPath ? `${schemaPath}.` : ''}x-kubernetes-validations[${i}].${child}`;
  rules.forEach((rule, i) => {
    if (typeof rule.rule !== 'string' || rule.rule.trim() === '') {
      errors.push({ type: 'FieldValueRequired', field: at(i, 'rule'), detail: 'rule is not specified' });
      return;
    }
    const c = compileExpression(entry, rule.rule, rule.optionalOldSelf === true, 'bool');
    if ('error' in c) {
      errors.push(
        c.forbidden
          ? { type: 'FieldValueForbidden', field: at(i, 'rule'), detail: c.error }
          : { type: 'FieldValueInvalid', field: at(i, 'rule'), value: rule.rule, detail: c.error },
      );
      return;
    }
    if (rule.optionalOldSelf && !c.program.transition) {
      errors.push({ type: 'FieldValueInvalid', field: at(i, 'optionalOldSelf'), value: true, detail: 'may not be set if rule does not reference oldSelf' });
    }
    let message: Program | undefined;
    if (rule.messageExpression !== undefined && rule.messageExpression.trim() !== '') {
      const m = compileExpression(entry, rule.messageExpression, rule.optionalOldSelf === true, 'string');
      if ('error' in m) {
        errors.push(
          m.forbidden
            ? { type: 'FieldValueForbidden', field: at(i, 'messageExpression'), detail: m.error.replace('rule cost', 'messageExpression cost') }
            : { type: 'FieldValueInvalid', field: at(i, 'messageExpression'), value: rule.messageExpression, detail: m.error },
        );
        return;
      }
      message = m.program;
    }
    if (rule.reason !== undefined && !REASONS.includes(rule.reason)) {
      errors.push({ type: 'FieldValueNotSupported', field: at(i, 'reason'), value: rule.reason, detail: `supported values: ${REASONS.map((r) => `"${r}"`).join(', ')}` });
    }
    if ((rule.message === undefined || rule.message.trim() === '') && /[\r\n]/.test(rule.rule)) {
      errors.push({ type: 'FieldValueRequired', field: at(i, 'message'), detail: 'message must be specified if rule contains line breaks' });
    }
    if (rule.message !== undefined && /[\r\n]/.test(rule.message)) {
      errors.push({ type: 'FieldValueInvalid', field: at(i, 'message'), value: rule.message, detail: 'message must not contain line breaks' });
    }
    let fieldPath: Segment[] = [];
    if (rule.fieldPath !== undefined) {
      const p = parseFieldPath(node, rule.fieldPath);
      if (typeof p === 'string') {
        errors.push({ type: 'FieldValueInvalid', field: at(i, 'fieldPath'), value: rule.fieldPath, detail: `fieldPath must be a valid path: ${p}` });
        return;
      }
      fieldPath = p;
    }
    compiled.push({ index: i, rule, program: c.program, fieldPath, ...(message ? { message } : {}) });
  });
  if (errors.length > 0) return { errors };
  return { compiled: new Rules(entry, node.type ?? '', compiled), errors };
}

/** Kubernetes' escaping of a property name for CEL (undefined when not accessible). */
export { escapeName };

// ---------------------------------------------------------------------------------------------
// Expressions outside CRDs (admission policies)

export { createVariablesEnv } from './env.js';
export { dynToCel } from './types.js';
export type { AstNode } from './ast.js';
export { allNodes } from './ast.js';

export interface ExpressionProgram {
  readonly run: ParseResult;
  /** The checked result type (`bool`, `string`, `dyn`, `list<...>`, `map<...>`, ...). */
  readonly type: string;
  readonly root: AstNode;
}

/**
 * Compiles one expression in an environment of `createVariablesEnv` with the checks rules get
 * (Kubernetes' method names, regular-expression literals, type checking). Errors read as
 * kube-apiserver's (`compilation failed: ERROR: <input>:1:5: ...`), located in `source` (the
 * text the user wrote) through `positionOf` when `text` was rewritten from it.
 */
export function compileExpressionIn(env: Environment, text: string, source = text, positionOf?: PositionMap): { program: ExpressionProgram } | { error: string } {
  let run: ParseResult;
  try {
    run = env.parse(text);
  } catch (e) {
    return { error: `compilation failed: ${describeError(env, source, e, positionOf)}` };
  }
  const root = run.ast as unknown as AstNode;
  renameMethods(root, REPLACED_METHODS);
  const badRegex = checkRegexLiterals(root, source, positionOf);
  if (badRegex) return { error: `compilation failed: ${badRegex}` };
  const checked = run.check();
  if (!checked.valid) return { error: `compilation failed: ${describeError(env, source, checked.error, positionOf)}` };
  markChargedNodes(root);
  return { program: { run, type: checked.type ?? 'dyn', root } };
}

/** A runtime cost budget shared by the expressions of one evaluation (a policy on one request). */
export interface CelBudget {
  remaining: number;
}

export type CelOutcome = { value: unknown } | { error: string } | { cost: 'rule' | 'object' };

/** Evaluates a compiled expression under the per-expression limit and `budget` (charged what it used). */
export function evaluateExpression(program: ExpressionProgram, vars: Record<string, unknown>, budget: CelBudget): CelOutcome {
  return evaluate(program.run, vars, { remaining: budget.remaining, exhausted: false }, (used) => {
    budget.remaining -= used;
  });
}
