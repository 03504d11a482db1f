/**
 * Exports defined as GraphQL SDL: SDL → structural OpenAPI → CustomResourceDefinitions, or
 * APIResourceSchemas and an APIExport; and back, a CRD or APIResourceSchema → SDL. See
 * docs/providers.md and schema/atoll-directives.graphql.
 */
export { schemasToSdl } from './from-schema.js';
export { breakingChanges } from './breaking.js';
export { sdlToKinds, convert, pluralOf } from './to-schema.js';
export { toCrd, toApiResourceSchema, toExportDocuments, defaultExportName, schemaSpec, type ExportDocuments } from './outputs.js';
export { SdlError, formatProblem, type SdlLocation, type SdlProblem } from './errors.js';
export { directiveDefinitions, directivesDocument, DIRECTIVES_FILE } from './directives.js';
export type { ConvertedKind, KindVersion, SdlSource } from './model.js';
export { servedSchema, type ServedSchemaOptions } from './served-schema.js';
export { sdlCodegen, sdlGraphQLSchema, scalars, typedDocuments, type SdlCodegenOptions } from './codegen-preset.js';
export { objectTypes } from './object-types.js';
