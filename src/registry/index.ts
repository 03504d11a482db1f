/**
 * The registry: resource semantics shared by every surface. Surfaces call Registry methods with a
 * ResourceType; errors come out as ApiError (Kubernetes Status).
 */
export * from './errors.js';
export * from './resource-type.js';
export * from './registry.js';
export * from './query.js';
export { readBody, checkNesting, parseYamlDocuments } from './input.js';
export { compositeVersion, eventStream, ownVersion, parseCompositeVersion, type EventStream, type ShardList, type ShardReads } from './shard-reads.js';
export { annotated, CLUSTER_ANNOTATION, RegistryWatch, withCluster, type RegistryWatchEvent } from './watch.js';
export { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
export { checkSchema, formatPath, type SchemaCheck } from './schema-check.js';
export * from './builtins/index.js';
export { applyPatch, patchTypeOf, acceptedPatchMediaTypes, unsupportedPatchMediaType, type PatchType } from './patch/index.js';
export { builtin, immutable, kindSchema, stringMap } from './builtins/common.js';
export * as schemaBuilders from './builtins/openapi/schema-builders.js';
export { builtinComponents, builtinSchemaName } from './builtins/openapi/index.js';
