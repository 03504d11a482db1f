/**
 * The shape of a whole object of a kind. Every Kubernetes kind has apiVersion, kind and an
 * ObjectMeta `metadata` (even CRDs without a schema: the apiserver injects ObjectMeta's), so
 * labels and annotations are granular maps, finalizers a set and ownerReferences a map keyed by
 * uid whatever the kind's own schema says or omits.
 */
import type { OpenApiSchema } from '../../meta/index.js';
import type { KindSchema } from '../resource-type.js';
import { ShapeReader, UNTYPED, SCALAR, type MapShape, type Shape } from './shape.js';

const str: OpenApiSchema = { type: 'string' };
const stringMap: OpenApiSchema = { type: 'object', additionalProperties: str };

/** The parts of ObjectMeta whose list and map semantics matter to apply. */
const OBJECT_META: OpenApiSchema = {
  type: 'object',
  properties: {
    name: str,
    generateName: str,
    namespace: str,
    selfLink: str,
    uid: str,
    resourceVersion: str,
    generation: { type: 'integer' },
    creationTimestamp: str,
    deletionTimestamp: str,
    deletionGracePeriodSeconds: { type: 'integer' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' }, blockOwnerDeletion: { type: 'boolean' } },
        'x-kubernetes-map-type': 'atomic',
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
    managedFields: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
  },
};

const fallbackReader = new ShapeReader({});
const OBJECT_META_SHAPE = fallbackReader.of(OBJECT_META);
const TOP_LEVEL: Record<string, Shape> = { apiVersion: SCALAR, kind: SCALAR, metadata: OBJECT_META_SHAPE };

const readers = new WeakMap<object, ShapeReader>();
const roots = new WeakMap<KindSchema, MapShape>();

function withTopLevel(base: Shape): MapShape {
  const fields = base.kind === 'map' ? base : undefined;
  return {
    kind: 'map',
    atomic: false,
    field: (name) => fields?.field(name) ?? (Object.hasOwn(TOP_LEVEL, name) ? TOP_LEVEL[name] : undefined),
    elements: () => fields?.elements() ?? UNTYPED,
  };
}

const UNSCHEMED = withTopLevel(UNTYPED);

/** The root shape for objects of a kind; built once per KindSchema. */
export function kindShape(schema: KindSchema | undefined): MapShape {
  if (!schema) return UNSCHEMED;
  let root = roots.get(schema);
  if (!root) {
    let reader = readers.get(schema.components);
    if (!reader) {
      reader = new ShapeReader(schema.components);
      readers.set(schema.components, reader);
    }
    root = withTopLevel(reader.of(schema.components[schema.name]));
    roots.set(schema, root);
  }
  return root;
}
