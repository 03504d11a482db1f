/**
 * GraphQL Code Generator configuration for typed clients. The GraphQL surface (issue: GraphQL per
 * workspace) prints its static SDL into schema/; until then there is nothing to generate from,
 * and this file only fixes where generated code will go.
 */
const config = {
  overwrite: true,
  schema: 'schema/*.graphql',
  documents: ['test/**/*.graphql'],
  generates: {
    'test/generated/graphql.ts': { plugins: ['typescript', 'typescript-operations'] },
  },
};

export default config;
