/**
 * The five writes of one kind as root Mutation fields. Each only translates its arguments into a
 * call of the shared Registry — create, update (PUT), merge patch, delete, server-side apply — so
 * validation, admission, optimistic concurrency, managed fields and errors are exactly REST's.
 * Input objects go through decodeInput, which puts sanitized field names back to their JSON keys.
 */
import { isPlainObject } from '../meta/index.js';
import { apiVersionOf, type DeleteResult, type ResourceType } from '../registry/index.js';
import { requestContext, type Asked } from './context.js';
import { registryCall } from './errors.js';
import { writeGuard } from './field-guards.js';
import type { KindRefs, MutationFields } from './mutation-fields.js';
import { named, namespaceOf, objectArg, options, requireManager, type Common } from './write-args.js';

const DRY_RUN = 'Validate and admit the change, but write nothing; the result is what would have been stored.';
const SUBRESOURCE = 'Write only this subresource of the object, e.g. "status".';
const MANAGER = 'Recorded as the manager of the changed fields in metadata.managedFields.';

/** A write to the named object, as its REST request would be authorized. */
function asked(verb: Asked['verb'], args: Common & { name: string }): Asked {
  return { verb, namespace: namespaceOf(args), name: args.name, subresource: args.subresource ?? undefined };
}

function nameArgs(t: MutationFields, rt: ResourceType) {
  return {
    name: t.arg.string({ required: true }),
    ...(rt.namespaced ? { namespace: t.arg.string({ required: true }) } : {}),
  };
}

export function createField(t: MutationFields, rt: ResourceType, k: KindRefs) {
  return t.field({
    type: k.object,
    description: `Creates the ${rt.kind} given as object. Fails with ALREADY_EXISTS when the name is taken and INVALID (with causes) when the object is not valid.`,
    extensions: writeGuard('create', [rt]),
    args: {
      ...(rt.namespaced ? { namespace: t.arg.string({ required: true }) } : {}),
      object: t.arg({ type: k.input, required: true }),
      dryRun: t.arg.boolean({ description: DRY_RUN }),
      fieldManager: t.arg.string({ description: MANAGER }),
    },
    resolve: (_root, args, ctx, info) =>
      registryCall(() =>
        ctx.registry.create(requestContext(ctx, rt, { verb: 'create', namespace: namespaceOf(args) }), rt, namespaceOf(args), objectArg(info, args.object), options(args, ctx)),
      ),
  });
}

export function updateField(t: MutationFields, rt: ResourceType, k: KindRefs) {
  return t.field({
    type: k.object,
    description: `Replaces the named ${rt.kind} (REST PUT). A metadata.resourceVersion in the object must still be current, or the update fails with CONFLICT.`,
    extensions: writeGuard('update', [rt]),
    args: {
      ...nameArgs(t, rt),
      object: t.arg({ type: k.input, required: true }),
      subresource: t.arg.string({ description: SUBRESOURCE }),
      dryRun: t.arg.boolean({ description: DRY_RUN }),
      fieldManager: t.arg.string({ description: MANAGER }),
    },
    resolve: (_root, args, ctx, info) =>
      registryCall(() =>
        ctx.registry.update(requestContext(ctx, rt, asked('update', args)), rt, namespaceOf(args), args.name, named(objectArg(info, args.object), args.name), options(args, ctx)),
      ),
  });
}

export function patchField(t: MutationFields, rt: ResourceType, k: KindRefs) {
  return t.field({
    type: k.object,
    description: `Changes the named ${rt.kind} with a JSON merge patch (RFC 7386): objects merge, null removes, anything else replaces.`,
    extensions: writeGuard('patch', [rt]),
    args: {
      ...nameArgs(t, rt),
      patch: t.arg({ type: 'JSON', required: true, description: 'The merge patch, with the object’s JSON keys.' }),
      subresource: t.arg.string({ description: SUBRESOURCE }),
      dryRun: t.arg.boolean({ description: DRY_RUN }),
      fieldManager: t.arg.string({ description: MANAGER }),
    },
    resolve: async (_root, args, ctx) =>
      (await registryCall(() => ctx.registry.patch(requestContext(ctx, rt, asked('patch', args)), rt, namespaceOf(args), args.name, 'merge', args.patch, options(args, ctx)))).object,
  });
}

export function deleteField(t: MutationFields, rt: ResourceType, k: KindRefs) {
  return t.field({
    type: k.deleted,
    description: `Deletes the named ${rt.kind}. deleted is false while finalizers keep the object (it then has a deletionTimestamp).`,
    extensions: writeGuard('delete', [rt]),
    args: {
      ...nameArgs(t, rt),
      propagationPolicy: t.arg({ type: k.policy, description: 'What happens to dependents; Background when omitted.' }),
      dryRun: t.arg.boolean({ description: DRY_RUN }),
    },
    resolve: (_root, args, ctx): Promise<DeleteResult> =>
      registryCall(() =>
        ctx.registry.delete(requestContext(ctx, rt, asked('delete', args)), rt, namespaceOf(args), args.name, {
          ...(args.dryRun ? { dryRun: true } : {}),
          ...(args.propagationPolicy != null ? { propagationPolicy: args.propagationPolicy } : {}),
        }),
      ),
  });
}

export function applyField(t: MutationFields, rt: ResourceType, k: KindRefs) {
  return t.field({
    type: k.object,
    description: `Server-side apply of the named ${rt.kind}: creates it or merges the given fields, which fieldManager then owns. Fields another manager owns fail with CONFLICT unless force is set.`,
    // Server-side apply is a PATCH, also when it creates the object: REST authorizes `patch` only.
    extensions: writeGuard('patch', [rt]),
    args: {
      ...nameArgs(t, rt),
      object: t.arg({ type: k.input, required: true, description: 'The fields this manager wants set; apiVersion and kind may be omitted.' }),
      fieldManager: t.arg.string({ required: true }),
      force: t.arg.boolean({ description: 'Take over fields other managers own instead of failing.' }),
      subresource: t.arg.string({ description: SUBRESOURCE }),
      dryRun: t.arg.boolean({ description: DRY_RUN }),
    },
    resolve: async (_root, args, ctx, info) => {
      const given = objectArg(info, args.object);
      const body = { apiVersion: apiVersionOf(rt), kind: rt.kind, ...(isPlainObject(given) ? given : {}) };
      return (
        await registryCall(() => {
          // Authorized before the arguments are checked, as REST authorizes before its handler runs.
          const rc = requestContext(ctx, rt, asked('patch', args));
          requireManager(args.fieldManager);
          return ctx.registry.patch(rc, rt, namespaceOf(args), args.name, 'apply', body, {
            ...options(args, ctx),
            ...(args.force ? { force: true } : {}),
          });
        })
      ).object;
    },
  });
}
