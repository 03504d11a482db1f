/**
 * The MutatingAdmissionPolicy stage: for each policy and binding that select a create or update
 * (same matching, params and matchConditions as validating policies), each mutation in order
 * changes `request.object`, and the next one sees the result:
 * - `ApplyConfiguration`: the expression builds an `Object{...}` (a map here, see
 *   message-literals.ts), merged into the object with server-side apply's structured-merge
 *   semantics from the kind's schema (granular maps merge, list-type map/set lists merge by key or
 *   value, atomic ones are replaced);
 * - `JSONPatch`: the expression returns a list of `JSONPatch{op, path, value, from}` applied as an
 *   RFC 6902 patch.
 * An evaluation or patch error fails the request under failurePolicy Fail and skips the mutation
 * under Ignore. On reinvocation only policies with `reinvocationPolicy: IfNeeded` run again.
 * Schema validation of the result is the registry's, after the mutating stages.
 */
import { deepEqual, type KubeObject } from '../../meta/index.js';
import { ApiError, applyPatch, type AdmissionRequest } from '../../registry/index.js';
import { kindShape } from '../../registry/apply/kind-shape.js';
import { mergeConfig } from '../../registry/apply/merge.js';
import { namespaceReader } from '../matching.js';
import type { MutatingStage } from '../types.js';
import { buildActivation, celToJson, compilePolicyExpression, requestValues, run, type NamedExpression, type RequestValues } from './cel-env.js';
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

interface MutationSpec {
  patchType: 'ApplyConfiguration' | 'JSONPatch';
  applyConfiguration?: { expression?: string } | null;
  jsonPatch?: { expression?: string } | null;
}

interface MutatingSpec extends PolicySpecBase {
  mutations?: MutationSpec[] | null;
  reinvocationPolicy?: 'Never' | 'IfNeeded' | null;
}

interface CompiledPolicy extends CompiledBase {
  readonly spec: MutatingSpec;
  readonly matchConditions: readonly MatchCondition[];
  readonly mutations: readonly { patchType: MutationSpec['patchType']; compiled: Compiled }[];
  readonly failurePolicy: FailurePolicy;
  readonly reinvoke: boolean;
}

function compilePolicy(raw: unknown): CompiledPolicy {
  const spec = raw as MutatingSpec;
  const { variables, usesNamespace: varsUseNamespace } = compileVariables(spec.variables);
  let usesNamespace = varsUseNamespace;
  const mutations = (spec.mutations ?? []).map((m) => {
    const apply = m.patchType !== 'JSONPatch';
    const text = (apply ? m.applyConfiguration?.expression : m.jsonPatch?.expression) ?? '';
    const compiled = compilePolicyExpression(text, apply ? 'apply' : 'jsonpatch');
    if ('program' in compiled) usesNamespace ||= compiled.program.usesNamespace;
    return { patchType: m.patchType, compiled };
  });
  return {
    spec,
    variables,
    usesNamespace,
    matchConditions: spec.matchConditions ?? [],
    mutations,
    failurePolicy: spec.failurePolicy ?? 'Fail',
    reinvoke: spec.reinvocationPolicy === 'IfNeeded',
  };
}

/** Replaces the content of `target` by `source` (the chain holds `request.object` by reference). */
function replaceContent(target: KubeObject, source: KubeObject): void {
  for (const k of Object.keys(target)) if (!(k in source)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, source);
}

function mutated(request: AdmissionRequest, object: KubeObject, patchType: MutationSpec['patchType'], value: unknown): KubeObject {
  const json = celToJson(value);
  if (patchType === 'JSONPatch') return applyPatch('json', object, json);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('ApplyConfiguration expression must evaluate to an Object');
  return mergeConfig(object, json, kindShape(request.type.schema)) as KubeObject;
}

export class MutatingPolicyStage implements MutatingStage {
  readonly name = 'MutatingAdmissionPolicy';
  private readonly cache = new PolicyCache(compilePolicy);

  constructor(private readonly options: PolicyStageOptions) {}

  async admit(request: AdmissionRequest, reinvocation: boolean): Promise<boolean> {
    const object = request.object;
    if (!object || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) return false;
    const pairs = policyBindings(this.options.configs, request, ['mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);
    if (!pairs) return false;
    const namespace = namespaceReader(this.options.registry)(request);
    let changed = false;
    // The CEL view of the request, shared by the policies until a mutation changes the object.
    let values: RequestValues | undefined;
    for (const { policy, binding } of pairs) {
      const compiled = this.cache.get(policy.object);
      if (reinvocation && !compiled.reinvoke) continue;
      if (!(await this.options.matcher.matchesResources(compiled.spec.matchConstraints, request, namespace))) continue;
      const bspec = (binding.object.spec ?? {}) as BindingSpec;
      if (bspec.matchResources && !(await this.options.matcher.matchesResources(bspec.matchResources, request, namespace))) continue;
      const fail = (message: string): ApiError =>
        new ApiError('Invalid', `MutatingAdmissionPolicy '${nameOf(policy)}' with binding '${nameOf(binding)}' denied request: ${message}`);
      const params = await paramsFor(this.options, policy, compiled.spec, bspec, request);
      if ('skip' in params) continue;
      if ('error' in params) {
        if (compiled.failurePolicy === 'Fail') throw fail(params.error);
        continue;
      }
      const namespaceObject = compiled.usesNamespace ? await namespace() : undefined;
      for (const param of params.params) {
        values ??= requestValues(request);
        const first = buildActivation({ request, values, params: param, namespaceObject, variables: compiled.variables as NamedExpression[] });
        const match = evaluateMatchConditions(compiled.matchConditions, first, compiled.failurePolicy);
        if ('error' in match) throw fail(match.error);
        if (!match.matches) continue;
        for (const m of compiled.mutations) {
          // Each mutation sees the object as the previous ones left it.
          values ??= requestValues(request);
          const activation = buildActivation({ request, values, params: param, namespaceObject, variables: compiled.variables as NamedExpression[] });
          const r = 'error' in m.compiled ? m.compiled : run(m.compiled.program, activation);
          let next: KubeObject;
          try {
            if ('error' in r) throw new Error(r.error);
            next = mutated(request, object, m.patchType, r.value);
          } catch (err) {
            if (compiled.failurePolicy === 'Fail') throw fail(err instanceof Error ? err.message : String(err));
            continue;
          }
          if (deepEqual(next, object)) continue;
          replaceContent(object, next);
          values = undefined;
          changed = true;
        }
      }
    }
    return changed;
  }
}
