/**
 * Object references resolved in place, so a client reads related objects in one query instead of
 * a round trip per reference: every namespaced kind gets `namespaceObject` (its Namespace), every
 * kind gets `owners` (the objects its `metadata.ownerReferences` name, as the `KubeObject` union
 * of the API set's kinds). Reads go through a DataLoader per execution, so twenty ConfigMaps in
 * one namespace cost one Namespace read, and never through a cache that outlives the execution.
 */
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { resolveSchema, type KubeObject, type OwnerReference } from '../meta/index.js';
import { apiVersionOf, isApiError, type ResourceType } from '../registry/index.js';
import type { Builder, Obj } from './builder.js';
import { requestContext, type GraphQLContext } from './context.js';
import { registryCall } from './errors.js';
import type { SchemaLayout } from './layout.js';
import type { NameTable } from './name-table.js';
import type { OpenApiTypes, OutputRef } from './openapi-types.js';
import { kindIdentity } from './type-plan.js';

interface Ref {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
}

/**
 * One loader per execution: per request for a query or mutation, per event for a subscription.
 * graphql-js runs each event of a subscription as an execution of its own, on the subscription's
 * one context, with the event as root value; a loader kept per context served every later event
 * the objects the first one had read (a Namespace relabelled since, in `namespaceObject`), and
 * grew with every object the subscription ever referenced.
 */
const loaders = new WeakMap<GraphQLContext, { root: unknown; loader: DataLoader<Ref, KubeObject | null, string> }>();

function loaderOf(ctx: GraphQLContext, root: unknown): DataLoader<Ref, KubeObject | null, string> {
  const held = loaders.get(ctx);
  if (held && held.root === root) return held.loader;
  const loader = new DataLoader<Ref, KubeObject | null, string>(
    (refs) =>
      Promise.all(
        refs.map((r) =>
          // Authorized per reference (a `get`, as REST would read it): a refused one fails its own
          // field only, never the batch, and before anything tells whether it exists.
          Promise.resolve()
            .then(() => ctx.registry.get(requestContext(ctx, r.type, { verb: 'get', namespace: r.namespace, name: r.name }), r.type, r.namespace, r.name))
            .catch((err: unknown) => {
              // A dangling reference reads as null; anything else fails the field.
              if (isApiError(err) && err.reason === 'NotFound') return null;
              throw err instanceof Error ? err : new Error(String(err));
            }),
        ),
      ),
    { cacheKeyFn: (r) => `${r.type.group}/${r.type.resource}/${r.namespace ?? ''}/${r.name}` },
  );
  loaders.set(ctx, { root, loader });
  return loader;
}

export function addReferenceFields(builder: Builder, layout: SchemaLayout, types: OpenApiTypes, names: NameTable): void {
  const kinds = layout.types;
  if (kinds.length === 0) return;
  const refs = new Map<ResourceType, OutputRef>(kinds.map((t) => [t, types.kindObject(t)]));
  const byApiVersionKind = new Map(kinds.map((t) => [`${apiVersionOf(t)}/${t.kind}`, t]));
  const typeNames = new Map(kinds.map((t) => [`${apiVersionOf(t)}/${t.kind}`, names.nameOf(kindIdentity(t)) ?? t.kind]));
  const anyObject = builder.unionType(names.claim('union:KubeObject', 'KubeObject'), {
    description: 'Any object of the kinds this workspace serves.',
    types: [...refs.values()],
    resolveType: typeNameOf(typeNames),
  });
  const namespaceKind = kinds.find((t) => t.group === '' && t.version === 'v1' && t.resource === 'namespaces');
  for (const [t, ref] of refs) {
    // A kind whose own schema already has such a property keeps it; the reference field yields.
    if (!hasProperty(t, 'owners')) builder.objectField(ref, 'owners', (f) =>
      f.field({
        type: [anyObject],
        nullable: { list: false, items: false },
        description: 'The objects metadata.ownerReferences name (those that exist and whose kind is served here).',
        resolve: ownersOf(byApiVersionKind),
      }),
    );
    if (!t.namespaced || !namespaceKind || hasProperty(t, 'namespaceObject')) continue;
    const nsRef = refs.get(namespaceKind) as OutputRef;
    builder.objectField(ref, 'namespaceObject', (f) =>
      f.field({
        type: nsRef,
        description: 'The Namespace this object lives in.',
        resolve: namespaceOf(namespaceKind),
      }),
    );
  }
}

// The resolvers are made by the functions below, not inside addReferenceFields: a closure made there
// would share its scope (the object types' refs, and through them the whole build) for as long as
// the schema lives.

/**
 * The KubeObject union's type resolver: the name of the object type of a stored object's kind (a
 * name, not a ref, so that Pothos's resolver, which maps refs to names, is not needed at run time).
 */
const typeNameOf =
  (typeNames: ReadonlyMap<string, string>) =>
  (o: Obj): string | null =>
    typeNames.get(`${String(o.apiVersion)}/${String(o.kind)}`) ?? null;

const ownersOf =
  (byApiVersionKind: ReadonlyMap<string, ResourceType>) =>
  (o: Obj, _args: unknown, ctx: GraphQLContext, info: GraphQLResolveInfo): Promise<Obj[]> =>
    registryCall(async () => {
      const meta = (o.metadata ?? {}) as { namespace?: string; ownerReferences?: OwnerReference[] };
      const found = await Promise.all(
        (meta.ownerReferences ?? []).map((r) => {
          const owner = byApiVersionKind.get(`${r.apiVersion}/${r.kind}`);
          if (!owner) return null;
          return loaderOf(ctx, info.rootValue).load({ type: owner, namespace: owner.namespaced ? meta.namespace : undefined, name: r.name });
        }),
      );
      return found.filter((x): x is KubeObject => x !== null) as Obj[];
    });

const namespaceOf =
  (namespaceKind: ResourceType) =>
  (o: Obj, _args: unknown, ctx: GraphQLContext, info: GraphQLResolveInfo): Promise<Obj | null> =>
    registryCall(async () => {
      const namespace = (o.metadata as { namespace?: string } | undefined)?.namespace;
      return namespace ? ((await loaderOf(ctx, info.rootValue).load({ type: namespaceKind, namespace: undefined, name: namespace })) as Obj | null) : null;
    });

function hasProperty(t: ResourceType, name: string): boolean {
  if (!t.schema) return false;
  const schema = resolveSchema(t.schema.components[t.schema.name], t.schema.components);
  return schema?.properties?.[name] !== undefined;
}
