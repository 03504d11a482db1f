/**
 * What a compiled schema is estimated to hold in the heap, for the schema cache's byte bound
 * (compile.ts). Counted at compile time from the schema's elements — named types, fields, input
 * fields, arguments, enum values and union members — at 256 bytes each: measured with full GCs
 * (--expose-gc, docs/benchmarks.md issue 19), a schema holds 345 B per element for the set every
 * workspace serves (2,096 elements, 0.69 MiB), 232 B with 50 kinds (8,575, 1.9 MiB) and 169 B with
 * 100 (19,025, 3.1 MiB), so the estimate is within about a third of the heap and errs high for
 * large sets. Counting is a walk over the schema; printing the SDL to weigh it would cost more.
 */
import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isUnionType, type GraphQLSchema } from 'graphql';

export const BYTES_PER_ELEMENT = 256;

/** Named types, fields (with their arguments), input fields, enum values and union members. */
export function schemaElements(schema: GraphQLSchema): number {
  let n = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    n++;
    if (isObjectType(type) || isInterfaceType(type)) for (const field of Object.values(type.getFields())) n += 1 + field.args.length;
    else if (isInputObjectType(type)) n += Object.keys(type.getFields()).length;
    else if (isEnumType(type)) n += type.getValues().length;
    else if (isUnionType(type)) n += type.getTypes().length;
  }
  return n;
}

export const estimatedSchemaBytes = (schema: GraphQLSchema): number => schemaElements(schema) * BYTES_PER_ELEMENT;
