/**
 * Pothos hands graphql-js its types grouped by kind (scalars, inputs, objects, roots), so the
 * printed SDL would open with a wall of input types and end with Query. Reordered as a reader
 * explores the schema — Query, then each type where it is first used, depth first, then the input
 * types, then the scalars — the SDL in schema/ reads top-down and a renamed type shows up next
 * to the field that uses it.
 */
import {
  GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql';

export function inReadingOrder(schema: GraphQLSchema): GraphQLSchema {
  const seen = new Set<GraphQLNamedType>();
  const ordered: GraphQLNamedType[] = [];
  const visit = (type: GraphQLNamedType): void => {
    if (seen.has(type) || isSpecifiedScalarType(type) || type.name.startsWith('__')) return;
    seen.add(type);
    ordered.push(type);
    if (!isObjectType(type) && !isInputObjectType(type)) return;
    const fields: { type: GraphQLType }[] = Object.values(type.getFields());
    for (const field of fields) {
      const named = getNamedType(field.type);
      if (!isScalarType(named)) visit(named);
    }
  };
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  for (const root of roots) if (root) visit(root);
  const all = Object.values(schema.getTypeMap());
  for (const t of all) if (isInputObjectType(t)) visit(t);
  for (const t of all) visit(t);
  return new GraphQLSchema({ ...schema.toConfig(), types: ordered });
}
