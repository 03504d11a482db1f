/**
 * `x-kubernetes-embedded-resource` objects (and the resource root) keep apiVersion, kind and
 * metadata out of schema pruning. Inside an embedded resource, metadata is what ObjectMeta can
 * hold: Kubernetes round-trips it through ObjectMeta, which drops unknown fields and a null
 * creationTimestamp; here the same fields are removed. On validation an embedded resource needs
 * apiVersion and kind, and its metadata must be valid ObjectMeta (name as a path segment).
 */
import { validateObjectMeta } from '../../registry/object-meta.js';
import { isObject, type JsonObject } from './json.js';
import { fail, fieldOf, joinField, type ValidationState } from './state.js';

export const META_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata']);

const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Drops what ObjectMeta cannot hold from an embedded resource's metadata; records the unknown fields. */
export function pruneEmbeddedMetadata(resource: JsonObject, path: string[], removed: string[][]): void {
  const meta = resource.metadata;
  if (!isObject(meta)) return;
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) {
      removed.push([...path, 'metadata', k]);
      delete meta[k];
    } else if (k === 'creationTimestamp' && meta[k] === null) {
      delete meta[k];
    }
  }
}

function checkTypeMeta(obj: JsonObject, key: 'apiVersion' | 'kind', st: ValidationState): void {
  st.path.push(key);
  const v = obj[key];
  if (v === undefined) {
    fail(st, { type: 'FieldValueRequired', field: fieldOf(st), detail: 'must not be empty' }, true);
  } else if (typeof v !== 'string') {
    fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: v, detail: 'must be a string' }, false);
  } else if (v === '') {
    fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: v, detail: 'must not be empty' }, false);
  } else if (key === 'apiVersion' && v.split('/').length > 2) {
    fail(st, { type: 'FieldValueInvalid', field: fieldOf(st), value: v, detail: `unexpected GroupVersion string: ${v}` }, false);
  }
  st.path.pop();
}

const BLOCKING = new Set(['FieldValueRequired', 'FieldValueNotSupported', 'FieldValueTooLong', 'FieldValueTypeInvalid']);

/** apiVersion, kind and ObjectMeta of an embedded resource (objectmeta.Validate). */
export function validateEmbedded(obj: JsonObject, st: ValidationState): void {
  checkTypeMeta(obj, 'apiVersion', st);
  checkTypeMeta(obj, 'kind', st);
  const meta = obj.metadata;
  if (meta === undefined || meta === null) return;
  const at = fieldOf(st);
  if (!isObject(meta)) {
    fail(st, { type: 'FieldValueInvalid', field: joinField(at, 'metadata'), value: meta, detail: 'must be of type object' }, false);
    return;
  }
  // Kubernetes fills in a name so that a nameless template validates.
  const probe = { ...meta, name: typeof meta.name === 'string' && meta.name !== '' ? meta.name : 'fakename' };
  const namespaced = typeof meta.namespace === 'string' && meta.namespace !== '';
  for (const e of validateObjectMeta(probe, { nameRule: 'path-segment', namespaced }).errors) {
    fail(st, { ...e, field: joinField(at, e.field) }, BLOCKING.has(e.type));
  }
}
