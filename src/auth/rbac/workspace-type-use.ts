/**
 * kcp's second check on workspace creation: besides `create` on workspaces in the parent, the
 * creator needs verb `use` on the WorkspaceType, granted in the workspace that defines the type
 * (`workspacetypes/use` with the type's name). Root's built-in types (`universal`, `organization`,
 * `team`) are usable by whoever may create workspaces, as kcp's default policy allows; the
 * bootstrap policy cannot grant that itself, since it applies in every workspace and a type of
 * the same name elsewhere would be opened up too.
 *
 * Runs after defaulting, which found the workspace that defines the type (a reference written
 * without a path is kept so in `spec.type`); a type on another shard is decided there
 * (Authorizer.decideWhereHeld). Atoll's own controllers (system:masters) pass.
 */
import { errors, isSystem, type AdmissionHook } from '../../registry/index.js';
import { admittedType, BUILTIN_WORKSPACE_TYPES, ROOT_PATH, specOf, workspaces, workspaceTypes, type ClusterResolver } from '../../tenancy/index.js';
import type { Authorizer } from './authorizer.js';
import { forbiddenMessage } from './evaluator.js';
import { resourceAttributes } from './types.js';

export function workspaceTypeUseGuard(authorizer: Authorizer, resolver: ClusterResolver): AdmissionHook {
  return async ({ operation, type, context, object }) => {
    if (operation !== 'CREATE' || type !== workspaces || !object || isSystem(context)) return;
    const ref = admittedType(object) ?? specOf(object).type;
    if (!ref) return;
    const path = ref.path ?? ROOT_PATH;
    if (path === ROOT_PATH && Object.hasOwn(BUILTIN_WORKSPACE_TYPES, ref.name)) return;
    const name = object.metadata.name ?? '';
    const user = context.user;
    if (!user) throw errors.forbidden(workspaces, name, 'no user on request');
    const attributes = resourceAttributes(user, 'use', { apiGroup: workspaceTypes.group, resource: workspaceTypes.resource, name: ref.name });
    const cluster = await resolver.resolve(path);
    // A type in a workspace that vanished meanwhile is nobody's to use; say so as for a refusal.
    // The type's workspace decides, on whichever shard holds it.
    const decision = cluster === undefined ? undefined : await authorizer.decideWhereHeld({ cluster, ...attributes });
    if (decision?.unavailable) throw errors.forbidden(workspaces, name, `${decision.reason} (workspace "${path}")`);
    if (!decision?.allowed) throw errors.forbidden(workspaces, name, `${forbiddenMessage(attributes)} in workspace "${path}"`);
  };
}
