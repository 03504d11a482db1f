/**
 * Plans the object types of one compiled schema: which name each gets and which fields it has,
 * before any GraphQL type exists. Shared `$ref` components get one type per key, inline objects a
 * type named after their parent, and a kind's `metadata` is always the shared ObjectMeta — also
 * for kinds whose schema writes it inline, as CRD schemas do.
 */
import { REF_PREFIX, resolveSchema, type OpenApiSchema } from '../meta/index.js';
import { builtinComponents, type ResourceType } from '../registry/index.js';
import type { NameTable } from './name-table.js';
import {
  componentFallbackTypeName,
  componentTypeName,
  fieldNames,
  kindFallbackTypeName,
  kindTypeName,
  nestedTypeName,
  sanitizeName,
} from './names.js';
import { shapeOf, type ObjectShape, type Shape } from './openapi-shape.js';

export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** An object type to be: what identifies it across kinds, and its names. */
export interface ObjectPlan {
  /** `kind:<group>/<version>/<Kind>`, `ref:<component key>` or `<parent identity>.<property>`. */
  identity: string;
  name: string;
  /** The name to fall back to when `name` is taken (names.ts). */
  fallback: string;
  shape: ObjectShape;
  /** Properties whose shape is fixed regardless of the schema (a kind's `metadata`). */
  overrides?: Readonly<Record<string, Shape>>;
}

/** One field of an object type: its GraphQL name, the JSON property it reads, and its shape. */
export interface FieldPlan {
  name: string;
  key: string;
  description?: string;
  shape: Shape;
  /** The object type of an object (or list of objects) field. */
  object?: ObjectPlan;
}

const objectMetaShape = shapeOf({ $ref: `${REF_PREFIX}${OBJECT_META}` }, builtinComponents);

/** A kind without a usable schema still has typed metadata; the rest is open. */
const OPEN_KIND: OpenApiSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { $ref: `${REF_PREFIX}${OBJECT_META}` },
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

export const kindIdentity = (t: Pick<ResourceType, 'group' | 'version' | 'kind'>): string => `kind:${t.group}/${t.version}/${t.kind}`;

/** The plan of a kind's object type (its name comes from the kind, not from its schema's key). */
export function kindPlan(t: ResourceType, names: NameTable): ObjectPlan {
  const identity = kindIdentity(t);
  const components = t.schema?.components ?? builtinComponents;
  const root = t.schema ? resolveSchema(components[t.schema.name], components) : undefined;
  const schema = root?.properties && Object.keys(root.properties).length > 0 ? root : OPEN_KIND;
  const properties = schema.properties ?? {};
  // Every object has metadata, whether or not its schema lists it.
  const shape: ObjectShape = { kind: 'object', schema, properties: 'metadata' in properties ? properties : { ...properties, metadata: {} }, components };
  const fallback = kindFallbackTypeName(t);
  return { identity, name: names.claim(identity, kindTypeName(t), fallback), fallback, shape, overrides: { metadata: objectMetaShape } };
}

/** The fields of a planned object, in schema order, with the plans of their object types. */
export function fieldPlans(parent: ObjectPlan, names: NameTable): FieldPlan[] {
  const keys = Object.keys(parent.shape.properties);
  const order = new Map(keys.map((k, i) => [k, i]));
  const out: FieldPlan[] = [];
  for (const [name, key] of fieldNames(keys)) {
    const schema = parent.shape.properties[key];
    const shape = parent.overrides?.[key] ?? shapeOf(schema, parent.shape.components);
    const objectShape = shape.kind === 'object' ? shape : shape.kind === 'list' && shape.of.kind === 'object' ? shape.of : undefined;
    const field: FieldPlan = { name, key, shape };
    if (schema?.description) field.description = schema.description;
    if (objectShape) field.object = childPlan(parent, key, objectShape, names);
    out.push(field);
  }
  // fieldNames settles valid names first; the schema's order reads better.
  return out.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
}

function childPlan(parent: ObjectPlan, key: string, shape: ObjectShape, names: NameTable): ObjectPlan {
  if (shape.ref !== undefined) {
    const identity = `ref:${shape.ref}`;
    const fallback = componentFallbackTypeName(shape.ref);
    return { identity, name: names.claim(identity, componentTypeName(shape.ref), fallback), fallback, shape };
  }
  const identity = `${parent.identity}.${key}`;
  const fallback = `${parent.name}_${sanitizeName(key)}`;
  return { identity, name: names.claim(identity, nestedTypeName(parent.name, key), fallback), fallback, shape };
}
