/**
 * APIs for providers (kcp's apis.kcp.io): APIResourceSchemas and APIExports published in a
 * provider's workspace, APIBindings that serve them in consumers, permission claims, endpoint
 * slices, and the catalog source that makes bound resources part of a consumer's API set.
 */
import type { ApiSet } from '../apis/index.js';
import type { ControllerLog, RunningControllers } from '../controllers/index.js';
import type { Registry } from '../registry/index.js';
import { withOtherShards, type ClusterResolver, type OtherShards, type WorkspaceTypeRules } from '../tenancy/index.js';
import { ApiBinderInitializer } from './apibinder-initializer.js';
import { BindingCatalog } from './binding-catalog.js';
import { BindingController } from './binding-controller.js';
import { EndpointSliceController } from './endpoint-slice-controller.js';
import { ExportController } from './export-controller.js';

export { BindingCatalog, type BindingRecord } from './binding-catalog.js';
export { ApiBinderInitializer, BINDINGS_INITIALIZED, defaultBindingName, MISSING_EXPORT, type ApiBinderInitializerOptions } from './apibinder-initializer.js';
export { base62Sha224 } from './hash.js';
export { bindPermissionGuard, crdOverlapGuard } from './admission.js';
export { boundStorageResource, boundTypes } from './bound-types.js';
export { claimKey, effectiveVerbs, selects, type AppliedClaim } from './claims.js';
export { parseViewPath, ProviderView, ProviderViews, ViewEntry, VIEW_PATH_PREFIX, viewBase, type ProviderViewsOptions, type ViewShards, type ViewAddress, type ViewPath } from './provider-view.js';
export { identityHashOf, IDENTITY_NAMESPACE, SKIP_ENDPOINT_SLICE } from './export-controller.js';
export { ensureSystemExports, isSystemExport, servedByBuiltin } from './system-exports.js';
export * from './types.js';
export * from './kinds/index.js';

export interface ApiControllersOptions {
  registry: Registry;
  resolver: ClusterResolver;
  /** Workspace types, for the default APIBindings a new workspace's type chain names. */
  rules: WorkspaceTypeRules;
  bindings: BindingCatalog;
  apiSet(cluster: string): Promise<ApiSet>;
  /** The provider view's URL of an export (endpoint slices list it). */
  viewUrl(exportCluster: string, exportName: string): string;
  /** The installation's other shards, whose exports workspaces here may bind (docs/shards.md). */
  others?: OtherShards;
  log?: ControllerLog;
}

/** The export, binding and endpoint-slice controllers and the default-bindings initializer, on wildcard watches. */
export function startApiControllers(options: ApiControllersOptions): RunningControllers {
  const { registry, bindings, log, others } = options;
  // Exports are found here first, then on the other shards (their replicas).
  const resolver = withOtherShards(options.resolver, others);
  const common = { registry, ...(log ? { log } : {}) };
  const exports = new ExportController(common);
  const slices = new EndpointSliceController({
    ...common,
    resolver,
    viewUrl: options.viewUrl,
    hasConsumers: (cluster, name) => bindings.hasConsumers(cluster, name),
  });
  const binder = new BindingController({
    ...common,
    resolver,
    bindings,
    ...(others ? { others } : {}),
    apiSet: options.apiSet,
    onConsumersChanged: (_cluster, name) => slices.exportChanged(name),
  });
  const initializer = new ApiBinderInitializer({ ...common, resolver, rules: options.rules, ...(others ? { others } : {}) });
  const all = [exports, slices, binder, initializer];
  return {
    synced: Promise.all(all.map((c) => c.synced)).then(() => undefined),
    stop: async () => {
      await Promise.all(all.map((c) => c.stop()));
    },
  };
}
export { maximalPermissionPolicy, prefixedUser, BINDING_SUBJECT_PREFIX } from './maximal-permission-policy.js';
export { CONTENT_VERBS, DELEGATION_HEADER, delegationHeader, delegationOf, type Delegation, type ShardForwarder } from './view-delegation.js';
