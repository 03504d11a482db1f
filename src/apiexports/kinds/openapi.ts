/**
 * OpenAPI v3 schemas of the apis.kcp.io kinds, named as kcp's served CRDs name them
 * (`io.kcp.apis.v1alpha2.APIExport`), with their list types and defaults, so `kubectl explain`,
 * server-side apply and the GraphQL surface see what kcp's clients expect. Nested structs are
 * inline, as in a CRD's schema.
 */
import type { OpenApiComponents, OpenApiSchema } from '../../meta/index.js';
import { builtinComponents, schemaBuilders as b } from '../../registry/index.js';
import { APIS_GROUP } from '../types.js';

export const APIS_V1ALPHA1 = 'io.kcp.apis.v1alpha1.';
export const APIS_V1ALPHA2 = 'io.kcp.apis.v1alpha2.';

const obj = (description: string, properties: Record<string, OpenApiSchema>, extras: Omit<OpenApiSchema, 'description'> = {}): OpenApiSchema => ({
  type: 'object',
  description,
  properties,
  ...extras,
});
const list = (description: string, items: OpenApiSchema, extras: Omit<OpenApiSchema, 'description'> = {}): OpenApiSchema => ({
  type: 'array',
  description,
  items,
  ...extras,
});
const mapKeys = (...keys: string[]): Omit<OpenApiSchema, 'description'> => ({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys });
const SET: Omit<OpenApiSchema, 'description'> = { 'x-kubernetes-list-type': 'set' };

const selector = (description: string, extras: Omit<OpenApiSchema, 'description'> = {}): OpenApiSchema =>
  obj(
    description,
    {
      matchLabels: b.stringMap('Labels the objects must carry, all of them.'),
      matchExpressions: list(
        'Requirements on the objects’ labels, all of them.',
        obj(
          'A requirement: a label key, an operator and values.',
          {
            key: b.str('The label key.'),
            operator: b.str('In, NotIn, Exists or DoesNotExist.'),
            values: b.stringList('The values for In and NotIn; empty for Exists and DoesNotExist.', b.ATOMIC),
          },
          { required: ['key', 'operator'] },
        ),
        b.ATOMIC,
      ),
      matchAll: b.bool('Selects every object; cannot be combined with matchLabels or matchExpressions.'),
    },
    { 'x-kubernetes-map-type': 'atomic', ...extras },
  );

const exportReference = (description: string): OpenApiSchema =>
  obj(
    description,
    {
      path: b.str('Path of the workspace holding the APIExport, e.g. root:org:ws; empty means this workspace.'),
      name: b.str('Name of the APIExport.'),
    },
    { required: ['name'] },
  );

const claimKeys = {
  group: b.str('API group of the claimed resource; empty for the core group.', { default: '' }),
  resource: b.str('The claimed resource (plural, lower case).'),
};
const identityHash = b.str('Identity of the APIExport serving the claimed resource; empty for built-in types.', { default: '' });

const claimV2Props: Record<string, OpenApiSchema> = {
  ...claimKeys,
  verbs: b.stringList('The verbs claimed on the resource; "*" means all.', SET),
  identityHash,
  defaultSelector: selector('The selector default APIBindings accept the claim with; matchAll when unset.'),
};
const claimV2Required = ['resource', 'verbs'];

const claimV1Props: Record<string, OpenApiSchema> = {
  ...claimKeys,
  all: b.bool('Claims every object of the resource.'),
  resourceSelector: list(
    'Claims only the objects named here.',
    obj('Objects by name and namespace; at least one is set.', {
      name: b.str('Name of the claimed objects.'),
      namespace: b.str('Namespace of the claimed objects.'),
    }),
  ),
  identityHash: b.str('Identity of the APIExport serving the claimed resource; empty for built-in types.'),
};

const claimV2 = (description: string): OpenApiSchema => obj(description, claimV2Props, { required: claimV2Required });
const scopedClaimV2 = (description: string): OpenApiSchema =>
  obj(description, { ...claimV2Props, selector: selector('Which objects of the resource the claim covers.') }, { required: [...claimV2Required, 'selector'] });
