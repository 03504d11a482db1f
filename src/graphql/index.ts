/**
 * The GraphQL surface: schemas compiled from API sets (cached by fingerprint), the context their
 * resolvers need, the error mapping and the naming rules. No business rules of its own: every
 * resolver calls the shared Registry.
 */
export { compileSchema, schemaFor, cachedSchemaCount, cachedSchemaBytes, setSchemaCacheBytes, DEFAULT_SCHEMA_CACHE_BYTES, type CompileOptions } from './compile.js';
export { estimatedSchemaBytes } from './schema-size.js';
export { requestContext, type GraphQLContext } from './context.js';
export { toGraphQLError, registryCall, MASKED_MESSAGE, type ErrorCause, type ErrorCode } from './errors.js';
export { JSON_KEY } from './openapi-types.js';
export { decodeInput } from './input-values.js';
export { Int64Scalar, IntOrStringScalar, JSONScalar, StringMapScalar } from './scalars.js';
export * as naming from './names.js';
export { graphqlEndpoint, DEFAULT_GRAPHQL_SETTINGS, type GraphQLEndpoint, type GraphQLEndpointDeps, type GraphQLSettings } from './endpoint.js';
