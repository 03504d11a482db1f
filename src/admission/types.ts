/**
 * The contract between the admission chain and its stages (docs/admission.md). The chain runs the
 * stages in Kubernetes order: mutating policies, then mutating webhooks (with reinvocation),
 * the registry's own validation, then validating policies, validating webhooks and quota.
 * Every stage finds what applies to a request through one `AdmissionConfigSource`, an in-memory
 * index per logical cluster: a workspace without configurations costs a map lookup, nothing more.
 */
import type { KubeObject } from '../meta/index.js';
import type { AdmissionRequest, ResourceType } from '../registry/index.js';

/** The six configuration kinds of admissionregistration.k8s.io, by storage resource. */
export type ConfigResource =
  | 'validatingadmissionpolicies'
  | 'validatingadmissionpolicybindings'
  | 'mutatingadmissionpolicies'
  | 'mutatingadmissionpolicybindings'
  | 'validatingwebhookconfigurations'
  | 'mutatingwebhookconfigurations';

/** A configuration object and the logical cluster it lives in. */
export interface ScopedConfig {
  /** The workspace the configuration lives in: the request's, or the APIExport's for a bound resource. */
  cluster: string;
  object: KubeObject;
}

export interface AdmissionConfigSource {
  /**
   * The configurations of one kind that may apply to a request on type `t` in `cluster`: the
   * cluster's own, plus, when `t` is a resource bound from an APIExport, those of the export's
   * workspace (kcp applies a provider's policies and webhooks to its resources in every consumer).
   * Returns a shared, frozen array (often the same empty one): callers must not change it.
   */
  configs(resource: ConfigResource, cluster: string, t: ResourceType): readonly ScopedConfig[];
}

/**
 * A mutating stage (mutating policies, mutating webhooks). It may change `request.object` in place
 * and returns whether it did, so the chain can reinvoke earlier stages that asked for it.
 */
export interface MutatingStage {
  readonly name: string;
  admit(request: AdmissionRequest, reinvocation: boolean): Promise<boolean>;
}

/**
 * A validating stage (validating policies, validating webhooks, quota). It throws the registry's
 * ApiError to refuse (Forbidden or Invalid with the policy's message) and pushes warnings to
 * `request.context.warnings`.
 */
export interface ValidatingStage {
  readonly name: string;
  admit(request: AdmissionRequest): Promise<void>;
}
