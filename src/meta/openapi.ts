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

/**
 * A self-contained copy of a schema, as a CRD or APIResourceSchema must carry it: every `$ref`
 * (and its allOf wrapper) replaced by what it names, the wrapper's description and default kept,
 * `x-kubernetes-group-version-kind` dropped (the schema's own kind says it), `default: {}` dropped
 * (Kubernetes' OpenAPI marks Go's zero structs so; in a CRD a default must pass the schema, and `{}`
 * fails one with required fields), and the top-level `metadata` reduced to `type: object` as in a
 * CRD (the server owns ObjectMeta's schema).
 */
export function inlineSchema(schema: OpenApiSchema, components: OpenApiComponents): OpenApiSchema {
  const out = inlineAt(schema, components, 0);
  if (out.properties?.metadata) out.properties = { ...out.properties, metadata: { type: 'object' } };
  return out;
}

function inlineAt(schema: OpenApiSchema, components: OpenApiComponents, depth: number): OpenApiSchema {
  if (depth > 32) throw new Error('schema nests more than 32 levels (a cycle?)');
  const target = resolveSchema(schema, components) ?? {};
  const { $ref: _ref, allOf: _allOf, 'x-kubernetes-group-version-kind': _gvk, ...own } = target === schema ? schema : { ...target, ...siblings(schema) };
  const out: OpenApiSchema = { ...own };
  if (isEmptyObject(out.default)) delete out.default;
  if (own.properties) out.properties = Object.fromEntries(Object.entries(own.properties).map(([k, v]) => [k, inlineAt(v, components, depth + 1)]));
  if (own.items) out.items = inlineAt(own.items, components, depth + 1);
  if (own.additionalProperties && typeof own.additionalProperties === 'object') out.additionalProperties = inlineAt(own.additionalProperties, components, depth + 1);
  return out;
}

const isEmptyObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** What a `$ref` wrapper says besides the reference. */
function siblings(wrapper: OpenApiSchema): OpenApiSchema {
  const { $ref: _ref, allOf: _allOf, ...rest } = wrapper;
  return rest;
}
