/**
 * The OpenAPI schema of CustomResourceDefinition itself (for `kubectl explain crd`, apply and
 * strategic merge patch), under the name Kubernetes gives it. A version's openAPIV3Schema is kept
 * free-form here: it is checked by the CRD validation, and clients only need to round-trip it.
 */
import type { OpenApiComponents, OpenApiSchema } from '../meta/index.js';
import { builtinComponents, schemaBuilders as b } from '../registry/index.js';

export const CRD_SCHEMA = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';

const names: OpenApiSchema = {
  type: 'object',
  description: 'How the resource is named in URLs, in kubectl and in objects.',
  properties: {
    plural: b.str('Plural, lower-case name used in URLs: /apis/<group>/<version>/<plural>. Must match the CRD name’s first part.'),
    singular: b.str('Singular, lower-case name; defaults to the lower-cased kind.'),
    kind: b.str('The CamelCase kind of the objects.'),
    listKind: b.str('The kind of lists of the objects; defaults to <kind>List.'),
    shortNames: b.stringList('Short names kubectl accepts, e.g. "cw".', b.ATOMIC),
    categories: b.stringList('Groups of resources this one belongs to, e.g. "all" (kubectl get all).', b.ATOMIC),
  },
  required: ['plural', 'kind'],
};

const version: OpenApiSchema = {
  type: 'object',
  description: 'One version of the resource.',
  properties: {
    name: b.str('The version name, e.g. v1, v2beta1.'),
    served: b.bool('Whether this version is served by REST and GraphQL.'),
    storage: b.bool('Whether objects are stored in this version; exactly one version is.'),
    deprecated: b.bool('Whether requests to this version get a deprecation warning.'),
    deprecationWarning: b.str('The warning returned instead of the default one.'),
    schema: {
      type: 'object',
      description: 'The version’s schema.',
      properties: {
        openAPIV3Schema: {
          type: 'object',
          description: 'A structural OpenAPI v3 schema the objects are validated, defaulted and pruned with.',
          'x-kubernetes-preserve-unknown-fields': true,
        },
      },
    },
    subresources: {
      type: 'object',
      description: 'Subresources served for this version: status and scale.',
      properties: {
        status: { type: 'object', description: 'Serve /status: the main resource ignores status, /status ignores the rest.', 'x-kubernetes-preserve-unknown-fields': true },
        scale: {
          type: 'object',
          description: 'Serve /scale as an autoscaling/v1 Scale.',
          properties: {
            specReplicasPath: b.str('JSON path of the desired replicas under .spec, e.g. .spec.replicas.'),
            statusReplicasPath: b.str('JSON path of the observed replicas under .status.'),
            labelSelectorPath: b.str('JSON path of the label selector (a string) under .spec or .status.'),
          },
          required: ['specReplicasPath', 'statusReplicasPath'],
        },
      },
    },
    additionalPrinterColumns: {
      type: 'array',
      description: 'Columns kubectl get shows besides the name.',
      items: {
        type: 'object',
        description: 'One column.',
        properties: {
          name: b.str('Column header.'),
          type: b.str('integer, number, string, boolean or date.'),
          format: b.str('Optional format of the type, e.g. int32, date-time.'),
          description: b.str('What the column shows.'),
          priority: b.int32('0: always shown; more: only with -o wide.'),
          jsonPath: b.str('JSON path of the value in each object, e.g. .spec.replicas.'),
        },
        required: ['name', 'type', 'jsonPath'],
      },
      ...b.ATOMIC,
    },
    selectableFields: {
      type: 'array',
      description: 'Fields usable in field selectors besides metadata.name and metadata.namespace (at most 8).',
      items: { type: 'object', description: 'One field.', properties: { jsonPath: b.str('Simple JSON path of a string, integer or boolean field.') }, required: ['jsonPath'] },
      ...b.ATOMIC,
    },
  },
  required: ['name', 'served', 'storage'],
};


const schemas: Record<string, OpenApiSchema> = {
  [CRD_SCHEMA]: b.kindSchema({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    description: 'A new resource served in the workspace that holds it, validated by its schema.',
    properties: {
      spec: {
        type: 'object',
        description: 'The resource’s group, names, scope and versions.',
        properties: {
          group: b.str('API group of the resource, a domain with at least one dot.'),
          names: names,
          scope: b.str('Namespaced or Cluster.'),
          versions: { type: 'array', description: 'The versions served; exactly one is the storage version.', items: version, ...b.keyedList('name') },
          conversion: {
            type: 'object',
            description: 'How objects are converted between versions: None (only apiVersion changes).',
            properties: { strategy: b.str('None.') },
          },
          preserveUnknownFields: b.bool('Must be false: unknown fields are pruned.'),
        },
        required: ['group', 'names', 'scope', 'versions'],
      },
      status: {
        type: 'object',
        description: 'What the server has made of the definition.',
        properties: {
          conditions: { ...b.conditionList('Observed conditions of the definition.', 'Established, NamesAccepted, Terminating or NonStructuralSchema.'), ...b.keyedList('type') },
          acceptedNames: { ...names, required: [] },
          storedVersions: b.stringList('Versions objects have ever been stored in.'),
        },
      },
    },
    required: ['spec'],
  }),
};

export const crdComponents: OpenApiComponents = { ...builtinComponents, ...schemas };
