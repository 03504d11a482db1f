/**
 * The subset of OpenAPI v3 schema objects Atoll produces and reads: kind schemas for discovery,
 * `kubectl explain`, strategic merge patch and server-side apply (the `x-kubernetes-*` extensions
 * carry the list and map semantics those need).
 */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  /** `#/components/schemas/<name>` */
  $ref?: string;
  /** OpenAPI 3.0 wraps a $ref that has siblings (description, default) in allOf. */
  allOf?: OpenApiSchema[];
  /** Alternatives, e.g. Quantity: a string or a number. */
  oneOf?: OpenApiSchema[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extension: `x-${string}`]: unknown;
}

/** Named schemas, keyed as Kubernetes names them: `io.k8s.api.core.v1.ConfigMap`. */
export type OpenApiComponents = Readonly<Record<string, OpenApiSchema>>;

export const REF_PREFIX = '#/components/schemas/';

/** Follows `$ref` (and a single-element `allOf` wrapper) to the schema it names. */
export function resolveSchema(schema: OpenApiSchema | undefined, components: OpenApiComponents): OpenApiSchema | undefined {
  let s = schema;
  for (let hops = 0; s && hops < 32; hops++) {
    if (s.$ref) s = components[s.$ref.slice(REF_PREFIX.length)];
    else if (s.allOf && s.allOf.length === 1 && !s.properties) s = s.allOf[0];
    else return s;
  }
  return s;
}
