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
import { inReadingOrder } from './reading-order.js';
import { releaseBuildState } from './build-state.js';
import { CUSTOM_SCALARS } from './scalars.js';

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
  return releaseBuildState(inReadingOrder(builder.toSchema({ sortSchema: false })));
}

/**
 * Compiled schemas by API-set fingerprint. A compiled schema keeps its builder's data alive (about
 * 10 KiB per GraphQL type: 2.5 MiB for the built-in set, 12.6 MiB with 50 kinds), so fewer are
 * kept than other derived values; an evicted set recompiles in tens of milliseconds on next use.
 */
const MAX_SCHEMAS = 200;
const schemas = new DerivedCache<GraphQLSchema>((set) => compileSchema(set), MAX_SCHEMAS, 'graphql_schema');

/** The schema of an API set, compiled on first use and shared by every set with its fingerprint. */
export function schemaFor(set: ApiSet): GraphQLSchema {
  return schemas.get(set);
}

/** How many distinct schemas are cached (for tests and metrics). */
export const cachedSchemaCount = (): number => schemas.size;
