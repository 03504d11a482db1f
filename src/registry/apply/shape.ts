/**
 * What apply needs to know about a schema, and nothing else: whether a node is a scalar, a map
 * (struct fields and/or free keys; granular or atomic) or a list (atomic, set, or map keyed by
 * some fields). This is the information structured-merge-diff reads from Kubernetes' OpenAPI;
 * here it is read lazily from our OpenAPI v3 components. Where the schema says nothing (or does
 * not match the value) the shape is deduced from the value as Kubernetes does for untyped data:
 * maps are granular, lists atomic.
 */
import { isPlainObject, REF_PREFIX, type OpenApiComponents, type OpenApiSchema } from '../../meta/index.js';

export interface ScalarShape {
  readonly kind: 'scalar';
}

/** No schema information: decided per value by `concrete`. */
export interface UntypedShape {
  readonly kind: 'untyped';
}

export interface MapShape {
  readonly kind: 'map';
  /** `x-kubernetes-map-type: atomic`: owned and replaced as a whole. */
  readonly atomic: boolean;
  /** A declared (named) field, as a struct has; undefined for free-form keys. */
  field(name: string): Shape | undefined;
  /** The shape of keys that are not declared fields. */
  elements(): Shape;
}

export interface ListShape {
  readonly kind: 'list';
  readonly listType: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys` for map lists. */
  readonly keys: readonly string[];
  items(): Shape;
  /** The schema default of a key field, used when an item omits it. */
  keyDefault(name: string): unknown;
}

export type Shape = ScalarShape | UntypedShape | MapShape | ListShape;

export const SCALAR: ScalarShape = { kind: 'scalar' };
export const UNTYPED: UntypedShape = { kind: 'untyped' };
const UNTYPED_MAP: MapShape = { kind: 'map', atomic: false, field: () => undefined, elements: () => UNTYPED };
const UNTYPED_LIST: ListShape = { kind: 'list', listType: 'atomic', keys: [], items: () => UNTYPED, keyDefault: () => undefined };

/** The shape to walk `value` with: untyped nodes and schema/value mismatches are deduced from the value. */
export function concrete(shape: Shape, value: unknown): Shape {
  const deduced = isPlainObject(value) ? UNTYPED_MAP : Array.isArray(value) ? UNTYPED_LIST : SCALAR;
  if (value === null || value === undefined) return shape.kind === 'untyped' ? SCALAR : shape;
  if (shape.kind === 'untyped') return deduced;
  if (shape.kind === 'map') return isPlainObject(value) ? shape : deduced;
  if (shape.kind === 'list') return Array.isArray(value) ? shape : deduced;
  return deduced === SCALAR ? shape : deduced;
}

/** The shape of `name` in a map: its declared field, else the map's element shape. */
export const childShape = (map: MapShape, name: string): Shape => map.field(name) ?? map.elements();

type Ext = 'x-kubernetes-list-type' | 'x-kubernetes-list-map-keys' | 'x-kubernetes-map-type' | 'x-kubernetes-patch-strategy' | 'x-kubernetes-patch-merge-key';
const EXTENSIONS: Ext[] = [
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
];

/** Turns OpenAPI schemas of one component set into shapes, each built once. */
export class ShapeReader {
  private readonly built = new Map<OpenApiSchema, Shape>();

  constructor(private readonly components: OpenApiComponents) {}

  of(schema: OpenApiSchema | undefined): Shape {
    if (!schema) return UNTYPED;
    let shape = this.built.get(schema);
    if (!shape) {
      shape = this.build(schema);
      this.built.set(schema, shape);
    }
    return shape;
  }

  /**
   * Follows `$ref` and single-element `allOf` wrappers to the schema itself, keeping the
   * x-kubernetes-* extensions of the outermost schema that sets them (a field may mark a
   * referenced type atomic).
   */
  private resolve(schema: OpenApiSchema): { s: OpenApiSchema; ext: Partial<Pick<OpenApiSchema, Ext>> } {
    const ext: Partial<Record<Ext, unknown>> = {};
    let s: OpenApiSchema | undefined = schema;
    for (let hops = 0; s && hops < 32; hops++) {
      for (const e of EXTENSIONS) if (ext[e] === undefined && s[e] !== undefined) ext[e] = s[e];
      if (s.$ref) s = this.components[s.$ref.slice(REF_PREFIX.length)];
      else if (s.allOf && s.allOf.length >= 1 && !s.properties && !s.type) s = s.allOf[0];
      else break;
    }
    return { s: s ?? {}, ext: ext as Partial<Pick<OpenApiSchema, Ext>> };
  }

  private build(schema: OpenApiSchema): Shape {
    const { s, ext } = this.resolve(schema);
    if (s['x-kubernetes-int-or-string']) return SCALAR;
    if (s.type === 'array' || s.items) return this.list(s, ext);
    if (s.type === 'object' || s.properties || s.additionalProperties !== undefined) {
      const props = s.properties;
      const ap = s.additionalProperties;
      return {
        kind: 'map',
        atomic: ext['x-kubernetes-map-type'] === 'atomic',
        field: (name) => (props && Object.hasOwn(props, name) ? this.of(props[name]) : undefined),
        elements: () => (typeof ap === 'object' ? this.of(ap) : UNTYPED),
      };
    }
    return s.type ? SCALAR : UNTYPED;
  }

  private list(s: OpenApiSchema, ext: Partial<Pick<OpenApiSchema, Ext>>): ListShape {
    const items = s.items;
    const base = { kind: 'list' as const, items: () => this.of(items), keyDefault: (name: string) => this.keyDefault(items, name) };
    const listType = ext['x-kubernetes-list-type'];
    const keys = ext['x-kubernetes-list-map-keys'] ?? [];
    if (listType === 'map' && keys.length > 0) return { ...base, listType: 'map', keys };
    if (listType === 'set') return { ...base, listType: 'set', keys: [] };
    if (listType !== undefined) return { ...base, listType: 'atomic', keys: [] };
    // The older strategic-merge markers, which Kubernetes' built-in schemas still rely on.
    const strategy = (ext['x-kubernetes-patch-strategy'] ?? '').split(',');
    const mergeKey = ext['x-kubernetes-patch-merge-key'];
    const merges = strategy.includes('merge');
    if (mergeKey && (merges || !ext['x-kubernetes-patch-strategy'])) return { ...base, listType: 'map', keys: [mergeKey] };
    if (merges && this.isPrimitive(items)) return { ...base, listType: 'set', keys: [] };
    return { ...base, listType: 'atomic', keys: [] };
  }

  private isPrimitive(items: OpenApiSchema | undefined): boolean {
    if (!items) return false;
    const { s } = this.resolve(items);
    return s.type === 'string' || s.type === 'integer' || s.type === 'number' || s.type === 'boolean';
  }

  private keyDefault(items: OpenApiSchema | undefined, name: string): unknown {
    if (!items) return undefined;
    const prop = this.resolve(items).s.properties?.[name];
    if (!prop) return undefined;
    return prop.default ?? this.resolve(prop).s.default;
  }
}