const claimV1 = (description: string): OpenApiSchema => obj(description, claimV1Props, { required: ['resource'] });
const STATE = b.str('Accepted or Rejected.', { enum: ['Accepted', 'Rejected'] });

const identity = obj('The secret holding the export’s identity key; created by the system when unset.', {
  secretRef: obj(
    'Reference to the secret; the key is in its "key" entry.',
    { name: b.str('Name of the secret.'), namespace: b.str('Namespace of the secret.') },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
});
const maximalPermissionPolicy = obj('An upper bound on what consumers of the export may do, checked in the export’s workspace.', {
  local: obj('RBAC in the export’s workspace, for the binding user prefixed with apis.kcp.io:binding:.', {}),
});

const exportStatus = obj('Observed state of the export.', {
  identityHash: b.str('Hash of the identity key; immutable once set.'),
  conditions: b.conditionList('Observed conditions of the export.'),
  virtualWorkspaces: list(
    'Deprecated: URLs of the export’s virtual workspace; see APIExportEndpointSlice.',
    obj('A virtual workspace URL.', { url: b.str('The URL.') }, { required: ['url'] }),
  ),
});

const boundResources = list(
  'The resources bound in this workspace.',
  obj(
    'A bound resource and the schema it is served from.',
    {
      group: b.str('API group of the resource.'),
      resource: b.str('The resource (plural).'),
      schema: obj(
        'The APIResourceSchema the resource is served from.',
        { name: b.str('Name of the schema.'), UID: b.str('UID of the schema.'), identityHash: b.str('Identity of the export.') },
        { required: ['name', 'UID', 'identityHash'] },
      ),
      storageVersions: b.stringList('Versions objects of the resource have been stored in.', SET),
    },
    { required: ['group', 'resource', 'schema'] },
  ),
  mapKeys('group', 'resource'),
);

const bindingStatus = (claims: { applied: OpenApiSchema; exported: OpenApiSchema }): OpenApiSchema =>
  obj('Observed state of the binding.', {
    apiExportClusterName: b.str('Name of the logical cluster holding the bound APIExport.'),
    boundResources,
    phase: b.str('"", Binding or Bound.', { enum: ['', 'Binding', 'Bound'] }),
    conditions: b.conditionList('Observed conditions of the binding.'),
    appliedPermissionClaims: claims.applied,
    exportPermissionClaims: claims.exported,
  });

const bindingSpec = (claims: OpenApiSchema): OpenApiSchema =>
  obj(
    'What to bind.',
    {
      reference: obj('The APIExport to bind; cannot be changed.', { export: exportReference('The APIExport, by workspace path and name.') }),
      permissionClaims: claims,
    },
    { required: ['reference'] },
  );

const printerColumns = list(
  'Extra columns of kubectl get.',
  obj(
    'A column.',
    {
      name: b.str('Column header.'),
      type: b.str('integer, number, string, boolean or date.'),
      format: b.str('Optional format of the type.'),
      description: b.str('What the column shows.'),
      priority: b.int32('0 shows the column always; higher only in wide output.'),
      jsonPath: b.str('JSONPath of the value, in each object.'),
    },
    { required: ['name', 'type', 'jsonPath'] },
  ),
  mapKeys('name'),
);

const schemaVersion = obj(
  'A version of the resource.',
  {
    name: b.str('Version name, e.g. v1 or v1alpha1.'),
    served: b.bool('Whether the version is served.', { default: true }),
    storage: b.bool('Whether objects are stored in this version; exactly one version is.'),
    deprecated: b.bool('Whether the version is deprecated.'),
    deprecationWarning: b.str('The warning requests to a deprecated version get.'),
    schema: {
      type: 'object',
      description: 'The OpenAPI v3 schema of the version (as a CRD’s openAPIV3Schema).',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-map-type': 'atomic',
    },
    subresources: obj('Subresources of the version.', {
      status: obj('Serves /status.', {}),
      scale: obj(
        'Serves /scale.',
        {
          specReplicasPath: b.str('JSONPath of the desired replicas, under .spec.'),
          statusReplicasPath: b.str('JSONPath of the observed replicas, under .status.'),
          labelSelectorPath: b.str('JSONPath of the label selector string.'),
        },
        { required: ['specReplicasPath', 'statusReplicasPath'] },
      ),
    }),
    additionalPrinterColumns: printerColumns,
    selectableFields: list('Fields field selectors may name.', obj('A field.', { jsonPath: b.str('JSONPath of the field.') }, { required: ['jsonPath'] }), b.ATOMIC),
  },
  { required: ['name', 'schema', 'served', 'storage'] },
);

const kind = (version: string, kindName: string, description: string, properties: Record<string, OpenApiSchema>, required?: string[]): OpenApiSchema =>
  b.kindSchema({ group: APIS_GROUP, version, kind: kindName, description, properties, ...(required ? { required } : {}) });

const schemas: Record<string, OpenApiSchema> = {
  [`${APIS_V1ALPHA1}APIResourceSchema`]: kind('v1alpha1', 'APIResourceSchema', 'An immutable snapshot of a resource’s schema, which APIExports serve.', {
    spec: obj(
      'The resource: its group, names, scope and versions.',
      {
        group: b.str('API group of the resource; empty for the core group.'),
        names: obj(
          'Names of the resource.',
          {
            plural: b.str('Plural name, lower case; the resource in URLs.'),
            singular: b.str('Singular name, lower case.'),
            shortNames: b.stringList('Short names for kubectl.', b.ATOMIC),
            kind: b.str('Kind of the objects, CamelCase.'),
            listKind: b.str('Kind of lists of the objects.'),
            categories: b.stringList('Categories the resource belongs to, e.g. all.', b.ATOMIC),
          },
          { required: ['plural', 'kind'] },
        ),
        scope: b.str('Cluster or Namespaced.', { enum: ['Cluster', 'Namespaced'] }),
        versions: list('The versions of the resource.', schemaVersion, mapKeys('name')),
        nameValidation: b.str('How object names are validated: DNS1123Subdomain or PathSegmentName.', {
          enum: ['DNS1123Subdomain', 'PathSegmentName'],
          default: 'DNS1123Subdomain',
        }),
        conversion: obj(
          'How objects are converted between versions.',
          {
            strategy: b.str('None or Webhook.', { enum: ['None', 'Webhook'] }),
            webhook: obj(
              'The conversion webhook.',
              {
                clientConfig: obj('How to reach the webhook.', { url: b.str('URL of the webhook.', { format: 'uri' }), caBundle: b.str('PEM CA bundle.', { format: 'byte' }) }),
                conversionReviewVersions: b.stringList('ConversionReview versions the webhook accepts.', b.ATOMIC),
              },
              { required: ['conversionReviewVersions'] },
            ),
          },
          { required: ['strategy'] },
        ),
      },
      { required: ['group', 'names', 'scope', 'versions'] },
    ),
  }),
  [`${APIS_V1ALPHA2}APIExport`]: kind('v1alpha2', 'APIExport', 'Resources a provider offers for other workspaces to bind.', {
    spec: obj('What the export offers.', {
      resources: list(
        'The exported resources and the APIResourceSchemas they are served from.',
        obj(
          'An exported resource.',
          {
            name: b.str('The resource (plural).'),
            group: b.str('API group of the resource; empty for the core group.'),
            schema: b.str('Name of the APIResourceSchema: <prefix>.<name>.<group or core>.'),
            storage: obj(
              'How objects of the resource are stored: crd (the default) or virtual.',
              {
                crd: obj('Stored as custom resources in each consumer workspace.', {}),
                virtual: obj(
                  'Served from another object’s virtual workspace.',
                  {
                    reference: obj(
                      'The object whose status.url serves the resource.',
                      { apiGroup: b.str('API group of the object.'), kind: b.str('Kind of the object.'), name: b.str('Name of the object.') },
                      { required: ['kind', 'name'], 'x-kubernetes-map-type': 'atomic' },
                    ),
                    identityHash: b.str('Identity of the virtual resource.'),
                  },
                  { required: ['identityHash', 'reference'] },
                ),
              },
              { default: { crd: {} } },
            ),
          },
          { required: ['group', 'name', 'schema'] },
        ),
        mapKeys('name', 'group'),
      ),
      identity,
      maximalPermissionPolicy,
      permissionClaims: list('Other resources the provider asks consumers for access to.', claimV2('A claimed resource.'), mapKeys('group', 'resource')),
    }),
    status: exportStatus,
  }),
  [`${APIS_V1ALPHA1}APIExport`]: kind('v1alpha1', 'APIExport', 'Resources a provider offers for other workspaces to bind.', {
    spec: obj('What the export offers.', {
      latestResourceSchemas: b.stringList('Names of the APIResourceSchemas of the exported resources.', SET),
      identity,
      maximalPermissionPolicy,
      permissionClaims: list('Other resources the provider asks consumers for access to.', claimV1('A claimed resource.'), mapKeys('group', 'resource')),
    }),
    status: exportStatus,
  }),
  [`${APIS_V1ALPHA2}APIBinding`]: kind(
    'v1alpha2',
    'APIBinding',
    'Binds an APIExport’s resources into this workspace.',
    {
      spec: bindingSpec(
        list(
          'The export’s claims this workspace accepts or rejects.',
          obj(
            'A claim and the answer to it.',
            { ...claimV2Props, selector: selector('Which objects of the resource the claim covers; cannot be changed.'), state: STATE },
            { required: [...claimV2Required, 'selector', 'state'] },
          ),
          mapKeys('group', 'resource', 'identityHash'),
        ),
      ),
      status: bindingStatus({
        applied: list('Claims in effect.', scopedClaimV2('A claim in effect.'), mapKeys('group', 'resource', 'identityHash')),
        exported: list('The claims the export makes.', claimV2('A claim of the export.')),
      }),
    },
    ['spec'],
  ),
  [`${APIS_V1ALPHA1}APIBinding`]: kind(
    'v1alpha1',
    'APIBinding',
    'Binds an APIExport’s resources into this workspace.',
    {
      spec: bindingSpec(
        list('The export’s claims this workspace accepts or rejects.', obj('A claim and the answer to it.', { ...claimV1Props, state: STATE }, { required: ['resource', 'state'] })),
      ),
      status: bindingStatus({ applied: list('Claims in effect.', claimV1('A claim in effect.')), exported: list('The claims the export makes.', claimV1('A claim of the export.')) }),
    },
    ['spec'],
  ),
  [`${APIS_V1ALPHA1}APIExportEndpointSlice`]: kind('v1alpha1', 'APIExportEndpointSlice', 'The URLs of an APIExport’s virtual workspace, on the shards of a partition.', {
    spec: obj(
      'Which export, on which partition.',
      {
        export: exportReference('The APIExport, by workspace path and name; cannot be changed.'),
        partition: b.str('A topology.kcp.io Partition in this workspace; all shards when empty.'),
      },
      { required: ['export'] },
    ),
    status: obj('The endpoints.', {
      conditions: b.conditionList('Observed conditions of the slice.'),
      endpoints: list(
        'The virtual workspace URLs, one per shard with consumers.',
        obj(
          'An endpoint.',
          {
            url: b.str('The URL.'),
            shards: obj('The shards the endpoint serves.', {
              matchAll: b.bool('Every shard.'),
              selector: selector('Shards by label.'),
            }),
          },
          { required: ['url'] },
        ),
        mapKeys('url'),
      ),
      shardSelector: b.str('Label selector of the partition’s shards; empty means all.'),
    }),
  }),
};

for (const [prefix, version, kinds] of [
  [APIS_V1ALPHA1, 'v1alpha1', ['APIResourceSchema', 'APIExport', 'APIBinding', 'APIExportEndpointSlice']],
  [APIS_V1ALPHA2, 'v1alpha2', ['APIExport', 'APIBinding']],
] as const) {
  for (const k of kinds) schemas[`${prefix}${k}List`] = b.listSchema(APIS_GROUP, version, k, `${prefix}${k}`, `The ${k} objects.`);
}

export const apisComponents: OpenApiComponents = Object.freeze({ ...builtinComponents, ...schemas });
