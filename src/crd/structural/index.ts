/**
 * Structural schemas of CustomResourceDefinitions: the CRD-time checks Kubernetes applies to
 * `spec.versions[*].schema.openAPIV3Schema`, and the compiled form custom resources are
 * defaulted, pruned and validated with (in that order, as the apiserver does on every write).
 *
 * Why a hand-written walker and not ajv: Kubernetes itself walks a structural schema (kube-openapi
 * plus apiextensions' own passes), and what users see are its messages and field paths
 * (`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer:
 * "string"`). A walker produces those directly, with every error at once, nullable as OpenAPI
 * means it, Kubernetes' format list, int-or-string, list-type set/map uniqueness, embedded
 * resources, CEL rules with old values correlated node by node, and defaulting and pruning over
 * the same compiled nodes. With ajv each of those would be a translation layer or a custom
 * keyword, and CEL correlation would need a second walk anyway. The schema is compiled once
 * into closures (node.ts, keywords.ts), so a write costs one walk of the object.
 */
import type { FieldError } from '../../registry/errors.js';
import type { JSONSchemaProps } from '../schema-types.js';
import { defaultErrors } from './check-defaults.js';
import { openAPIErrors } from './check-openapi.js';
import { structuralErrors } from './check-structural.js';

export { compileSchema, compiledSchemaCount, schemaHash, type CompiledSchema } from './compile.js';

/**
 * The CRD-time checks of one version's schema, located under `schemaPath`
 * (`spec.versions[0].schema.openAPIV3Schema`): structural invariants (sorted, as Kubernetes
 * sorts them), then default values (only when the schema is structural), then the per-node
 * OpenAPI rules and, when everything else is valid, the CEL compile errors.
 */
export function checkStructuralSchema(schema: JSONSchemaProps, schemaPath: string): FieldError[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [{ type: 'FieldValueRequired', field: schemaPath, detail: 'schemas are required' }];
  }
  const errs: FieldError[] = [];
  if (schema.nullable === true) errs.push({ type: 'FieldValueForbidden', field: `${schemaPath}.nullable`, detail: 'nullable cannot be true at the root' });
  const structural = structuralErrors(schema, schemaPath);
  errs.push(...structural);
  let cel = false;
  if (structural.length === 0) {
    const defaults = defaultErrors(schema, schemaPath);
    errs.push(...defaults);
    cel = defaults.length === 0;
  }
  const api = openAPIErrors(schema, schemaPath, { isRoot: true, insideMeta: false, cel });
  errs.push(...api.schema, ...api.cel);
  return errs;
}
