/**
 * Lets a compiled schema go without its build. Pothos leaves its build state in what it hands
 * graphql-js: every type, field, argument and enum value carries `pothosConfig`/`pothosOptions`
 * in its `extensions` (configs that hold the type refs, and those the SchemaBuilder), and a union's
 * `resolveType` is a wrapper closing over Pothos's BuildCache. Nothing reads them once the schema
 * exists, yet through them one schema kept the whole build alive — SchemaBuilder, ConfigStore,
 * BuildCache, the field thunks with OpenApiTypes and NameTable: ~10 MiB for 50 kinds, ~4× the
 * schema itself (docs/benchmarks.md, issue 19). The types are this compile's own, so they are
 * cleaned in place; Atoll's own extensions (jsonKey, atollGuard) stay.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';

/** Pothos's keys in `extensions`: `pothosConfig`, `pothosOptions`, `pothosArgMappers`, …. */
const isPothosKey = (key: string): boolean => key.startsWith('pothos');

type Extensions = Readonly<Record<string, unknown>>;

function own<T extends Extensions>(extensions: T): T {
  const kept = Object.entries(extensions).filter(([key]) => !isPothosKey(key));
  return Object.fromEntries(kept) as T;
}

/**
 * The type resolver given to Pothos, without Pothos's wrapper. The wrapper only adds type brands
 * (unused here) and turns a returned ref into its name through the BuildCache, so Atoll's type
 * resolvers return names.
 */
function unwrappedResolveType(extensions: Extensions, name: string): GraphQLTypeResolver<unknown, unknown> {
  const config = extensions.pothosConfig as { resolveType?: GraphQLTypeResolver<unknown, unknown> } | undefined;
  if (typeof config?.resolveType !== 'function') throw new Error(`abstract type ${name} has no type resolver of its own`);
  return config.resolveType;
}

/** Drops Pothos's build state from every type of `schema` (compiled by this process's builder). */
export function releaseBuildState(schema: GraphQLSchema): GraphQLSchema {
  schema.extensions = own(schema.extensions);
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (isUnionType(type) || isInterfaceType(type)) type.resolveType = unwrappedResolveType(type.extensions, type.name);
    type.extensions = own(type.extensions);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        field.extensions = own(field.extensions);
        for (const arg of field.args) arg.extensions = own(arg.extensions);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) field.extensions = own(field.extensions);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) value.extensions = own(value.extensions);
    }
  }
  return schema;
}
