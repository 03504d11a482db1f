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
      group: f.string({ nullable: false, resolve: (e) => e.type.group }),
      version: f.string({ nullable: false, resolve: (e) => e.type.version }),
      kind: f.string({ nullable: false, resolve: (e) => e.type.kind }),
      resource: f.string({ nullable: false, resolve: (e) => e.type.resource }),
      scope: f.string({ nullable: false, description: 'Namespaced or Cluster.', resolve: (e) => (e.type.namespaced ? 'Namespaced' : 'Cluster') }),
      typeName: f.string({ nullable: false, description: 'The GraphQL object type of its objects.', resolve: (e) => e.typeName }),
      listField: f.string({ nullable: false, description: 'Where to list them: the field path under Query.', resolve: (e) => e.listField }),
    }),
  });
  builder.queryField('typeByCategory', (t) =>
    t.field({
      type: [entry],
      nullable: false,
      description: 'The resources of this workspace in a category, e.g. "kcp".',
      args: { name: t.arg.string({ required: true }) },
      resolve: (_root, args) => entries.filter((e) => (e.type.categories ?? []).includes(args.name)),
    }),
  );
}
