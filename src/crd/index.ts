/**
 * CustomResourceDefinitions: the CRD kind, the types each one serves (validated, defaulted and
 * pruned by its structural schema with CEL rules), the catalog that serves them per logical
 * cluster, and the controller that establishes and cleans them up.
 */
export { customResourceDefinitions } from './crd-kind.js';
export { CrdCatalog, CRD_RESOURCE, type CrdCatalogOptions } from './catalog.js';
export { CrdController, CRD_CONTROLLER_MANAGER, type CrdControllerOptions } from './controller.js';
export { crdTerminationGuard, reservedCrdAnnotationsGuard } from './admission.js';
export { servedTypes, specHash } from './served-types.js';
export * from './crd-types.js';
export type { JSONSchemaProps, ValidationRule } from './schema-types.js';
export { crdNamesShape, crdVersionShape, jsonSchemaProps } from './crd-shape.js';
export { validateCrdNames, validateCrdVersions } from './crd-validation.js';
