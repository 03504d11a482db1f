/**
 * The wire shape of a CustomResourceDefinition, as zod schemas: field types and unknown fields
 * (reported per the request's field-validation mode). The rules between fields are in
 * crd-validation.ts; the schema's own rules (structural, defaults, CEL) in structural/.
 */
import { z } from 'zod';
import { kindSchema } from '../registry/index.js';
import type { JSONSchemaProps } from './schema-types.js';

const validationRule = z.strictObject({
  rule: z.string(),
  message: z.string().optional(),
  messageExpression: z.string().optional(),
  reason: z.enum(['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate']).optional(),
  fieldPath: z.string().optional(),
  optionalOldSelf: z.boolean().optional(),
});

export const jsonSchemaProps: z.ZodType<JSONSchemaProps> = z.lazy(() =>
  z.strictObject({
    type: z.enum(['object', 'array', 'string', 'integer', 'number', 'boolean']).optional(),
    format: z.string().optional(),
    description: z.string().optional(),
    title: z.string().optional(),
    properties: z.record(z.string(), jsonSchemaProps).optional(),
    additionalProperties: z.union([z.boolean(), jsonSchemaProps]).optional(),
    items: jsonSchemaProps.optional(),
    required: z.array(z.string()).optional(),
    enum: z.array(z.unknown()).optional(),
    default: z.unknown().optional(),
    example: z.unknown().optional(),
    nullable: z.boolean().optional(),
    pattern: z.string().optional(),
    minLength: z.int().nonnegative().optional(),
    maxLength: z.int().nonnegative().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    exclusiveMinimum: z.boolean().optional(),
    exclusiveMaximum: z.boolean().optional(),
    multipleOf: z.number().positive().optional(),
    minItems: z.int().nonnegative().optional(),
    maxItems: z.int().nonnegative().optional(),
    uniqueItems: z.boolean().optional(),
    minProperties: z.int().nonnegative().optional(),
    maxProperties: z.int().nonnegative().optional(),
    allOf: z.array(jsonSchemaProps).optional(),
    anyOf: z.array(jsonSchemaProps).optional(),
    oneOf: z.array(jsonSchemaProps).optional(),
    not: jsonSchemaProps.optional(),
    'x-kubernetes-preserve-unknown-fields': z.boolean().optional(),
    'x-kubernetes-embedded-resource': z.boolean().optional(),
    'x-kubernetes-int-or-string': z.boolean().optional(),
    'x-kubernetes-list-type': z.enum(['atomic', 'set', 'map']).optional(),
    'x-kubernetes-list-map-keys': z.array(z.string()).optional(),
    'x-kubernetes-map-type': z.enum(['atomic', 'granular']).optional(),
    'x-kubernetes-validations': z.array(validationRule).optional(),
  }),
);

export const crdNamesShape = z.strictObject({
  plural: z.string(),
  singular: z.string().optional(),
  kind: z.string(),
  listKind: z.string().optional(),
  shortNames: z.array(z.string()).optional(),
  categories: z.array(z.string()).optional(),
});

const printerColumn = z.strictObject({
  name: z.string(),
  type: z.string(),
  format: z.string().optional(),
  description: z.string().optional(),
  priority: z.int().optional(),
  jsonPath: z.string(),
});

export const crdVersionShape = z.strictObject({
  name: z.string(),
  served: z.boolean(),
  storage: z.boolean(),
  deprecated: z.boolean().optional(),
  deprecationWarning: z.string().nullable().optional(),
  schema: z.strictObject({ openAPIV3Schema: jsonSchemaProps.optional() }).optional(),
  subresources: z
    .strictObject({
      status: z.strictObject({}).nullable().optional(),
      scale: z
        .strictObject({ specReplicasPath: z.string(), statusReplicasPath: z.string(), labelSelectorPath: z.string().nullable().optional() })
        .nullable()
        .optional(),
    })
    .optional(),
  additionalPrinterColumns: z.array(printerColumn).optional(),
  selectableFields: z.array(z.strictObject({ jsonPath: z.string() })).optional(),
});

const condition = z.strictObject({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: z.string().nullable().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const crdShape = kindSchema({
  spec: z.strictObject({
    group: z.string(),
    names: crdNamesShape,
    scope: z.string(),
    versions: z.array(crdVersionShape),
    conversion: z
      .strictObject({ strategy: z.string(), webhook: z.record(z.string(), z.unknown()).optional() })
      .optional(),
    preserveUnknownFields: z.boolean().optional(),
  }),
  status: z
    .strictObject({
      conditions: z.array(condition).nullable().optional(),
      acceptedNames: crdNamesShape.partial().optional(),
      storedVersions: z.array(z.string()).nullable().optional(),
    })
    .optional(),
});
