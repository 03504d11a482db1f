/**
 * The resource types an APIResourceSchema serves in a consumer workspace that bound it. They are
 * built by the CRD machinery (the schema's spec is a CRD spec whose versions carry the OpenAPI
 * schema directly) and stored under the resource qualified by the export's identity hash, so two
 * exports of the same group and resource are two APIs whose objects never mix. Types are cached by
 * (schema content, identity): every consumer of one export shares them, and with them one API set.
 */
import type { KubeObject } from '../meta/index.js';
import { servedTypes, specHash, type CrdSpec } from '../crd/index.js';
import { groupResource, type ResourceType } from '../registry/index.js';
import { schemaSpecOf, type APIResourceSchemaSpec } from './types.js';

/** The storage key's resource part for a bound resource: `<plural>.<group>:<identityHash>`. */
export const boundStorageResource = (group: string, resource: string, identityHash: string): string =>
  `${groupResource({ group, resource })}:${identityHash}`;

/** The CRD spec an APIResourceSchema's spec stands for. */
export function crdSpecOfSchema(spec: APIResourceSchemaSpec): CrdSpec {
  return {
    group: spec.group,
    names: spec.names,
    scope: spec.scope,
    versions: spec.versions.map(({ schema, ...v }) => ({ ...v, schema: { openAPIV3Schema: schema } })),
  };
}

export function boundTypes(schema: KubeObject, identityHash: string): ResourceType[] {
  const spec = crdSpecOfSchema(schemaSpecOf(schema));
  return servedTypes(spec, specHash(spec), boundStorageResource(spec.group, spec.names.plural, identityHash));
}
