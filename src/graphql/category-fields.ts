/**
 * `typeByCategory(name:)`, as kubernetes-graphql-gateway offers it: which resources of this
 * workspace belong to a category (`kcp`, `all`, a CRD's own), with the names to query them by —
 * so a generic UI can list "everything of kind X" without hard-coding the schema's layout.
 */
import type { ResourceType } from '../registry/index.js';
import type { Builder } from './builder.js';
import type { SchemaLayout } from './layout.js';
import type { NameTable } from './name-table.js';
import { kindIdentity } from './type-plan.js';

interface CategoryEntry {
  type: ResourceType;
  /** The object type's name in this schema. */
  typeName: string;
  /** Path of the list field under Query, e.g. `rbac_authorization_k8s_io.v1.Roles`. */
  listField: string;
}

export function addCategoryField(builder: Builder, layout: SchemaLayout, names: NameTable): void {
  const entries: CategoryEntry[] = [];
  for (const g of layout.groups) {
    for (const v of g.versions) {
      for (const r of v.resources) {
        const path = [g.fieldName, v.fieldName, r.plural].filter((p): p is string => p !== undefined).join('.');
        entries.push({ type: r.type, typeName: names.nameOf(kindIdentity(r.type)) ?? r.type.kind, listField: path });
      }
    }
  }
  const entry = builder.objectRef<CategoryEntry>(names.claim('object:TypeByCategory', 'TypeByCategory')).implement({
    description: 'A resource that belongs to the asked category.',
    fields: (f) => ({
      group: f.string({ nullable: false, resolve: ENTRY.group }),
      version: f.string({ nullable: false, resolve: ENTRY.version }),
      kind: f.string({ nullable: false, resolve: ENTRY.kind }),
      resource: f.string({ nullable: false, resolve: ENTRY.resource }),
      scope: f.string({ nullable: false, description: 'Namespaced or Cluster.', resolve: ENTRY.scope }),
      typeName: f.string({ nullable: false, description: 'The GraphQL object type of its objects.', resolve: ENTRY.typeName }),
      listField: f.string({ nullable: false, description: 'Where to list them: the field path under Query.', resolve: ENTRY.listField }),
    }),
  });
  builder.queryField('typeByCategory', (t) =>
    t.field({
      type: [entry],
      nullable: false,
      description: 'The resources of this workspace in a category, e.g. "kcp".',
      args: { name: t.arg.string({ required: true }) },
      resolve: inCategory(entries),
    }),
  );
}

// The resolvers are made out here, not in addCategoryField: a closure made there would share its
// scope (the entry type's ref, and through it the whole build) for as long as the schema lives.
const ENTRY = {
  group: (e: CategoryEntry) => e.type.group,
  version: (e: CategoryEntry) => e.type.version,
  kind: (e: CategoryEntry) => e.type.kind,
  resource: (e: CategoryEntry) => e.type.resource,
  scope: (e: CategoryEntry) => (e.type.namespaced ? 'Namespaced' : 'Cluster'),
  typeName: (e: CategoryEntry) => e.typeName,
  listField: (e: CategoryEntry) => e.listField,
};

const inCategory =
  (entries: readonly CategoryEntry[]) =>
  (_root: unknown, args: { name: string }): CategoryEntry[] =>
    entries.filter((e) => (e.type.categories ?? []).includes(args.name));
