/**
 * `applyYaml`: `kubectl apply -f` over GraphQL. The YAML may hold several documents (and `v1 List`s
 * of objects); each is server-side-applied, in order, through the registry's apply path to the
 * resource its apiVersion and kind name in the workspace's API set. The schema is compiled per API
 * set, so the field closes over that set's types. Every document is parsed and matched to a
 * resource before anything is written: malformed YAML or an unknown kind applies nothing. A write
 * that fails stops the run; the error names the document, and the ones before it stay applied.
 */
import { GraphQLError } from 'graphql';
import { isPlainObject } from '../meta/index.js';
import { apiVersionOf, errors, parseYamlDocuments, type ResourceType } from '../registry/index.js';
import type { Obj } from './builder.js';
import { authorize, requestContext } from './context.js';
import { registryCall, toGraphQLError } from './errors.js';
import { writeGuard } from './field-guards.js';
import type { MutationFields } from './mutation-fields.js';
import { requireManager } from './write-args.js';

/** One document, matched to its resource. */
interface Target {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  object: Obj;
}

export function applyYamlField(t: MutationFields, types: readonly ResourceType[]) {
  const byKind = new Map<string, ResourceType>();
  for (const rt of types) if (!byKind.has(`${apiVersionOf(rt)}/${rt.kind}`)) byKind.set(`${apiVersionOf(rt)}/${rt.kind}`, rt);
  return t.field({
    type: ['JSON'],
    nullable: { list: false, items: false },
    description:
      'Server-side-applies every object of one or more YAML documents, in order, as `kubectl apply --server-side` does, and returns the objects as applied.',
    extensions: writeGuard('patch', types),
    args: {
      yaml: t.arg.string({ required: true }),
      fieldManager: t.arg.string({ required: true }),
      force: t.arg.boolean({ description: 'Take over fields other managers own instead of failing.' }),
      namespace: t.arg.string({ description: 'For namespaced objects that name no namespace; "default" when omitted.' }),
      dryRun: t.arg.boolean({ description: 'Validate and admit every object, but write nothing.' }),
    },
    resolve: (_root, args, ctx) =>
      registryCall(async () => {
        const targets = parseDocuments(args.yaml).map((o, i) => target(o, i, byKind, args.namespace ?? 'default'));
        // Every document is authorized (as the PATCH REST's server-side apply is) before any is
        // written, so a refused one in the middle leaves nothing half applied.
        for (const [i, d] of targets.entries()) {
          try {
            authorize(ctx, d.type, { verb: 'patch', namespace: d.namespace, name: d.name });
          } catch (e) {
            throw inDocument(e, i, d);
          }
        }
        requireManager(args.fieldManager);
        const applied: unknown[] = [];
        for (const [i, d] of targets.entries()) {
          const options = { fieldManager: args.fieldManager, ...(args.force ? { force: true } : {}), ...(args.dryRun ? { dryRun: true } : {}) };
          try {
            const rc = requestContext(ctx, d.type, { verb: 'patch', namespace: d.namespace, name: d.name });
            applied.push((await ctx.registry.patch(rc, d.type, d.namespace, d.name, 'apply', d.object, options)).object);
          } catch (e) {
            throw inDocument(e, i, d);
          }
        }
        return applied;
      }),
  });
}

/**
 * Every object of the YAML stream, `v1 List`s expanded; empty documents are skipped. Malformed,
 * alias-bombed or over-deep documents are BAD_REQUEST (registry `parseYamlDocuments`).
 */
function parseDocuments(yaml: string): unknown[] {
  const objects: unknown[] = [];
  for (const value of parseYamlDocuments(yaml, (i) => `YAML document ${i + 1}`)) {
    if (isPlainObject(value) && value.apiVersion === 'v1' && value.kind === 'List' && Array.isArray(value.items)) objects.push(...value.items);
    else objects.push(value);
  }
  if (objects.length === 0) throw errors.badRequest('the YAML holds no objects to apply');
  return objects;
}

function target(o: unknown, i: number, byKind: ReadonlyMap<string, ResourceType>, namespace: string): Target {
  const at = `object ${i + 1}`;
  if (!isPlainObject(o)) throw errors.badRequest(`${at} is not a YAML mapping`);
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw errors.badRequest(`${at}: apiVersion and kind must be set`);
  const type = byKind.get(`${o.apiVersion}/${o.kind}`);
  if (!type) throw errors.badRequest(`${at}: no resource for kind ${o.kind} in ${o.apiVersion} in this workspace`);
  const meta = isPlainObject(o.metadata) ? o.metadata : {};
  if (typeof meta.name !== 'string' || meta.name === '') throw errors.badRequest(`${at} (${o.kind}): metadata.name must be set`);
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : namespace;
  return { type, namespace: type.namespaced ? ns : undefined, name: meta.name, object: o };
}

/** The registry's error, its code kept, with the object it was about. */
function inDocument(err: unknown, i: number, d: Target): GraphQLError {
  const g = toGraphQLError(err);
  if (g.extensions.code === 'INTERNAL_SERVER_ERROR') return g;
  const what = `${d.type.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`;
  return new GraphQLError(`object ${i + 1} (${what}): ${g.message}`, { extensions: { ...g.extensions, object: i + 1 } });
}
