/**
 * Which view of a workspace's schema a caller's introspection sees (schema-view.ts): a resource's
 * fields are shown when the user may do what their guard needs somewhere in the workspace —
 * cluster-wide, or in one of the namespaces where a RoleBinding names them (the only places a
 * namespaced permission can come from), so no namespace list is read.
 *
 * Rules limited by resourceNames do not show a field: the question is asked without a name, as
 * for a list. Such a user can still use the field (it is in the full schema); it is only not
 * advertised.
 */
import type { GraphQLSchema } from 'graphql';
import { resourceAttributes, type AccessControl } from '../auth/index.js';
import type { UserInfo } from '../registry/index.js';
import { SchemaViews, type GuardCheck } from './schema-view.js';

const views = new SchemaViews();

/** How many filtered views are cached (for tests and metrics). */
export const cachedViewCount = (): number => views.size;

export function visibleSchema(access: AccessControl | undefined, cluster: string, user: UserInfo | undefined, schema: GraphQLSchema): GraphQLSchema {
  const authorizer = access?.authorizer;
  if (!access || !authorizer || !user) return schema;
  let namespaces: string[] | undefined;
  const allowedIn = (c: GuardCheck, namespace: string): boolean =>
    access.allows(cluster, resourceAttributes(user, c.verb, { apiGroup: c.group, resource: c.resource, ...(namespace ? { namespace } : {}) }));
  return views.view(schema, (c) => {
    if (allowedIn(c, '')) return true;
    if (!c.namespaced) return false;
    namespaces ??= authorizer.namespacesWithGrants(cluster, user);
    return namespaces.some((ns) => allowedIn(c, ns));
  });
}
