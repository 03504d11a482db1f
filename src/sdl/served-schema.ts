/**
 * The GraphQL schema Atoll serves for an SDL's kinds, without a running server: the kinds become
 * the types a CRD of the same spec serves (src/crd/served-types.ts), composed into an API set with
 * the built-in kinds as a consumer's workspace has them, and compiled by the same compiler the
 * server uses per API set (src/graphql/compile.ts). Generating client types from it gives the
 * names and shapes the server's introspection would.
 */
import type { GraphQLSchema } from 'graphql';
import { ApiSet } from '../apis/index.js';
import { servedTypes } from '../crd/index.js';
import { compileSchema } from '../graphql/index.js';
import { baseTypes } from './base-types.js';
import type { ConvertedKind } from './model.js';
import { crdSpec } from './outputs.js';

export interface ServedSchemaOptions {
  /**
   * true (default): a consumer's workspace, built-in kinds included. false: the provider's view
   * of the export (its GraphQL endpoint serves the exported kinds only).
   */
  builtins?: boolean;
}

export function servedSchema(kinds: readonly ConvertedKind[], options: ServedSchemaOptions = {}): GraphQLSchema {
  const types = kinds.flatMap((k) => servedTypes(crdSpec(k)));
  return compileSchema(new ApiSet(options.builtins === false ? types : [...baseTypes(), ...types]));
}
