/**
 * Typed clients from an export's SDL alone, without a running server: GraphQL Code Generator
 * configured with the schema Atoll would serve for the SDL's kinds (served-schema.ts, compiled by
 * the server's own compiler) and the project's typed-documents preset (TypeScript types of each
 * operation's result and variables, and TypedDocumentNodes). A provider's app uses the provider
 * view's schema (`view: true`: only the exported kinds); a consumer's frontend the workspace's
 * (the built-in kinds too). In a codegen.ts beside an Atoll checkout:
 *
 *   import { sdlCodegen } from '<atoll>/src/sdl/index.js';
 *   export default sdlCodegen({ sdl: ['widgets.graphql'], documents: ['src/*.graphql'], output: 'src/generated/graphql.ts' });
 *
 * Without the checkout's sources, `npx atoll graphql schema widgets.graphql > schema.graphql` gives
 * the same schema as a file for any codegen configuration (docs/providers.md).
 */
import fs from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { sdlToKinds } from './to-schema.js';
import { servedSchema } from './served-schema.js';

/** TypeScript types of Atoll's custom scalars (schema/README.md, "Scalars and types"). */
export const scalars = {
  Int64: 'number',
  IntOrString: 'number | string',
  JSON: 'unknown',
  StringMap: 'Record<string, string>',
} as const;

/**
 * One generated module: each operation's result and variables types, the input types and enums
 * its variables use, and its typed document. `typescript-operations` (6.x) writes the input types
 * and enums itself; adding the `typescript` plugin as well, as setups for 5.x did, declares each of
 * them twice (TS2300: Duplicate identifier).
 */
export const typedDocuments = {
  plugins: ['typescript-operations', 'typed-document-node'],
  config: {
    scalars,
    // A scalar without a mapping above fails the run instead of becoming `any`.
    strictScalars: true,
    // Enums as unions of string literals.
    enumType: 'string-literal',
    skipTypename: true,
    useTypeImports: true,
  },
} satisfies CodegenConfig['generates'][string];

export interface SdlCodegenOptions {
  /** The export's SDL files. */
  sdl: string[];
  /** The operations to type (globs, as codegen takes them). */
  documents: string[];
  /** The generated module. */
  output: string;
  /** The provider view's schema (only the SDL's kinds) rather than a consumer workspace's. */
  view?: boolean;
}

/** The printed GraphQL schema Atoll serves for the SDL files' kinds. */
export function sdlGraphQLSchema(files: readonly string[], view = false): string {
  const kinds = sdlToKinds(files.map((f) => ({ name: f, body: fs.readFileSync(f, 'utf8') })));
  return printSchema(servedSchema(kinds, { builtins: !view }));
}

/** A GraphQL Code Generator configuration for the SDL's kinds (the schema passed as SDL text). */
export function sdlCodegen(options: SdlCodegenOptions): CodegenConfig {
  return {
    overwrite: true,
    schema: sdlGraphQLSchema(options.sdl, options.view),
    documents: options.documents,
    generates: { [options.output]: typedDocuments },
  };
}
