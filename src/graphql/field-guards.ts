/**
 * Which permissions make a root field worth showing, recorded on the field itself (its GraphQL
 * `extensions`) when the schema is compiled: a resource's query and subscription fields need any
 * of get, list or watch on it; a mutation field needs its write. Schemas are shared across
 * workspaces and users, so this says only what is needed, never who has it: filtered
 * introspection (schema-view.ts) reads the guards and asks the caller's authorizer.
 */
import type { GraphQLField } from 'graphql';
import type { ResourceType } from '../registry/index.js';

const GUARD = 'atollGuard';

export type GuardVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface GuardedResource {
  group: string;
  resource: string;
  namespaced: boolean;
}

/** Visible when any of `verbs` is allowed on any of `resources`. */
export interface FieldGuard {
  verbs: readonly GuardVerb[];
  resources: readonly GuardedResource[];
}

const READ: readonly GuardVerb[] = ['get', 'list', 'watch'];

const guarded = (t: ResourceType): GuardedResource => ({ group: t.group, resource: t.resource, namespaced: t.namespaced });

/** Field `extensions` for a field reading `t` (a query or a subscription). */
export const readGuard = (t: ResourceType): Record<string, FieldGuard> => ({ [GUARD]: { verbs: READ, resources: [guarded(t)] } });

/** Field `extensions` for a field making `verb` writes to any of `types`. */
export const writeGuard = (verb: GuardVerb, types: readonly ResourceType[]): Record<string, FieldGuard> => ({ [GUARD]: { verbs: [verb], resources: types.map(guarded) } });

export function guardOf(field: Pick<GraphQLField<unknown, unknown>, 'extensions'>): FieldGuard | undefined {
  return (field.extensions as Record<string, FieldGuard | undefined>)[GUARD];
}
