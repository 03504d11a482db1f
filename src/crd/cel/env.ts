/**
 * CEL environments: one base environment with the Kubernetes libraries, and per schema type
 * (signature) a child with the object types `self` needs and `self` / `oldSelf` declared.
 *
 * Metering: the library evaluates every sub-expression through its evaluator's `run(ast, ctx)`.
 * Each environment's evaluator instance is captured once (a registered function sees it as `this`)
 * and its `run` is wrapped to charge the active meter (see cost.ts). Only instances created here
 * are touched; the library's classes are not modified.
 */
import { Environment } from '@marcbachmann/cel-js';
import { COST_EXCEEDED, activeMeter, deepSize, isCharged } from './cost.js';
import { registerExtLibrary, celEqual } from './lib-ext.js';
import { registerNetworkLibrary } from './lib-net.js';
import { registerQuantityLibrary } from './lib-quantity.js';
import type { CelType, ObjectCtor, ObjectType } from './types.js';

interface Runner {
  run(ast: object, ctx: unknown): unknown;
}

let captured: Runner | undefined;

function capture(r: Runner): void {
  captured = r;
}

function createBase(): Environment {
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
  env.registerFunction('atollEvaluatorProbe(): bool', function (this: Runner) {
    capture(this);
    return true;
  });
  registerExtLibrary(env);
  registerNetworkLibrary(env);
  registerQuantityLibrary(env);
  return env;
}

let base: Environment | undefined;

/** Wraps the evaluator of `env` so that evaluations under a meter are charged. */
function instrument(env: Environment): void {
  captured = undefined;
  env.evaluate('atollEvaluatorProbe()');
  const ev = captured as Runner | undefined;
  if (!ev) throw new Error('cel: could not reach the evaluator to meter it');
  const run = ev.run.bind(ev);
  ev.run = (ast: object, ctx: unknown): unknown => {
    const m = activeMeter();
    if (m === undefined) return run(ast, ctx);
    if (m.exceeded || ++m.used > m.limit) {
      m.exceeded = true;
      throw COST_EXCEEDED;
    }
    const v = run(ast, ctx);
    if (isCharged(ast) && v !== null && (typeof v === 'object' || typeof v === 'string')) {
      m.used += deepSize(v);
      if (m.used > m.limit) {
        m.exceeded = true;
        throw COST_EXCEEDED;
      }
    }
    return v;
  };
}

/** A typed environment: `self: T`, and either `oldSelf: T` or `oldSelf: optional<T>`. */
export interface TypedEnv {
  readonly plain: Environment;
  optional(): Environment;
  readonly ctorOf: (t: ObjectType) => ObjectCtor;
  /** The field names of an object type, by its CEL type name. */
  readonly fieldsOf: (celTypeName: string) => ReadonlySet<string> | undefined;
}

/** The CEL type name used for `t` in an environment whose object types have been named. */
function celTypeName(t: CelType, names: Map<ObjectType, string>): string {
  switch (t.kind) {
    case 'int':
    case 'double':
    case 'bool':
    case 'string':
    case 'bytes':
    case 'dyn':
      return t.kind;
    case 'timestamp':
      return 'google.protobuf.Timestamp';
    case 'duration':
      return 'google.protobuf.Duration';
    case 'list':
      return `list<${celTypeName(t.elem, names)}>`;
    case 'map':
      return `map<string, ${celTypeName(t.value, names)}>`;
    case 'object':
      return names.get(t) as string;
  }
}

function collectObjects(t: CelType, out: ObjectType[]): void {
  switch (t.kind) {
    case 'list':
      collectObjects(t.elem, out);
      break;
    case 'map':
      collectObjects(t.value, out);
      break;
    case 'object':
      // Children first, so that field types are registered before the types that use them.
      for (const f of t.fields.values()) collectObjects(f.type, out);
      out.push(t);
      break;
    default:
  }
}

export function createTypedEnv(selfType: CelType): TypedEnv {
  base ??= createBase();
  const env = base.clone();
  const objects: ObjectType[] = [];
  collectObjects(selfType, objects);
  const names = new Map<ObjectType, string>();
  const ctors = new Map<ObjectType, ObjectCtor>();
  const fieldSets = new Map<string, ReadonlySet<string>>();
  objects.forEach((t, i) => {
    // Kubernetes names these after their path; only type() shows the name.
    const name = `Object${i}`;
    names.set(t, name);
    const Ctor = { [name]: class extends Map<string, unknown> {} }[name] as ObjectCtor;
    ctors.set(t, Ctor);
    const fields: Record<string, string> = {};
    for (const [celName, f] of t.fields) fields[celName] = celTypeName(f.type, names);
    env.registerType(name, { ctor: Ctor, fields });
    fieldSets.set(name, new Set(t.fields.keys()));
    env.registerOperator(`${name} == ${name}`, (a: unknown, b: unknown) => celEqual(a, b));
  });
  const selfName = celTypeName(selfType, names);
  env.registerVariable('self', selfName);
  const plain = env.clone();
  plain.registerVariable('oldSelf', selfName);
  instrument(plain);
  let optional: Environment | undefined;
  return {
    plain,
    optional: () => {
      if (!optional) {
        optional = env.clone();
        optional.registerVariable('oldSelf', `optional<${selfName}>`);
        instrument(optional);
      }
      return optional;
    },
    fieldsOf: (celTypeName) => fieldSets.get(celTypeName),
    ctorOf: (t) => {
      const c = ctors.get(t);
      if (!c) throw new Error('cel: object type of another environment');
      return c;
    },
  };
}

/**
 * An environment with the Kubernetes libraries and the given variables (name → CEL type name),
 * metered as the typed ones are: the environment of admission policies, whose `object`, `params`
 * and the like are dyn as in Kubernetes' policy compiler.
 */
export function createVariablesEnv(variables: Readonly<Record<string, string>>): Environment {
  base ??= createBase();
  const env = base.clone();
  for (const [name, type] of Object.entries(variables)) env.registerVariable(name, type);
  instrument(env);
  return env;
}
