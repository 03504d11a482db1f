/**
 * The admission chain, as two registry hooks: one mutating hook (the registry runs it before its
 * own validation) that runs the mutating stages in order — mutating policies, then mutating
 * webhooks — with Kubernetes' reinvocation, and one validating hook (after the registry's
 * validation) that runs the validating stages in order — validating policies, validating
 * webhooks, quota. Stages register with `addMutating`/`addValidating`, and run in that order
 * (STAGE_ORDER) whichever registers first.
 *
 * A request in a workspace without configurations passes through for the cost of the stages'
 * empty lookups. Before anything, the chain lets the configuration index catch up with
 * configuration writes it has not seen yet (config-index.ts), so a policy applies to the very
 * next request after its creation.
 */
import type { AdmissionHook, AdmissionRequest, Registry } from '../registry/index.js';
import { ADMISSION_GROUP } from './kinds/index.js';
import type { MutatingStage, ValidatingStage } from './types.js';

/** What the chain needs of the configuration index: to note configuration writes and catch up with them. */
export interface ConfigFreshness {
  unsettled(request: AdmissionRequest): boolean;
  settle(request: AdmissionRequest): Promise<void>;
  noteWrite(request: AdmissionRequest): void;
}

/**
 * The kube-apiserver's order of its admission plugins of these names: stages named so run in this
 * order; stages of other names run after them, in the order they were added.
 */
export const STAGE_ORDER: readonly string[] = [
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
];

/**
 * The stages that never see writes of the admission configurations themselves, as the apiserver
 * exempts them (IsExemptAdmissionConfigurationResource): no policy or webhook can lock the
 * workspace's admins out of fixing a broken one. Quota still counts them.
 */
const EXEMPTING = new Set(['MutatingAdmissionPolicy', 'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook']);

const isConfiguration = (request: AdmissionRequest): boolean => request.type.group === ADMISSION_GROUP;

const rank = (name: string): number => {
  const i = STAGE_ORDER.indexOf(name);
  return i < 0 ? STAGE_ORDER.length : i;
};

function inOrder<T extends { readonly name: string }>(stages: T[], stage: T): void {
  const at = stages.findIndex((s) => rank(s.name) > rank(stage.name));
  if (at < 0) stages.push(stage);
  else stages.splice(at, 0, stage);
}

export class AdmissionChain {
  private readonly mutating: MutatingStage[] = [];
  private readonly validating: ValidatingStage[] = [];

  constructor(private readonly freshness?: ConfigFreshness) {}

  /** Adds a mutating stage, in Kubernetes' plugin order whatever the order of the calls. */
  addMutating(stage: MutatingStage): void {
    inOrder(this.mutating, stage);
  }

  /** Adds a validating stage, in Kubernetes' plugin order whatever the order of the calls. */
  addValidating(stage: ValidatingStage): void {
    inOrder(this.validating, stage);
  }

  /** The stages' names in the order they run, for logs and tests. */
  get stages(): { mutating: string[]; validating: string[] } {
    return { mutating: this.mutating.map((s) => s.name), validating: this.validating.map((s) => s.name) };
  }

  /**
   * Runs every mutating stage once; then, if one changed the object, once more each stage that ran
   * before the last change, with `reinvocation` true: a stage then reruns only the policies and
   * webhooks that asked for it (reinvocationPolicy IfNeeded), as the apiserver does.
   */
  readonly mutate: AdmissionHook = async (request) => {
    if (this.mutating.length === 0) return;
    if (this.freshness?.unsettled(request)) await this.freshness.settle(request);
    const exempt = isConfiguration(request);
    let lastChanged = -1;
    for (let i = 0; i < this.mutating.length; i++) {
      const stage = this.mutating[i] as MutatingStage;
      if (exempt && EXEMPTING.has(stage.name)) continue;
      if (await stage.admit(request, false)) lastChanged = i;
    }
    for (let i = 0; i <= lastChanged; i++) {
      const stage = this.mutating[i] as MutatingStage;
      if (!(exempt && EXEMPTING.has(stage.name))) await stage.admit(request, true);
    }
  };

  /** Runs every validating stage in order; the first to refuse ends the request. */
  readonly validate: AdmissionHook = async (request) => {
    if (this.freshness?.unsettled(request)) await this.freshness.settle(request);
    const exempt = isConfiguration(request);
    for (const stage of this.validating) if (!(exempt && EXEMPTING.has(stage.name))) await stage.admit(request);
    // Everything admitted the write: if it is a configuration, the next requests must see it.
    this.freshness?.noteWrite(request);
  };

  /**
   * Plugs the chain into the registry: the mutating hook after those already there, the validating
   * hook likewise (so it runs after the registry's own guards registered before it).
   */
  install(registry: Registry): void {
    registry.useMutating(this.mutate);
    registry.use(this.validate);
  }
}
