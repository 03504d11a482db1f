/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition: cluster-scoped in every workspace, each
 * workspace's own. Writes are validated here; establishing (conditions) and the removal of the
 * resource's objects on deletion are the CRD controller's work.
 */
import { deepEqual, type KubeObject } from '../meta/index.js';
import { builtin, checkSchema, type FieldError } from '../registry/index.js';
import { CRD_CLEANUP_FINALIZER, type CrdSpec } from './crd-types.js';
import { CRD_SCHEMA, crdComponents } from './crd-openapi.js';
import { crdShape } from './crd-shape.js';
import { validateCrd, validateCrdUpdate } from './crd-validation.js';

/** Fills in what Kubernetes defaults: singular and listKind from the kind, conversion None. */
function defaults(o: KubeObject): void {
  const spec = o.spec as CrdSpec | undefined;
  if (!spec || typeof spec !== 'object') return;
  const names = spec.names as CrdSpec['names'] | undefined;
  if (names && typeof names === 'object' && typeof names.kind === 'string') {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind) names.listKind = `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
}

export const customResourceDefinitions = builtin(
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    nameRule: 'subdomain',
    hasStatus: true,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    schema: { name: CRD_SCHEMA, components: crdComponents },
    columns: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the definition: <plural>.<group>.', priority: 0, cell: (o) => o.metadata.name ?? '' },
      {
        name: 'Created At',
        type: 'date',
        description: 'When the definition was created.',
        priority: 0,
        cell: (o) => o.metadata.creationTimestamp ?? null,
      },
    ],
  },
  {
    validate(o, old) {
      const shape = checkSchema(crdShape, o);
      // Semantic rules assume the shape; skip them while the shape is wrong. They read only the
      // spec and the name, so a write that changes neither (the controller's status writes) has
      // passed them already: compiling every schema and CEL rule again would be wasted.
      const unchanged = old !== undefined && o.metadata.name === old.metadata.name && deepEqual(o.spec, old.spec);
      const errors: FieldError[] = shape.errors.length > 0 ? shape.errors : unchanged ? [] : validateCrd(o);
      return { errors, unknownFields: shape.unknownFields };
    },
    validateUpdate: (o, old) => validateCrdUpdate(o, old),
    prepareForCreate(o) {
      defaults(o);
      const finalizers = o.metadata.finalizers ?? [];
      if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) o.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
    },
    prepareForUpdate: (o) => defaults(o),
  },
);
