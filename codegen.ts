/**
 * GraphQL Code Generator configuration: typed documents for clients of Atoll's GraphQL API.
 *
 *   npm run codegen                                  # schema: schema/builtin.graphql (the built-in kinds)
 *   ATOLL_GRAPHQL_URL=https://127.0.0.1:6443/clusters/root:acme/graphql ATOLL_TOKEN=… NODE_EXTRA_CA_CERTS=.atoll/pki/ca.crt npm run codegen
 *                                                    # schema: that workspace's, by introspection
 *
 * Introspection shows what the token's user may use (a `view` user's schema has no mutations), so
 * generate from a workspace with a token that may use everything the operations need.
 *
 * Operations are read from examples/client/*.graphql and written, with the types of their results
 * and variables, to examples/client/generated/graphql.ts as TypedDocumentNodes (any client that
 * takes a TypedDocumentNode infers the types from them). The generated module is checked in;
 * test/graphql/codegen.test.ts fails when it is not what this configuration makes from
 * schema/builtin.graphql, so after a schema change run `npm run codegen`. A project of your own can
 * reuse `typedDocuments` with its own `documents` and output path.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { typedDocuments } from './src/sdl/codegen-preset.js';

/** The typed-documents preset and the scalars' TypeScript types, shared with the SDL codegen preset. */
export { scalars, typedDocuments } from './src/sdl/codegen-preset.js';

export const EXAMPLE_OUTPUT = 'examples/client/generated/graphql.ts';

const token = process.env.ATOLL_TOKEN;
const url = process.env.ATOLL_GRAPHQL_URL;

const config: CodegenConfig = {
  overwrite: true,
  schema: url ? { [url]: { headers: token ? { Authorization: `Bearer ${token}` } : {} } } : 'schema/builtin.graphql',
  documents: ['examples/client/*.graphql'],
  generates: { [EXAMPLE_OUTPUT]: typedDocuments },
};

export default config;
