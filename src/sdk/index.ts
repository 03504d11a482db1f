/**
 * Atoll's controller SDK (docs/sdk.md): controllers in TypeScript over every consumer of an
 * APIExport, through the export's provider view.
 */
export { ResourceClient, type Mutation, type MutateOptions } from './client.js';
export { Controller, type ControllerOptions, type ReconcileContext, type ReconcileResult, type Reconciler } from './controller.js';
export { ApiStatusError, isConflict, isGone, isNotFound } from './errors.js';
export { addFinalizer, hasFinalizer, isDeleting, removeFinalizer } from './finalizers.js';
export { GraphQLTransport, type GraphQLTransportOptions } from './graphql-transport.js';
export { agentFor, HttpClient } from './http.js';
export { ObjectCache } from './cache.js';
export { Informer, type InformerHandlers, type InformerOptions } from './informer.js';
export { connectionFromKubeconfig, defaultKubeconfigPath, loadKubeconfig, type Connection } from './kubeconfig.js';
export { LeaderElector, type LeaderElectionOptions } from './leader.js';
export { TokenBucket, type RateLimit } from './rate-limit.js';
export { RestTransport, type RestTransportOptions } from './rest-transport.js';
export type { ListResult, Transport } from './transport.js';
export { CLUSTER_ANNOTATION, keyOf, resourcePath, viewPath, workspaceOf, type KubeObject, type ObjectKey, type ObjectMeta, type ResourceRef, type ViewRef, type WatchEvent, type WatchEventType } from './types.js';
