/**
 * The read side of a compiled schema, shaped as kubernetes-graphql-gateway users expect: group →
 * version → resource (`query { v1 { ConfigMap(name:, namespace:) ConfigMaps(...) } }`, other groups
 * as `rbac_authorization_k8s_io { v1 { Roles } }`). Resolvers only translate arguments and call
 * the shared Registry, so every rule (selectors, paging, resourceVersion, errors) is the REST one;
 * `sortBy` (sort-items.ts) is the one thing REST has not, applied to the list the registry returns.
 * Types are created here in reading order (Query, containers, kinds), which is the order the
 * printed SDL follows.
 */
import type { ObjectRef } from '@pothos/core';
import { errors, type ListResponse, type ResourceType } from '../registry/index.js';
import type { Builder, Types } from './builder.js';
import { selectedName } from '../auth/index.js';
import { requestContext, type GraphQLContext } from './context.js';
import { readList } from './list-read.js';
import { registryCall } from './errors.js';
import { readGuard } from './field-guards.js';
import { listIdentity, type ResourceFields, type SchemaLayout, type VersionLayout } from './layout.js';
import type { NameTable } from './name-table.js';
import type { OpenApiTypes, OutputRef } from './openapi-types.js';
import { checkSortPath, pathSegments, sortItems, SORT_ORDERS, type SortOrder } from './sort-items.js';
import { kindPlan, type ObjectPlan } from './type-plan.js';

/** Group and version fields resolve to an empty object: only their resources read anything. */
type Container = Record<string, never>;
const CONTAINER: Container = {};
// The resolvers that need nothing are defined at module level: a closure made while building would
// keep the builder's scope (the field builder, the types' refs: the whole build) with the schema.
const container = (): Container => CONTAINER;
const listItems = (r: ListResponse): ListResponse['items'] => r.items;
// The store's revision moves with every write to any range: a result showing it is not kept.
const listResourceVersion = (r: ListResponse, _args: unknown, ctx: GraphQLContext): string => {
  if (ctx.reads) ctx.reads.volatile = true;
  return r.resourceVersion;
};
const listContinue = (r: ListResponse): string | null => r.continue ?? null;
const listRemaining = (r: ListResponse): number | null => r.remainingItemCount ?? null;
type ContainerRef = ObjectRef<Types, Container>;
type SortOrderRef = ReturnType<Builder['enumType']>;

/** Adds `Query` with every group, version and resource of the layout. */
export function addQueryFields(builder: Builder, layout: SchemaLayout, types: OpenApiTypes, names: NameTable): void {
  const top: [string, ContainerRef][] = [];
  const sortOrder = builder.enumType(names.claim('enum:SortOrder', 'SortOrder'), {
    description: 'The direction of a sortBy: ASC (the default) or DESC. Absent values come last either way.',
    values: SORT_ORDERS,
  });
  builder.queryType({
    fields: (t) => Object.fromEntries(top.map(([name, ref]) => [name, t.field({ type: ref, nullable: false, resolve: container })])),
  });
  for (const g of layout.groups) {
    if (g.fieldName === undefined || g.typeName === undefined) {
      for (const v of g.versions) top.push([v.fieldName, versionType(builder, v, types, names, sortOrder)]);
      continue;
    }
    const versions: [string, ContainerRef][] = [];
    top.push([g.fieldName, builder.objectRef<Container>(g.typeName).implement({
      description: `The versions of API group ${g.group}.`,
      fields: (t) => Object.fromEntries(versions.map(([name, ref]) => [name, t.field({ type: ref, nullable: false, resolve: container })])),
    })]);
    for (const v of g.versions) versions.push([v.fieldName, versionType(builder, v, types, names, sortOrder)]);
  }
}

function versionType(builder: Builder, v: VersionLayout, types: OpenApiTypes, names: NameTable, sortOrder: SortOrderRef): ContainerRef {
  const ref = builder.objectRef<Container>(v.typeName);
  const resources = v.resources.map((r) => ({
    r,
    object: types.kindObject(r.type),
    list: listType(builder, r.type, types.kindObject(r.type), names),
    plan: kindPlan(r.type, names),
  }));
  return ref.implement({
    description: `The resources of ${v.resources[0]?.type.group || 'the core group'}, version ${v.version}.`,
    fields: (t) =>
      Object.fromEntries(
        resources.flatMap(({ r, object, list, plan }) => [
          [r.singular, singleField(t, r, object)],
          [r.plural, listField(t, r, list, plan, sortOrder)],
        ]),
      ),
  });
}

type Fields = PothosSchemaTypes.ObjectFieldBuilder<Types, Container>;

