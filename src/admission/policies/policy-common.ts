/**
 * What the validating and mutating policy stages share: a policy's expressions compiled once per
 * distinct spec (shared by every workspace holding the same policy), its bindings for a request,
 * and its params (paramKind + paramRef, read through the registry in the policy's workspace).
 */
import { labelSelectorFromObject, type KubeObject, type LabelSelectorObject } from '../../meta/index.js';
import { SYSTEM_USER, isApiError, type AdmissionRequest, type Registry, type ResourceType } from '../../registry/index.js';
import type { Matcher } from '../matching.js';
import type { AdmissionConfigSource, ConfigResource, ScopedConfig } from '../types.js';
import { compilePolicyExpression, type NamedExpression, type PolicyProgram } from './cel-env.js';
import type { FailurePolicy, MatchCondition } from './match-conditions.js';

/** The API set a logical cluster serves (to find a paramKind's resource). */
export type TypesFor = (cluster: string) => Promise<readonly ResourceType[]>;

export interface PolicyStageOptions {
  configs: AdmissionConfigSource;
  registry: Registry;
  typesFor: TypesFor;
  /** The matcher the stages share (matchConstraints, a binding's matchResources). */
  matcher: Pick<Matcher, 'matchesResources'>;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelectorObject | null;
  parameterNotFoundAction?: string | null;
}

export interface PolicySpecBase {
  paramKind?: { apiVersion?: string; kind?: string } | null;
  matchConstraints?: unknown;
  matchConditions?: MatchCondition[] | null;
  variables?: { name: string; expression: string }[] | null;
  failurePolicy?: FailurePolicy | null;
}

export interface BindingSpec {
  policyName?: string;
  paramRef?: ParamRef | null;
  matchResources?: unknown;
  validationActions?: string[] | null;
}

/** A compiled expression, or the compile error it has (a policy written before a library change). */
export type Compiled = { program: PolicyProgram } | { error: string };

/** The parts of a compiled policy both stages use. */
export interface CompiledBase {
  readonly variables: readonly NamedExpression[];
  /** Whether any expression reads namespaceObject. */
  readonly usesNamespace: boolean;
}

/** Compiles a variable list; a variable that does not compile is left out (reading it is then an error). */
export function compileVariables(vars: PolicySpecBase['variables']): { variables: NamedExpression[]; usesNamespace: boolean } {
  const variables: NamedExpression[] = [];
  let usesNamespace = false;
  for (const v of vars ?? []) {
    const c = compilePolicyExpression(v.expression, 'any');
    if ('program' in c) {
      variables.push({ name: v.name, program: c.program });
      usesNamespace ||= c.program.usesNamespace;
    }
  }
  return { variables, usesNamespace };
}

/**
 * A cache of compiled policies: per configuration object (the index hands out the same object
 * until it changes), and per spec text, so a policy installed in many workspaces compiles once.
 */
export class PolicyCache<T> {
  private readonly byObject = new WeakMap<KubeObject, T>();
  private readonly bySpec = new Map<string, T>();

  constructor(
    private readonly compile: (spec: unknown) => T,
    private readonly max = 4096,
  ) {}

  get(object: KubeObject): T {
    let c = this.byObject.get(object);
    if (c) return c;
    const key = JSON.stringify(object.spec ?? {});
    c = this.bySpec.get(key);
    if (!c) {
      c = this.compile(object.spec ?? {});
      this.bySpec.set(key, c);
      while (this.bySpec.size > this.max) this.bySpec.delete(this.bySpec.keys().next().value as string);
    }
    this.byObject.set(object, c);
    return c;
  }
}

export const nameOf = (c: ScopedConfig): string => c.object.metadata.name ?? '';

export interface PolicyBinding {
  readonly policy: ScopedConfig;
  readonly binding: ScopedConfig;
}

/**
 * The (policy, binding) pairs that may apply to `request`, in policy then binding name order.
 * Undefined when there is nothing: the common case costs two lookups.
 */
export function policyBindings(configs: AdmissionConfigSource, request: AdmissionRequest, kinds: [ConfigResource, ConfigResource]): PolicyBinding[] | undefined {
  const { cluster } = request.context;
  const policies = configs.configs(kinds[0], cluster, request.type);
  if (policies.length === 0) return undefined;
  const bindings = configs.configs(kinds[1], cluster, request.type);
  if (bindings.length === 0) return undefined;
  const byPolicy = new Map<string, ScopedConfig[]>();
  for (const b of bindings) {
    const name = (b.object.spec as BindingSpec | undefined)?.policyName;
    if (!name) continue;
    const key = `${b.cluster}\u0000${name}`;
    const list = byPolicy.get(key);
    if (list) list.push(b);
    else byPolicy.set(key, [b]);
  }
  const out: PolicyBinding[] = [];
  const byName = (a: ScopedConfig, b: ScopedConfig): number => nameOf(a).localeCompare(nameOf(b));
  for (const policy of [...policies].sort(byName)) {
    const list = byPolicy.get(`${policy.cluster}\u0000${nameOf(policy)}`);
    if (list) for (const binding of [...list].sort(byName)) out.push({ policy, binding });
  }
  return out.length === 0 ? undefined : out;
}

export type ParamsResult = { params: unknown[] } | { error: string } | { skip: true };

const groupVersion = (t: ResourceType): string => (t.group ? `${t.group}/${t.version}` : t.version);

/**
 * The params a binding evaluates its policy with (one evaluation per param object; `[undefined]`
 * without paramKind). Read with the server's identity in the policy's workspace: a provider's
 * policy reads its own params, never the consumer's objects.
 */
export async function paramsFor(options: PolicyStageOptions, policy: ScopedConfig, spec: PolicySpecBase, binding: BindingSpec, request: AdmissionRequest): Promise<ParamsResult> {
  const kind = spec.paramKind;
  if (!kind?.kind || !kind.apiVersion) return { params: [undefined] };
  const ref = binding.paramRef;
  if (!ref) return { error: `policy ${nameOf(policy)} has paramKind but binding has no paramRef` };
  const types = await options.typesFor(policy.cluster);
  const t = types.find((x) => groupVersion(x) === kind.apiVersion && x.kind === kind.kind);
  if (!t) return { error: `failed to find resource referenced by paramKind: '${kind.apiVersion}, Kind=${kind.kind}'` };
  let namespace: string | undefined;
  if (t.namespaced) {
    namespace = ref.namespace || (request.type.namespaced ? (request.object ?? request.oldObject)?.metadata.namespace : undefined);
    if (!namespace) return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
  }
  const ctx = { cluster: policy.cluster, user: SYSTEM_USER };
  let found: KubeObject[] = [];
  if (ref.name) {
    try {
      found = [await options.registry.get(ctx, t, namespace, ref.name)];
    } catch (err) {
      if (!(isApiError(err) && err.reason === 'NotFound')) throw err;
    }
  } else if (ref.selector) {
    const selector = labelSelectorFromObject(ref.selector).toString();
    found = (await options.registry.list(ctx, t, { ...(namespace ? { namespace } : {}), ...(selector ? { labelSelector: selector } : {}) })).items;
  }
  if (found.length > 0) return { params: found };
  if (ref.parameterNotFoundAction === 'Allow') return { skip: true };
  return { error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
}
