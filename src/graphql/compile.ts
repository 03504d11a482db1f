/**
 * API set → GraphQL schema. The API set is the unit of compilation (DESIGN decision 1): one
 * Pothos builder per distinct set, and `schemaFor` caches the result by the set's fingerprint, so
 * ten thousand workspaces with the same APIs share one GraphQLSchema object and creating a
 * workspace compiles nothing. Resolvers take the registry and the logical cluster from the
 * context, never from the schema, which is what makes the sharing safe.
 */
import type { GraphQLSchema } from 'graphql';
import { DerivedCache, type ApiSet } from '../apis/index.js';
import { newBuilder } from './builder.js';
import { layoutOf } from './layout.js';
import { NameTable } from './name-table.js';
import { OpenApiTypes } from './openapi-types.js';
import { addMutationFields } from './mutation-fields.js';
import { addCategoryField } from './category-fields.js';
import { addQueryFields } from './query-fields.js';
import { addReferenceFields } from './reference-fields.js';
import { addSubscriptionFields } from './subscription-fields.js';
import { addYamlFields } from './yaml-field.js';
import { inReadingOrder } from './reading-order.js';
import { releaseBuildState } from './build-state.js';
import { CUSTOM_SCALARS } from './scalars.js';
import { estimatedSchemaBytes } from './schema-size.js';

export type { GraphQLContext } from './context.js';

export interface CompileOptions {
  /** Told about every name collision the naming rules had to settle (see name-table.ts). */
  onNameCollision?: (message: string) => void;
}

/** Names no generated type may take: the root types and every scalar. */
const RESERVED = ['Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID', ...CUSTOM_SCALARS.map((s) => s.name)];

export function compileSchema(set: ApiSet, options: CompileOptions = {}): GraphQLSchema {
  const builder = newBuilder();
  const names = new NameTable(RESERVED, options.onNameCollision);
  const layout = layoutOf(set, names);
  const types = new OpenApiTypes(builder, names);
  addQueryFields(builder, layout, types, names);
  addCategoryField(builder, layout, names);
  // Input types exist ahead of the mutations that will take them, so their names are settled
  // (and printed in schema/) together with the object types they mirror.
  for (const t of layout.types) types.kindInput(t);
  // Mutations (create/update/patch/delete/apply per kind, applyYaml) and subscriptions (one
  // root field per resource and per list) are added here by the endpoint work (issue 5).
  addMutationFields(builder, layout, types, names);
  addSubscriptionFields(builder, layout, types, names);
  addReferenceFields(builder, layout, types, names);
  addYamlFields(builder, layout, types, names);
  return releaseBuildState(inReadingOrder(builder.toSchema({ sortSchema: false })));
}

/** The schema cache's default bound: ~120 schemas of 50 kinds, ~500 of the set every workspace serves. */
export const DEFAULT_SCHEMA_CACHE_BYTES = 256 * 2 ** 20;

/**
 * Compiled schemas by API-set fingerprint, bounded by their estimated heap (schema-size.ts), least
 * recently used out first; an evicted set recompiles on next use (~20 ms for the set every
 * workspace serves, ~100 ms with 50 kinds). Workspaces with the same set share one entry, so the
 * bound counts distinct API sets, never workspaces.
 */
const schemas = new DerivedCache<GraphQLSchema>((set) => compileSchema(set), DEFAULT_SCHEMA_CACHE_BYTES, 'graphql_schema', estimatedSchemaBytes);

/** Sets the schema cache's bound in estimated bytes (`--graphql-schema-cache-bytes`); the cache is process-wide. */
export function setSchemaCacheBytes(bytes: number): void {
  schemas.setLimit(bytes);
}

/** The schema of an API set, compiled on first use and shared by every set with its fingerprint. */
export function schemaFor(set: ApiSet): GraphQLSchema {
  return schemas.get(set);
}

/** How many distinct schemas are cached (for tests and metrics). */
export const cachedSchemaCount = (): number => schemas.size;

/** The estimated bytes of the cached schemas (for tests). */
export const cachedSchemaBytes = (): number => schemas.weight;
