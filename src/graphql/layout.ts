/**
 * The names of a compiled schema's Query tree, settled before any type is built and in a fixed
 * order — kinds' object types, then their list types, then the group and version containers —
 * so that the order in which an API set lists its types never changes a name, and a kind keeps
 * its name even next to a contrived container or list name.
 */
import { sortVersions, type ApiSet } from '../apis/index.js';
import type { ResourceType } from '../registry/index.js';
import { NameTable } from './name-table.js';
import {
  groupFieldName,
  groupQueryTypeName,
  kindFallbackTypeName,
  kindTypeName,
  listTypeName,
  pluralFieldName,
  singularFieldName,
  versionFieldName,
  versionQueryTypeName,
} from './names.js';
import { kindIdentity } from './type-plan.js';

export interface ResourceFields {
  type: ResourceType;
  /** `ConfigMap(name, namespace)`. */
  singular: string;
  /** `ConfigMaps(namespace, labelSelector, …)`. */
  plural: string;
}

export interface VersionLayout {
  version: string;
  fieldName: string;
  typeName: string;
  resources: ResourceFields[];
}

export interface GroupLayout {
  group: string;
  /** Undefined for the core group, whose versions are fields of Query itself. */
  fieldName?: string;
  typeName?: string;
  versions: VersionLayout[];
}

export interface SchemaLayout {
  groups: GroupLayout[];
  /** Every type, core group first, then by group, version preference and kind. */
  types: ResourceType[];
}

export const listIdentity = (t: ResourceType): string => `list:${t.group}/${t.version}/${t.kind}`;

export function layoutOf(set: ApiSet, names: NameTable): SchemaLayout {
  // Kinds that are never stored (access reviews) have nothing to query, watch or update: they get
  // no fields until a create-only mutation for them is designed. Action subresources (a
  // ServiceAccount's `token`) add no field either; naming one as a write's `subresource` is
  // refused by the registry (405).
  const served = set.types.filter((t) => !t.ephemeral);
  const groupNames = [...new Set(served.map((t) => t.group))].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
  const byGroup = groupNames.map((group) => {
    const types = served.filter((t) => t.group === group);
    const versions = sortVersions([...new Set(types.map((t) => t.version))]);
    return { group, versions: versions.map((version) => ({ version, types: types.filter((t) => t.version === version).sort(byKind) })) };
  });
  const types = byGroup.flatMap((g) => g.versions.flatMap((v) => v.types));
  for (const t of types) names.claim(kindIdentity(t), kindTypeName(t), kindFallbackTypeName(t));
  for (const t of types) names.claim(listIdentity(t), listTypeName(names.nameOf(kindIdentity(t)) ?? kindTypeName(t)));

  const queryFields = new NameTable();
  const groups = byGroup.map(({ group, versions }): GroupLayout => {
    const core = group === '';
    const versionFields = core ? queryFields : new NameTable();
    const layout: GroupLayout = {
      group,
      versions: versions.map((v) => ({
        version: v.version,
        fieldName: versionFields.claim(`version:${v.version}`, versionFieldName(v.version)),
        typeName: names.claim(`version:${group}/${v.version}`, versionQueryTypeName(group, v.version)),
        resources: resourceFields(v.types),
      })),
    };
    if (!core) {
      layout.fieldName = queryFields.claim(`group:${group}`, groupFieldName(group));
      layout.typeName = names.claim(`group:${group}`, groupQueryTypeName(group));
    }
    return layout;
  });
  return { groups, types };
}

/** Singular fields first: a kind's own name always wins over another kind's plural. */
function resourceFields(types: readonly ResourceType[]): ResourceFields[] {
  const fields = new NameTable();
  const singular = types.map((t) => fields.claim(`one:${t.resource}`, singularFieldName(t)));
  return types.map((t, i) => ({
    type: t,
    singular: singular[i] as string,
    plural: fields.claim(`all:${t.resource}`, pluralFieldName(t), `${singularFieldName(t)}List`),
  }));
}

const byKind = (a: ResourceType, b: ResourceType): number => a.kind.localeCompare(b.kind) || a.resource.localeCompare(b.resource);
