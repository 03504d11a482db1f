/**
 * Small builders for the shapes Kubernetes' OpenAPI v3 documents repeat on every kind: `$ref`s
 * wrapped in `allOf` when they carry a description or default, string maps, atomic lists, the
 * apiVersion/kind/metadata trio and List kinds. They keep the per-group schema files down to the
 * facts that differ (field names, types, formats, required lists and x-kubernetes-* metadata).
 */
import { REF_PREFIX, type OpenApiSchema } from '../../../meta/index.js';

export const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const OBJECT_META = `${META_V1}ObjectMeta`;
export const LIST_META = `${META_V1}ListMeta`;
export const TIME = `${META_V1}Time`;
export const MICRO_TIME = `${META_V1}MicroTime`;
export const LABEL_SELECTOR = `${META_V1}LabelSelector`;
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

type Extras = Omit<OpenApiSchema, 'description'>;

/** A bare `$ref`, as Kubernetes writes map values and other refs without siblings. */
export const refTo = (name: string): OpenApiSchema => ({ $ref: `${REF_PREFIX}${name}` });

/** A described reference: OpenAPI 3.0 ignores `$ref` siblings, so it is wrapped in `allOf`. */
export function ref(name: string, description: string, extras: Extras = {}): OpenApiSchema {
  return { allOf: [refTo(name)], description, ...extras };
}

/** A reference to a struct Kubernetes always serialises (Go value, not pointer): defaults to `{}`. */
export const refObject = (name: string, description: string): OpenApiSchema => ref(name, description, { default: {} });

export const str = (description: string, extras: Extras = {}): OpenApiSchema => ({ type: 'string', description, ...extras });

/** A string Go always serialises (no omitempty): Kubernetes declares `default: ""`. */
export const requiredStr = (description: string): OpenApiSchema => str(description, { default: '' });

export const bool = (description: string, extras: Extras = {}): OpenApiSchema => ({ type: 'boolean', description, ...extras });

export const int32 = (description: string, extras: Extras = {}): OpenApiSchema => ({
  type: 'integer',
  format: 'int32',
  description,
  ...extras,
});

export const int64 = (description: string, extras: Extras = {}): OpenApiSchema => ({
  type: 'integer',
  format: 'int64',
  description,
  ...extras,
});

export const time = (description: string): OpenApiSchema => ref(TIME, description);
export const microTime = (description: string): OpenApiSchema => ref(MICRO_TIME, description);

/** `map[string]string`. */
export function stringMap(description: string, extras: Extras = {}): OpenApiSchema {
  return { type: 'object', additionalProperties: { type: 'string', default: '' }, description, ...extras };
}

/** `map[string][]byte`: values travel base64-encoded. */
export function byteMap(description: string): OpenApiSchema {
  return { type: 'object', additionalProperties: { type: 'string', format: 'byte' }, description };
}

/** `map[ResourceName]resource.Quantity`. */
export function quantityMap(description: string): OpenApiSchema {
  return { type: 'object', additionalProperties: refTo(QUANTITY), description };
}

/** `[]string`. */
export function stringList(description: string, extras: Extras = {}): OpenApiSchema {
  return { type: 'array', items: { type: 'string', default: '' }, description, ...extras };
}

/** `[]T` for a struct T. */
export function refList(name: string, description: string, extras: Extras = {}): OpenApiSchema {
  return { type: 'array', items: { allOf: [refTo(name)], default: {} }, description, ...extras };
}

/** A list replaced as a whole by merge patches and apply. */
export const ATOMIC: Extras = { 'x-kubernetes-list-type': 'atomic' };

/**
 * A list of objects keyed by `key`: apply merges items by key, and strategic merge patch merges
 * them by the same key (`patchStrategy: merge`).
 */
export function keyedList(key: string): Extras {
  return {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [key],
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-patch-merge-key': key,
  };
}

export const gvk = (group: string, version: string, kind: string) => ({ group, version, kind });

export const apiVersionField = (): OpenApiSchema =>
  str(
    'The schema version this object is written in: "group/version", or only the version for the core group. ' +
      'Servers convert versions they know and may reject others.',
  );

export const kindField = (): OpenApiSchema =>
  str('The kind of object, in CamelCase. Servers may infer it from the request URL; it cannot be changed.');

export const objectMetaField = (): OpenApiSchema =>
  refObject(OBJECT_META, "The object's standard metadata: name, namespace, labels, annotations, owners and server-set fields.");

export const listMetaField = (): OpenApiSchema =>
  refObject(LIST_META, "The list's metadata: the resourceVersion it was read at and, when paging, the continue token.");

interface KindSpec {
  group: string;
  version: string;
  kind: string;
  description: string;
  /** Fields besides apiVersion, kind and metadata. */
  properties: Record<string, OpenApiSchema>;
  required?: string[];
}

/** A top-level kind: its own fields plus apiVersion, kind and metadata, tagged with its GVK. */
export function kindSchema(k: KindSpec): OpenApiSchema {
  const schema: OpenApiSchema = {
    type: 'object',
    description: k.description,
    properties: { apiVersion: apiVersionField(), kind: kindField(), metadata: objectMetaField(), ...k.properties },
    'x-kubernetes-group-version-kind': [gvk(k.group, k.version, k.kind)],
  };
  if (k.required) schema.required = k.required;
  return schema;
}

/** The `<Kind>List` of a kind: `items` is required and each item defaults to `{}`. */
export function listSchema(group: string, version: string, kind: string, itemSchema: string, itemsDescription: string): OpenApiSchema {
  return {
    type: 'object',
    description: `A list of ${kind} objects.`,
    properties: {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: listMetaField(),
      items: refList(itemSchema, itemsDescription),
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [gvk(group, version, `${kind}List`)],
  };
}

/**
 * A list of status conditions, keyed by type: the shape kcp's and apiextensions' kinds share
 * (type, status, severity, lastTransitionTime, reason, message).
 */
export function conditionList(description: string, typeDescription = 'The kind of condition, e.g. Ready.'): OpenApiSchema {
  return {
    type: 'array',
    description,
    items: {
      type: 'object',
      description: 'One observed aspect of the object’s state.',
      properties: {
        type: str(typeDescription),
        status: str('True, False or Unknown.'),
        severity: str('How bad a False condition is: Error, Warning or Info.'),
        lastTransitionTime: time('When the status last changed.'),
        reason: str('A machine-readable word for why the condition is as it is.'),
        message: str('A human-readable explanation.'),
      },
      required: ['type', 'status'],
    },
  };
}