function singleField(t: Fields, r: ResourceFields, object: OutputRef) {
  const rt = r.type;
  return t.field({
    type: object,
    description: `One ${rt.kind} by name${rt.namespaced ? ' in a namespace' : ''}. Fails with NOT_FOUND when it does not exist.`,
    extensions: readGuard(rt),
    args: {
      name: t.arg.string({ required: true }),
      ...(rt.namespaced ? { namespace: t.arg.string({ required: true }) } : {}),
    },
    resolve: (_root, args, ctx) => {
      const namespace = 'namespace' in args && typeof args.namespace === 'string' ? args.namespace : undefined;
      return registryCall(() => ctx.registry.get(requestContext(ctx, rt, { verb: 'get', namespace, name: args.name }), rt, namespace, args.name));
    },
  });
}

function listField(t: Fields, r: ResourceFields, list: ObjectRef<Types, ListResponse>, plan: ObjectPlan, sortOrder: SortOrderRef) {
  const rt = r.type;
  return t.field({
    type: list,
    description: `${rt.kind} objects${rt.namespaced ? ' in one namespace, or in all when namespace is omitted' : ''}, filtered by selectors and paged with limit and continue.`,
    extensions: readGuard(rt),
    args: {
      ...(rt.namespaced ? { namespace: t.arg.string({ description: 'The namespace to list; omit it to list every namespace.' }) } : {}),
      labelSelector: t.arg.string({ description: 'A Kubernetes label selector, e.g. "app=web,tier in (a,b),!legacy".' }),
      fieldSelector: t.arg.string({ description: 'A Kubernetes field selector, e.g. "metadata.name=x".' }),
      limit: t.arg.int({ description: 'At most this many items; 0 or absent means all.' }),
      continue: t.arg.string({ description: 'The continue token of the previous page.' }),
      sortBy: t.arg.string({
        description:
          'Sort the whole list by the value at this field path of the objects (e.g. "metadata.creationTimestamp", "spec.replicas", "data.key"; `\\.` for a dot in a key); absent values last, ties in (namespace, name) order. Cannot be combined with limit or continue.',
      }),
      sortOrder: t.arg({ type: sortOrder, description: 'The direction of sortBy; ASC when omitted.' }),
    },
    resolve: (_root, args, ctx) => {
      const namespace = 'namespace' in args && typeof args.namespace === 'string' ? args.namespace : undefined;
      return registryCall(async () => {
        const sort = args.sortBy != null ? sortRequest(plan, args.sortBy, args.sortOrder === 'DESC' ? 'DESC' : 'ASC', args.limit, args.continue) : undefined;
        const asked = { verb: 'list', namespace, name: selectedName(args.fieldSelector) } as const;
        const page = await readList(ctx, requestContext(ctx, rt, asked), rt, asked, {
          ...(namespace !== undefined ? { namespace } : {}),
          ...(args.labelSelector != null ? { labelSelector: args.labelSelector } : {}),
          ...(args.fieldSelector != null ? { fieldSelector: args.fieldSelector } : {}),
          ...(args.limit != null ? { limit: args.limit } : {}),
          ...(args.continue != null ? { continue: args.continue } : {}),
        });
        return sort ? { ...page, items: sortItems(page.items, sort.segments, sort.order) } : page;
      });
    },
  });
}

/** A checked sortBy, before anything is read: refused with paging, or when the path is not a value of the kind. */
function sortRequest(plan: ObjectPlan, path: string, order: SortOrder, limit: number | null | undefined, cont: string | null | undefined): { segments: string[]; order: SortOrder } {
  if ((limit != null && limit > 0) || cont != null) {
    throw errors.badRequest('sortBy sorts the whole list, so it cannot be combined with limit or continue: list without them, or page without sortBy');
  }
  const segments = pathSegments(path);
  checkSortPath(plan, path, segments);
  return { segments, order };
}

function listType(builder: Builder, t: ResourceType, item: OutputRef, names: NameTable): ObjectRef<Types, ListResponse> {
  const name = names.nameOf(listIdentity(t));
  if (name === undefined) throw new Error(`no list type name for ${t.kind}`);
  return builder.objectRef<ListResponse>(name).implement({
    description: `A page of ${t.kind} objects.`,
    fields: (f) => ({
      items: f.field({ type: [item], nullable: false, resolve: listItems }),
      resourceVersion: f.field({
        type: 'String',
        nullable: false,
        description: 'The store revision the page was read at; start a watch from it to see later changes.',
        resolve: listResourceVersion,
      }),
      continue: f.field({
        type: 'String',
        description: 'Set when more items remain: pass it as continue to read the next page.',
        resolve: listContinue,
      }),
      remainingItemCount: f.field({
        type: 'Int64',
        description: 'How many items the remaining pages hold, when known.',
        resolve: listRemaining,
      }),
    }),
  });
}
