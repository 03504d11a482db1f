/**
 * Arguments shared by the write mutations, turned into what the registry takes: options, the
 * object (JSON keys, not GraphQL field names), and the checks REST makes on its query parameters
 * before calling the registry (apply needs a field manager), so both surfaces refuse alike.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { isPlainObject } from '../meta/index.js';
import { ApiError } from '../registry/index.js';
import type { GraphQLContext } from './context.js';
import { decodeInput } from './input-values.js';

/** Arguments every write may take, read loosely because the namespace argument exists only on namespaced kinds. */
export interface Common {
  namespace?: unknown;
  dryRun?: boolean | null;
  fieldManager?: string | null;
  subresource?: string | null;
}

export const namespaceOf = (args: Common): string | undefined => (typeof args.namespace === 'string' ? args.namespace : undefined);

/** Write options; without a fieldManager the registry names the manager after the user agent, as REST does. */
export function options(args: Common, ctx: Pick<GraphQLContext, 'userAgent'>) {
  return {
    ...(ctx.userAgent ? { userAgent: ctx.userAgent } : {}),
    ...(args.dryRun ? { dryRun: true } : {}),
    ...(args.fieldManager != null ? { fieldManager: args.fieldManager } : {}),
    ...(args.subresource != null ? { subresource: args.subresource } : {}),
  };
}

/** The `object` argument as the registry wants it: JSON keys, not GraphQL field names. */
export function objectArg(info: GraphQLResolveInfo, value: unknown): unknown {
  const arg = info.parentType.getFields()[info.fieldName]?.args.find((a) => a.name === 'object');
  return arg ? decodeInput(arg.type, value) : value;
}

/** The name argument fills in an absent metadata.name, so the object need not repeat it. */
export function named(body: unknown, name: string): unknown {
  if (!isPlainObject(body)) return body;
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  return metadata.name === undefined ? { ...body, metadata: { ...metadata, name } } : body;
}

/** An empty fieldManager would fall back to the user agent's; apply needs a real one (as REST). */
export function requireManager(manager: string): void {
  if (manager !== '') return;
  throw new ApiError('Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
    causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
  });
}
